/*
 * check_store_outbox: the SMS outbox (queueing, due order, dedupe, retry,
 * sent, final, DLRs, transactions) and MO de-duplication, against a real
 * SQLite file in a fresh mkdtemp directory per test.
 *
 * What the API does not return (next_at, reason, dlr, sent_at) is read
 * back through a second, independent SQLite connection, which also proves
 * the rows were committed.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_outbox.h"
#include "xmem.h"

static void	 setup(void);
static void	 teardown(void);
static long long q_int(const char *, long long);
static void	 q_text(const char *, long long, char *, size_t);
static long long add(const char *, const char *, long long);
static long long count(const char *);
static Suite	*outbox_suite(void);

static char		 dir[64];
static char		*dbpath;
static struct store	*st;

static void
setup(void)
{
	char err[256];

	log_set_level(LOG_LVL_ERR);
	snprintf(dir, sizeof(dir), "/tmp/check_outbox.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dbpath = xasprintf("%s/t.db", dir);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_open: %s", err);
}

static void
teardown(void)
{
	char *p;

	store_close(st);
	st = NULL;
	p = xasprintf("%s-wal", dbpath);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", dbpath);
	unlink(p);
	free(p);
	unlink(dbpath);
	rmdir(dir);
	free(dbpath);
}

/* One integer from sql with ?1 = id, on its own connection; NULL: -1. */
static long long
q_int(const char *sql, long long id)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	if (sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* One text from sql with ?1 = id; NULL gives "(null)". */
static void
q_text(const char *sql, long long id, char *buf, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	const unsigned char *t;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	t = sqlite3_column_text(s, 0);
	snprintf(buf, n, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Queues a message; returns its id (0 when deduplicated). */
static long long
add(const char *text, const char *dedupe, long long not_before)
{
	struct store_outbox_msg m = {
		.msisdn = "+256700000001", .text = text, .lang = "en",
		.kind = "status", .dedupe = dedupe, .not_before = not_before,
	};
	long long id = -1;

	ck_assert_int_eq(store_outbox_add(st, &m, &id), 0);
	return id;
}

static long long
count(const char *status)
{
	long long n = -1;

	ck_assert_int_eq(store_outbox_count(st, status, &n), 0);
	return n;
}

START_TEST(t_add_fields)
{
	struct store_outbox_msg m = {
		.msisdn = "+256700000009", .text = "Your ticket 1234",
		.lang = "lg", .kind = "booking", .dedupe = NULL,
		.not_before = 0, .expires_at = 4000000000LL,
	};
	struct store_outbox_row r[2];
	long long id = 0, t0 = time(NULL);
	char buf[64];

	ck_assert_int_eq(store_outbox_add(st, &m, &id), 0);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(count(NULL), 1);
	ck_assert_int_eq(count("queued"), 1);
	ck_assert_int_eq(count("sent"), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 2), 1);
	ck_assert_int_eq(r[0].id, id);
	ck_assert_str_eq(r[0].msisdn, "+256700000009");
	ck_assert_str_eq(r[0].text, "Your ticket 1234");
	ck_assert_str_eq(r[0].lang, "lg");
	ck_assert_str_eq(r[0].kind, "booking");
	ck_assert_int_eq(r[0].attempts, 0);
	ck_assert_int_eq(r[0].expires_at, 4000000000LL);
	/* not_before 0: next_at is the time of queueing. */
	ck_assert_int_ge(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    id), t0);
	ck_assert_int_le(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    id), time(NULL));
	q_text("SELECT dedupe FROM outbox WHERE id = ?1", id, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "(null)");
	/* No lang, no expiry: NULL lang reads back "", expires_at 0. */
	m.lang = NULL;
	m.expires_at = 0;
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 2), 2);
	ck_assert_str_eq(r[1].lang, "");
	ck_assert_int_eq(r[1].expires_at, 0);
	ck_assert_int_gt(r[1].id, r[0].id);
}
END_TEST

