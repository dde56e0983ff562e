/*
 * check_store_repl: the replacement lifecycle (repl.c) as a table, and the
 * stored requests (store_repl.c): creation with its history, audit and SMS
 * in one transaction, one open request per (reference, kind), every
 * allowed and a good set of refused moves through the store, and argument
 * checks.  Real SQLite file in a fresh mkdtemp directory per test; rows
 * the API does not expose are read through a second connection.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "repl.h"
#include "store.h"
#include "store_outbox.h"
#include "store_repl.h"
#include "xmem.h"

static void	 setup(void);
static void	 teardown(void);
static long long q_int(const char *, const char *);
static void	 q_text(const char *, const char *, char *, size_t);
static void	 req(struct store_repl *, const char *, const char *,
		    const char *);
static void	 create_ok(const char *, const char *, const char *);
static void	 drive(const char *, const char *);
static long long nhist(const char *);
static long long nout(void);
static long long naudit(void);
static Suite	*repl_suite(void);

static char		 dir[64];
static char		*dbpath;
static struct store	*st;

static const struct store_audit audit = {
	.channel = "ussd", .msisdn = "+256700000001",
	.action = "repl_create", .object = "A0001", .outcome = "created",
};

static const struct store_outbox_msg sms = {
	.msisdn = "+256700000001", .text = "Ticket received", .lang = "en",
	.kind = "replace",
};

static void
setup(void)
{
	char err[256];
	sqlite3 *db;

	log_set_level(LOG_LVL_ERR);
	snprintf(dir, sizeof(dir), "/tmp/check_repl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dbpath = xasprintf("%s/t.db", dir);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_open: %s", err);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO offices(code, name, "
	    "short_name, workdays, open_min, close_min, slot_min, counters, "
	    "updated) VALUES('KLA', 'Kampala Head Office', 'Kampala', 31, "
	    "480, 1020, 15, 2, 0)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
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

/* One integer from sql with ?1 = p, on its own connection. */
static long long
q_int(const char *sql, const char *p)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, p, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* One text from sql with ?1 = p; NULL gives "(null)". */
static void
q_text(const char *sql, const char *p, char *buf, size_t n)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	const unsigned char *t;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, p, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	t = sqlite3_column_text(s, 0);
	snprintf(buf, n, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Fills a request (lost, office KLA, no police reference). */
static void
req(struct store_repl *r, const char *ticket, const char *ref,
    const char *kind)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->ticket, sizeof(r->ticket), "%s", ticket);
	snprintf(r->reference, sizeof(r->reference), "%s", ref);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	snprintf(r->reason, sizeof(r->reason), "lost");
	snprintf(r->office, sizeof(r->office), "KLA");
	snprintf(r->msisdn, sizeof(r->msisdn), "+256700000001");
	snprintf(r->lang, sizeof(r->lang), "en");
}

static void
create_ok(const char *ticket, const char *ref, const char *kind)
{
	struct store_repl r;

	req(&r, ticket, ref, kind);
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), 0);
}

static long long
nhist(const char *ticket)
{
	return q_int("SELECT count(*) FROM repl_history WHERE ticket = ?1",
	    ticket);
}

static long long
nout(void)
{
	long long n = -1;

	ck_assert_int_eq(store_outbox_count(st, NULL, &n), 0);
	return n;
}

static long long
naudit(void)
{
	long long n = -1;

	ck_assert_int_eq(store_audit_count(st, NULL, NULL, &n), 0);
	return n;
}

/*
 * The lifecycle: every allowed move (ok 1) and refused ones (ok 0):
 * standing still, skipping steps, going back, leaving a terminal state,
 * and unknown statuses.
 */
