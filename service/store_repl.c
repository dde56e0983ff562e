/*
 * store_repl: replacement requests (part of the store module, see
 * store_repl.h).
 *
 * A request is created 'submitted' and then moves only as repl.h allows;
 * every move, creation included, leaves a repl_history row, and the
 * confirmation or status SMS and the audit row are written in the same
 * transaction, so a request never exists without its record.  "Open"
 * means not rejected/collected/cancelled/expired, the same test as the
 * partial unique index replacements_one_open, which keeps one open request
 * per (reference, kind); we look first so the caller gets the existing
 * ticket rather than a constraint error.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "repl.h"
#include "store_outbox.h"
#include "store_priv.h"
#include "store_repl.h"

#define REPL_SELECT							\
	"SELECT r.ticket, r.reference, r.kind, r.reason, r.police_ref,"	\
	" r.office, o.short_name, r.status, r.prior_count, r.msisdn,"	\
	" r.lang, r.created, r.updated"					\
	" FROM replacements r LEFT JOIN offices o ON o.code = r.office"	\
	" WHERE "
/* Must match the WHERE of replacements_one_open (store.c). */
#define REPL_OPEN							\
	"r.status NOT IN ('rejected','collected','cancelled','expired')"

static int	store_repl_find_locked(struct store *, const char *,
		    const char *, const char *, struct store_repl *);
static int	store_repl_history_locked(struct store *, const char *,
		    const char *, const char *, const char *, long long);
static int	store_repl_prior_locked(struct store *, const char *, int *);
static int	store_repl_insert_locked(struct store *,
		    const struct store_repl *, long long);
static int	store_repl_status_locked(struct store *, const char *, char *,
		    size_t);

/*
 * Runs REPL_SELECT + where with text parameters a and b (b may be NULL
 * when where has one) and copies the first row into out.  Lock held.
 * Returns 0, STORE_NOTFOUND or -1.
 */
