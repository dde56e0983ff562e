/*
 * http: libmicrohttpd daemon, routing, per-request state and limits (see
 * http.h).
 *
 * Per-request state lives in *con_cls from the first callback and is freed
 * in exactly one place, the request-completed callback.  Bodies are
 * collected raw up to the cap, then form bodies are decoded with MHD's own
 * post processor.  Every queued response is destroyed at once.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <stdint.h>
#include <strings.h>
#include <time.h>

#include <stdatomic.h>
#include <unistd.h>

#include <microhttpd.h>

#include "conf.h"
#include "gw.h"
#include "gw_at.h"
#include "gw_kannel.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "sbuf.h"
#include "sess.h"
#include "store.h"
#include "store_outbox.h"
#include "svc.h"
#include "xmem.h"

#define HTTP_MAX_FIELDS	32

enum http_route { R_NONE, R_AT, R_KANNEL, R_DLR, R_HEALTH, R_METRICS };

struct http {
	struct MHD_Daemon	*d;
	atomic_int		 receiving;	/* headers in, body not yet */
	atomic_int		 ready;		/* whole request in, not yet
						   completed */
	atomic_llong		 last_rx_ms;	/* last bytes of any request */
	struct svc		*svc;
	char			*cert, *key;
};

struct http_req {
	enum http_route		 route;
	int			 too_big;
	struct sbuf		 body;
	struct gw_field		 fields[HTTP_MAX_FIELDS];
	size_t			 nfields;
	int			 too_many;
	int			 phase;		/* 1 receiving, 2 ready */
	char			 peer[INET6_ADDRSTRLEN];
};

static enum MHD_Result	http_handler(void *, struct MHD_Connection *,
			    const char *, const char *, const char *,
			    const char *, size_t *, void **);
static void		http_completed(void *, struct MHD_Connection *,
			    void **, enum MHD_RequestTerminationCode);
static enum MHD_Result	http_send(struct MHD_Connection *, int, const char *,
			    const char *, int, const char *);
static enum MHD_Result	http_add_arg(void *, enum MHD_ValueKind,
			    const char *, size_t, const char *, size_t);
static enum MHD_Result	http_post_iter(void *, enum MHD_ValueKind,
			    const char *, const char *, const char *,
			    const char *, const char *, uint64_t, size_t);
static void		http_field_set(struct http_req *, const char *,
			    const char *, size_t, int);
static int		http_gate(struct http *, struct http_req *,
			    struct MHD_Connection *, int *);
static void		http_peer(struct MHD_Connection *, char *, size_t);
static char		*http_read_file(const char *);
static int		 http_is_form(const char *);
static long long	 http_now_ms(void);

/* Adds or (append != 0) extends a field; NULs are kept in len. */
static void
http_field_set(struct http_req *q, const char *name, const char *val,
    size_t len, int append)
{
	struct gw_field *f = NULL;
	size_t i, old;
	char *v;

	for (i = 0; i < q->nfields; i++)
		if (strcmp(q->fields[i].name, name) == 0)
			f = &q->fields[i];
	if (f == NULL) {
		if (q->nfields == HTTP_MAX_FIELDS) {
			q->too_many = 1;
			return;
		}
		f = &q->fields[q->nfields++];
		f->name = xstrdup(name);
		f->value = NULL;
		f->len = 0;
		append = 0;
	}
	if (!append && f->value != NULL) {
		/* A repeated field: the first one wins. */
		return;
	}
	old = append ? f->len : 0;
	v = xmalloc(old + len + 1);
	if (old)
		memcpy(v, f->value, old);
	if (len)
		memcpy(v + old, val, len);
	v[old + len] = '\0';
	free((char *)(uintptr_t)f->value);
	f->value = v;
	f->len = old + len;
}

static enum MHD_Result
http_add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	(void)key_size;
	http_field_set(cls, key, value ? value : "", value ? value_size : 0,
	    0);
	return MHD_YES;
}

static enum MHD_Result
http_post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	http_field_set(cls, key, data ? data : "", size, off > 0);
	return MHD_YES;
}

static enum MHD_Result
http_send(struct MHD_Connection *c, int status, const char *body,
    const char *ctype, int ucs2, const char *meta)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)
	    body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (ucs2)
		MHD_add_response_header(r, "X-Kannel-Coding", "2");
	if (meta && *meta)
		MHD_add_response_header(r, "X-Kannel-Meta-Data", meta);
	rc = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static void
http_peer(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, n, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, buf, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)n);
}

/*
 * Gateway routes: source address allowlist and shared secret.  Returns 1
 * when the request may go on, else 0 with *status set.
 */