static const struct {
	const char	*from, *to;
	int		 ok;
} moves[] = {
	{ "submitted", "awaiting_payment", 1 },
	{ "submitted", "under_review", 1 },
	{ "submitted", "cancelled", 1 },
	{ "submitted", "expired", 1 },
	{ "awaiting_payment", "under_review", 1 },
	{ "awaiting_payment", "cancelled", 1 },
	{ "awaiting_payment", "expired", 1 },
	{ "under_review", "approved", 1 },
	{ "under_review", "rejected", 1 },
	{ "under_review", "cancelled", 1 },
	{ "approved", "in_production", 1 },
	{ "approved", "cancelled", 1 },
	{ "in_production", "ready_for_collection", 1 },
	{ "ready_for_collection", "collected", 1 },
	{ "ready_for_collection", "expired", 1 },
	{ "submitted", "submitted", 0 },
	{ "under_review", "under_review", 0 },
	{ "submitted", "approved", 0 },
	{ "submitted", "rejected", 0 },
	{ "submitted", "in_production", 0 },
	{ "submitted", "ready_for_collection", 0 },
	{ "submitted", "collected", 0 },
	{ "awaiting_payment", "approved", 0 },
	{ "awaiting_payment", "rejected", 0 },
	{ "awaiting_payment", "submitted", 0 },
	{ "under_review", "in_production", 0 },
	{ "under_review", "expired", 0 },
	{ "under_review", "submitted", 0 },
	{ "under_review", "awaiting_payment", 0 },
	{ "approved", "ready_for_collection", 0 },
	{ "approved", "under_review", 0 },
	{ "approved", "rejected", 0 },
	{ "approved", "expired", 0 },
	{ "in_production", "collected", 0 },
	{ "in_production", "cancelled", 0 },
	{ "in_production", "expired", 0 },
	{ "in_production", "approved", 0 },
	{ "ready_for_collection", "cancelled", 0 },
	{ "ready_for_collection", "in_production", 0 },
	{ "rejected", "under_review", 0 },
	{ "rejected", "approved", 0 },
	{ "rejected", "cancelled", 0 },
	{ "collected", "ready_for_collection", 0 },
	{ "collected", "expired", 0 },
	{ "cancelled", "submitted", 0 },
	{ "cancelled", "under_review", 0 },
	{ "expired", "submitted", 0 },
	{ "expired", "ready_for_collection", 0 },
	{ "expired", "collected", 0 },
	{ "submitted", "bogus", 0 },
	{ "submitted", "", 0 },
	{ "submitted", "Under_Review", 0 },
	{ "bogus", "submitted", 0 },
};

#define NMOVES	((int)(sizeof(moves) / sizeof(moves[0])))

/* How to reach each status from submitted (space-separated moves). */
static const struct {
	const char	*status, *path;
} paths[] = {
	{ "submitted",		"" },
	{ "awaiting_payment",	"awaiting_payment" },
	{ "under_review",	"under_review" },
	{ "approved",		"under_review approved" },
	{ "rejected",		"under_review rejected" },
	{ "in_production",	"under_review approved in_production" },
	{ "ready_for_collection", "awaiting_payment under_review approved "
	    "in_production ready_for_collection" },
	{ "collected",		"under_review approved in_production "
	    "ready_for_collection collected" },
	{ "cancelled",		"cancelled" },
	{ "expired",		"expired" },
};

/* Moves ticket from submitted to status along paths[], checking each. */
static void
drive(const char *ticket, const char *status)
{
	char buf[200], *p, *save = NULL;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(paths[i].status, status) == 0)
			break;
	ck_assert_msg(i < sizeof(paths) / sizeof(paths[0]), "no path to %s",
	    status);
	snprintf(buf, sizeof(buf), "%s", paths[i].path);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		ck_assert_msg(store_repl_set_status(st, ticket, p, "staff",
		    NULL) == 0, "%s: cannot move to %s", status, p);
}

START_TEST(t_transition_table)
{
	ck_assert_msg(repl_transition_ok(moves[_i].from, moves[_i].to) ==
	    moves[_i].ok, "%s -> %s: expected %d", moves[_i].from,
	    moves[_i].to, moves[_i].ok);
}
END_TEST

