/*
 * store: everything durable, in one SQLite file (the only user of
 * sqlite3.h, through store_priv.h).
 *
 * WAL journal, synchronous=FULL: a function that returns success has
 * committed.  The schema is migrated by PRAGMA user_version.  One
 * connection per struct store, serialised by a mutex, so a handle may be
 * shared by the HTTP threads; the outbox sender and the CLI open their own.
 * Another process (the CLI importing, the daemon serving) sees committed
 * rows at once.
 *
 * Return convention: 0 ok, -1 database error (logged), and for lookups
 * STORE_NOTFOUND (1).  Functions that change state in several tables do it
 * in one transaction, including the audit row and any outbox message.
 *
 * Bookings: store_book.h.  Replacement requests: store_repl.h.  Outbox and
 * MO de-duplication: store_outbox.h.
 */
#ifndef IDLINE_STORE_H
#define IDLINE_STORE_H

#include <stddef.h>

#include "pii.h"

#define STORE_NOTFOUND	1
#define STORE_FULL	2	/* no free seat */
#define STORE_EXISTS	3	/* a unique rule said no */
#define STORE_REFUSED	4	/* a business rule said no (cut-off, ...) */

struct store;

/* What an audit row says; masked by the store before it is written. */
struct store_audit {
	const char	*channel;	/* "ussd", "sms", "cli", "staff" */
	const char	*msisdn;	/* raw; stored masked; may be NULL */
	const char	*actor;		/* staff id/cli user when no msisdn */
	const char	*action;	/* "status_lookup", "book", ... */
	const char	*object;	/* raw reference/code; stored masked */
	const char	*outcome;	/* "shown", "nomatch", "locked", ... */
};

struct store_app {
	char	reference[32];
	char	kind[20];
	char	status[24];
	char	dob_hash[PII_HEX];
	char	msisdn[17];
	char	office[17];
	char	office_name[81];	/* joined from offices, "" if none */
	char	office_short[65];
	long long updated;		/* unix time */
};

/*
 * Opens (creating if needed) and migrates the database at path.  Returns a
 * handle the caller closes with store_close(), or NULL (reason logged and
 * in err).
 */
struct store	*store_open(const char *path, char *err, size_t errlen);
void		 store_close(struct store *st);
/* The pepper for PII hashes: the config's if set, else the database's
 * own random one (created on first use).  Returns a string owned by st. */
const char	*store_pepper(struct store *st, const char *configured);

/* Explicit transactions for multi-call imports (BEGIN IMMEDIATE). */
int	store_begin(struct store *st);
int	store_commit(struct store *st);
void	store_rollback(struct store *st);

/* Audit (inside the caller's transaction when one is open). */
int	store_audit(struct store *st, const struct store_audit *a);
/* Counts audit rows matching action and outcome (NULL = any); tests. */
int	store_audit_count(struct store *st, const char *action,
	    const char *outcome, long long *n);

/* Subscriber language (remembered per phone). */
int	store_lang_get(struct store *st, const char *msisdn, char *lang,
	    size_t n);
int	store_lang_set(struct store *st, const char *msisdn, const char *lang);

/* Applications. */
int	store_app_get(struct store *st, const char *reference,
	    struct store_app *out);
/*
 * Inserts or updates one application (inside a transaction the caller
 * opened).  *old_status receives the previous status ("" when new); a
 * status change is written to the history with source.
 */
int	store_app_upsert(struct store *st, const struct store_app *a,
	    const char *source, char *old_status, size_t n);
int	store_app_set_status(struct store *st, const char *reference,
	    const char *status, const char *source, char *old_status,
	    size_t n);
int	store_app_count(struct store *st, long long *n);
int	store_app_history_count(struct store *st, const char *reference,
	    long long *n);

/*
 * Verification failures and lockouts.  store_fail_record() counts one
 * failure for both keys (hashes) at now and, when a key reaches max
 * failures inside window seconds, locks it until now + lock seconds.
 * store_locked() says whether either key is locked at now.
 */
int	store_fail_record(struct store *st, const char *phone_key,
	    const char *ref_key, long long now, int max, long long window,
	    long long lock);
int	store_locked(struct store *st, const char *phone_key,
	    const char *ref_key, long long now, int *locked);
int	store_lock_count(struct store *st, long long now, long long *n);

/* Key/value settings kept in the database (pepper, last slot run). */
int	store_kv_get(struct store *st, const char *key, char *val, size_t n);
int	store_kv_set(struct store *st, const char *key, const char *val);

#endif