static int
http_gate(struct http *h, struct http_req *q, struct MHD_Connection *c,
    int *status)
{
	const struct conf_gw *gw = q->route == R_AT ? &h->svc->conf->gw_at :
	    &h->svc->conf->gw_kannel;
	const char *secret;

	if (!conf_ip_allowed(gw->allow, gw->nallow, q->peer)) {
		log_warn("forbidden", "route=%d peer=%s reason=source",
		    (int)q->route, q->peer);
		*status = 403;
		return 0;
	}
	if (*gw->secret) {
		secret = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "secret");
		if (secret == NULL || strlen(secret) != strlen(gw->secret) ||
		    memcmp(secret, gw->secret, strlen(secret)) != 0) {
			log_warn("forbidden", "route=%d peer=%s "
			    "reason=secret", (int)q->route, q->peer);
			*status = 403;
			return 0;
		}
	}
	return 1;
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http *h = cls;
	struct http_req *q = *con_cls;
	struct MHD_PostProcessor *pp;
	struct gw_request req;
	struct gw_reply rep;
	const char *clen, *ctype;
	char *page;
	int status, is_get, is_post;
	long long lockouts = 0, queued = 0;
	enum MHD_Result rc;

	(void)version;
	is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	is_post = strcmp(method, "POST") == 0;
	if (q == NULL) {
		q = xcalloc(1, sizeof(*q));
		sbuf_init(&q->body);
		*con_cls = q;
		/* In flight from its headers until it completes: a graceful
		 * stop waits for its answer (see http_drain). */
		q->phase = 1;
		atomic_fetch_add(&h->receiving, 1);
		atomic_store(&h->last_rx_ms, http_now_ms());
		http_peer(c, q->peer, sizeof(q->peer));
		if (strcmp(url, "/ussd/africastalking") == 0)
			q->route = R_AT;
		else if (strcmp(url, "/sms/kannel") == 0)
			q->route = R_KANNEL;
		else if (strcmp(url, "/sms/kannel/dlr") == 0)
			q->route = R_DLR;
		else if (strcmp(url, "/healthz") == 0)
			q->route = R_HEALTH;
		else if (strcmp(url, "/metrics") == 0)
			q->route = R_METRICS;
		else
			return http_send(c, 404, "not found\n",
			    "text/plain", 0, NULL);
		if ((q->route == R_AT && !is_post) ||
		    (q->route == R_KANNEL && !is_get && !is_post) ||
		    ((q->route == R_DLR || q->route == R_HEALTH ||
		    q->route == R_METRICS) && !is_get))
			return http_send(c, 405, "method not allowed\n",
			    "text/plain", 0, NULL);
		if ((q->route == R_AT || q->route == R_KANNEL ||
		    q->route == R_DLR) && !http_gate(h, q, c, &status)) {
			metrics_hop(q->route == R_AT ? METRICS_GW_AT :
			    METRICS_GW_KANNEL_SMS, METRICS_FORBIDDEN, 0);
			return http_send(c, status, "forbidden\n",
			    "text/plain", 0, NULL);
		}
		clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (clen && strtoull(clen, NULL, 10) >
		    (unsigned long long)h->svc->conf->max_body)
			return http_send(c, 413, "request body too large\n",
			    "text/plain", 0, NULL);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		atomic_store(&h->last_rx_ms, http_now_ms());
		if (q->body.len + *upload_size >
		    (size_t)h->svc->conf->max_body)
			q->too_big = 1;
		else
			sbuf_addn(&q->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (q->phase == 1) {
		q->phase = 2;
		atomic_fetch_sub(&h->receiving, 1);
		atomic_fetch_add(&h->ready, 1);
	}
	if (q->too_big)
		return http_send(c, 413, "request body too large\n",
		    "text/plain", 0, NULL);
	/* The whole request is here. */
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, http_add_arg, q);
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (is_post && q->body.len > 0 && http_is_form(ctype)) {
		pp = MHD_create_post_processor(c, 1024, http_post_iter, q);
		if (pp == NULL || MHD_post_process(pp, q->body.s,
		    q->body.len) != MHD_YES) {
			if (pp)
				MHD_destroy_post_processor(pp);
			return http_send(c, 400, "malformed form body\n",
			    "text/plain", 0, NULL);
		}
		MHD_destroy_post_processor(pp);
	}
	if (q->too_many)
		return http_send(c, 400, "too many fields\n", "text/plain", 0,
		    NULL);
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	req.method = method;
	req.peer = q->peer;
	req.fields = q->fields;
	req.nfields = q->nfields;
	req.body = q->body.s ? q->body.s : "";
	req.bodylen = q->body.len;
	switch (q->route) {
	case R_AT:
		gw_at_handle(h->svc, &req, &rep);
		break;
	case R_KANNEL:
		gw_kannel_handle(h->svc, &req, &rep);
		break;
	case R_DLR:
		gw_kannel_dlr(h->svc, &req, &rep);
		break;
	case R_HEALTH:
		gw_reply_text(&rep, 200, "ok\n");
		break;
	case R_METRICS:
		if (h->svc->store) {
			store_lock_count(h->svc->store, (long long)time(NULL),
			    &lockouts);
			store_outbox_count(h->svc->store, "queued", &queued);
		}
		page = metrics_render(sess_count(h->svc->ussd_sessions) +
		    sess_count(h->svc->sms_sessions), lockouts, queued);
		rc = http_send(c, 200, page, "text/plain; version=0.0.4", 0,
		    NULL);
		free(page);
		return rc;
	case R_NONE:
		gw_reply_text(&rep, 404, "not found\n");
		break;
	}
	rc = http_send(c, rep.status, rep.body ? rep.body : "",
	    "text/plain; charset=utf-8", rep.ucs2, rep.kannel_meta);
	free(rep.body);
	free(rep.kannel_meta);
	return rc;
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct http *h = cls;
	struct http_req *q = *con_cls;
	size_t i;

	(void)c;
	(void)why;
	if (q == NULL)
		return;
	if (q->phase == 1)
		atomic_fetch_sub(&h->receiving, 1);
	else if (q->phase == 2)
		atomic_fetch_sub(&h->ready, 1);
	for (i = 0; i < q->nfields; i++) {
		free((char *)(uintptr_t)q->fields[i].name);
		free((char *)(uintptr_t)q->fields[i].value);
	}
	sbuf_free(&q->body);
	free(q);
	*con_cls = NULL;
}

