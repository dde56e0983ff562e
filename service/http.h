/*
 * http: the HTTP server (the only user of libmicrohttpd).
 *
 * Routes: POST /ussd/africastalking, GET|POST /sms/kannel,
 * GET /sms/kannel/dlr, GET /healthz, GET /metrics.  Gateway routes accept
 * requests only from the configured CIDRs and, when configured, with the
 * shared secret as the "secret" query parameter.  Bodies over the cap get
 * 413, unknown paths 404, wrong methods 405; a request never crashes the
 * daemon and bad input never gets a 5xx.
 */
#ifndef IDLINE_HTTP_H
#define IDLINE_HTTP_H

struct svc;
struct http;

/* Starts serving in background threads; NULL on failure (logged). */
struct http	*http_start(struct svc *svc);
/* The port actually bound (useful with port 0). */
int		 http_port(struct http *h);
/* Stops accepting new connections (first step of a graceful stop). */
void		 http_quiesce(struct http *h);
/* Waits up to timeout_ms for requests in flight to be answered; returns
 * how many are still in flight. */
int		 http_drain(struct http *h, int timeout_ms);
/* Stops the server and frees everything. */
void		 http_stop(struct http *h);

#endif
