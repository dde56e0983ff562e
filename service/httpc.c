/*
 * httpc: outbound HTTP over libcurl's easy interface (see httpc.h).
 *
 * This is the only file that includes curl/curl.h.  Every request gets its
 * own easy handle, so calls from different threads share nothing but the
 * process-wide state that httpc_init() sets up.  Requests never go through
 * a proxy (not even one named in the environment), only http and https are
 * allowed, redirects are not followed, and a response body larger than
 * HTTPC_MAX_BODY is a transport error rather than a silently cut body.
 * The X-Kannel-Meta-Data response header is kept because Kannel's sendsms
 * and USSD replies carry session data in it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "httpc.h"
#include "sbuf.h"
#include "xmem.h"

#define HTTPC_MAX_BODY	(1024 * 1024)	/* bytes of response body */
#define HTTPC_META_HDR	"X-Kannel-Meta-Data"

/* Per-request state shared by the curl callbacks. */
struct httpc_xfer {
	struct sbuf	 body;
	char		*meta;		/* last X-Kannel-Meta-Data seen */
	int		 too_big;	/* body over HTTPC_MAX_BODY */
};

static size_t	httpc_write_cb(char *, size_t, size_t, void *);
static size_t	httpc_header_cb(char *, size_t, size_t, void *);
static int	httpc_unreserved(unsigned char);

/*
 * Appends a chunk of the response body.  Returning less than asked makes
 * curl abort the transfer with CURLE_WRITE_ERROR, which is how the size
 * limit works even when the server sent no Content-Length.
 */
static size_t
httpc_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_xfer *x = arg;
	size_t n = size * nmemb;

	if (n > HTTPC_MAX_BODY || x->body.len + n > HTTPC_MAX_BODY) {
		x->too_big = 1;
		return 0;
	}
	sbuf_addn(&x->body, data, n);
	return n;
}

/*
 * Called once per header line (status lines of interim responses such as
 * "100 Continue" included).  A new status line forgets the meta-data of an
 * earlier response so only the final response's header is reported.
 */
static size_t
httpc_header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_xfer *x = arg;
	size_t n = size * nmemb, klen = sizeof(HTTPC_META_HDR) - 1;
	const char *v, *end;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		free(x->meta);
		x->meta = NULL;
		return n;
	}
	if (n <= klen || data[klen] != ':' ||
	    strncasecmp(data, HTTPC_META_HDR, klen) != 0)
		return n;
	v = data + klen + 1;
	end = data + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	free(x->meta);
	x->meta = xstrndup(v, (size_t)(end - v));
	return n;
}

int
httpc_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
httpc_cleanup(void)
{
	curl_global_cleanup();
}

/*
 * On return out is always initialised: on success it holds the response
 * (body never NULL), on failure it is empty, so httpc_resp_free() is safe
 * either way.  err gets a short reason on failure.
 */
int
httpc_request(const char *method, const char *url, const char *content_type,
    const char *body, size_t bodylen, long timeout_ms, struct httpc_resp *out,
    char *err, size_t errlen)
{
	CURL *c = NULL;
	struct curl_slist *hdrs = NULL, *more;
	struct httpc_xfer x;
	char cerr[CURL_ERROR_SIZE], *ctline = NULL;
	CURLcode rc;
	long status = 0;
	int post;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	sbuf_init(&x.body);
	cerr[0] = '\0';
	if (errlen > 0)
		err[0] = '\0';

	if (method == NULL || url == NULL) {
		snprintf(err, errlen, "missing method or url");
		goto fail;
	}
	if (strcmp(method, "POST") == 0)
		post = 1;
	else if (strcmp(method, "GET") == 0)
		post = 0;
	else {
		snprintf(err, errlen, "unsupported method %s", method);
		goto fail;
	}
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		goto fail;
	}

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_USERAGENT, "idline");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, httpc_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, httpc_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)HTTPC_MAX_BODY);
	if (timeout_ms > 0) {
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	}

	if (post) {
		/* Small local peers do not answer "Expect: 100-continue";
		 * curl would stall a second before sending a large body. */
		if ((hdrs = curl_slist_append(NULL, "Expect:")) == NULL)
			goto oom;
		if (content_type != NULL) {
			ctline = xasprintf("Content-Type: %s", content_type);
			if ((more = curl_slist_append(hdrs, ctline)) == NULL)
				goto oom;
			hdrs = more;
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body ? bodylen : 0));
	} else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);

	rc = curl_easy_perform(c);
	if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "response body over %d bytes",
		    HTTPC_MAX_BODY);
		goto fail;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s",
		    cerr[0] ? cerr : curl_easy_strerror(rc));
		goto fail;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

	out->status = status;
	out->len = x.body.len;
	out->body = sbuf_take(&x.body);
	out->kannel_meta = x.meta;
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(ctline);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	sbuf_free(&x.body);
	free(x.meta);
	curl_slist_free_all(hdrs);
	if (c != NULL)
		curl_easy_cleanup(c);
	free(ctline);
	return -1;
}

void
httpc_resp_free(struct httpc_resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->kannel_meta);
	memset(r, 0, sizeof(*r));
}

/* RFC 3986 unreserved characters are the only ones left as they are. */
static int
httpc_unreserved(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~';
}

/*
 * Every byte outside the unreserved set becomes %XX (upper-case hex), space
 * included, which both query strings and form bodies accept.  Needs no curl
 * handle, so it is safe before httpc_init().  A NULL s gives "".  The
 * caller frees the result.
 */
char *
httpc_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf b;
	const unsigned char *p;

	sbuf_init(&b);
	if (s == NULL)
		return sbuf_take(&b);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (httpc_unreserved(*p))
			sbuf_addc(&b, (char)*p);
		else {
			sbuf_addc(&b, '%');
			sbuf_addc(&b, hex[*p >> 4]);
			sbuf_addc(&b, hex[*p & 0x0f]);
		}
	}
	return sbuf_take(&b);
}