static int
store_repl_find_locked(struct store *st, const char *where, const char *a,
    const char *b, struct store_repl *out)
{
	sqlite3_stmt *s;
	char sql[512];
	int rc = -1, r;

	memset(out, 0, sizeof(*out));
	snprintf(sql, sizeof(sql), "%s%s", REPL_SELECT, where);
	if ((s = store_prep(st, sql)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_col(s, 0, out->ticket, sizeof(out->ticket));
		store_col(s, 1, out->reference, sizeof(out->reference));
		store_col(s, 2, out->kind, sizeof(out->kind));
		store_col(s, 3, out->reason, sizeof(out->reason));
		store_col(s, 4, out->police_ref, sizeof(out->police_ref));
		store_col(s, 5, out->office, sizeof(out->office));
		store_col(s, 6, out->office_short, sizeof(out->office_short));
		store_col(s, 7, out->status, sizeof(out->status));
		out->prior_count = sqlite3_column_int(s, 8);
		store_col(s, 9, out->msisdn, sizeof(out->msisdn));
		store_col(s, 10, out->lang, sizeof(out->lang));
		out->created = sqlite3_column_int64(s, 11);
		out->updated = sqlite3_column_int64(s, 12);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "repl_get");
	sqlite3_finalize(s);
	return rc;
}

int
store_repl_get(struct store *st, const char *ticket, struct store_repl *out)
{
	int rc;

	if (ticket == NULL || out == NULL)
		return -1;
	pthread_mutex_lock(&st->lock);
	rc = store_repl_find_locked(st, "r.ticket = ?1", ticket, NULL, out);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_repl_open_for(struct store *st, const char *reference,
    const char *kind, struct store_repl *out)
{
	int rc;

	if (reference == NULL || kind == NULL || out == NULL)
		return -1;
	pthread_mutex_lock(&st->lock);
	rc = store_repl_find_locked(st, "r.reference = ?1 AND r.kind = ?2"
	    " AND " REPL_OPEN, reference, kind, out);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Appends one history row (old NULL or "" for a creation); lock held. */
static int
store_repl_history_locked(struct store *st, const char *ticket,
    const char *old, const char *status, const char *source, long long now)
{
	sqlite3_stmt *s;
	int rc;

	s = store_prep(st, "INSERT INTO repl_history(ticket, old_status, "
	    "new_status, source, at) VALUES(?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ticket, -1, SQLITE_STATIC);
	store_bind_opt(s, 2, old);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 :
	    store_fail(st, "repl_history");
	sqlite3_finalize(s);
	return rc;
}

/* Counts every request ever made for reference into *n; lock held. */
static int
store_repl_prior_locked(struct store *st, const char *reference, int *n)
{
	sqlite3_stmt *s;
	int rc = -1;

	s = store_prep(st, "SELECT count(*) FROM replacements "
	    "WHERE reference = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, reference, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int(s, 0);
		rc = 0;
	} else
		store_fail(st, "repl_prior");
	sqlite3_finalize(s);
	return rc;
}

/*
 * Inserts r as 'submitted' with r->prior_count, created = updated = now;
 * lock held.  A ticket that exists already is logged as a collision.
 * Returns 0 or -1.
 */
static int
store_repl_insert_locked(struct store *st, const struct store_repl *r,
    long long now)
{
	sqlite3_stmt *s;
	int rc = 0;

	s = store_prep(st, "INSERT INTO replacements(ticket, reference, kind,"
	    " reason, police_ref, office, status, prior_count, msisdn, lang,"
	    " created, updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'submitted',"
	    " ?7, ?8, ?9, ?10, ?10)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, r->ticket, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC);
	store_bind_opt(s, 5, r->police_ref);
	sqlite3_bind_text(s, 6, r->office, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, r->prior_count);
	store_bind_opt(s, 8, r->msisdn);
	store_bind_opt(s, 9, r->lang);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY)
			log_err("repl_ticket_collision", "n=%zu",
			    strlen(r->ticket));
		rc = store_fail(st, "repl_insert");
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_repl_create(struct store *st, struct store_repl *r,
    const struct store_audit *audit, const struct store_outbox_msg *msg,
    struct store_repl *existing)
{
	struct store_repl cur;
	const char *source;
	long long now = (long long)time(NULL);
	int rc = -1;

	if (r == NULL || *r->ticket == '\0' || *r->reference == '\0' ||
	    !repl_kind_valid(r->kind) || !repl_reason_valid(r->reason) ||
	    *r->office == '\0') {
		log_err("store_error", "op=repl_create err=\"bad request\"");
		return -1;
	}
	source = audit && audit->channel ? audit->channel : "ussd";
	if (store_tx_begin(st) == -1)
		return -1;
	rc = store_repl_find_locked(st, "r.reference = ?1 AND r.kind = ?2"
	    " AND " REPL_OPEN, r->reference, r->kind, &cur);
	if (rc == 0) {
		if (existing)
			*existing = cur;
		rc = STORE_EXISTS;
		goto done;
	}
	if (rc == -1)
		goto done;
	rc = -1;
	if (store_repl_prior_locked(st, r->reference, &r->prior_count) == -1 ||
	    store_repl_insert_locked(st, r, now) == -1 ||
	    store_repl_history_locked(st, r->ticket, NULL, "submitted",
	    source, now) == -1)
		goto done;
	if (msg && store_outbox_add_locked(st, msg, NULL) == -1)
		goto done;
	if (audit && store_audit_locked(st, audit) == -1)
		goto done;
	/* Hand back what was stored, office_short included. */
	if (store_repl_find_locked(st, "r.ticket = ?1", r->ticket, NULL,
	    &cur) != 0)
		goto done;
	*r = cur;
	rc = 0;
done:
	if (store_tx_end(st, rc != -1) == -1)
		return -1;
	return rc;
}

/* Reads the status of ticket into buf ("" if none); lock held. */
static int
store_repl_status_locked(struct store *st, const char *ticket, char *buf,
    size_t n)
{
	sqlite3_stmt *s;
	int r;

	*buf = '\0';
	s = store_prep(st, "SELECT status FROM replacements WHERE ticket = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ticket, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		store_col(s, 0, buf, n);
	sqlite3_finalize(s);
	return (r == SQLITE_ROW || r == SQLITE_DONE) ? 0 :
	    store_fail(st, "repl_status");
}

int
store_repl_set_status(struct store *st, const char *ticket, const char *to,
    const char *source, const struct store_outbox_msg *msg)
{
	sqlite3_stmt *s = NULL;
	char old[24];
	long long now = (long long)time(NULL);
	int rc = -1;

	if (ticket == NULL || to == NULL || source == NULL) {
		log_err("store_error", "op=repl_set_status err=\"bad args\"");
		return -1;
	}
	if (store_tx_begin(st) == -1)
		return -1;
	if (store_repl_status_locked(st, ticket, old, sizeof(old)) == -1)
		goto done;
	if (*old == '\0') {
		rc = STORE_NOTFOUND;
		goto done;
	}
	if (!repl_transition_ok(old, to)) {
		log_info("repl_refused", "from=%s to=%.24s", old, to);
		rc = STORE_REFUSED;
		goto done;
	}
	s = store_prep(st, "UPDATE replacements SET status = ?, updated = ? "
	    "WHERE ticket = ?");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	sqlite3_bind_text(s, 3, ticket, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "repl_set_status");
		goto done;
	}
	if (store_repl_history_locked(st, ticket, old, to, source, now) == -1)
		goto done;
	if (msg && store_outbox_add_locked(st, msg, NULL) == -1)
		goto done;
	rc = 0;
done:
	sqlite3_finalize(s);
	if (store_tx_end(st, rc != -1) == -1)
		return -1;
	return rc;
}
