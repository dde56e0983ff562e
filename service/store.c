/*
 * store: SQLite connection, schema migrations, transactions, audit,
 * subscribers, applications and lockouts (see store.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store_priv.h"
#include "xmem.h"

/*
 * Migrations: migration i brings user_version from i to i + 1.  Never edit
 * a released migration; append a new one.
 */
static const char *const store_migrations[] = {
	/* 1: the whole schema */
	"CREATE TABLE kv(key TEXT PRIMARY KEY, val TEXT NOT NULL);"
	"CREATE TABLE offices("
	" code TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" short_name TEXT NOT NULL, workdays INTEGER NOT NULL,"
	" open_min INTEGER NOT NULL, close_min INTEGER NOT NULL,"
	" lunch_start INTEGER NOT NULL DEFAULT -1,"
	" lunch_end INTEGER NOT NULL DEFAULT -1,"
	" slot_min INTEGER NOT NULL CHECK(slot_min > 0),"
	" counters INTEGER NOT NULL CHECK(counters > 0),"
	" sort INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL);"
	"CREATE TABLE holidays(day INTEGER NOT NULL,"
	" office TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,"
	" PRIMARY KEY(day, office));"
	"CREATE TABLE applications("
	" reference TEXT PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK(kind IN"
	"  ('national_id','passport','birth_certificate')),"
	" status TEXT NOT NULL CHECK(status IN ('received','in_progress',"
	"  'action_needed','ready_for_collection','collected','rejected')),"
	" dob_hash TEXT NOT NULL, msisdn TEXT, office TEXT,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE app_history(id INTEGER PRIMARY KEY,"
	" reference TEXT NOT NULL, old_status TEXT, new_status TEXT NOT NULL,"
	" source TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX app_history_ref ON app_history(reference);"
	"CREATE TABLE slots(id INTEGER PRIMARY KEY,"
	" office TEXT NOT NULL REFERENCES offices(code),"
	" day INTEGER NOT NULL, start_min INTEGER NOT NULL,"
	" capacity INTEGER NOT NULL CHECK(capacity >= 0),"
	" booked INTEGER NOT NULL DEFAULT 0,"
	" CHECK(booked >= 0 AND booked <= capacity),"
	" UNIQUE(office, day, start_min));"
	"CREATE TABLE bookings(code TEXT PRIMARY KEY,"
	" reference TEXT NOT NULL, slot_id INTEGER NOT NULL"
	"  REFERENCES slots(id),"
	" status TEXT NOT NULL CHECK(status IN"
	"  ('active','cancelled','rescheduled','expired','consumed')),"
	" msisdn TEXT, lang TEXT, created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX bookings_one_active ON bookings(reference)"
	" WHERE status = 'active';"
	"CREATE INDEX bookings_slot ON bookings(slot_id);"
	"CREATE TABLE replacements(ticket TEXT PRIMARY KEY,"
	" reference TEXT NOT NULL,"
	" kind TEXT NOT NULL, reason TEXT NOT NULL CHECK(reason IN"
	"  ('lost','stolen','damaged')),"
	" police_ref TEXT, office TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK(status IN ('submitted',"
	"  'awaiting_payment','under_review','approved','rejected',"
	"  'in_production','ready_for_collection','collected','cancelled',"
	"  'expired')),"
	" prior_count INTEGER NOT NULL DEFAULT 0,"
	" msisdn TEXT, lang TEXT, created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX replacements_one_open"
	" ON replacements(reference, kind) WHERE status NOT IN"
	" ('rejected','collected','cancelled','expired');"
	"CREATE TABLE repl_history(id INTEGER PRIMARY KEY,"
	" ticket TEXT NOT NULL, old_status TEXT, new_status TEXT NOT NULL,"
	" source TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE TABLE subscribers(msisdn TEXT PRIMARY KEY,"
	" lang TEXT NOT NULL, updated INTEGER NOT NULL);"
	"CREATE TABLE outbox(id INTEGER PRIMARY KEY,"
	" msisdn TEXT NOT NULL, text TEXT NOT NULL, lang TEXT,"
	" kind TEXT NOT NULL, dedupe TEXT,"
	" status TEXT NOT NULL DEFAULT 'queued' CHECK(status IN"
	"  ('queued','sent','delivered','failed','expired')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL, expires_at INTEGER,"
	" dlr INTEGER, reason TEXT, created INTEGER NOT NULL,"
	" sent_at INTEGER, updated INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX outbox_dedupe ON outbox(dedupe)"
	" WHERE dedupe IS NOT NULL;"
	"CREATE INDEX outbox_due ON outbox(status, next_at);"
	"CREATE TABLE mo_seen(key TEXT PRIMARY KEY, at INTEGER NOT NULL,"
	" reply TEXT);"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	" channel TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
	" object TEXT, outcome TEXT NOT NULL);"
	"CREATE TABLE failures(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	" key TEXT NOT NULL);"
	"CREATE INDEX failures_key ON failures(key, at);"
	"CREATE TABLE locks(key TEXT PRIMARY KEY, until INTEGER NOT NULL);",
};