/* Exactly the 15 allowed moves among all 100 pairs; none from terminal. */
START_TEST(t_transition_all_pairs)
{
	size_t i, j, n = 0, nok = 0;
	const size_t np = sizeof(paths) / sizeof(paths[0]);

	for (i = 0; i < np; i++) {
		ck_assert(repl_status_valid(paths[i].status));
		for (j = 0; j < np; j++) {
			if (!repl_transition_ok(paths[i].status,
			    paths[j].status))
				continue;
			n++;
			ck_assert_msg(repl_is_open(paths[i].status),
			    "move out of %s", paths[i].status);
		}
	}
	for (i = 0; i < (size_t)NMOVES; i++)
		nok += moves[i].ok;
	ck_assert_uint_eq(nok, 15);
	ck_assert_uint_eq(n, nok);
}
END_TEST

/* The same table through the store, from a request in `from`. */
START_TEST(t_store_moves)
{
	struct store_repl r;
	long long h, o;
	int rc;

	if (!repl_status_valid(moves[_i].from))
		return;
	create_ok("1000001", "A0001", "passport");
	drive("1000001", moves[_i].from);
	ck_assert_int_eq(store_repl_get(st, "1000001", &r), 0);
	ck_assert_str_eq(r.status, moves[_i].from);
	h = nhist("1000001");
	o = nout();
	rc = store_repl_set_status(st, "1000001", moves[_i].to, "staff",
	    &sms);
	ck_assert_int_eq(store_repl_get(st, "1000001", &r), 0);
	if (moves[_i].ok) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(r.status, moves[_i].to);
		ck_assert_int_eq(nhist("1000001"), h + 1);
		ck_assert_int_eq(nout(), o + 1);
		ck_assert_int_eq(q_int("SELECT count(*) FROM repl_history "
		    "WHERE ticket = '1000001' AND new_status = ?1 AND "
		    "source = 'staff'", moves[_i].to), 1);
	} else {
		ck_assert_int_eq(rc, STORE_REFUSED);
		ck_assert_str_eq(r.status, moves[_i].from);
		ck_assert_int_eq(nhist("1000001"), h);
		ck_assert_int_eq(nout(), o);
	}
}
END_TEST

START_TEST(t_create)
{
	struct store_repl r, g;
	char buf[64];
	time_t t0 = time(NULL);

	req(&r, "2000002", "A0001", "national_id");
	snprintf(r.reason, sizeof(r.reason), "stolen");
	snprintf(r.police_ref, sizeof(r.police_ref), "CRB 123/2024");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	ck_assert_str_eq(r.status, "submitted");
	ck_assert_int_eq(r.prior_count, 0);
	ck_assert_str_eq(r.office_short, "Kampala");
	ck_assert_int_ge(r.created, t0);
	ck_assert_int_eq(r.updated, r.created);
	ck_assert_int_eq(store_repl_get(st, "2000002", &g), 0);
	ck_assert_str_eq(g.ticket, "2000002");
	ck_assert_str_eq(g.reference, "A0001");
	ck_assert_str_eq(g.kind, "national_id");
	ck_assert_str_eq(g.reason, "stolen");
	ck_assert_str_eq(g.police_ref, "CRB 123/2024");
	ck_assert_str_eq(g.office, "KLA");
	ck_assert_str_eq(g.office_short, "Kampala");
	ck_assert_str_eq(g.status, "submitted");
	ck_assert_str_eq(g.msisdn, "+256700000001");
	ck_assert_str_eq(g.lang, "en");
	ck_assert_int_eq(g.created, r.created);
	/* One history row (NULL -> submitted, by the audit channel), one
	 * SMS, one audit row. */
	ck_assert_int_eq(nhist("2000002"), 1);
	q_text("SELECT old_status FROM repl_history WHERE ticket = ?1",
	    "2000002", buf, sizeof(buf));
	ck_assert_str_eq(buf, "(null)");
	q_text("SELECT new_status || '/' || source FROM repl_history "
	    "WHERE ticket = ?1", "2000002", buf, sizeof(buf));
	ck_assert_str_eq(buf, "submitted/ussd");
	ck_assert_int_eq(nout(), 1);
	q_text("SELECT kind || '/' || text FROM outbox WHERE msisdn = ?1",
	    "+256700000001", buf, sizeof(buf));
	ck_assert_str_eq(buf, "replace/Ticket received");
	ck_assert_int_eq(naudit(), 1);
	ck_assert_int_eq(q_int("SELECT count(*) FROM audit WHERE "
	    "action = ?1 AND outcome = 'created'", "repl_create"), 1);
	ck_assert_int_eq(store_repl_open_for(st, "A0001", "national_id", &g),
	    0);
	ck_assert_str_eq(g.ticket, "2000002");
}
END_TEST

