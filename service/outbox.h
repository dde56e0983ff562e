/*
 * outbox: the sender that drains queued SMS to Kannel's sendsms.
 *
 * A background thread with its own store handle: every tick it takes the
 * messages due, sends each (GSM-7 when the text allows, else UCS-2 with
 * coding=2), at most rate_per_second, with dlr-mask 31 and a dlr-url that
 * carries the outbox id.  HTTP 202 marks a message sent; anything else
 * (Kannel down, 4xx, 5xx) retries with exponential backoff up to a cap, and
 * after max_attempts the message fails for good.  Expired messages (a
 * reminder after its appointment) are dropped with a reason.  Rows live in
 * SQLite, so nothing is lost across restarts.
 */
#ifndef IDLINE_OUTBOX_H
#define IDLINE_OUTBOX_H

struct conf;
struct outbox;

/* Starts the sender on the database at conf->database; NULL on error. */
struct outbox	*outbox_start(const struct conf *conf);
/* Stops the sender after the message in flight. */
void		 outbox_stop(struct outbox *o);
/* One pass over the due messages (also used by tests); sent count. */
int		 outbox_tick(struct outbox *o);
/* The backoff before attempt n (1-based) in seconds, capped. */
long long	 outbox_backoff(int attempt, int cap);

#endif