START_TEST(t_due_order)
{
	struct store_outbox_row r[8];
	long long t0 = time(NULL), a, b, c, d, e;

	a = add("a", NULL, t0 + 300);
	b = add("b", NULL, 0);
	c = add("c", NULL, t0 + 100);
	d = add("d", NULL, t0 + 100);
	e = add("e", NULL, t0 - 5000);	/* past: clamped to now */
	ck_assert_int_eq(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    c), t0 + 100);
	ck_assert_int_ge(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    e), t0);
	/* Only the two "now" messages are due now, in id order. */
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 8), 2);
	ck_assert_int_eq(r[0].id, b);
	ck_assert_int_eq(r[1].id, e);
	ck_assert_int_eq(store_outbox_due(st, t0 + 99, r, 8), 2);
	ck_assert_int_eq(store_outbox_due(st, t0 + 100, r, 8), 4);
	ck_assert_int_eq(r[2].id, c);
	ck_assert_int_eq(r[3].id, d);
	ck_assert_int_eq(store_outbox_due(st, t0 + 1000, r, 8), 5);
	ck_assert_str_eq(r[0].text, "b");
	ck_assert_str_eq(r[1].text, "e");
	ck_assert_str_eq(r[2].text, "c");
	ck_assert_str_eq(r[3].text, "d");
	ck_assert_int_eq(r[4].id, a);
	/* max cuts the list, keeping the oldest. */
	ck_assert_int_eq(store_outbox_due(st, t0 + 1000, r, 3), 3);
	ck_assert_int_eq(r[2].id, c);
	ck_assert_int_eq(store_outbox_due(st, t0 - 1, r, 8), 0);
}
END_TEST

START_TEST(t_dedupe)
{
	struct store_outbox_row r[4];
	long long t0 = time(NULL), id1, id2;

	id1 = add("first", "remind:123:2024-05-01", 0);
	ck_assert_int_gt(id1, 0);
	id2 = add("second", "remind:123:2024-05-01", 0);
	ck_assert_int_eq(id2, 0);
	ck_assert_int_eq(count(NULL), 1);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 4), 1);
	ck_assert_str_eq(r[0].text, "first");
	/* Still deduplicated once the first one is gone out. */
	ck_assert_int_eq(store_outbox_sent(st, id1, t0), 0);
	ck_assert_int_eq(add("third", "remind:123:2024-05-01", 0), 0);
	ck_assert_int_eq(count(NULL), 1);
	/* Another key, no key, and "" (= no key) all queue. */
	ck_assert_int_gt(add("x", "remind:123:2024-05-02", 0), 0);
	ck_assert_int_gt(add("y", NULL, 0), 0);
	ck_assert_int_gt(add("y", NULL, 0), 0);
	ck_assert_int_gt(add("z", "", 0), 0);
	ck_assert_int_gt(add("z", "", 0), 0);
	ck_assert_int_eq(count(NULL), 6);
}
END_TEST

START_TEST(t_sent)
{
	struct store_outbox_row r[2];
	long long t0 = time(NULL), id;

	id = add("hello", NULL, 0);
	ck_assert_int_eq(store_outbox_sent(st, id, t0 + 7), 0);
	ck_assert_int_eq(count("sent"), 1);
	ck_assert_int_eq(count("queued"), 0);
	ck_assert_int_eq(q_int("SELECT attempts FROM outbox WHERE id = ?1",
	    id), 1);
	ck_assert_int_eq(q_int("SELECT sent_at FROM outbox WHERE id = ?1",
	    id), t0 + 7);
	ck_assert_int_eq(store_outbox_due(st, t0 + 100, r, 2), 0);
}
END_TEST

START_TEST(t_retry)
{
	struct store_outbox_row r[2];
	long long t0 = time(NULL), id;
	char buf[64];

	id = add("hello", NULL, 0);
	ck_assert_int_eq(store_outbox_retry(st, id, t0 + 60, "http 503"), 0);
	ck_assert_int_eq(count("queued"), 1);
	ck_assert_int_eq(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    id), t0 + 60);
	q_text("SELECT reason FROM outbox WHERE id = ?1", id, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "http 503");
	ck_assert_int_eq(store_outbox_due(st, t0 + 59, r, 2), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 60, r, 2), 1);
	ck_assert_int_eq(r[0].attempts, 1);
	ck_assert_int_eq(store_outbox_retry(st, id, t0 + 120, NULL), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 120, r, 2), 1);
	ck_assert_int_eq(r[0].attempts, 2);
	ck_assert_int_eq(store_outbox_sent(st, id, t0 + 120), 0);
	ck_assert_int_eq(q_int("SELECT attempts FROM outbox WHERE id = ?1",
	    id), 3);
	/* A sent message is not retried, nor given up on. */
	ck_assert_int_eq(store_outbox_retry(st, id, t0 + 200, "x"),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_outbox_final(st, id, "failed", "x"),
	    STORE_NOTFOUND);
	ck_assert_int_eq(q_int("SELECT next_at FROM outbox WHERE id = ?1",
	    id), t0 + 120);
	ck_assert_int_eq(count("sent"), 1);
}
END_TEST

