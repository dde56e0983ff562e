/*
 * store_outbox: the SMS outbox and the MO de-duplication record (part of
 * the store module, see store_outbox.h).
 *
 * A message is queued with next_at = max(now, not_before) and stays
 * 'queued' until the sender reports it sent (accepted by Kannel) or gives
 * up on it (failed/expired); retries only move next_at.  Kannel delivery
 * reports then move a sent message to 'delivered' or 'failed'.  A message
 * carrying a dedupe key is queued at most once per key, whatever became of
 * the first one (the partial unique index outbox_dedupe).
 *
 * mo_seen remembers the MOs already answered, with the reply, so a gateway
 * that re-posts an MO gets the same answer and no second action.
 *
 * Locking as in store.c: every public function takes st->lock (or opens a
 * transaction with store_tx_begin); store_outbox_add_locked() is for the
 * store's own files, which already hold it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_outbox.h"
#include "store_priv.h"

static int	store_update_one(struct store *, const char *,
		    sqlite3_stmt *);
static int	store_mo_get_locked(struct store *, const char *, char *,
		    size_t);

/*
 * Queues msg; the caller holds st->lock.  Runs inside whatever transaction
 * is open (the caller's, or autocommit).  *id (when not NULL) receives the
 * new row id, or 0 when a message with the same dedupe key exists already:
 * that is not an error and nothing is inserted.  msisdn, text and kind are
 * required; lang and dedupe may be NULL or "".  Returns 0 or -1 (logged).
 */
int
store_outbox_add_locked(struct store *st, const struct store_outbox_msg *msg,
    long long *id)
{
	sqlite3_stmt *s = NULL;
	long long now = (long long)time(NULL), next;
	int rc = -1;

	if (id)
		*id = 0;
	if (msg == NULL || msg->msisdn == NULL || *msg->msisdn == '\0' ||
	    msg->text == NULL || msg->kind == NULL || *msg->kind == '\0') {
		log_err("store_error", "op=outbox_add err=\"bad message\"");
		return -1;
	}
	next = msg->not_before > now ? msg->not_before : now;
	/*
	 * DO NOTHING without a conflict target covers every uniqueness
	 * constraint, the partial index outbox_dedupe included, and unlike
	 * OR IGNORE it does not silently drop NOT NULL or CHECK violations.
	 */
	s = store_prep(st, "INSERT INTO outbox(msisdn, text, lang, kind, "
	    "dedupe, status, attempts, next_at, expires_at, created, updated) "
	    "VALUES(?1, ?2, ?3, ?4, ?5, 'queued', 0, ?6, ?7, ?8, ?8) "
	    "ON CONFLICT DO NOTHING");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, msg->msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, msg->text, -1, SQLITE_STATIC);
	store_bind_opt(s, 3, msg->lang);
	sqlite3_bind_text(s, 4, msg->kind, -1, SQLITE_STATIC);
	store_bind_opt(s, 5, msg->dedupe);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)next);
	if (msg->expires_at > 0)
		sqlite3_bind_int64(s, 7, (sqlite3_int64)msg->expires_at);
	else
		sqlite3_bind_null(s, 7);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "outbox_add");
		goto done;
	}
	if (sqlite3_changes(st->db) == 0)
		log_debug("outbox_dedupe", "kind=%s", msg->kind);
	else if (id)
		*id = (long long)sqlite3_last_insert_rowid(st->db);
	rc = 0;
done:
	sqlite3_finalize(s);
	return rc;
}

int
store_outbox_add(struct store *st, const struct store_outbox_msg *msg,
    long long *id)
{
	int rc;

	pthread_mutex_lock(&st->lock);
	rc = store_outbox_add_locked(st, msg, id);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Copies up to max due messages into rows (owned by the caller), oldest
 * next_at first, ties by id.  expires_at is 0 when the message never
 * expires; the sender decides what to do with an expired one.  Returns the
 * count, or -1 (also for max < 0 or rows NULL with max > 0).
 */
int
store_outbox_due(struct store *st, long long now,
    struct store_outbox_row *rows, int max)
{
	sqlite3_stmt *s;
	struct store_outbox_row *r;
	int n = 0, step = SQLITE_DONE;

	if (max < 0 || (rows == NULL && max > 0))
		return -1;
	if (max == 0)
		return 0;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT id, msisdn, text, lang, kind, attempts, "
	    "expires_at FROM outbox WHERE status = 'queued' AND "
	    "next_at <= ?1 ORDER BY next_at, id LIMIT ?2");
	if (s == NULL) {
		n = -1;
		goto done;
	}
	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	sqlite3_bind_int(s, 2, max);
	while (n < max && (step = sqlite3_step(s)) == SQLITE_ROW) {
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(s, 0);
		store_col(s, 1, r->msisdn, sizeof(r->msisdn));
		store_col(s, 2, r->text, sizeof(r->text));
		store_col(s, 3, r->lang, sizeof(r->lang));
		store_col(s, 4, r->kind, sizeof(r->kind));
		r->attempts = sqlite3_column_int(s, 5);
		r->expires_at = sqlite3_column_int64(s, 6);	/* NULL: 0 */
	}
	if (n < max && step != SQLITE_DONE)
		n = store_fail(st, "outbox_due");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return n;
}

