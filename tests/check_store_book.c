/*
 * check_store_book: tests for store_book.c against real SQLite files.
 *
 * Every test gets a fresh database in its own mkdtemp() directory (checked
 * fixture) with two offices: KLA (Mon-Fri 08:00-17:00, lunch 12:00-13:00,
 * 50-minute slots, so each half-day drops a 40-minute partial piece; 3
 * counters) and GUL (Mon-Sat 09:00-12:00, 60-minute slots, 2 counters),
 * a national holiday on Wednesday 2025-03-05 and a KLA holiday on Thursday
 * 2025-03-06.  Counts the store has no getter for (outbox, bookings, slots)
 * are read with a second, plain sqlite3 connection, so they do not depend
 * on the code under test.  TZ is UTC for the whole run.
 */
#include <check.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "log.h"
#include "store.h"
#include "store_book.h"
#include "store_outbox.h"

#define NTHREADS	8

static void		 setup(void);
static void		 teardown(void);
static void		 office_set(struct store_office *, const char *, int,
			    unsigned, int, int, int, int, int, int);
static long long	 q(const char *sql);
static long long	 slot_at(const char *office, int day, int start);
static int		 booked(long long id);
static void		 gen_week(void);
static int		 book(const char *ref, long long id, const char *code);
static void		*race_thread(void *);
static Suite		*store_book_suite(void);

static char		 tmpdir[64];
static char		 dbpath[128];
static struct store	*st;
static int		 MON;		/* 2025-03-03, a Monday */

static const struct store_outbox_msg msg = {
	"+256700000001", "Your appointment is booked", "en", "booking", NULL,
	0, 0
};

static void
office_set(struct store_office *o, const char *code, int sort,
    unsigned workdays, int open, int close, int lstart, int lend, int len,
    int counters)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->code, sizeof(o->code), "%s", code);
	snprintf(o->name, sizeof(o->name), "%s Registry Office", code);
	snprintf(o->short_name, sizeof(o->short_name), "%s short", code);
	o->sort = sort;
	o->workdays = workdays;
	o->open_min = open;
	o->close_min = close;
	o->lunch_start = lstart;
	o->lunch_end = lend;
	o->slot_min = len;
	o->counters = counters;
}

static void
setup(void)
{
	struct store_office	o;
	char			err[256];

	MON = date_from_ymd(2025, 3, 3);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_store_book.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/idline.db", tmpdir);
	st = store_open(dbpath, err, sizeof(err));
	ck_assert_msg(st != NULL, "store_open: %s", err);

	office_set(&o, "KLA", 2, 0x1f, 480, 1020, 720, 780, 50, 3);
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	office_set(&o, "GUL", 1, 0x3f, 540, 720, -1, -1, 60, 2);
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	ck_assert_int_eq(store_holiday_add(st, MON + 2, NULL, "National"), 0);
	ck_assert_int_eq(store_holiday_add(st, MON + 3, "KLA", "Local"), 0);
}

static void
teardown(void)
{
	char	p[192];

	store_close(st);
	st = NULL;
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
}

