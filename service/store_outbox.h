/*
 * store_outbox: SMS waiting to be sent, their delivery reports, and the
 * record of MOs already answered (part of the store module; implemented in
 * store_outbox.c).
 */
#ifndef IDLINE_STORE_OUTBOX_H
#define IDLINE_STORE_OUTBOX_H

#include <stddef.h>

#include "store.h"

/* A message to queue (all strings copied). */
struct store_outbox_msg {
	const char	*msisdn;	/* E.164 */
	const char	*text;		/* final text, in lang */
	const char	*lang;
	const char	*kind;		/* "booking", "reminder", "status", ... */
	const char	*dedupe;	/* unique key or NULL: a second message
					   with the same key is not queued */
	long long	 not_before;	/* unix time, 0 = now */
	long long	 expires_at;	/* unix time, 0 = never */
};

struct store_outbox_row {
	long long	id;
	char		msisdn[17];
	char		text[1024];
	char		lang[8];
	char		kind[16];
	int		attempts;
	long long	expires_at;
};

/* Queues msg; *id may be NULL.  Inside the caller's transaction when one
 * is open (store_begin) -- bookings queue their SMS this way. */
int	store_outbox_add(struct store *st, const struct store_outbox_msg *msg,
	    long long *id);
/* Same, for callers that already hold the store lock (store_*.c only). */
int	store_outbox_add_locked(struct store *st,
	    const struct store_outbox_msg *msg, long long *id);
/*
 * Fetches up to max messages due at now (status queued, next_at <= now),
 * oldest first.  Returns the count (0..max) or -1.
 */
int	store_outbox_due(struct store *st, long long now,
	    struct store_outbox_row *rows, int max);
/* After a send attempt: sent (accepted by Kannel), or retry at next_at
 * with a reason, or failed/expired for good. */
int	store_outbox_sent(struct store *st, long long id, long long now);
int	store_outbox_retry(struct store *st, long long id, long long next_at,
	    const char *reason);
int	store_outbox_final(struct store *st, long long id, const char *status,
	    const char *reason);
/* Records a Kannel DLR value (1 delivered, 2 failed, 4, 8, 16). */
int	store_outbox_dlr(struct store *st, long long id, int dlr);
/* Counts rows in a status (NULL = all). */
int	store_outbox_count(struct store *st, const char *status,
	    long long *n);

/*
 * MO de-duplication: returns 1 and copies the stored reply (may be "")
 * when key was seen less than window seconds ago, else records key with
 * reply and returns 0.  -1 on error.  Old keys are purged here.
 */
int	store_mo_seen(struct store *st, const char *key, long long now,
	    long long window, char *reply, size_t n);
/* Stores the reply for a key recorded by store_mo_seen(). */
int	store_mo_reply(struct store *st, const char *key, const char *reply);

#endif