START_TEST(t_final)
{
	struct store_outbox_row r[4];
	long long t0 = time(NULL), a, b, c;
	char buf[64];

	a = add("a", NULL, 0);
	b = add("b", NULL, 0);
	c = add("c", NULL, 0);
	ck_assert_int_eq(store_outbox_final(st, a, "failed", "http 400"), 0);
	ck_assert_int_eq(store_outbox_final(st, b, "expired", NULL), 0);
	ck_assert_int_eq(count("failed"), 1);
	ck_assert_int_eq(count("expired"), 1);
	ck_assert_int_eq(count("queued"), 1);
	ck_assert_int_eq(count(NULL), 3);
	q_text("SELECT reason FROM outbox WHERE id = ?1", a, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "http 400");
	ck_assert_int_eq(q_int("SELECT attempts FROM outbox WHERE id = ?1",
	    b), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 100, r, 4), 1);
	ck_assert_int_eq(r[0].id, c);
	/* Final is final. */
	ck_assert_int_eq(store_outbox_final(st, a, "expired", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_outbox_sent(st, b, t0), 0);
	ck_assert_int_eq(count("expired"), 1);
}
END_TEST

/* DLR value -> status and reason afterwards (message sent first). */
static const struct {
	int		 dlr;
	const char	*status;
	const char	*reason;
} dlr_table[] = {
	{ 1,	"delivered",	"(null)" },
	{ 2,	"failed",	"dlr 2" },
	{ 4,	"sent",		"(null)" },
	{ 8,	"sent",		"(null)" },
	{ 16,	"failed",	"dlr 16" },
	{ 32,	"sent",		"(null)" },
};

START_TEST(t_dlr_table)
{
	long long id;
	char buf[64];

	id = add("m", NULL, 0);
	ck_assert_int_eq(store_outbox_sent(st, id, time(NULL)), 0);
	ck_assert_int_eq(store_outbox_dlr(st, id, dlr_table[_i].dlr), 0);
	q_text("SELECT status FROM outbox WHERE id = ?1", id, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, dlr_table[_i].status);
	q_text("SELECT reason FROM outbox WHERE id = ?1", id, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, dlr_table[_i].reason);
	ck_assert_int_eq(q_int("SELECT dlr FROM outbox WHERE id = ?1", id),
	    dlr_table[_i].dlr);
	ck_assert_int_eq(count(dlr_table[_i].status), 1);
}
END_TEST

START_TEST(t_dlr_sequence)
{
	long long t0 = time(NULL), a, b;
	char buf[64];

	/* 8 (at the SMSC) then 1 (on the phone). */
	a = add("a", NULL, 0);
	ck_assert_int_eq(store_outbox_sent(st, a, t0), 0);
	ck_assert_int_eq(store_outbox_dlr(st, a, 8), 0);
	ck_assert_int_eq(count("sent"), 1);
	ck_assert_int_eq(store_outbox_dlr(st, a, 1), 0);
	ck_assert_int_eq(count("delivered"), 1);
	ck_assert_int_eq(q_int("SELECT dlr FROM outbox WHERE id = ?1", a), 1);
	/* A DLR that beats the sender's own "sent" is not overwritten. */
	b = add("b", NULL, 0);
	ck_assert_int_eq(store_outbox_dlr(st, b, 1), 0);
	ck_assert_int_eq(store_outbox_sent(st, b, t0 + 1), 0);
	q_text("SELECT status FROM outbox WHERE id = ?1", b, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "delivered");
	ck_assert_int_eq(q_int("SELECT attempts FROM outbox WHERE id = ?1",
	    b), 1);
	ck_assert_int_eq(count("delivered"), 2);
	ck_assert_int_eq(count("sent"), 0);
	/* smsbox posts DLRs concurrently: a late 8 after the final 1 keeps
	 * the 1, and a failed retry's reason is gone once delivered. */
	ck_assert_int_eq(store_outbox_dlr(st, a, 8), 0);
	ck_assert_int_eq(q_int("SELECT dlr FROM outbox WHERE id = ?1", a), 1);
	ck_assert_int_eq(count("delivered"), 2);
	b = add("c", NULL, 0);
	ck_assert_int_eq(store_outbox_retry(st, b, t0 + 5, "kannel down"), 0);
	ck_assert_int_eq(store_outbox_sent(st, b, t0 + 6), 0);
	ck_assert_int_eq(q_int("SELECT reason IS NULL FROM outbox WHERE "
	    "id = ?1", b), 1);
}
END_TEST