START_TEST(t_create_sms_channel)
{
	struct store_audit a = audit;
	struct store_repl r;
	char buf[64];

	/* No audit: source "ussd", nothing audited or queued. */
	req(&r, "3000003", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), 0);
	q_text("SELECT source FROM repl_history WHERE ticket = ?1",
	    "3000003", buf, sizeof(buf));
	ck_assert_str_eq(buf, "ussd");
	ck_assert_int_eq(naudit(), 0);
	ck_assert_int_eq(nout(), 0);
	/* An SMS request records its channel; an unknown office joins to
	 * an empty short name. */
	a.channel = "sms";
	req(&r, "3000004", "A0002", "passport");
	snprintf(r.office, sizeof(r.office), "NOWHERE");
	ck_assert_int_eq(store_repl_create(st, &r, &a, NULL, NULL), 0);
	ck_assert_str_eq(r.office_short, "");
	q_text("SELECT source FROM repl_history WHERE ticket = ?1",
	    "3000004", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sms");
	ck_assert_int_eq(naudit(), 1);
}
END_TEST

START_TEST(t_one_open)
{
	struct store_repl r, ex;

	req(&r, "4000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	/* Second open request for (A0001, passport): refused, told which. */
	req(&r, "4000002", "A0001", "passport");
	memset(&ex, 0, sizeof(ex));
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, &ex),
	    STORE_EXISTS);
	ck_assert_str_eq(ex.ticket, "4000001");
	ck_assert_str_eq(ex.status, "submitted");
	ck_assert_str_eq(ex.office_short, "Kampala");
	ck_assert_int_eq(store_repl_get(st, "4000002", &r), STORE_NOTFOUND);
	ck_assert_int_eq(nout(), 1);
	ck_assert_int_eq(naudit(), 1);
	ck_assert_int_eq(nhist("4000002"), 0);
	/* Still refused further along, and without an existing buffer. */
	ck_assert_int_eq(store_repl_set_status(st, "4000001", "under_review",
	    "staff", NULL), 0);
	req(&r, "4000002", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL),
	    STORE_EXISTS);
	/* Another kind for the same reference is its own request. */
	req(&r, "4000003", "A0001", "birth_certificate");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), 0);
	ck_assert_int_eq(r.prior_count, 1);
}
END_TEST

