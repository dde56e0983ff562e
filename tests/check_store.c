/*
 * check_store: unit tests for service/store.c against real SQLite files.
 *
 * Every test gets a fresh database in its own mkdtemp() directory.  What
 * the store has no getter for (schema version, history rows, the audit
 * table's contents) is read through a second, plain sqlite3 connection so
 * the checks do not depend on the code under test.  "core" covers
 * migrations, applications and their history, lockouts with explicit
 * times, masked audit rows, languages, kv and the pepper, explicit
 * transactions and a second handle on the same file; "limits" covers files
 * that are not databases or are too new, constraint failures, odd keys
 * and values, and threads sharing one handle.
 */
#include <check.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_book.h"

#define NTHREADS	4
#define NFAILS		50

static char		 tmpdir[64];
static char		 dbpath[128];
static struct store	*st;

static void		 setup(void);
static void		 teardown(void);
static long long	 q(const char *);
static char		*qs(const char *);
static void		 app_set(struct store_app *, const char *,
			    const char *, const char *);
static int		 upsert(const struct store_app *, char *, size_t);
static int		 locked(const char *, const char *, long long);
static void		*fail_thread(void *);
static Suite		*store_suite(void);

static void
setup(void)
{
	char err[256];

	log_set_level(LOG_LVL_ERR);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/idline.db", tmpdir);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_open: %s", err);
}

static void
teardown(void)
{
	char p[192];

	store_close(st);
	st = NULL;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s/junk.db", tmpdir);
	unlink(p);
	rmdir(tmpdir);
}

/* One integer from sql on a separate connection; -1 when no row. */
static long long
q(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* One text from sql (NULL -> "(null)", no row -> "(none)"); caller frees. */
static char *
qs(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	const unsigned char *t;
	char *v;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		t = sqlite3_column_text(s, 0);
		v = strdup(t ? (const char *)t : "(null)");
	} else
		v = strdup("(none)");
	sqlite3_finalize(s);
	sqlite3_close(db);
	ck_assert_ptr_nonnull(v);
	return v;
}

static void
app_set(struct store_app *a, const char *ref, const char *kind,
    const char *status)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->reference, sizeof(a->reference), "%s", ref);
	snprintf(a->kind, sizeof(a->kind), "%s", kind);
	snprintf(a->status, sizeof(a->status), "%s", status);
	snprintf(a->dob_hash, sizeof(a->dob_hash), "%064d", 7);
	snprintf(a->msisdn, sizeof(a->msisdn), "+256700000001");
}

/* store_app_upsert in its own explicit transaction. */
static int
upsert(const struct store_app *a, char *old, size_t n)
{
	int rc;

	ck_assert_int_eq(store_begin(st), 0);
	if ((rc = store_app_upsert(st, a, "test", old, n)) == 0)
		ck_assert_int_eq(store_commit(st), 0);
	else
		store_rollback(st);
	return rc;
}

/* 1 when the pair is locked at now (asserts the call worked). */
static int
locked(const char *phone, const char *ref, long long now)
{
	int l = -1;

	ck_assert_int_eq(store_locked(st, phone, ref, now, &l), 0);
	ck_assert(l == 0 || l == 1);
	return l;
}

/* --- core ----------------------------------------------------------- */

