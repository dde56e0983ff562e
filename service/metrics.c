/*
 * metrics: atomic counters rendered as Prometheus text (see metrics.h).
 */
#include <stdatomic.h>
#include <string.h>

#include "metrics.h"
#include "sbuf.h"

static const char *const metrics_gw_names[METRICS_GW_N] = {
	"africastalking", "kannel_sms", "kannel_ussd"
};
static const char *const metrics_out_names[METRICS_OUTCOME_N] = {
	"con", "end", "duplicate", "bad_request", "forbidden", "error"
};
static const double metrics_buckets[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
};
#define METRICS_NB	(sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

static const char *const metrics_outbox_names[] = {
	"queued", "sent", "retry", "failed", "expired", "delivered"
};
#define METRICS_NOB	\
	(sizeof(metrics_outbox_names) / sizeof(metrics_outbox_names[0]))

static atomic_ullong metrics_hops[METRICS_GW_N][METRICS_OUTCOME_N];
static atomic_ullong metrics_hist[METRICS_NB + 1];
static atomic_ullong metrics_sum_us;
static atomic_ullong metrics_count;
static atomic_ullong metrics_ob[METRICS_NOB];

void
metrics_hop(enum metrics_gw gw, enum metrics_outcome o, double secs)
{
	size_t i;

	atomic_fetch_add(&metrics_hops[gw][o], 1);
	for (i = 0; i < METRICS_NB; i++)
		if (secs <= metrics_buckets[i])
			break;
	atomic_fetch_add(&metrics_hist[i], 1);
	atomic_fetch_add(&metrics_sum_us,
	    (unsigned long long)(secs * 1e6));
	atomic_fetch_add(&metrics_count, 1);
}

void
metrics_outbox(const char *event)
{
	size_t i;

	for (i = 0; i < METRICS_NOB; i++)
		if (strcmp(event, metrics_outbox_names[i]) == 0)
			atomic_fetch_add(&metrics_ob[i], 1);
}

char *
metrics_render(size_t live, long long lockouts, long long queued)
{
	struct sbuf b;
	size_t g, o, i;
	unsigned long long cum = 0;

	sbuf_init(&b);
	sbuf_add(&b, "# HELP idline_hops_total Gateway hops by outcome.\n"
	    "# TYPE idline_hops_total counter\n");
	for (g = 0; g < METRICS_GW_N; g++)
		for (o = 0; o < METRICS_OUTCOME_N; o++)
			sbuf_addf(&b, "idline_hops_total{gateway=\"%s\","
			    "outcome=\"%s\"} %llu\n", metrics_gw_names[g],
			    metrics_out_names[o],
			    atomic_load(&metrics_hops[g][o]));
	sbuf_add(&b, "# HELP idline_hop_seconds Time to answer a hop.\n"
	    "# TYPE idline_hop_seconds histogram\n");
	for (i = 0; i < METRICS_NB; i++) {
		cum += atomic_load(&metrics_hist[i]);
		sbuf_addf(&b, "idline_hop_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_buckets[i], cum);
	}
	cum += atomic_load(&metrics_hist[METRICS_NB]);
	sbuf_addf(&b, "idline_hop_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	sbuf_addf(&b, "idline_hop_seconds_sum %.6f\n",
	    (double)atomic_load(&metrics_sum_us) / 1e6);
	sbuf_addf(&b, "idline_hop_seconds_count %llu\n",
	    atomic_load(&metrics_count));
	sbuf_addf(&b, "# HELP idline_sessions_live USSD/SMS sessions in "
	    "memory.\n# TYPE idline_sessions_live gauge\n"
	    "idline_sessions_live %zu\n", live);
	sbuf_addf(&b, "# HELP idline_lockouts Phones and references locked "
	    "now.\n# TYPE idline_lockouts gauge\nidline_lockouts %lld\n",
	    lockouts);
	sbuf_addf(&b, "# HELP idline_outbox_queued SMS waiting to be sent.\n"
	    "# TYPE idline_outbox_queued gauge\nidline_outbox_queued %lld\n",
	    queued);
	sbuf_add(&b, "# HELP idline_outbox_events_total Outbox sender "
	    "events.\n# TYPE idline_outbox_events_total counter\n");
	for (i = 0; i < METRICS_NOB; i++)
		sbuf_addf(&b, "idline_outbox_events_total{event=\"%s\"} "
		    "%llu\n", metrics_outbox_names[i],
		    atomic_load(&metrics_ob[i]));
	return sbuf_take(&b);
}

void
metrics_reset(void)
{
	size_t g, o;

	for (g = 0; g < METRICS_GW_N; g++)
		for (o = 0; o < METRICS_OUTCOME_N; o++)
			atomic_store(&metrics_hops[g][o], 0);
	for (o = 0; o <= METRICS_NB; o++)
		atomic_store(&metrics_hist[o], 0);
	atomic_store(&metrics_sum_us, 0);
	atomic_store(&metrics_count, 0);
}
