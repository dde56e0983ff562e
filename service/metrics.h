/*
 * metrics: counters for /metrics (Prometheus text format).
 *
 * Lock-free (C11 atomics): hops by gateway and outcome, a hop latency
 * histogram, SMS and outbox counters.  Gauges that live elsewhere (live
 * sessions, lockouts) are passed in when the page is rendered.
 */
#ifndef IDLINE_METRICS_H
#define IDLINE_METRICS_H

#include <stddef.h>

enum metrics_gw { METRICS_GW_AT, METRICS_GW_KANNEL_SMS, METRICS_GW_KANNEL_USSD,
	METRICS_GW_N };
enum metrics_outcome { METRICS_CON, METRICS_END, METRICS_DUP, METRICS_BAD,
	METRICS_FORBIDDEN, METRICS_ERROR, METRICS_OUTCOME_N };

void	metrics_hop(enum metrics_gw gw, enum metrics_outcome o, double secs);
void	metrics_outbox(const char *event);	/* "sent", "failed", ... */
/* Renders the page; the caller frees. */
char	*metrics_render(size_t live_sessions, long long lockouts,
	    long long outbox_queued);
/* Resets every counter (tests). */
void	metrics_reset(void);

#endif