START_TEST(t_tx)
{
	long long id = 0;
	struct store_outbox_msg m = {
		.msisdn = "+256700000001", .text = "t", .kind = "booking",
		.dedupe = "book:1",
	};

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_outbox_add(st, &m, &id), 0);
	ck_assert_int_gt(id, 0);
	store_rollback(st);
	ck_assert_int_eq(count(NULL), 0);
	/* The rolled-back key does not block a later message. */
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_outbox_add(st, &m, &id), 0);
	ck_assert_int_gt(id, 0);
	/* Not visible to another connection before the commit. */
	ck_assert_int_eq(q_int("SELECT count(*) FROM outbox WHERE ?1 = ?1",
	    0), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(q_int("SELECT count(*) FROM outbox WHERE ?1 = ?1",
	    0), 1);
}
END_TEST

START_TEST(t_mo_seen)
{
	char reply[64];

	/* First sight records; the reply is stored afterwards. */
	reply[0] = '\0';
	ck_assert_int_eq(store_mo_seen(st, "at:m1", 1000, 600, reply,
	    sizeof(reply)), 0);
	ck_assert_int_eq(store_mo_reply(st, "at:m1", "Status: ready"), 0);
	snprintf(reply, sizeof(reply), "junk");
	ck_assert_int_eq(store_mo_seen(st, "at:m1", 1599, 600, reply,
	    sizeof(reply)), 1);
	ck_assert_str_eq(reply, "Status: ready");
	/* A repeat does not move the window. */
	ck_assert_int_eq(store_mo_seen(st, "at:m1", 1599, 600, reply,
	    sizeof(reply)), 1);
	/* At window seconds old it is forgotten and recorded anew. */
	reply[0] = '\0';
	ck_assert_int_eq(store_mo_seen(st, "at:m1", 1600, 600, reply,
	    sizeof(reply)), 0);
	snprintf(reply, sizeof(reply), "junk");
	ck_assert_int_eq(store_mo_seen(st, "at:m1", 1601, 600, reply,
	    sizeof(reply)), 1);
	ck_assert_str_eq(reply, "");
	/* A reply given up front is the one kept. */
	snprintf(reply, sizeof(reply), "first");
	ck_assert_int_eq(store_mo_seen(st, "k:m2", 2000, 600, reply,
	    sizeof(reply)), 0);
	ck_assert_str_eq(reply, "first");
	snprintf(reply, sizeof(reply), "other");
	ck_assert_int_eq(store_mo_seen(st, "k:m2", 2001, 600, reply,
	    sizeof(reply)), 1);
	ck_assert_str_eq(reply, "first");
	/* Old keys are purged by any call. */
	ck_assert_int_eq(q_int("SELECT count(*) FROM mo_seen WHERE ?1 = ?1",
	    0), 2);
	ck_assert_int_eq(store_mo_seen(st, "k:m3", 9000, 600, NULL, 0), 0);
	ck_assert_int_eq(q_int("SELECT count(*) FROM mo_seen WHERE ?1 = ?1",
	    0), 1);
}
END_TEST

START_TEST(l_add_bad)
{
	struct store_outbox_msg m = {
		.msisdn = "+256700000001", .text = "t", .kind = "status",
	};
	long long id = 99;

	ck_assert_int_eq(store_outbox_add(st, NULL, &id), -1);
	ck_assert_int_eq(id, 0);
	m.msisdn = NULL;
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), -1);
	m.msisdn = "";
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), -1);
	m.msisdn = "+256700000001";
	m.text = NULL;
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), -1);
	m.text = "t";
	m.kind = "";
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), -1);
	m.kind = NULL;
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), -1);
	ck_assert_int_eq(count(NULL), 0);
	/* The lock was released on every path. */
	m.kind = "status";
	ck_assert_int_eq(store_outbox_add(st, &m, NULL), 0);
	ck_assert_int_eq(count(NULL), 1);
}
END_TEST

START_TEST(l_due_bad)
{
	struct store_outbox_row r[1];
	long long t0 = time(NULL);

	ck_assert_int_eq(store_outbox_due(st, t0, r, 1), 0);
	add("a", NULL, 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 0), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, -1), -1);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, NULL, 1), -1);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, NULL, 0), 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 1), 1);
}
END_TEST