#define STORE_VERSION	\
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

static int	store_migrate(struct store *, char *, size_t);
static int	store_fail_one(struct store *, const char *, long long, int,
		    long long, long long);
static int	store_app_status_locked(struct store *, const char *, char *,
		    size_t);
static int	store_app_history_locked(struct store *, const char *,
		    const char *, const char *, const char *);
static int	store_count(struct store *, const char *, const char *,
		    long long, long long *);

int
store_fail(struct store *st, const char *what)
{
	log_err("store_error", "op=%s err=\"%s\"", what, sqlite3_errmsg(st->db));
	return -1;
}

sqlite3_stmt *
store_prep(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare");
		return NULL;
	}
	return s;
}

int
store_exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("store_error", "op=exec err=\"%s\"", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void
store_col(sqlite3_stmt *s, int i, char *buf, size_t n)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	snprintf(buf, n, "%s", t ? (const char *)t : "");
}

int
store_bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int v = 0;
	char sql[64];

	if ((s = store_prep(st, "PRAGMA user_version")) == NULL)
		goto fail;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v > STORE_VERSION) {
		snprintf(err, errlen, "database schema %d is newer than this "
		    "idline (%d)", v, STORE_VERSION);
		return -1;
	}
	while (v < STORE_VERSION) {
		if (store_exec(st, "BEGIN IMMEDIATE") == -1)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, store_migrations[v]) == -1 ||
		    store_exec(st, sql) == -1 ||
		    store_exec(st, "COMMIT") == -1) {
			store_exec(st, "ROLLBACK");
			goto fail;
		}
		log_info("store_migrated", "version=%d", v + 1);
		v++;
	}
	return 0;
fail:
	if (*err == '\0')
		snprintf(err, errlen, "migration failed: %s",
		    sqlite3_errmsg(st->db));
	return -1;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));

	*err = '\0';
	pthread_mutex_init(&st->lock, NULL);
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open database: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode=WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous=FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys=ON") == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (store_migrate(st, err, errlen) == -1)
		goto fail;
	return st;
fail:
	log_err("store_open", "path=%s err=\"%s\"", path, err);
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->db)
		sqlite3_close_v2(st->db);
	pthread_mutex_destroy(&st->lock);
	free(st->path);
	free(st);
}

const char *
store_pepper(struct store *st, const char *configured)
{
	char hex[65];

	if (configured && *configured) {
		snprintf(st->pepper, sizeof(st->pepper), "%s", configured);
		return st->pepper;
	}
	if (st->pepper[0])
		return st->pepper;
	if (store_kv_get(st, "pepper", st->pepper, sizeof(st->pepper)) ==
	    STORE_NOTFOUND) {
		pii_random_hex(hex, 64);
		/* INSERT OR IGNORE inside: a racing process may win. */
		store_kv_set(st, "pepper", hex);
		store_kv_get(st, "pepper", st->pepper, sizeof(st->pepper));
	}
	return st->pepper;
}

int
store_tx_begin(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	if (st->in_tx)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE") == -1) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	return 0;
}