/* One integer from sql, on a separate connection; -1 on error. */
static long long
q(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 v = -1;

	ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static long long
slot_at(const char *office, int day, int start)
{
	char	sql[160];

	snprintf(sql, sizeof(sql), "SELECT id FROM slots WHERE office = '%s'"
	    " AND day = %d AND start_min = %d", office, day, start);
	return q(sql);
}

static int
booked(long long id)
{
	struct store_slot	sl;

	ck_assert_int_eq(store_slot_get(st, id, &sl), 0);
	return sl.booked;
}

static void
gen_week(void)
{
	size_t	n = 0;

	ck_assert_int_eq(store_slots_generate(st, MON, 7, &n), 0);
	ck_assert_uint_eq(n, 39);
}

/* Books with the standard message and an audit row "book"/"booked". */
static int
book(const char *ref, long long id, const char *code)
{
	struct store_audit	a = { "ussd", "+256700000001", NULL, "book",
				    ref, "booked" };

	return store_book(st, ref, id, code, "+256700000001", "lg", &a, &msg);
}

/* -------------------------------------------------------------- core */

START_TEST(t_offices)
{
	struct store_office	 o, *v = NULL;
	size_t			 n = 0;

	ck_assert_int_eq(date_weekday(MON), 0);
	office_set(&o, "AAA", 2, 0x01, 600, 660, -1, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	office_set(&o, "ABC", 3, 0x01, 600, 660, -1, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	ck_assert_int_eq(store_office_list(st, &v, &n), 0);
	ck_assert_uint_eq(n, 4);
	/* By sort (GUL 1, AAA and KLA 2, ABC 3), ties by code. */
	ck_assert_str_eq(v[0].code, "GUL");
	ck_assert_str_eq(v[1].code, "AAA");
	ck_assert_str_eq(v[2].code, "KLA");
	ck_assert_str_eq(v[3].code, "ABC");
	ck_assert_int_eq(v[2].lunch_start, 720);
	ck_assert_int_eq(v[2].lunch_end, 780);
	ck_assert_int_eq(v[0].lunch_start, -1);
	ck_assert_int_eq(v[0].sort, 1);
	free(v);

	/* Update in place. */
	snprintf(o.name, sizeof(o.name), "Renamed");
	o.counters = 4;
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(store_office_get(st, "ABC", &o), 0);
	ck_assert_str_eq(o.name, "Renamed");
	ck_assert_str_eq(o.short_name, "ABC short");
	ck_assert_int_eq(o.counters, 4);
	ck_assert_uint_eq(o.workdays, 0x01);
	ck_assert_int_eq(o.open_min, 600);
	ck_assert_int_eq(o.close_min, 660);
	ck_assert_int_eq(o.slot_min, 30);
	ck_assert_int_eq(o.sort, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM offices"), 4);
}
END_TEST

START_TEST(t_generate)
{
	static const int	 kla[] = { 480, 530, 580, 630, 780, 830, 880,
				    930 };
	static const struct {
		const char	*office;
		int		 off;	/* day offset from Monday */
		int		 n;
	} days[] = {
		{ "KLA", 0, 8 }, { "KLA", 1, 8 }, { "KLA", 2, 0 },
		{ "KLA", 3, 0 }, { "KLA", 4, 8 }, { "KLA", 5, 0 },
		{ "KLA", 6, 0 },
		{ "GUL", 0, 3 }, { "GUL", 1, 3 }, { "GUL", 2, 0 },
		{ "GUL", 3, 3 }, { "GUL", 4, 3 }, { "GUL", 5, 3 },
		{ "GUL", 6, 0 },
	};
	struct store_slot	 sl[32];
	size_t			 n = 99, i;
	int			 k, got;

	gen_week();
	ck_assert_int_eq(q("SELECT count(*) FROM slots"), 39);
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		got = store_slots_free(st, days[i].office, MON + days[i].off,
		    0, 0, sl, 32);
		ck_assert_msg(got == days[i].n, "%s +%d: %d slots, want %d",
		    days[i].office, days[i].off, got, days[i].n);
	}
	/* KLA Monday: the plan cut exactly, capacity = counters. */
	ck_assert_int_eq(store_slots_free(st, "KLA", MON, 0, 0, sl, 32), 8);
	for (k = 0; k < 8; k++) {
		ck_assert_int_eq(sl[k].start_min, kla[k]);
		ck_assert_int_eq(sl[k].capacity, 3);
		ck_assert_int_eq(sl[k].booked, 0);
		ck_assert_int_eq(sl[k].day, MON);
		ck_assert_str_eq(sl[k].office, "KLA");
	}
	ck_assert_int_eq(q("SELECT count(*) FROM slots WHERE office = 'GUL'"
	    " AND capacity <> 2"), 0);
	ck_assert_int_eq(q("SELECT min(start_min) * 1000 + max(start_min)"
	    " FROM slots WHERE office = 'GUL'"), 540 * 1000 + 660);

	/* Idempotent: same range again creates nothing. */
	ck_assert_int_eq(store_slots_generate(st, MON, 7, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* Overlapping range: only the second week is new (no holidays). */
	ck_assert_int_eq(store_slots_generate(st, MON, 14, &n), 0);
	ck_assert_uint_eq(n, 5 * 8 + 6 * 3);
	ck_assert_int_eq(q("SELECT count(*) FROM slots"), 39 + 58);
	ck_assert_int_eq(store_slots_generate(st, MON, 14, NULL), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM slots"), 39 + 58);
}
END_TEST

START_TEST(t_generate_keeps_seats)
{
	long long	id;
	size_t		n = 9;

	gen_week();
	id = slot_at("GUL", MON, 540);
	ck_assert_int_eq(book("R-1", id, "100"), 0);
	ck_assert_int_eq(store_slots_generate(st, MON, 7, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(booked(id), 1);
}
END_TEST

START_TEST(t_free_now)
{
	static const struct {
		int	now_off, now_min;
		int	nslots;		/* KLA Monday free after now */
		int	ndays;		/* KLA free days in the week */
	} tab[] = {
		{ -1, 1439, 8, 3 },	/* the evening before */
		{ 0, 0, 8, 3 },
		{ 0, 479, 8, 3 },
		{ 0, 480, 7, 3 },	/* a slot starting now is gone */
		{ 0, 600, 5, 3 },
		{ 0, 630, 4, 3 },
		{ 0, 929, 1, 3 },
		{ 0, 930, 0, 2 },
		{ 0, 960, 0, 2 },
		{ 1, 0, 0, 2 },		/* Monday is past */
		{ 4, 930, 0, 0 },
	};
	struct store_slot	sl[16];
	int			d[8], i, n;

	gen_week();
	for (i = 0; i < (int)(sizeof(tab) / sizeof(tab[0])); i++) {
		n = store_slots_free(st, "KLA", MON, MON + tab[i].now_off,
		    tab[i].now_min, sl, 16);
		ck_assert_msg(n == tab[i].nslots, "row %d: %d slots", i, n);
		n = store_days_free(st, "KLA", MON, MON + 6,
		    MON + tab[i].now_off, tab[i].now_min, d, 8);
		ck_assert_msg(n == tab[i].ndays, "row %d: %d days", i, n);
	}
	/* Now Monday 10:00: the days and the first free slot. */
	ck_assert_int_eq(store_days_free(st, "KLA", MON, MON + 6, MON, 600,
	    d, 8), 3);
	ck_assert_int_eq(d[0], MON);
	ck_assert_int_eq(d[1], MON + 1);
	ck_assert_int_eq(d[2], MON + 4);
	ck_assert_int_eq(store_slots_free(st, "KLA", MON, MON, 600, sl, 16),
	    5);
	ck_assert_int_eq(sl[0].start_min, 630);
	ck_assert_int_eq(sl[1].start_min, 780);
	/* A range bound: from Tuesday to Thursday. */
	ck_assert_int_eq(store_days_free(st, "GUL", MON + 1, MON + 3, MON,
	    600, d, 8), 2);
	ck_assert_int_eq(d[0], MON + 1);
	ck_assert_int_eq(d[1], MON + 3);
}
END_TEST

START_TEST(t_full_day_not_free)
{
	char	ref[16], code[16];
	int	d[8], i, k, start;

	gen_week();
	/* Fill GUL Saturday: 3 slots x 2 seats. */
	for (i = 0, k = 0; i < 3; i++) {
		start = 540 + 60 * i;
		for (; k < 2 * (i + 1); k++) {
			snprintf(ref, sizeof(ref), "S-%d", k);
			snprintf(code, sizeof(code), "9%d", k);
			ck_assert_int_eq(book(ref, slot_at("GUL", MON + 5,
			    start), code), 0);
		}
	}
	ck_assert_int_eq(store_days_free(st, "GUL", MON, MON + 6, MON, 0, d,
	    8), 4);
	ck_assert_int_eq(d[3], MON + 4);
	ck_assert_int_eq(store_slots_free(st, "GUL", MON + 5, MON, 0, NULL,
	    0), 0);
}
END_TEST

START_TEST(t_book_until_full)
{
	struct store_booking	b;
	long long		id, n;

	gen_week();
	id = slot_at("KLA", MON, 480);
	ck_assert_int_eq(book("R-1", id, "101"), 0);
	ck_assert_int_eq(book("R-2", id, "102"), 0);
	ck_assert_int_eq(book("R-3", id, "103"), 0);
	ck_assert_int_eq(booked(id), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 3);
	ck_assert_int_eq(book("R-4", id, "104"), STORE_FULL);
	ck_assert_int_eq(booked(id), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 3);
	ck_assert_int_eq(store_booking_get(st, "104", &b), STORE_NOTFOUND);

	ck_assert_int_eq(store_booking_get(st, "102", &b), 0);
	ck_assert_str_eq(b.reference, "R-2");
	ck_assert_str_eq(b.status, "active");
	ck_assert_str_eq(b.office, "KLA");
	ck_assert_str_eq(b.office_short, "KLA short");
	ck_assert_int_eq(b.slot_id, id);
	ck_assert_int_eq(b.day, MON);
	ck_assert_int_eq(b.start_min, 480);
	ck_assert_str_eq(b.msisdn, "+256700000001");
	ck_assert_str_eq(b.lang, "lg");

	/* The outbox row carries the message. */
	ck_assert_int_eq(q("SELECT count(*) FROM outbox WHERE msisdn ="
	    " '+256700000001' AND kind = 'booking' AND status = 'queued'"),
	    3);
	/* Audit: one row per success, masked. */
	ck_assert_int_eq(store_audit_count(st, "book", "booked", &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE"
	    " object = '***' AND actor = '+256*******01'"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM audit WHERE"
	    " object LIKE '%R-%' OR actor LIKE '%7000000%'"), 0);
}
END_TEST

START_TEST(t_book_exists)
{
	struct store_booking	b;
	long long		a, c, n;

	gen_week();
	a = slot_at("KLA", MON, 480);
	c = slot_at("KLA", MON + 1, 480);
	ck_assert_int_eq(book("R-1", a, "201"), 0);
	ck_assert_int_eq(book("R-1", c, "202"), STORE_EXISTS);
	/* Rolled back: no seat taken, no SMS, no audit, no row. */
	ck_assert_int_eq(booked(c), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 1);
	ck_assert_int_eq(store_audit_count(st, "book", NULL, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_booking_active(st, "R-1", &b), 0);
	ck_assert_str_eq(b.code, "201");
	ck_assert_int_eq(b.slot_id, a);
	/* Same slot again: also refused, seat count unchanged. */
	ck_assert_int_eq(book("R-1", a, "203"), STORE_EXISTS);
	ck_assert_int_eq(booked(a), 1);
	ck_assert_int_eq(store_booking_active(st, "R-2", &b), STORE_NOTFOUND);
}
END_TEST

START_TEST(t_book_no_msg_no_audit)
{
	long long	id, n;

	gen_week();
	id = slot_at("GUL", MON, 600);
	ck_assert_int_eq(store_book(st, "R-9", id, "301", NULL, NULL, NULL,
	    NULL), 0);
	ck_assert_int_eq(booked(id), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 0);
	ck_assert_int_eq(store_audit_count(st, NULL, NULL, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings WHERE code = '301'"
	    " AND msisdn IS NULL AND status = 'active'"), 1);
}
END_TEST

START_TEST(t_cancel)
{
	struct store_booking	 b;
	struct store_audit	 a = { "sms", NULL, "cli", "cancel", "401",
				    "cancelled" };
	long long		 id, now, n;

	gen_week();
	id = slot_at("KLA", MON + 1, 530);
	now = (long long)date_to_time(MON - 7, 600);
	ck_assert_int_eq(book("R-1", id, "401"), 0);
	ck_assert_int_eq(book("R-2", id, "402"), 0);
	ck_assert_int_eq(book("R-3", id, "403"), 0);
	ck_assert_int_eq(book("R-4", id, "404"), STORE_FULL);

	ck_assert_int_eq(store_cancel(st, "401", now, 86400, &a, &msg), 0);
	ck_assert_int_eq(booked(id), 2);
	ck_assert_int_eq(store_booking_get(st, "401", &b), 0);
	ck_assert_str_eq(b.status, "cancelled");
	ck_assert_int_eq(store_booking_active(st, "R-1", &b),
	    STORE_NOTFOUND);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 4);
	ck_assert_int_eq(store_audit_count(st, "cancel", "cancelled", &n), 0);
	ck_assert_int_eq(n, 1);
	/* Twice: not active any more. */
	ck_assert_int_eq(store_cancel(st, "401", now, 86400, &a, &msg),
	    STORE_NOTFOUND);
	ck_assert_int_eq(booked(id), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 4);

	/* The seat is back: R-4 gets it, and R-1 may book again. */
	ck_assert_int_eq(book("R-4", id, "404"), 0);
	ck_assert_int_eq(booked(id), 3);
	ck_assert_int_eq(book("R-1", id, "405"), STORE_FULL);
	ck_assert_int_eq(book("R-1", slot_at("KLA", MON + 1, 580), "405"), 0);
	ck_assert_int_eq(store_booking_active(st, "R-1", &b), 0);
	ck_assert_str_eq(b.code, "405");
	ck_assert_int_eq(q("SELECT count(*) FROM bookings WHERE"
	    " reference = 'R-1'"), 2);
}
END_TEST

START_TEST(t_cutoff)
{
	static const struct {
		long long	before;	/* seconds before the slot starts */
		long long	cutoff;
		int		rc;
	} tab[] = {
		{ 3600, 86400, STORE_REFUSED },
		{ 86399, 86400, STORE_REFUSED },
		{ 86400, 86400, 0 },		/* exactly at the cut-off */
		{ 0, 0, 0 },
		{ -60, 0, STORE_REFUSED },	/* already started */
		{ 7 * 86400, 86400, 0 },
	};
	struct store_booking	b;
	long long		id, other, start, outbox;
	int			i, rc;
	char			code[16], code2[16], ref[16];

	gen_week();
	id = slot_at("GUL", MON + 1, 600);
	other = slot_at("GUL", MON + 3, 540);
	start = (long long)date_to_time(MON + 1, 600);
	for (i = 0; i < (int)(sizeof(tab) / sizeof(tab[0])); i++) {
		snprintf(ref, sizeof(ref), "C-%d", i);
		snprintf(code, sizeof(code), "5%d0", i);
		snprintf(code2, sizeof(code2), "5%d1", i);
		ck_assert_int_eq(book(ref, id, code), 0);
		outbox = q("SELECT count(*) FROM outbox");

		rc = store_cancel(st, code, start - tab[i].before,
		    tab[i].cutoff, NULL, &msg);
		ck_assert_msg(rc == tab[i].rc, "cancel row %d: %d", i, rc);
		if (rc == 0) {
			ck_assert_int_eq(booked(id), 0);
			ck_assert_int_eq(book(ref, id, code2), 0);
			snprintf(code, sizeof(code), "%s", code2);
			snprintf(code2, sizeof(code2), "5%d2", i);
			outbox += 2;
		} else {
			ck_assert_int_eq(booked(id), 1);
			ck_assert_int_eq(store_booking_get(st, code, &b), 0);
			ck_assert_str_eq(b.status, "active");
		}
		ck_assert_int_eq(q("SELECT count(*) FROM outbox"), outbox);

		rc = store_rebook(st, code, other, code2,
		    start - tab[i].before, tab[i].cutoff, NULL, &msg);
		ck_assert_msg(rc == tab[i].rc, "rebook row %d: %d", i, rc);
		ck_assert_int_eq(booked(id), rc == 0 ? 0 : 1);
		ck_assert_int_eq(booked(other), rc == 0 ? 1 : 0);
		ck_assert_int_eq(q("SELECT count(*) FROM outbox"),
		    outbox + (rc == 0));
		ck_assert_int_eq(store_booking_get(st, code2, &b),
		    rc == 0 ? 0 : STORE_NOTFOUND);
		/* Clean up for the next row with no cut-off. */
		ck_assert_int_eq(store_cancel(st, rc == 0 ? code2 : code,
		    0, 0, NULL, NULL), 0);
		ck_assert_int_eq(booked(id) + booked(other), 0);
	}
}
END_TEST

START_TEST(t_rebook)
{
	struct store_booking	 b, v[8];
	struct store_audit	 a = { "ussd", "+256700000002", NULL,
				    "rebook", "601", "moved" };
	long long		 x, y, now, n;

	gen_week();
	x = slot_at("KLA", MON, 580);
	y = slot_at("KLA", MON + 4, 930);
	now = (long long)date_to_time(MON - 1, 0);
	ck_assert_int_eq(book("R-1", x, "601"), 0);
	ck_assert_int_eq(book("R-2", x, "602"), 0);
	ck_assert_int_eq(store_rebook(st, "601", y, "611", now, 86400, &a,
	    &msg), 0);
	ck_assert_int_eq(booked(x), 1);
	ck_assert_int_eq(booked(y), 1);
	ck_assert_int_eq(store_booking_get(st, "601", &b), 0);
	ck_assert_str_eq(b.status, "rescheduled");
	ck_assert_int_eq(store_booking_active(st, "R-1", &b), 0);
	ck_assert_str_eq(b.code, "611");
	ck_assert_int_eq(b.slot_id, y);
	ck_assert_int_eq(b.day, MON + 4);
	ck_assert_int_eq(b.start_min, 930);
	ck_assert_str_eq(b.msisdn, "+256700000001");
	ck_assert_str_eq(b.lang, "lg");
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 3);
	ck_assert_int_eq(store_audit_count(st, "rebook", "moved", &n), 0);
	ck_assert_int_eq(n, 1);
	/* The old code is no longer active. */
	ck_assert_int_eq(store_rebook(st, "601", y, "612", now, 0, NULL,
	    NULL), STORE_NOTFOUND);
	ck_assert_int_eq(store_cancel(st, "601", now, 0, NULL, NULL),
	    STORE_NOTFOUND);

	/* Fill y, then try to move R-2 there: full, nothing changes. */
	ck_assert_int_eq(book("R-3", y, "603"), 0);
	ck_assert_int_eq(book("R-4", y, "604"), 0);
	ck_assert_int_eq(booked(y), 3);
	ck_assert_int_eq(store_rebook(st, "602", y, "622", now, 0, NULL,
	    &msg), STORE_FULL);
	ck_assert_int_eq(booked(x), 1);
	ck_assert_int_eq(booked(y), 3);
	ck_assert_int_eq(store_booking_get(st, "602", &b), 0);
	ck_assert_str_eq(b.status, "active");
	ck_assert_int_eq(store_booking_get(st, "622", &b), STORE_NOTFOUND);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 5);

	/* Same slot, and that slot full: allowed, count unchanged. */
	ck_assert_int_eq(store_rebook(st, "611", y, "631", now, 0, NULL,
	    &msg), 0);
	ck_assert_int_eq(booked(y), 3);
	ck_assert_int_eq(store_booking_active(st, "R-1", &b), 0);
	ck_assert_str_eq(b.code, "631");
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 6);

	/* Reminders for Friday: three active, none of the moved ones. */
	ck_assert_int_eq(store_bookings_on(st, MON + 4, v, 8), 3);
	ck_assert_str_eq(v[0].code, "603");
	ck_assert_str_eq(v[1].code, "604");
	ck_assert_str_eq(v[2].code, "631");
	ck_assert_str_eq(v[2].office_short, "KLA short");
	ck_assert_str_eq(v[2].status, "active");
	ck_assert_int_eq(store_bookings_on(st, MON, v, 8), 1);
	ck_assert_str_eq(v[0].code, "602");
	ck_assert_int_eq(store_bookings_on(st, MON + 1, v, 8), 0);
}
END_TEST

/* A book whose code is already used fails as a whole. */
START_TEST(t_book_atomic_error)
{
	long long	a, c, n;

	gen_week();
	a = slot_at("KLA", MON, 480);
	c = slot_at("GUL", MON, 540);
	ck_assert_int_eq(book("R-1", a, "701"), 0);
	ck_assert_int_eq(book("R-2", c, "701"), -1);
	ck_assert_int_eq(booked(c), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(store_audit_count(st, NULL, NULL, &n), 0);
	ck_assert_int_eq(n, 1);
	/* Rebook onto a used code: old booking and both seats unchanged. */
	ck_assert_int_eq(store_rebook(st, "701", c, "701", 0, 0, NULL, &msg),
	    -1);
	ck_assert_int_eq(booked(a), 1);
	ck_assert_int_eq(booked(c), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings WHERE"
	    " status = 'active'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
}
END_TEST

/* Inside the caller's explicit transaction a refusal undoes only itself. */
START_TEST(t_book_in_tx)
{
	long long	a, c;

	gen_week();
	a = slot_at("KLA", MON, 480);
	c = slot_at("KLA", MON, 530);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(book("R-1", a, "801"), 0);
	ck_assert_int_eq(book("R-1", c, "802"), STORE_EXISTS);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(booked(a), 1);
	ck_assert_int_eq(booked(c), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 1);

	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(book("R-2", c, "803"), 0);
	store_rollback(st);
	ck_assert_int_eq(booked(c), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 1);
}
END_TEST

struct race {
	long long	slot;
	int		idx;
	int		rc;
	pthread_barrier_t *bar;
};

static void *
race_thread(void *arg)
{
	struct race	*r = arg;
	struct store	*h;
	char		 err[256], ref[16], code[16];

	r->rc = -2;
	h = store_open(dbpath, err, sizeof(err));
	pthread_barrier_wait(r->bar);
	if (h == NULL)
		return NULL;
	snprintf(ref, sizeof(ref), "T-%d", r->idx);
	snprintf(code, sizeof(code), "9%02d", r->idx);
	r->rc = store_book(h, ref, r->slot, code, "+256700000009", "en",
	    NULL, &msg);
	store_close(h);
	return NULL;
}

START_TEST(t_race)
{
	struct store_office	 o;
	struct race		 r[NTHREADS];
	pthread_t		 t[NTHREADS];
	pthread_barrier_t	 bar;
	struct store_slot	 sl;
	size_t			 n;
	int			 i, ok = 0, full = 0;

	office_set(&o, "RACE", 0, 0x7f, 600, 660, -1, -1, 60, 5);
	ck_assert_int_eq(store_office_upsert(st, &o), 0);
	ck_assert_int_eq(store_slots_generate(st, MON, 1, &n), 0);
	ck_assert_uint_eq(n, 1 + 8 + 3);
	r[0].slot = slot_at("RACE", MON, 600);
	ck_assert_int_eq(book("P-1", r[0].slot, "801"), 0);
	ck_assert_int_eq(book("P-2", r[0].slot, "802"), 0);

	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		r[i].slot = r[0].slot;
		r[i].idx = i;
		r[i].bar = &bar;
		ck_assert_int_eq(pthread_create(&t[i], NULL, race_thread,
		    &r[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_msg(r[i].rc == 0 || r[i].rc == STORE_FULL,
		    "thread %d: rc %d", i, r[i].rc);
		ok += r[i].rc == 0;
		full += r[i].rc == STORE_FULL;
	}
	ck_assert_int_eq(ok, 3);
	ck_assert_int_eq(full, NTHREADS - 3);
	ck_assert_int_eq(store_slot_get(st, r[0].slot, &sl), 0);
	ck_assert_int_eq(sl.booked, 5);
	ck_assert_int_eq(sl.capacity, 5);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 5);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 5);
}
END_TEST

/* ------------------------------------------------------------ limits */

START_TEST(t_limits_office)
{
	struct store_office	 o;

	office_set(&o, "BAD", 0, 0x1f, 600, 600, -1, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), -1);
	office_set(&o, "BAD", 0, 0x1f, 480, 1020, 700, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), -1);
	office_set(&o, "BAD", 0, 0, 480, 1020, -1, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), -1);
	office_set(&o, "BAD", 0, 0x1f, 480, 1020, -1, -1, 0, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), -1);
	office_set(&o, "", 0, 0x1f, 480, 1020, -1, -1, 30, 1);
	ck_assert_int_eq(store_office_upsert(st, &o), -1);
	ck_assert_int_eq(store_office_upsert(st, NULL), -1);
	ck_assert_int_eq(store_office_get(st, "BAD", &o), STORE_NOTFOUND);
	ck_assert_int_eq(store_office_get(st, NULL, &o), STORE_NOTFOUND);
	ck_assert_int_eq(q("SELECT count(*) FROM offices"), 2);
}
END_TEST

START_TEST(t_limits_empty_list)
{
	struct store		*e;
	struct store_office	*v = (struct store_office *)1;
	char			 err[256], path[192];
	size_t			 n = 7;

	snprintf(path, sizeof(path), "%s/empty.db", tmpdir);
	e = store_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(store_office_list(e, &v, &n), 0);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_slots_generate(e, MON, 30, &n), 0);
	ck_assert_uint_eq(n, 0);
	store_close(e);
	unlink(path);
	snprintf(path, sizeof(path), "%s/empty.db-wal", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/empty.db-shm", tmpdir);
	unlink(path);
}
END_TEST

START_TEST(t_limits_generate)
{
	size_t	n = 5;

	ck_assert_int_eq(store_slots_generate(st, MON, 0, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_slots_generate(st, MON, -1, &n), -1);
	/* Only holidays and weekends: Wednesday to Sunday at KLA... */
	ck_assert_int_eq(store_slots_generate(st, MON + 2, 1, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(store_slots_generate(st, MON + 6, 1, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* ...a holiday added twice keeps one row (renamed). */
	ck_assert_int_eq(store_holiday_add(st, MON + 2, "", "Renamed"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM holidays"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM holidays WHERE"
	    " name = 'Renamed' AND office = ''"), 1);
	/* A per-office holiday elsewhere does not close KLA. */
	ck_assert_int_eq(store_holiday_add(st, MON + 7, "GUL", "x"), 0);
	ck_assert_int_eq(store_slots_generate(st, MON + 7, 1, &n), 0);
	ck_assert_uint_eq(n, 8);
}
END_TEST

START_TEST(t_limits_lookups)
{
	struct store_slot	sl[4];
	struct store_booking	b[4];
	int			d[4];

	gen_week();
	ck_assert_int_eq(store_slot_get(st, 999999, &sl[0]), STORE_NOTFOUND);
	ck_assert_int_eq(store_slot_get(st, -1, &sl[0]), STORE_NOTFOUND);
	ck_assert_int_eq(store_booking_get(st, "nope", &b[0]),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_booking_get(st, NULL, &b[0]), STORE_NOTFOUND);
	ck_assert_int_eq(store_booking_active(st, "nope", &b[0]),
	    STORE_NOTFOUND);
	/* Unknown office, empty range, max bounds. */
	ck_assert_int_eq(store_days_free(st, "XXX", MON, MON + 6, 0, 0, d, 4),
	    0);
	ck_assert_int_eq(store_days_free(st, "KLA", MON + 6, MON, 0, 0, d, 4),
	    0);
	ck_assert_int_eq(store_days_free(st, "GUL", MON, MON + 6, 0, 0, d, 2),
	    2);
	ck_assert_int_eq(d[1], MON + 1);
	ck_assert_int_eq(store_days_free(st, "GUL", MON, MON + 6, 0, 0, d, 0),
	    0);
	ck_assert_int_eq(store_days_free(st, "GUL", MON, MON + 6, 0, 0, d, -1),
	    -1);
	ck_assert_int_eq(store_days_free(st, NULL, MON, MON + 6, 0, 0, d, 4),
	    -1);
	ck_assert_int_eq(store_slots_free(st, "KLA", MON, 0, 0, sl, 4), 4);
	ck_assert_int_eq(sl[3].start_min, 630);
	ck_assert_int_eq(store_slots_free(st, "KLA", MON, 0, 0, NULL, 4), -1);
	ck_assert_int_eq(store_slots_free(st, "KLA", MON + 2, 0, 0, sl, 4),
	    0);
	ck_assert_int_eq(store_bookings_on(st, MON, b, 4), 0);
	ck_assert_int_eq(store_bookings_on(st, MON, NULL, 4), -1);
	ck_assert_int_eq(store_bookings_on(st, MON, b, -1), -1);
}
END_TEST

START_TEST(t_limits_book)
{
	long long	id;

	gen_week();
	id = slot_at("KLA", MON, 480);
	ck_assert_int_eq(book("R-1", 999999, "901"), STORE_FULL);
	ck_assert_int_eq(store_book(st, NULL, id, "902", NULL, NULL, NULL,
	    NULL), -1);
	ck_assert_int_eq(store_book(st, "", id, "902", NULL, NULL, NULL,
	    NULL), -1);
	ck_assert_int_eq(store_book(st, "R-1", id, NULL, NULL, NULL, NULL,
	    NULL), -1);
	ck_assert_int_eq(store_book(st, "R-1", id, "", NULL, NULL, NULL,
	    NULL), -1);
	ck_assert_int_eq(booked(id), 0);
	ck_assert_int_eq(store_cancel(st, "nope", 0, 0, NULL, NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_cancel(st, NULL, 0, 0, NULL, NULL), -1);
	ck_assert_int_eq(store_rebook(st, "nope", id, "903", 0, 0, NULL,
	    NULL), STORE_NOTFOUND);
	ck_assert_int_eq(store_rebook(st, NULL, id, "903", 0, 0, NULL, NULL),
	    -1);
	ck_assert_int_eq(store_rebook(st, "nope", id, NULL, 0, 0, NULL, NULL),
	    -1);
	/* Rebook to a slot that does not exist: full, nothing moves. */
	ck_assert_int_eq(book("R-1", id, "904"), 0);
	ck_assert_int_eq(store_rebook(st, "904", 999999, "905", 0, 0, NULL,
	    &msg), STORE_FULL);
	ck_assert_int_eq(booked(id), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM bookings"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM slots WHERE booked > 0"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM outbox"), 1);
}
END_TEST

static Suite *
store_book_suite(void)
{
	Suite	*s = suite_create("store_book");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_offices);
	tcase_add_test(tc, t_generate);
	tcase_add_test(tc, t_generate_keeps_seats);
	tcase_add_test(tc, t_free_now);
	tcase_add_test(tc, t_full_day_not_free);
	tcase_add_test(tc, t_book_until_full);
	tcase_add_test(tc, t_book_exists);
	tcase_add_test(tc, t_book_no_msg_no_audit);
	tcase_add_test(tc, t_cancel);
	tcase_add_test(tc, t_cutoff);
	tcase_add_test(tc, t_rebook);
	tcase_add_test(tc, t_book_atomic_error);
	tcase_add_test(tc, t_book_in_tx);
	tcase_add_test(tc, t_race);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_limits_office);
	tcase_add_test(tc, t_limits_empty_list);
	tcase_add_test(tc, t_limits_generate);
	tcase_add_test(tc, t_limits_lookups);
	tcase_add_test(tc, t_limits_book);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	setenv("TZ", "UTC", 1);
	tzset();
	log_set_level(LOG_LVL_WARN);
	sr = srunner_create(store_book_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