START_TEST(test_open_migrate)
{
	char err[256], val[32], *mode;
	long long n;

	ck_assert_int_eq(q("PRAGMA user_version"), 1);
	mode = qs("PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	n = q("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('kv','offices','holidays','applications','app_history',"
	    "'slots','bookings','replacements','repl_history','subscribers',"
	    "'outbox','mo_seen','audit','failures','locks')");
	ck_assert_int_eq(n, 15);
	ck_assert_int_eq(store_kv_set(st, "marker", "kept"), 0);
	/* Reopening migrates nothing and keeps the data. */
	store_close(st);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st != NULL, "reopen: %s", err);
	ck_assert_int_eq(q("PRAGMA user_version"), 1);
	ck_assert_int_eq(store_kv_get(st, "marker", val, sizeof(val)), 0);
	ck_assert_str_eq(val, "kept");
	ck_assert_int_eq(store_app_count(st, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_lock_count(st, 0, &n), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_app_history)
{
	struct store_app a;
	char old[24] = "junk", *v;
	long long n;

	app_set(&a, "100000000001", "national_id", "received");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_str_eq(old, "");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 1);
	v = qs("SELECT coalesce(old_status, 'NULL') || '>' || new_status || "
	    "'/' || source FROM app_history WHERE reference = '100000000001'");
	ck_assert_str_eq(v, "NULL>received/test");
	free(v);
	/* Same status again: no history row. */
	snprintf(a.office, sizeof(a.office), "HQ");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_str_eq(old, "received");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 1);
	/* A change: one more. */
	snprintf(a.status, sizeof(a.status), "in_progress");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_str_eq(old, "received");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 2);
	/* store_app_set_status: same status adds nothing. */
	ck_assert_int_eq(store_app_set_status(st, "100000000001",
	    "in_progress", "cli", old, sizeof(old)), 0);
	ck_assert_str_eq(old, "in_progress");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_app_set_status(st, "100000000001",
	    "ready_for_collection", "cli", old, sizeof(old)), 0);
	ck_assert_str_eq(old, "in_progress");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 3);
	v = qs("SELECT old_status || '>' || new_status || '/' || source FROM "
	    "app_history ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(v, "in_progress>ready_for_collection/cli");
	free(v);
	ck_assert_int_eq(store_app_set_status(st, "999999999999", "collected",
	    "cli", old, sizeof(old)), STORE_NOTFOUND);
	ck_assert_int_eq(store_app_history_count(st, "999999999999", &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_app_count(st, &n), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

START_TEST(test_app_get)
{
	struct store_app a, g;
	struct store_office o;
	char old[24];
	time_t t0 = time(NULL);

	memset(&o, 0, sizeof(o));
	snprintf(o.code, sizeof(o.code), "HQ");
	snprintf(o.name, sizeof(o.name), "Headquarters Registry");
	snprintf(o.short_name, sizeof(o.short_name), "HQ Kampala");
	o.workdays = 0x1f;
	o.open_min = 480;
	o.close_min = 1020;
	o.lunch_start = o.lunch_end = -1;
	o.slot_min = 30;
	o.counters = 2;
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	app_set(&a, "100000000001", "passport", "action_needed");
	snprintf(a.office, sizeof(a.office), "HQ");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	app_set(&a, "200000000002", "birth_certificate", "received");
	a.msisdn[0] = '\0';
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);

	ck_assert_int_eq(store_app_get(st, "100000000001", &g), 0);
	ck_assert_str_eq(g.reference, "100000000001");
	ck_assert_str_eq(g.kind, "passport");
	ck_assert_str_eq(g.status, "action_needed");
	ck_assert_str_eq(g.dob_hash, a.dob_hash);
	ck_assert_str_eq(g.msisdn, "+256700000001");
	ck_assert_str_eq(g.office, "HQ");
	ck_assert_str_eq(g.office_name, "Headquarters Registry");
	ck_assert_str_eq(g.office_short, "HQ Kampala");
	ck_assert(g.updated >= t0 && g.updated <= time(NULL));
	/* No office, no phone: empty strings (stored as NULL). */
	ck_assert_int_eq(store_app_get(st, "200000000002", &g), 0);
	ck_assert_str_eq(g.office, "");
	ck_assert_str_eq(g.office_name, "");
	ck_assert_str_eq(g.msisdn, "");
	ck_assert_int_eq(q("SELECT count(*) FROM applications WHERE "
	    "msisdn IS NULL AND office IS NULL"), 1);
	memset(&g, 'x', sizeof(g));
	ck_assert_int_eq(store_app_get(st, "300000000003", &g), STORE_NOTFOUND);
	ck_assert_str_eq(g.reference, "");
	ck_assert_str_eq(g.status, "");
	ck_assert_int_eq(store_app_get(st, "", &g), STORE_NOTFOUND);
}
END_TEST

START_TEST(test_lockout)
{
	const long long now = 1000000, window = 100, lock = 50;
	long long n;
	int i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(store_fail_record(st, "phoneA", "refA",
		    now + i, 5, window, lock), 0);
		ck_assert_int_eq(locked("phoneA", "refA", now + i), 0);
	}
	ck_assert_int_eq(q("SELECT count(*) FROM failures"), 8);
	ck_assert_int_eq(store_fail_record(st, "phoneA", "refA", now + 4, 5,
	    window, lock), 0);
	/* Both keys locked, each on its own. */
	ck_assert_int_eq(locked("phoneA", "refA", now + 4), 1);
	ck_assert_int_eq(locked("phoneA", NULL, now + 4), 1);
	ck_assert_int_eq(locked(NULL, "refA", now + 4), 1);
	ck_assert_int_eq(locked("phoneA", "refOther", now + 10), 1);
	ck_assert_int_eq(locked("phoneOther", "refA", now + 10), 1);
	ck_assert_int_eq(locked("phoneB", "refB", now + 4), 0);
	ck_assert_int_eq(locked("refA", "phoneA", now + 4), 1);
	ck_assert_int_eq(store_lock_count(st, now + 4, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(q("SELECT until FROM locks WHERE key = 'phoneA'"),
	    now + 4 + lock);
	/* Locked until now + 4 + lock (exclusive). */
	ck_assert_int_eq(locked("phoneA", "refA", now + 4 + lock - 1), 1);
	ck_assert_int_eq(locked("phoneA", "refA", now + 4 + lock), 0);
	ck_assert_int_eq(store_lock_count(st, now + 4 + lock, &n), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

/* Failures older than the window do not count. */
START_TEST(test_lockout_window)
{
	const long long t = 5000;
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(store_fail_record(st, "p", "r", t + i, 5, 100,
		    50), 0);
	/* 200 s later: the four are out of the window (and deleted). */
	ck_assert_int_eq(store_fail_record(st, "p", "r", t + 200, 5, 100,
	    50), 0);
	ck_assert_int_eq(locked("p", "r", t + 200), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM failures"), 2);
	for (i = 1; i < 4; i++)
		ck_assert_int_eq(store_fail_record(st, "p", "r", t + 200 + i,
		    5, 100, 50), 0);
	ck_assert_int_eq(locked("p", "r", t + 203), 0);
	ck_assert_int_eq(store_fail_record(st, "p", "r", t + 204, 5, 100,
	    50), 0);
	ck_assert_int_eq(locked("p", "r", t + 204), 1);
}
END_TEST

/* Guessing one reference from many phones locks the reference only. */
START_TEST(test_lockout_spread)
{
	char phone[32];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(phone, sizeof(phone), "phone%d", i);
		ck_assert_int_eq(store_fail_record(st, phone, "refX", 100 + i,
		    5, 1000, 1000), 0);
	}
	ck_assert_int_eq(locked(NULL, "refX", 105), 1);
	ck_assert_int_eq(locked("phone0", NULL, 105), 0);
	ck_assert_int_eq(locked("phone4", "refY", 105), 0);
	/* And one phone guessing many references locks the phone. */
	for (i = 0; i < 5; i++) {
		snprintf(phone, sizeof(phone), "ref%d", i);
		ck_assert_int_eq(store_fail_record(st, "phoneZ", phone,
		    100 + i, 5, 1000, 1000), 0);
	}
	ck_assert_int_eq(locked("phoneZ", NULL, 105), 1);
	ck_assert_int_eq(locked(NULL, "ref0", 105), 0);
}
END_TEST

START_TEST(test_audit_masked)
{
	struct store_audit a = { "ussd", "+256700000001", NULL,
	    "status_lookup", "100000000001", "shown" };
	struct store_audit b = { "cli", NULL, "operator1", "import", NULL,
	    "ok" };
	char *v;
	long long n;

	ck_assert_int_eq(store_audit(st, &a), 0);
	ck_assert_int_eq(store_audit(st, &b), 0);
	a.outcome = "nomatch";
	ck_assert_int_eq(store_audit(st, &a), 0);
	v = qs("SELECT actor || '|' || object || '|' || channel || '|' || "
	    "action || '|' || outcome FROM audit ORDER BY id LIMIT 1");
	ck_assert_str_eq(v, "+256*******01|***0001|ussd|status_lookup|shown");
	free(v);
	v = qs("SELECT actor || '|' || object FROM audit WHERE "
	    "channel = 'cli'");
	ck_assert_str_eq(v, "operator1|-");
	free(v);
	/* Nothing in the table holds the full number or reference. */
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE "
	    "actor LIKE '%700000001%' OR object LIKE '%100000000001%' OR "
	    "actor LIKE '%00000000%' OR object LIKE '%00000000%'"), 0);
	ck_assert_int_eq(store_audit_count(st, "status_lookup", NULL, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(store_audit_count(st, "status_lookup", "nomatch",
	    &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_audit_count(st, NULL, NULL, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(store_audit_count(st, NULL, "ok", &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_audit_count(st, "nosuch", NULL, &n), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_lang)
{
	char lang[8] = "zz", tiny[2];

	ck_assert_int_eq(store_lang_get(st, "+256700000001", lang,
	    sizeof(lang)), STORE_NOTFOUND);
	ck_assert_int_eq(store_lang_set(st, "+256700000001", "fr"), 0);
	ck_assert_int_eq(store_lang_get(st, "+256700000001", lang,
	    sizeof(lang)), 0);
	ck_assert_str_eq(lang, "fr");
	ck_assert_int_eq(store_lang_set(st, "+256700000001", "ar"), 0);
	ck_assert_int_eq(store_lang_get(st, "+256700000001", lang,
	    sizeof(lang)), 0);
	ck_assert_str_eq(lang, "ar");
	ck_assert_int_eq(q("SELECT count(*) FROM subscribers"), 1);
	ck_assert_int_eq(store_lang_get(st, "+256700000002", lang,
	    sizeof(lang)), STORE_NOTFOUND);
	ck_assert_int_eq(store_lang_get(st, "+256700000001", tiny,
	    sizeof(tiny)), 0);
	ck_assert_str_eq(tiny, "a");
}
END_TEST

START_TEST(test_kv_pepper)
{
	char val[80], err[256], first[80];
	const char *p;
	size_t i;

	ck_assert_int_eq(store_kv_get(st, "k", val, sizeof(val)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_kv_set(st, "k", "v1"), 0);
	ck_assert_int_eq(store_kv_set(st, "k", "v2"), 0);
	ck_assert_int_eq(store_kv_get(st, "k", val, sizeof(val)), 0);
	ck_assert_str_eq(val, "v2");
	ck_assert_int_eq(q("SELECT count(*) FROM kv WHERE key = 'k'"), 1);

	p = store_pepper(st, NULL);
	ck_assert_uint_eq(strlen(p), 64);
	for (i = 0; i < 64; i++)
		ck_assert(strchr("0123456789abcdef", p[i]) != NULL);
	snprintf(first, sizeof(first), "%s", p);
	ck_assert_str_eq(store_pepper(st, ""), first);
	/* The stored pepper is never replaced. */
	ck_assert_int_eq(store_kv_set(st, "pepper", "attacker"), 0);
	ck_assert_int_eq(store_kv_get(st, "pepper", val, sizeof(val)), 0);
	ck_assert_str_eq(val, first);
	/* Stable across reopen. */
	store_close(st);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(store_pepper(st, NULL), first);
	/* A configured pepper wins and is not stored. */
	ck_assert_str_eq(store_pepper(st, "configured-pepper-0123456789"),
	    "configured-pepper-0123456789");
	ck_assert_int_eq(store_kv_get(st, "pepper", val, sizeof(val)), 0);
	ck_assert_str_eq(val, first);
}
END_TEST

/* A fresh database gets a different pepper. */
START_TEST(test_pepper_random)
{
	struct store *st2;
	char path[192], err[256], a[256];

	snprintf(a, sizeof(a), "%s", store_pepper(st, NULL));
	snprintf(path, sizeof(path), "%s/junk.db", tmpdir);
	st2 = store_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(st2);
	ck_assert_str_ne(store_pepper(st2, NULL), a);
	store_close(st2);
	snprintf(a, sizeof(a), "%s-wal", path);
	unlink(a);
	snprintf(a, sizeof(a), "%s-shm", path);
	unlink(a);
}
END_TEST

START_TEST(test_tx_rollback)
{
	struct store_app a, g;
	struct store_audit au = { "cli", NULL, "op", "import", "100000000001",
	    "ok" };
	char old[24], lang[8];
	long long n;

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_begin(st), -1);	/* no nesting */
	app_set(&a, "100000000001", "national_id", "received");
	ck_assert_int_eq(store_app_upsert(st, &a, "import", old, sizeof(old)),
	    0);
	ck_assert_int_eq(store_lang_set(st, "+256700000001", "fr"), 0);
	ck_assert_int_eq(store_kv_set(st, "k", "v"), 0);
	ck_assert_int_eq(store_audit(st, &au), 0);
	ck_assert_int_eq(store_fail_record(st, "p", "r", 100, 1, 10, 10), 0);
	/* Visible inside the transaction. */
	ck_assert_int_eq(store_app_get(st, "100000000001", &g), 0);
	ck_assert_int_eq(locked("p", "r", 100), 1);
	store_rollback(st);
	ck_assert_int_eq(store_app_get(st, "100000000001", &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_lang_get(st, "+256700000001", lang,
	    sizeof(lang)), STORE_NOTFOUND);
	ck_assert_int_eq(store_kv_get(st, "k", lang, sizeof(lang)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_audit_count(st, NULL, NULL, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(locked("p", "r", 100), 0);
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(q("SELECT count(*) FROM failures"), 0);
	/* And a committed one stays. */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_app_upsert(st, &a, "import", old, sizeof(old)),
	    0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_app_get(st, "100000000001", &g), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM app_history"), 1);
	/* Commit without a transaction fails cleanly. */
	ck_assert_int_eq(store_commit(st), -1);
	store_rollback(st);
	ck_assert_int_eq(store_begin(st), 0);
	store_rollback(st);
}
END_TEST

START_TEST(test_second_handle)
{
	struct store *st2;
	struct store_app a, g;
	char err[256], old[24], lang[8];
	int l;

	st2 = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st2 != NULL, "%s", err);
	app_set(&a, "100000000001", "national_id", "received");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_int_eq(store_app_get(st2, "100000000001", &g), 0);
	ck_assert_str_eq(g.status, "received");
	ck_assert_int_eq(store_lang_set(st, "+256700000001", "so"), 0);
	ck_assert_int_eq(store_lang_get(st2, "+256700000001", lang,
	    sizeof(lang)), 0);
	ck_assert_str_eq(lang, "so");
	/* Uncommitted rows are not seen by the other handle. */
	ck_assert_int_eq(store_begin(st), 0);
	snprintf(a.status, sizeof(a.status), "collected");
	ck_assert_int_eq(store_app_upsert(st, &a, "t", old, sizeof(old)), 0);
	ck_assert_int_eq(store_fail_record(st, "p", "r", 10, 1, 10, 10), 0);
	ck_assert_int_eq(store_app_get(st2, "100000000001", &g), 0);
	ck_assert_str_eq(g.status, "received");
	ck_assert_int_eq(store_locked(st2, "p", "r", 10, &l), 0);
	ck_assert_int_eq(l, 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_app_get(st2, "100000000001", &g), 0);
	ck_assert_str_eq(g.status, "collected");
	ck_assert_int_eq(store_locked(st2, "p", "r", 10, &l), 0);
	ck_assert_int_eq(l, 1);
	/* And the other way round. */
	ck_assert_int_eq(store_kv_set(st2, "from2", "yes"), 0);
	ck_assert_int_eq(store_kv_get(st, "from2", lang, sizeof(lang)), 0);
	ck_assert_str_eq(lang, "yes");
	store_close(st2);
}
END_TEST

/* --- limits --------------------------------------------------------- */

START_TEST(test_open_bad)
{
	struct store *s2;
	char err[256], path[192];
	FILE *f;

	err[0] = 'x';
	s2 = store_open("/nonexistent-dir/x/idline.db", err, sizeof(err));
	ck_assert_ptr_null(s2);
	ck_assert_msg(strstr(err, "/nonexistent-dir/x/idline.db") != NULL,
	    "[%s]", err);
	/* A file that is not a database. */
	snprintf(path, sizeof(path), "%s/junk.db", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not an SQLite database, just text; padding padding "
	    "padding padding padding padding padding padding padding\n", f);
	fclose(f);
	err[0] = '\0';
	ck_assert_ptr_null(store_open(path, err, sizeof(err)));
	ck_assert_str_ne(err, "");
	/* A tiny error buffer is not overrun. */
	ck_assert_ptr_null(store_open(path, err, 4));
	ck_assert_uint_le(strlen(err), 3);
}
END_TEST

START_TEST(test_open_newer)
{
	sqlite3 *db;
	char err[256];

	store_close(st);
	st = NULL;
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(store_open(dbpath, err, sizeof(err)));
	ck_assert_msg(strstr(err, "newer") != NULL, "[%s]", err);
	ck_assert_int_eq(q("PRAGMA user_version"), 99);
}
END_TEST

START_TEST(test_app_constraints)
{
	struct store_app a, g;
	char old[24];
	long long n;

	app_set(&a, "100000000001", "driving_licence", "received");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), -1);
	app_set(&a, "100000000001", "national_id", "lost_in_space");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), -1);
	ck_assert_int_eq(store_app_get(st, "100000000001", &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(q("SELECT count(*) FROM app_history"), 0);
	/* A bad status change leaves the row and history as they were. */
	app_set(&a, "100000000001", "national_id", "received");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_int_eq(store_app_set_status(st, "100000000001", "bogus",
	    "cli", old, sizeof(old)), -1);
	ck_assert_int_eq(store_app_get(st, "100000000001", &g), 0);
	ck_assert_str_eq(g.status, "received");
	ck_assert_int_eq(store_app_history_count(st, "100000000001", &n), 0);
	ck_assert_int_eq(n, 1);
	/* Quotes are data, not SQL. */
	app_set(&a, "1'; DROP TABLE applications; --", "national_id",
	    "received");
	ck_assert_int_eq(upsert(&a, old, sizeof(old)), 0);
	ck_assert_int_eq(store_app_count(st, &n), 0);
	ck_assert_int_eq(n, 2);
}
END_TEST

START_TEST(test_audit_odd)
{
	struct store_audit a = { "sms", "+2567", NULL, "x", "12", "ok" };
	char *v;

	ck_assert_int_eq(store_audit(st, &a), 0);
	v = qs("SELECT actor || '|' || object FROM audit");
	ck_assert_str_eq(v, "+****|***");
	free(v);
	a.msisdn = "+256700000001234567890123456789012345678901234567890";
	a.object = "'; DROP TABLE audit; --0001";
	ck_assert_int_eq(store_audit(st, &a), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM audit"), 2);
	v = qs("SELECT object FROM audit ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(v, "***0001");
	free(v);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE actor LIKE "
	    "'%700000001234%'"), 0);
	/* No channel: the NOT NULL rule refuses it. */
	a.channel = NULL;
	ck_assert_int_eq(store_audit(st, &a), -1);
	ck_assert_int_eq(q("SELECT count(*) FROM audit"), 2);
}
END_TEST

START_TEST(test_lock_odd)
{
	int l = -1;

	ck_assert_int_eq(store_locked(st, NULL, NULL, 0, &l), 0);
	ck_assert_int_eq(l, 0);
	ck_assert_int_eq(store_locked(st, "", "", 0, &l), 0);
	ck_assert_int_eq(l, 0);
	/* Empty keys record nothing. */
	ck_assert_int_eq(store_fail_record(st, "", NULL, 10, 1, 10, 10), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM failures"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM locks"), 0);
	/* max 1: the first failure locks; a later lock never shortens. */
	ck_assert_int_eq(store_fail_record(st, "p", NULL, 10, 1, 100, 500),
	    0);
	ck_assert_int_eq(q("SELECT until FROM locks WHERE key = 'p'"), 510);
	ck_assert_int_eq(store_fail_record(st, "p", NULL, 20, 1, 100, 5), 0);
	ck_assert_int_eq(q("SELECT until FROM locks WHERE key = 'p'"), 510);
	ck_assert_int_eq(store_fail_record(st, "p", NULL, 30, 1, 100, 1000),
	    0);
	ck_assert_int_eq(q("SELECT until FROM locks WHERE key = 'p'"), 1030);
	ck_assert_int_eq(store_locked(st, "p", "p", 1029, &l), 0);
	ck_assert_int_eq(l, 1);
}
END_TEST

START_TEST(test_kv_odd)
{
	char val[4], big[5000];

	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(store_kv_set(st, "big", big), 0);
	ck_assert_int_eq(store_kv_get(st, "big", val, sizeof(val)), 0);
	ck_assert_str_eq(val, "vvv");
	ck_assert_int_eq(store_kv_set(st, "", ""), 0);
	ck_assert_int_eq(store_kv_get(st, "", val, sizeof(val)), 0);
	ck_assert_str_eq(val, "");
	ck_assert_int_eq(store_kv_set(st, "ünï'cødé", "ok"), 0);
	ck_assert_int_eq(store_kv_get(st, "ünï'cødé", val, sizeof(val)), 0);
	ck_assert_str_eq(val, "ok");
}
END_TEST

/* Threads share one handle, each recording failures for its own keys. */
static void *
fail_thread(void *arg)
{
	long id = (long)arg;
	char p[16], r[16];
	int i, l, bad = 0;

	snprintf(p, sizeof(p), "ph%ld", id);
	snprintf(r, sizeof(r), "rf%ld", id);
	for (i = 0; i < NFAILS; i++) {
		if (store_fail_record(st, p, r, 1000 + i, NFAILS, 100000,
		    100) != 0)
			bad++;
		if (store_locked(st, p, r, 1000 + i, &l) != 0 ||
		    l != (i == NFAILS - 1))
			bad++;
	}
	return (void *)(long)bad;
}

START_TEST(test_threads)
{
	pthread_t th[NTHREADS];
	void *bad;
	long i;
	long long n;

	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, fail_thread,
		    (void *)i), 0);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &bad);
		ck_assert_int_eq((long)bad, 0);
	}
	ck_assert_int_eq(q("SELECT count(*) FROM failures"),
	    2 * NTHREADS * NFAILS);
	ck_assert_int_eq(store_lock_count(st, 1000 + NFAILS, &n), 0);
	ck_assert_int_eq(n, 2 * NTHREADS);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *core = tcase_create("core");
	TCase *lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_open_migrate);
	tcase_add_test(core, test_app_history);
	tcase_add_test(core, test_app_get);
	tcase_add_test(core, test_lockout);
	tcase_add_test(core, test_lockout_window);
	tcase_add_test(core, test_lockout_spread);
	tcase_add_test(core, test_audit_masked);
	tcase_add_test(core, test_lang);
	tcase_add_test(core, test_kv_pepper);
	tcase_add_test(core, test_pepper_random);
	tcase_add_test(core, test_tx_rollback);
	tcase_add_test(core, test_second_handle);
	tcase_set_timeout(core, 60);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(lim, setup, teardown);
	tcase_add_test(lim, test_open_bad);
	tcase_add_test(lim, test_open_newer);
	tcase_add_test(lim, test_app_constraints);
	tcase_add_test(lim, test_audit_odd);
	tcase_add_test(lim, test_lock_odd);
	tcase_add_test(lim, test_kv_odd);
	tcase_add_test(lim, test_threads);
	tcase_set_timeout(lim, 60);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