int
store_tx_end(struct store *st, int ok)
{
	int rc = 0;

	if (!st->in_tx) {
		if (ok)
			rc = store_exec(st, "COMMIT");
		if (!ok || rc == -1) {
			store_exec(st, "ROLLBACK");
			rc = -1;
		}
	} else if (!ok)
		rc = -1;
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_begin(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	if (st->in_tx || store_exec(st, "BEGIN IMMEDIATE") == -1) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	st->in_tx = 1;
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int
store_commit(struct store *st)
{
	int rc;

	pthread_mutex_lock(&st->lock);
	st->in_tx = 0;
	rc = store_exec(st, "COMMIT");
	if (rc == -1)
		store_exec(st, "ROLLBACK");
	pthread_mutex_unlock(&st->lock);
	return rc;
}

void
store_rollback(struct store *st)
{
	pthread_mutex_lock(&st->lock);
	st->in_tx = 0;
	store_exec(st, "ROLLBACK");
	pthread_mutex_unlock(&st->lock);
}

int
store_audit_locked(struct store *st, const struct store_audit *a)
{
	sqlite3_stmt *s;
	char actor[32], obj[16];
	int rc;

	if (a->msisdn && *a->msisdn)
		log_mask_msisdn(a->msisdn, actor, sizeof(actor));
	else
		snprintf(actor, sizeof(actor), "%s", a->actor ? a->actor : "-");
	log_mask_ref(a->object, obj, sizeof(obj));
	s = store_prep(st, "INSERT INTO audit(at, channel, actor, action, "
	    "object, outcome) VALUES(?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(s, 2, a->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, obj, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->outcome, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "audit");
	sqlite3_finalize(s);
	return rc;
}

int
store_audit(struct store *st, const struct store_audit *a)
{
	int rc;

	pthread_mutex_lock(&st->lock);
	rc = store_audit_locked(st, a);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_audit_count(struct store *st, const char *action, const char *outcome,
    long long *n)
{
	sqlite3_stmt *s;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT count(*) FROM audit WHERE "
	    "(?1 IS NULL OR action = ?1) AND (?2 IS NULL OR outcome = ?2)");
	if (s == NULL)
		goto done;
	store_bind_opt(s, 1, action);
	store_bind_opt(s, 2, outcome);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		store_fail(st, "audit_count");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_kv_get(struct store *st, const char *key, char *val, size_t n)
{
	sqlite3_stmt *s;
	int rc = -1, r;

	pthread_mutex_lock(&st->lock);
	if ((s = store_prep(st, "SELECT val FROM kv WHERE key = ?")) == NULL)
		goto done;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_col(s, 0, val, n);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "kv_get");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_kv_set(struct store *st, const char *key, const char *val)
{
	sqlite3_stmt *s;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, strcmp(key, "pepper") == 0 ?
	    "INSERT OR IGNORE INTO kv(key, val) VALUES(?, ?)" :
	    "INSERT OR REPLACE INTO kv(key, val) VALUES(?, ?)");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, val, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "kv_set");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_lang_get(struct store *st, const char *msisdn, char *lang, size_t n)
{
	sqlite3_stmt *s;
	int rc = -1, r;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT lang FROM subscribers WHERE msisdn = ?");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, msisdn, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_col(s, 0, lang, n);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "lang_get");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_lang_set(struct store *st, const char *msisdn, const char *lang)
{
	sqlite3_stmt *s;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "INSERT INTO subscribers(msisdn, lang, updated) "
	    "VALUES(?1, ?2, ?3) ON CONFLICT(msisdn) DO UPDATE SET "
	    "lang = ?2, updated = ?3");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "lang_set");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_app_get(struct store *st, const char *ref, struct store_app *a)
{
	sqlite3_stmt *s;
	int rc = -1, r;

	memset(a, 0, sizeof(*a));
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT a.reference, a.kind, a.status, a.dob_hash,"
	    " a.msisdn, a.office, o.name, o.short_name, a.updated"
	    " FROM applications a LEFT JOIN offices o ON o.code = a.office"
	    " WHERE a.reference = ?");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_col(s, 0, a->reference, sizeof(a->reference));
		store_col(s, 1, a->kind, sizeof(a->kind));
		store_col(s, 2, a->status, sizeof(a->status));
		store_col(s, 3, a->dob_hash, sizeof(a->dob_hash));
		store_col(s, 4, a->msisdn, sizeof(a->msisdn));
		store_col(s, 5, a->office, sizeof(a->office));
		store_col(s, 6, a->office_name, sizeof(a->office_name));
		store_col(s, 7, a->office_short, sizeof(a->office_short));
		a->updated = sqlite3_column_int64(s, 8);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "app_get");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Reads the current status of ref into old ("" if none); lock held. */
static int
store_app_status_locked(struct store *st, const char *ref, char *old,
    size_t n)
{
	sqlite3_stmt *s;
	int r;

	*old = '\0';
	s = store_prep(st, "SELECT status FROM applications WHERE "
	    "reference = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		store_col(s, 0, old, n);
	sqlite3_finalize(s);
	return (r == SQLITE_ROW || r == SQLITE_DONE) ? 0 :
	    store_fail(st, "app_status");
}

/* Appends a history row when the status changed; lock held. */
static int
store_app_history_locked(struct store *st, const char *ref, const char *old,
    const char *status, const char *source)
{
	sqlite3_stmt *s;
	int rc;

	if (strcmp(old, status) == 0)
		return 0;
	s = store_prep(st, "INSERT INTO app_history(reference, old_status, "
	    "new_status, source, at) VALUES(?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	store_bind_opt(s, 2, old);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_fail(st, "history");
	sqlite3_finalize(s);
	return rc;
}

int
store_app_upsert(struct store *st, const struct store_app *a,
    const char *source, char *old, size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	if (store_app_status_locked(st, a->reference, old, n) == -1)
		goto done;
	s = store_prep(st, "INSERT INTO applications(reference, kind, status,"
	    " dob_hash, msisdn, office, updated) VALUES(?1,?2,?3,?4,?5,?6,?7)"
	    " ON CONFLICT(reference) DO UPDATE SET kind=?2, status=?3,"
	    " dob_hash=?4, msisdn=?5, office=?6, updated=?7");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, a->reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->dob_hash, -1, SQLITE_STATIC);
	store_bind_opt(s, 5, a->msisdn);
	store_bind_opt(s, 6, a->office);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)time(NULL));
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "app_upsert");
		goto done;
	}
	rc = store_app_history_locked(st, a->reference, old, a->status,
	    source);