/*
 * Steps s, a bound UPDATE of one row by key, and finalizes it; the caller
 * holds the lock.  Returns 0, STORE_NOTFOUND when no row matched, or -1.
 */
static int
store_update_one(struct store *st, const char *what, sqlite3_stmt *s)
{
	int rc;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_fail(st, what);
	else
		rc = sqlite3_changes(st->db) > 0 ? 0 : STORE_NOTFOUND;
	sqlite3_finalize(s);
	return rc;
}

/*
 * Kannel accepted message id: one more attempt, sent_at = now.  The status
 * becomes 'sent' only from 'queued': a DLR may beat this call, and a
 * message it marked delivered stays delivered.  Returns 0,
 * STORE_NOTFOUND or -1.
 */
int
store_outbox_sent(struct store *st, long long id, long long now)
{
	sqlite3_stmt *s;
	int rc;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "UPDATE outbox SET status = CASE status WHEN "
	    "'queued' THEN 'sent' ELSE status END, sent_at = ?1, "
	    "attempts = attempts + 1, reason = NULL, updated = ?1 "
	    "WHERE id = ?2");
	if (s) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)id);
	}
	rc = store_update_one(st, "outbox_sent", s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * A failed attempt to be tried again at next_at; the message stays queued.
 * Only a queued message can be retried: STORE_NOTFOUND otherwise (or when
 * id does not exist).  reason may be NULL.  Returns 0, STORE_NOTFOUND or
 * -1.
 */
int
store_outbox_retry(struct store *st, long long id, long long next_at,
    const char *reason)
{
	sqlite3_stmt *s;
	int rc;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "UPDATE outbox SET attempts = attempts + 1, "
	    "next_at = ?1, reason = ?2, updated = ?3 "
	    "WHERE id = ?4 AND status = 'queued'");
	if (s) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)next_at);
		store_bind_opt(s, 2, reason);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
		sqlite3_bind_int64(s, 4, (sqlite3_int64)id);
	}
	rc = store_update_one(st, "outbox_retry", s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Gives up on a queued message: status "failed" or "expired" (anything
 * else is -1), with reason (may be NULL).  attempts is not counted here
 * (an expired message may never have been tried).  Returns 0,
 * STORE_NOTFOUND (no queued message id) or -1.
 */
int
store_outbox_final(struct store *st, long long id, const char *status,
    const char *reason)
{
	sqlite3_stmt *s;
	int rc;

	if (status == NULL || (strcmp(status, "failed") != 0 &&
	    strcmp(status, "expired") != 0)) {
		log_err("store_error", "op=outbox_final err=\"bad status\"");
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "UPDATE outbox SET status = ?1, reason = ?2, "
	    "updated = ?3 WHERE id = ?4 AND status = 'queued'");
	if (s) {
		sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
		store_bind_opt(s, 2, reason);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
		sqlite3_bind_int64(s, 4, (sqlite3_int64)id);
	}
	rc = store_update_one(st, "outbox_final", s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Records the latest Kannel DLR value for id.  1 (delivered to the phone)
 * makes the message 'delivered'; 2 and 16 (not delivered, rejected by the
 * SMSC) make it 'failed' with reason "dlr <n>"; any other positive value
 * (4 queued at the SMSC, 8 accepted by the SMSC, ...) is only recorded.
 * dlr <= 0 is -1.  Returns 0, STORE_NOTFOUND or -1.
 */
int
store_outbox_dlr(struct store *st, long long id, int dlr)
{
	sqlite3_stmt *s;
	char reason[16];
	int rc;

	if (dlr <= 0) {
		log_err("store_error", "op=outbox_dlr err=\"bad dlr %d\"", dlr);
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	if (dlr == 1)
		s = store_prep(st, "UPDATE outbox SET dlr = ?1, "
		    "status = 'delivered', reason = NULL, updated = ?2 "
		    "WHERE id = ?3");
	else if (dlr == 2 || dlr == 16)
		s = store_prep(st, "UPDATE outbox SET dlr = ?1, "
		    "status = 'failed', reason = ?4, updated = ?2 "
		    "WHERE id = ?3");
	else
		/* smsbox posts DLRs concurrently: an intermediate report
		 * (4, 8) arriving late never hides a final one. */
		s = store_prep(st, "UPDATE outbox SET dlr = CASE WHEN dlr IN "
		    "(1, 2, 16) THEN dlr ELSE ?1 END, updated = ?2 "
		    "WHERE id = ?3");
	if (s) {
		sqlite3_bind_int(s, 1, dlr);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
		sqlite3_bind_int64(s, 3, (sqlite3_int64)id);
		if (dlr == 2 || dlr == 16) {
			snprintf(reason, sizeof(reason), "dlr %d", dlr);
			sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
		}
	}
	rc = store_update_one(st, "outbox_dlr", s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_outbox_count(struct store *st, const char *status, long long *n)
{
	sqlite3_stmt *s;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT count(*) FROM outbox WHERE "
	    "?1 IS NULL OR status = ?1");
	if (s == NULL)
		goto done;
	store_bind_opt(s, 1, status);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		store_fail(st, "outbox_count");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Copies the reply stored for key into reply (n bytes; NULL/0 to skip);
 * the lock is held.  Returns 1 when key is recorded, 0 when not, -1.
 */
static int
store_mo_get_locked(struct store *st, const char *key, char *reply,
    size_t n)
{
	sqlite3_stmt *s;
	int rc = -1, r;

	if ((s = store_prep(st, "SELECT reply FROM mo_seen WHERE key = ?"))
	    == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		if (reply && n > 0)
			store_col(s, 0, reply, n);
		rc = 1;
	} else if (r == SQLITE_DONE)
		rc = 0;
	else
		store_fail(st, "mo_get");
	sqlite3_finalize(s);
	return rc;
}

/*
 * reply is in/out: on 0 its content (NULL or "" = none yet) is what gets
 * recorded with key; on 1 it receives the stored reply.  Keys recorded at
 * or before now - window are forgotten first.  The check and the insert
 * are one transaction, and INSERT OR IGNORE + changes() makes a lost race
 * (another connection inserting first) answer 1 as well.
 */
int
store_mo_seen(struct store *st, const char *key, long long now,
    long long window, char *reply, size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (key == NULL || *key == '\0') {
		log_err("store_error", "op=mo_seen err=\"empty key\"");
		return -1;
	}
	if (store_tx_begin(st) == -1)
		return -1;
	if ((s = store_prep(st, "DELETE FROM mo_seen WHERE at <= ?")) == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)(now - window));
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "mo_purge");
		goto done;
	}
	sqlite3_finalize(s);
	s = NULL;
	if ((rc = store_mo_get_locked(st, key, reply, n)) != 0)
		goto done;
	rc = -1;
	s = store_prep(st, "INSERT OR IGNORE INTO mo_seen(key, at, reply) "
	    "VALUES(?, ?, ?)");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (reply && n > 0 && *reply)
		sqlite3_bind_text(s, 3, reply, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 3);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "mo_seen");
		goto done;
	}
	if (sqlite3_changes(st->db) > 0)
		rc = 0;
	else
		rc = store_mo_get_locked(st, key, reply, n) == 1 ? 1 : -1;
done:
	sqlite3_finalize(s);
	if (store_tx_end(st, rc != -1) == -1)
		return -1;
	return rc;
}

/* Returns 0, STORE_NOTFOUND (key not recorded, or purged) or -1. */
int
store_mo_reply(struct store *st, const char *key, const char *reply)
{
	sqlite3_stmt *s;
	int rc;

	if (key == NULL)
		return -1;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "UPDATE mo_seen SET reply = ? WHERE key = ?");
	if (s) {
		store_bind_opt(s, 1, reply);
		sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	}
	rc = store_update_one(st, "mo_reply", s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}
