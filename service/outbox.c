/*
 * outbox: queued SMS -> Kannel sendsms with retries (see outbox.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "httpc.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "sbuf.h"
#include "store.h"
#include "store_outbox.h"
#include "text.h"
#include "xmem.h"

#define OUTBOX_BATCH	32

struct outbox {
	const struct conf	*conf;
	struct store		*st;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 stop;
};

static void	*outbox_run(void *);
static int	 outbox_send(struct outbox *, const struct store_outbox_row *,
		    char *, size_t);

long long
outbox_backoff(int attempt, int cap)
{
	long long d = 5;
	int i;

	for (i = 1; i < attempt && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/*
 * Sends one message.  Returns 1 when Kannel accepted it (202), 0 when it
 * should be retried (reason in why), -1 when it never will be.
 */
static int
outbox_send(struct outbox *o, const struct store_outbox_row *r, char *why,
    size_t n)
{
	const struct conf *c = o->conf;
	struct httpc_resp resp;
	struct sbuf url;
	enum text_enc enc = TEXT_GSM7;
	size_t units;
	char *e, *dlr, err[128];
	int rc;

	if (text_measure(r->text, &enc, &units) == -1) {
		snprintf(why, n, "invalid text");
		return -1;
	}
	sbuf_init(&url);
	sbuf_add(&url, c->sendsms_url);
	sbuf_addc(&url, strchr(c->sendsms_url, '?') ? '&' : '?');
	e = httpc_escape(c->sendsms_user);
	sbuf_addf(&url, "username=%s", e);
	free(e);
	e = httpc_escape(c->sendsms_pass);
	sbuf_addf(&url, "&password=%s", e);
	free(e);
	e = httpc_escape(c->sms_from);
	sbuf_addf(&url, "&from=%s", e);
	free(e);
	e = httpc_escape(r->msisdn);
	sbuf_addf(&url, "&to=%s", e);
	free(e);
	e = httpc_escape(r->text);
	sbuf_addf(&url, "&text=%s&charset=UTF-8", e);
	free(e);
	if (enc == TEXT_UCS2)
		sbuf_add(&url, "&coding=2");
	dlr = xasprintf("%s%sid=%lld&status=%%d", c->dlr_url,
	    strchr(c->dlr_url, '?') ? "&" : "?", r->id);
	e = httpc_escape(dlr);
	sbuf_addf(&url, "&dlr-mask=31&dlr-url=%s", e);
	free(e);
	free(dlr);
	memset(&resp, 0, sizeof(resp));
	rc = httpc_request("GET", url.s, NULL, NULL, 0, 10000, &resp, err,
	    sizeof(err));
	sbuf_free(&url);
	if (rc == -1) {
		snprintf(why, n, "kannel unreachable: %s", err);
		return 0;
	}
	rc = resp.status == 202 ? 1 : 0;
	if (!rc)
		snprintf(why, n, "kannel answered %ld", resp.status);
	httpc_resp_free(&resp);
	return rc;
}

int
outbox_tick(struct outbox *o)
{
	struct store_outbox_row *rows;
	long long now = (long long)time(NULL), next;
	char why[160], m[32];
	int n, i, rc, sent = 0;
	useconds_t gap = (useconds_t)(1000000 / o->conf->send_rate);

	rows = xcalloc(OUTBOX_BATCH, sizeof(*rows));
	n = store_outbox_due(o->st, now, rows, OUTBOX_BATCH);
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&o->lock);
		rc = o->stop;
		pthread_mutex_unlock(&o->lock);
		if (rc)
			break;
		log_mask_msisdn(rows[i].msisdn, m, sizeof(m));
		if (rows[i].expires_at && rows[i].expires_at <= now) {
			store_outbox_final(o->st, rows[i].id, "expired",
			    "expired before it could be sent");
			metrics_outbox("expired");
			log_info("outbox_expired", "id=%lld to=%s", rows[i].id,
			    m);
			continue;
		}
		rc = outbox_send(o, &rows[i], why, sizeof(why));
		if (rc == 1) {
			store_outbox_sent(o->st, rows[i].id, now);
			metrics_outbox("sent");
			log_info("outbox_sent", "id=%lld to=%s kind=%s",
			    rows[i].id, m, rows[i].kind);
			sent++;
		} else if (rc == 0 && rows[i].attempts + 1 <
		    o->conf->send_max_attempts) {
			next = now + outbox_backoff(rows[i].attempts + 1,
			    o->conf->send_backoff_max);
			store_outbox_retry(o->st, rows[i].id, next, why);
			metrics_outbox("retry");
			log_warn("outbox_retry", "id=%lld to=%s attempt=%d "
			    "reason=\"%s\"", rows[i].id, m,
			    rows[i].attempts + 1, why);
		} else {
			store_outbox_final(o->st, rows[i].id, "failed", why);
			metrics_outbox("failed");
			log_warn("outbox_failed", "id=%lld to=%s reason=\"%s\"",
			    rows[i].id, m, why);
		}
		usleep(gap);
	}
	free(rows);
	return sent;
}

static void *
outbox_run(void *arg)
{
	struct outbox *o = arg;
	struct timespec ts;

	pthread_mutex_lock(&o->lock);
	while (!o->stop) {
		pthread_mutex_unlock(&o->lock);
		outbox_tick(o);
		pthread_mutex_lock(&o->lock);
		if (o->stop)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&o->cond, &o->lock, &ts);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

struct outbox *
outbox_start(const struct conf *conf)
{
	struct outbox *o = xcalloc(1, sizeof(*o));
	char err[256];

	o->conf = conf;
	if ((o->st = store_open(conf->database, err, sizeof(err))) == NULL) {
		free(o);
		return NULL;
	}
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	if (pthread_create(&o->thread, NULL, outbox_run, o) != 0) {
		store_close(o->st);
		free(o);
		return NULL;
	}
	return o;
}

void
outbox_stop(struct outbox *o)
{
	if (o == NULL)
		return;
	pthread_mutex_lock(&o->lock);
	o->stop = 1;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	pthread_join(o->thread, NULL);
	store_close(o->st);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	free(o);
}