done:
	sqlite3_finalize(s);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_app_set_status(struct store *st, const char *ref, const char *status,
    const char *source, char *old, size_t n)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (store_tx_begin(st) == -1)
		return -1;
	if (store_app_status_locked(st, ref, old, n) == -1)
		goto done;
	if (*old == '\0') {
		rc = STORE_NOTFOUND;
		goto done;
	}
	s = store_prep(st, "UPDATE applications SET status = ?, updated = ? "
	    "WHERE reference = ?");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(s, 3, ref, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, "app_set_status");
		goto done;
	}
	rc = store_app_history_locked(st, ref, old, status, source);
done:
	sqlite3_finalize(s);
	if (store_tx_end(st, rc != -1) == -1)
		return -1;
	return rc;
}

/* Runs a one-number query with one optional text parameter. */
static int
store_count(struct store *st, const char *sql, const char *p1, long long p2,
    long long *n)
{
	sqlite3_stmt *s;
	int rc = -1;

	pthread_mutex_lock(&st->lock);
	if ((s = store_prep(st, sql)) == NULL)
		goto done;
	if (p1)
		sqlite3_bind_text(s, 1, p1, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, (sqlite3_int64)p2);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		store_fail(st, "count");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int
store_app_count(struct store *st, long long *n)
{
	return store_count(st, "SELECT count(*) FROM applications "
	    "WHERE ?1 = ?1", NULL, 0, n);
}

int
store_app_history_count(struct store *st, const char *ref, long long *n)
{
	return store_count(st, "SELECT count(*) FROM app_history "
	    "WHERE reference = ?1", ref, 0, n);
}

int
store_lock_count(struct store *st, long long now, long long *n)
{
	return store_count(st, "SELECT count(*) FROM locks WHERE until > ?1",
	    NULL, now, n);
}

/* One failure for one key; lock held, inside a transaction. */
static int
store_fail_one(struct store *st, const char *key, long long now, int max,
    long long window, long long lock)
{
	sqlite3_stmt *s;
	long long n = 0;
	int rc = -1;

	if ((s = store_prep(st, "INSERT INTO failures(at, key) "
	    "VALUES(?, ?)")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	if ((s = store_prep(st, "SELECT count(*) FROM failures WHERE "
	    "key = ? AND at > ?")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now - window);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (n < max)
		return 0;
	if ((s = store_prep(st, "INSERT INTO locks(key, until) VALUES(?1, ?2)"
	    " ON CONFLICT(key) DO UPDATE SET until = max(until, ?2)")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now + lock);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto fail;
	log_warn("lockout", "until=%lld", now + lock);
	rc = 0;
	goto done;
fail:
	store_fail(st, "fail_record");
done:
	sqlite3_finalize(s);
	return rc;
}

int
store_fail_record(struct store *st, const char *phone_key,
    const char *ref_key, long long now, int max, long long window,
    long long lock)
{
	int ok = 1;
	sqlite3_stmt *s;

	if (store_tx_begin(st) == -1)
		return -1;
	if (phone_key && *phone_key &&
	    store_fail_one(st, phone_key, now, max, window, lock) == -1)
		ok = 0;
	if (ok && ref_key && *ref_key &&
	    store_fail_one(st, ref_key, now, max, window, lock) == -1)
		ok = 0;
	/* Keep the table small: forget failures older than the window. */
	if (ok && (s = store_prep(st, "DELETE FROM failures WHERE at < ?"))) {
		sqlite3_bind_int64(s, 1, now - window);
		sqlite3_step(s);
		sqlite3_finalize(s);
	}
	return store_tx_end(st, ok);
}

int
store_locked(struct store *st, const char *phone_key, const char *ref_key,
    long long now, int *locked)
{
	sqlite3_stmt *s;
	int rc = -1;

	*locked = 0;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT count(*) FROM locks WHERE until > ?1 AND "
	    "(key = ?2 OR key = ?3)");
	if (s == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, now);
	store_bind_opt(s, 2, phone_key);
	store_bind_opt(s, 3, ref_key);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*locked = sqlite3_column_int(s, 0) > 0;
		rc = 0;
	} else
		store_fail(st, "locked");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}