START_TEST(l_due_many)
{
	struct store_outbox_row r[40];
	long long ids[30], t0 = time(NULL);
	int i;

	for (i = 0; i < 30; i++)
		ids[i] = add("m", NULL, 0);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 10), 10);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(r[i].id, ids[i]);
	ck_assert_int_eq(store_outbox_due(st, t0 + 5, r, 40), 30);
	ck_assert_int_eq(r[29].id, ids[29]);
}
END_TEST

START_TEST(l_long_fields)
{
	struct store_outbox_msg m = {
		.msisdn = "+256700000001", .kind = "a_very_long_kind_name",
		.lang = "en-GB-oxendict",
	};
	struct store_outbox_row r[1];
	char *text;
	long long id;

	text = xmalloc(2001);
	memset(text, 'x', 2000);
	text[2000] = '\0';
	m.text = text;
	ck_assert_int_eq(store_outbox_add(st, &m, &id), 0);
	ck_assert_int_eq(q_int("SELECT length(text) FROM outbox WHERE "
	    "id = ?1", id), 2000);
	ck_assert_int_eq(store_outbox_due(st, time(NULL) + 5, r, 1), 1);
	ck_assert_uint_eq(strlen(r[0].text), sizeof(r[0].text) - 1);
	ck_assert_str_eq(r[0].kind, "a_very_long_kin");
	ck_assert_str_eq(r[0].lang, "en-GB-o");
	free(text);
}
END_TEST

START_TEST(l_unknown_ids)
{
	long long id;

	ck_assert_int_eq(store_outbox_sent(st, 42, 1), STORE_NOTFOUND);
	ck_assert_int_eq(store_outbox_retry(st, 42, 1, "x"), STORE_NOTFOUND);
	ck_assert_int_eq(store_outbox_final(st, 42, "failed", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_outbox_dlr(st, 42, 1), STORE_NOTFOUND);
	id = add("m", NULL, 0);
	ck_assert_int_eq(store_outbox_final(st, id, "sent", NULL), -1);
	ck_assert_int_eq(store_outbox_final(st, id, "delivered", NULL), -1);
	ck_assert_int_eq(store_outbox_final(st, id, NULL, NULL), -1);
	ck_assert_int_eq(store_outbox_dlr(st, id, 0), -1);
	ck_assert_int_eq(store_outbox_dlr(st, id, -2), -1);
	ck_assert_int_eq(count("queued"), 1);
	ck_assert_int_eq(q_int("SELECT dlr FROM outbox WHERE id = ?1", id),
	    -1);
	ck_assert_int_eq(count("bogus"), 0);
}
END_TEST

START_TEST(l_mo_bad)
{
	char reply[4];

	ck_assert_int_eq(store_mo_seen(st, NULL, 1, 10, NULL, 0), -1);
	ck_assert_int_eq(store_mo_seen(st, "", 1, 10, NULL, 0), -1);
	ck_assert_int_eq(store_mo_reply(st, "nope", "x"), STORE_NOTFOUND);
	ck_assert_int_eq(store_mo_reply(st, NULL, "x"), -1);
	/* A stored reply longer than the buffer is cut, NUL-terminated. */
	ck_assert_int_eq(store_mo_seen(st, "k", 100, 10, NULL, 0), 0);
	ck_assert_int_eq(store_mo_reply(st, "k", "abcdefgh"), 0);
	ck_assert_int_eq(store_mo_seen(st, "k", 101, 10, reply,
	    sizeof(reply)), 1);
	ck_assert_str_eq(reply, "abc");
	/* Window 0: never a repeat. */
	ck_assert_int_eq(store_mo_seen(st, "z", 200, 0, NULL, 0), 0);
	ck_assert_int_eq(store_mo_seen(st, "z", 200, 0, NULL, 0), 0);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("store_outbox");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, t_add_fields);
	tcase_add_test(tc, t_due_order);
	tcase_add_test(tc, t_dedupe);
	tcase_add_test(tc, t_sent);
	tcase_add_test(tc, t_retry);
	tcase_add_test(tc, t_final);
	tcase_add_loop_test(tc, t_dlr_table, 0,
	    (int)(sizeof(dlr_table) / sizeof(dlr_table[0])));
	tcase_add_test(tc, t_dlr_sequence);
	tcase_add_test(tc, t_tx);
	tcase_add_test(tc, t_mo_seen);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, l_add_bad);
	tcase_add_test(tc, l_due_bad);
	tcase_add_test(tc, l_due_many);
	tcase_add_test(tc, l_long_fields);
	tcase_add_test(tc, l_unknown_ids);
	tcase_add_test(tc, l_mo_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(outbox_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