START_TEST(t_after_cancel)
{
	struct store_repl r;
	long long o;

	req(&r, "5000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	o = nout();
	ck_assert_int_eq(store_repl_set_status(st, "5000001", "cancelled",
	    "ussd", &sms), 0);
	ck_assert_int_eq(nout(), o + 1);
	ck_assert_int_eq(store_repl_open_for(st, "A0001", "passport", &r),
	    STORE_NOTFOUND);
	req(&r, "5000002", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	ck_assert_int_eq(r.prior_count, 1);
	ck_assert_int_eq(store_repl_open_for(st, "A0001", "passport", &r), 0);
	ck_assert_str_eq(r.ticket, "5000002");
	ck_assert_int_eq(r.prior_count, 1);
	/* Any kind and any status count; other references do not. */
	drive("5000002", "collected");
	create_ok("5000003", "A0001", "national_id");
	create_ok("5000004", "B0002", "passport");
	req(&r, "5000005", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), 0);
	ck_assert_int_eq(r.prior_count, 3);
	ck_assert_int_eq(store_repl_get(st, "5000004", &r), 0);
	ck_assert_int_eq(r.prior_count, 0);
}
END_TEST

START_TEST(t_set_status_notfound)
{
	long long o = nout();

	ck_assert_int_eq(store_repl_set_status(st, "9999999", "cancelled",
	    "staff", &sms), STORE_NOTFOUND);
	ck_assert_int_eq(nout(), o);
	ck_assert_int_eq(nhist("9999999"), 0);
}
END_TEST

/* A failing SMS undoes the whole creation or move. */
START_TEST(t_atomic)
{
	struct store_outbox_msg bad = sms;
	struct store_repl r;

	bad.msisdn = NULL;
	req(&r, "6000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &bad, NULL), -1);
	ck_assert_int_eq(store_repl_get(st, "6000001", &r), STORE_NOTFOUND);
	ck_assert_int_eq(nhist("6000001"), 0);
	ck_assert_int_eq(naudit(), 0);
	ck_assert_int_eq(nout(), 0);
	create_ok("6000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_set_status(st, "6000001", "under_review",
	    "staff", &bad), -1);
	ck_assert_int_eq(store_repl_get(st, "6000001", &r), 0);
	ck_assert_str_eq(r.status, "submitted");
	ck_assert_int_eq(nhist("6000001"), 1);
	/* The lock and transaction were released: this works. */
	ck_assert_int_eq(store_repl_set_status(st, "6000001", "under_review",
	    "staff", &sms), 0);
	ck_assert_int_eq(nout(), 1);
}
END_TEST

START_TEST(t_explicit_tx)
{
	struct store_repl r;

	ck_assert_int_eq(store_begin(st), 0);
	req(&r, "7000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	store_rollback(st);
	ck_assert_int_eq(store_repl_get(st, "7000001", &r), STORE_NOTFOUND);
	ck_assert_int_eq(nout(), 0);
	ck_assert_int_eq(naudit(), 0);
	ck_assert_int_eq(store_begin(st), 0);
	req(&r, "7000001", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), 0);
	ck_assert_int_eq(store_repl_set_status(st, "7000001", "cancelled",
	    "staff", NULL), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_repl_get(st, "7000001", &r), 0);
	ck_assert_str_eq(r.status, "cancelled");
	ck_assert_int_eq(nhist("7000001"), 2);
}
END_TEST

START_TEST(l_create_bad)
{
	struct store_repl r;

	ck_assert_int_eq(store_repl_create(st, NULL, NULL, NULL, NULL), -1);
	req(&r, "", "A0001", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), -1);
	req(&r, "8000001", "", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), -1);
	req(&r, "8000001", "A0001", "driving_licence");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), -1);
	req(&r, "8000001", "A0001", "passport");
	snprintf(r.reason, sizeof(r.reason), "eaten");
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), -1);
	req(&r, "8000001", "A0001", "passport");
	r.office[0] = '\0';
	ck_assert_int_eq(store_repl_create(st, &r, NULL, NULL, NULL), -1);
	ck_assert_int_eq(q_int("SELECT count(*) FROM replacements "
	    "WHERE ?1 IS NULL", NULL), 0);
	create_ok("8000001", "A0001", "passport");
}
END_TEST

START_TEST(l_ticket_collision)
{
	struct store_repl r;

	create_ok("8100001", "A0001", "passport");
	req(&r, "8100001", "B0002", "passport");
	ck_assert_int_eq(store_repl_create(st, &r, &audit, &sms, NULL), -1);
	ck_assert_int_eq(store_repl_open_for(st, "B0002", "passport", &r),
	    STORE_NOTFOUND);
	ck_assert_int_eq(nhist("8100001"), 1);
	ck_assert_int_eq(nout(), 0);
	ck_assert_int_eq(naudit(), 0);
}
END_TEST

START_TEST(l_lookups)
{
	struct store_repl r;

	ck_assert_int_eq(store_repl_get(st, "nope", &r), STORE_NOTFOUND);
	ck_assert_int_eq(store_repl_get(st, NULL, &r), -1);
	ck_assert_int_eq(store_repl_get(st, "x", NULL), -1);
	ck_assert_int_eq(store_repl_open_for(st, "A0001", "passport", &r),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_repl_open_for(st, NULL, "passport", &r), -1);
	create_ok("8200001", "A0001", "passport");
	ck_assert_int_eq(store_repl_open_for(st, "A0001", "national_id", &r),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_repl_open_for(st, "a0001", "passport", &r),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_repl_set_status(st, NULL, "cancelled", "x",
	    NULL), -1);
	ck_assert_int_eq(store_repl_set_status(st, "8200001", NULL, "x",
	    NULL), -1);
	ck_assert_int_eq(store_repl_set_status(st, "8200001", "cancelled",
	    NULL, NULL), -1);
	ck_assert_int_eq(store_repl_set_status(st, "8200001", "bogus",
	    "staff", NULL), STORE_REFUSED);
	ck_assert_int_eq(store_repl_get(st, "8200001", &r), 0);
	ck_assert_str_eq(r.status, "submitted");
	ck_assert_int_eq(nhist("8200001"), 1);
}
END_TEST

