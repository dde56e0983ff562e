/*
 * httpc: outbound HTTP (the only user of libcurl).
 *
 * Used by the outbox sender (Kannel sendsms) and by the terminal phone.
 * Each call is self-contained and thread-safe once httpc_init() ran.
 */
#ifndef IDLINE_HTTPC_H
#define IDLINE_HTTPC_H

#include <stddef.h>

struct httpc_resp {
	long	 status;	/* HTTP status, 0 when no response */
	char	*body;		/* NUL-terminated, owned by the struct */
	size_t	 len;
	char	*kannel_meta;	/* X-Kannel-Meta-Data response header or NULL */
};

/* Process-wide setup/teardown; call once from main. */
int	httpc_init(void);
void	httpc_cleanup(void);

/*
 * Performs one request.  method is "GET" or "POST"; body may be NULL;
 * content_type applies to POST bodies.  Returns 0 when a response arrived
 * (any status), -1 on a transport error (refused, timeout), with a short
 * reason in err.  The caller frees with httpc_resp_free().
 */
int	httpc_request(const char *method, const char *url,
	    const char *content_type, const char *body, size_t bodylen,
	    long timeout_ms, struct httpc_resp *out, char *err, size_t errlen);
void	httpc_resp_free(struct httpc_resp *r);
/* Percent-encodes s for a query string or form body; caller frees. */
char	*httpc_escape(const char *s);

#endif