static long long
http_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when a Content-Type is application/x-www-form-urlencoded (any
 * parameters after ';'). */
static int
http_is_form(const char *ctype)
{
	size_t n = strlen(MHD_HTTP_POST_ENCODING_FORM_URLENCODED);

	if (ctype == NULL || strncasecmp(ctype,
	    MHD_HTTP_POST_ENCODING_FORM_URLENCODED, n) != 0)
		return 0;
	ctype += n;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

/* Reads a whole PEM file; NULL on error.  Caller frees. */
static char *
http_read_file(const char *path)
{
	FILE *f;
	struct sbuf b;
	char buf[4096];
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_addn(&b, buf, n);
	fclose(f);
	return sbuf_take(&b);
}

struct http *
http_start(struct svc *svc)
{
	struct http *h = xcalloc(1, sizeof(*h));
	struct sockaddr_in sa;
	char host[64], *colon;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_ITC |
	    MHD_USE_ERROR_LOG;
	int port;

	h->svc = svc;
	snprintf(host, sizeof(host), "%s", svc->conf->listen);
	if ((colon = strrchr(host, ':')) == NULL)
		goto fail;
	*colon = '\0';
	port = atoi(colon + 1);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		log_err("http_listen", "listen=%s reason=\"need an IPv4 "
		    "address\"", svc->conf->listen);
		goto fail;
	}
	if (*svc->conf->tls_cert) {
		h->cert = http_read_file(svc->conf->tls_cert);
		h->key = http_read_file(svc->conf->tls_key);
		if (h->cert == NULL || h->key == NULL) {
			log_err("http_tls", "reason=\"cannot read certificate "
			    "or key\"");
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, http_handler, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)svc->conf->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)svc->conf->conn_timeout,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, h,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    h->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, h->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, h->key,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		log_err("http_listen", "listen=%s reason=\"cannot start "
		    "HTTP server (port in use?)\"", svc->conf->listen);
		goto fail;
	}
	return h;
fail:
	free(h->cert);
	free(h->key);
	free(h);
	return NULL;
}

int
http_port(struct http *h)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? (int)i->port : -1;
}

void
http_quiesce(struct http *h)
{
	if (h && h->d)
		MHD_quiesce_daemon(h->d);
}

/*
 * Waits for requests in flight: every request fully received until it is
 * answered, and requests still arriving as long as bytes keep coming (a
 * client that went quiet for a second, or vanished mid-body, is not waited
 * for: libmicrohttpd only notices those at its connection timeout).
 */
int
http_drain(struct http *h, int timeout_ms)
{
	long long t0 = http_now_ms();

	if (h == NULL)
		return 0;
	while (http_now_ms() - t0 < timeout_ms) {
		if (atomic_load(&h->ready) == 0 &&
		    (atomic_load(&h->receiving) == 0 ||
		    http_now_ms() - atomic_load(&h->last_rx_ms) > 1000))
			return 0;
		usleep(10000);
	}
	return atomic_load(&h->ready) + atomic_load(&h->receiving);
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->d)
		MHD_stop_daemon(h->d);
	free(h->cert);
	free(h->key);
	free(h);
}