/* Word lists: each candidate against the predicates. */
static const struct {
	const char	*s;
	int		 status, open, reason, kind;
} words[] = {
	{ "submitted",		1, 1, 0, 0 },
	{ "awaiting_payment",	1, 1, 0, 0 },
	{ "under_review",	1, 1, 0, 0 },
	{ "approved",		1, 1, 0, 0 },
	{ "in_production",	1, 1, 0, 0 },
	{ "ready_for_collection", 1, 1, 0, 0 },
	{ "rejected",		1, 0, 0, 0 },
	{ "collected",		1, 0, 0, 0 },
	{ "cancelled",		1, 0, 0, 0 },
	{ "expired",		1, 0, 0, 0 },
	{ "lost",		0, 0, 1, 0 },
	{ "stolen",		0, 0, 1, 0 },
	{ "damaged",		0, 0, 1, 0 },
	{ "national_id",	0, 0, 0, 1 },
	{ "passport",		0, 0, 0, 1 },
	{ "birth_certificate",	0, 0, 0, 1 },
	{ "",			0, 0, 0, 0 },
	{ "Lost",		0, 0, 0, 0 },
	{ "lost ",		0, 0, 0, 0 },
	{ "Submitted",		0, 0, 0, 0 },
	{ "passports",		0, 0, 0, 0 },
	{ "cancel",		0, 0, 0, 0 },
	{ "received",		0, 0, 0, 0 },
};

START_TEST(l_words)
{
	ck_assert_msg(repl_status_valid(words[_i].s) == words[_i].status,
	    "status_valid(%s)", words[_i].s);
	ck_assert_msg(repl_is_open(words[_i].s) == words[_i].open,
	    "is_open(%s)", words[_i].s);
	ck_assert_msg(repl_reason_valid(words[_i].s) == words[_i].reason,
	    "reason_valid(%s)", words[_i].s);
	ck_assert_msg(repl_kind_valid(words[_i].s) == words[_i].kind,
	    "kind_valid(%s)", words[_i].s);
}
END_TEST

START_TEST(l_nulls)
{
	ck_assert_int_eq(repl_transition_ok(NULL, "cancelled"), 0);
	ck_assert_int_eq(repl_transition_ok("submitted", NULL), 0);
	ck_assert_int_eq(repl_status_valid(NULL), 0);
	ck_assert_int_eq(repl_is_open(NULL), 0);
	ck_assert_int_eq(repl_reason_valid(NULL), 0);
	ck_assert_int_eq(repl_kind_valid(NULL), 0);
}
END_TEST

static Suite *
repl_suite(void)
{
	Suite *s = suite_create("store_repl");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, t_transition_table, 0, NMOVES);
	tcase_add_test(tc, t_transition_all_pairs);
	tcase_add_loop_test(tc, t_store_moves, 0, NMOVES);
	tcase_add_test(tc, t_create);
	tcase_add_test(tc, t_create_sms_channel);
	tcase_add_test(tc, t_one_open);
	tcase_add_test(tc, t_after_cancel);
	tcase_add_test(tc, t_set_status_notfound);
	tcase_add_test(tc, t_atomic);
	tcase_add_test(tc, t_explicit_tx);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, l_create_bad);
	tcase_add_test(tc, l_ticket_collision);
	tcase_add_test(tc, l_lookups);
	tcase_add_loop_test(tc, l_words, 0,
	    (int)(sizeof(words) / sizeof(words[0])));
	tcase_add_test(tc, l_nulls);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(repl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
