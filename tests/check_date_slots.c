/*
 * check_date_slots: unit tests for the small pure modules date, slots,
 * ckdig and msisdn, one suite each with a "core" and a "limits" TCase.
 *
 * The time zone tests set TZ with setenv()+tzset(); Check forks each test
 * by default, and every such test restores TZ before returning anyway.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckdig.h"
#include "date.h"
#include "msisdn.h"
#include "slots.h"

static void	tz_set(const char *zone, const char *posix);
static void	tz_restore(void);
static int	naive_mdays(int y, int m);
static int	code_cmp(const void *, const void *);
static Suite	*date_suite(void);
static Suite	*slots_suite(void);
static Suite	*ckdig_suite(void);
static Suite	*msisdn_suite(void);

/* ---------------------------------------------------------------- date */

static char	*saved_tz;
static int	 had_tz;

/*
 * Sets TZ to the zoneinfo name when its file exists, else to the POSIX
 * rule string that describes the same offsets.
 */
static void
tz_set(const char *zone, const char *posix)
{
	char		 path[256];
	const char	*old;

	old = getenv("TZ");
	had_tz = old != NULL;
	free(saved_tz);
	saved_tz = old != NULL ? strdup(old) : NULL;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	ck_assert_int_eq(setenv("TZ", access(path, R_OK) == 0 ? zone : posix,
	    1), 0);
	tzset();
}

static void
tz_restore(void)
{
	if (had_tz && saved_tz != NULL)
		setenv("TZ", saved_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved_tz);
	saved_tz = NULL;
}

/* Independent of date.c: the Gregorian month lengths spelled out. */
static int
naive_mdays(int y, int m)
{
	int	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	switch (m) {
	case 2:
		return leap ? 29 : 28;
	case 4: case 6: case 9: case 11:
		return 30;
	default:
		return 31;
	}
}

static const struct {
	int	y, m, d, day, wd;
} ymd_tab[] = {
	{ 1970, 1, 1, 0, 3 },
	{ 1970, 1, 2, 1, 4 },
	{ 1969, 12, 31, -1, 2 },
	{ 1969, 12, 29, -3, 0 },
	{ 1900, 1, 1, -25567, 0 },
	{ 1600, 3, 1, -135080, 2 },
	{ 2000, 1, 1, 10957, 5 },
	{ 2000, 2, 29, 11016, 1 },
	{ 2000, 3, 1, 11017, 2 },
	{ 2024, 1, 1, 19723, 0 },
	{ 2024, 2, 29, 19782, 3 },
	{ 2026, 1, 1, 20454, 3 },
	{ 2038, 1, 19, 24855, 1 },
	{ 9999, 12, 31, 2932896, 4 },
};

START_TEST(date_ymd_table)
{
	int	y, m, d;

	ck_assert_int_eq(date_from_ymd(ymd_tab[_i].y, ymd_tab[_i].m,
	    ymd_tab[_i].d), ymd_tab[_i].day);
	date_to_ymd(ymd_tab[_i].day, &y, &m, &d);
	ck_assert_int_eq(y, ymd_tab[_i].y);
	ck_assert_int_eq(m, ymd_tab[_i].m);
	ck_assert_int_eq(d, ymd_tab[_i].d);
	ck_assert_int_eq(date_weekday(ymd_tab[_i].day), ymd_tab[_i].wd);
}
END_TEST

/* Walks every day from 1600-01-01 to 2400-12-31 with a naive calendar. */
START_TEST(date_ymd_walk)
{
	int	y = 1600, m = 1, d = 1, day, yy, mm, dd, wd;

	day = date_from_ymd(y, m, d);
	wd = date_weekday(day);
	while (y <= 2400) {
		/* Plain ifs: a ck_assert per day would dominate the run. */
		if (date_from_ymd(y, m, d) != day)
			ck_abort_msg("%d-%d-%d -> %d, want %d", y, m, d,
			    date_from_ymd(y, m, d), day);
		date_to_ymd(day, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			ck_abort_msg("day %d -> %d-%d-%d, want %d-%d-%d", day,
			    yy, mm, dd, y, m, d);
		if (date_weekday(day) != wd)
			ck_abort_msg("day %d weekday %d, want %d", day,
			    date_weekday(day), wd);
		day++;
		wd = (wd + 1) % 7;
		if (++d > naive_mdays(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}
END_TEST

static const struct {
	const char	*s;
	int		 day;
} iso_ok[] = {
	{ "1970-01-01", 0 },
	{ "2000-02-29", 11016 },
	{ "2024-02-29", 19782 },
	{ "1969-12-31", -1 },
	{ "2026-01-01", 20454 },
	{ "9999-12-31", 2932896 },
};

START_TEST(date_iso_ok)
{
	char	buf[11];
	int	day = 12345;

	ck_assert_int_eq(date_parse_iso(iso_ok[_i].s, &day), 0);
	ck_assert_int_eq(day, iso_ok[_i].day);
	ck_assert_str_eq(date_fmt_iso(day, buf, sizeof(buf)), iso_ok[_i].s);
	ck_assert_ptr_eq(date_fmt_iso(day, buf, sizeof(buf)), buf);
}
END_TEST

static const struct {
	const char	*s;
	int		 day;
} dmy_ok[] = {
	{ "01011970", 0 },
	{ "29022024", 19782 },
	{ "29022000", 11016 },
	{ "31121969", -1 },
	{ "31012026", 20484 },
};

START_TEST(date_dmy8_ok)
{
	int	day = 12345;

	ck_assert_int_eq(date_parse_dmy8(dmy_ok[_i].s, &day), 0);
	ck_assert_int_eq(day, dmy_ok[_i].day);
}
END_TEST

static const struct {
	const char	*s;
	int		 min;
} hhmm_ok[] = {
	{ "00:00", 0 },
	{ "00:01", 1 },
	{ "08:30", 510 },
	{ "12:00", 720 },
	{ "23:59", 1439 },
	{ "24:00", 1440 },
};

START_TEST(date_hhmm_ok)
{
	char	buf[6];
	int	min = -7;

	ck_assert_int_eq(date_parse_hhmm(hhmm_ok[_i].s, &min), 0);
	ck_assert_int_eq(min, hhmm_ok[_i].min);
	ck_assert_str_eq(date_fmt_hhmm(min, buf, sizeof(buf)),
	    hhmm_ok[_i].s);
}
END_TEST

/* 2026-01-01T22:30Z in three zones, and back with date_to_time. */
static const struct {
	const char	*zone, *posix;
	int		 y, m, d, min;
} local_tab[] = {
	{ "Africa/Mogadishu", "EAT-3", 2026, 1, 2, 1 * 60 + 30 },
	{ "America/El_Salvador", "CST6", 2026, 1, 1, 16 * 60 + 30 },
	{ "UTC", "UTC0", 2026, 1, 1, 22 * 60 + 30 },
};

START_TEST(date_local_zones)
{
	time_t	t = (time_t)date_from_ymd(2026, 1, 1) * 86400 +
		    22 * 3600 + 30 * 60;
	int	day = -99, min = -99;

	tz_set(local_tab[_i].zone, local_tab[_i].posix);
	date_local(t, &day, &min);
	ck_assert_int_eq(day, date_from_ymd(local_tab[_i].y, local_tab[_i].m,
	    local_tab[_i].d));
	ck_assert_int_eq(min, local_tab[_i].min);
	ck_assert_int_eq((long long)date_to_time(day, min), (long long)t);
	tz_restore();
}
END_TEST

/* Local midnight: one minute before is the previous local day. */
START_TEST(date_local_midnight)
{
	time_t	mid;
	int	day, min, d2026 = date_from_ymd(2026, 1, 2);

	tz_set("Africa/Mogadishu", "EAT-3");
	mid = date_to_time(d2026, 0);
	ck_assert_int_eq((long long)mid,
	    (long long)d2026 * 86400 - 3 * 3600);
	date_local(mid, &day, &min);
	ck_assert_int_eq(day, d2026);
	ck_assert_int_eq(min, 0);
	date_local(mid - 60, &day, &min);
	ck_assert_int_eq(day, d2026 - 1);
	ck_assert_int_eq(min, 1439);
	/* 24:00 is the next day's 00:00. */
	ck_assert_int_eq((long long)date_to_time(d2026 - 1, 1440),
	    (long long)mid);
	tz_restore();

	tz_set("America/El_Salvador", "CST6");
	mid = date_to_time(d2026, 0);
	ck_assert_int_eq((long long)mid,
	    (long long)d2026 * 86400 + 6 * 3600);
	date_local(mid - 1, &day, &min);
	ck_assert_int_eq(day, d2026 - 1);
	ck_assert_int_eq(min, 1439);
	tz_restore();
}
END_TEST

/* tm_isdst = -1: summer noon in New York is 16:00Z, winter noon 17:00Z. */
START_TEST(date_to_time_dst)
{
	int	summer = date_from_ymd(2026, 7, 1);
	int	winter = date_from_ymd(2026, 1, 15);
	int	change = date_from_ymd(2026, 3, 8);
	int	day, min;

	tz_set("America/New_York", "EST5EDT,M3.2.0,M11.1.0");
	ck_assert_int_eq((long long)date_to_time(summer, 720),
	    (long long)summer * 86400 + 16 * 3600);
	ck_assert_int_eq((long long)date_to_time(winter, 720),
	    (long long)winter * 86400 + 17 * 3600);
	/* The spring-forward day is 23 hours long. */
	ck_assert_int_eq((long long)(date_to_time(change + 1, 0) -
	    date_to_time(change, 0)), 23 * 3600);
	date_local(date_to_time(change, 720), &day, &min);
	ck_assert_int_eq(day, change);
	ck_assert_int_eq(min, 720);
	tz_restore();
}
END_TEST

static const char *iso_bad[] = {
	"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10",
	"2024-04-31", "2024-04-00", "2024-4-01", "2024-04-1", "2024/04/01",
	"2024-04-01x", " 2024-04-01", "2024-04-01 ", "", "abcd-ef-gh",
	"+024-04-01", "2024-04-0a", "0000-01-01", "20240401", "2024--4-01",
	"2024-04-01T00:00",
};

START_TEST(date_iso_bad)
{
	int	day = 4242;

	ck_assert_int_eq(date_parse_iso(iso_bad[_i], &day), -1);
	ck_assert_int_eq(day, 4242);
}
END_TEST

static const char *dmy_bad[] = {
	"31042020", "29022023", "29021900", "3104202", "310420200",
	"3104202a", "32012020", "00012020", "01132020", "01002020",
	"", " 1012020", "01-01-2020", "0101 2020", "01010000", "+1012020",
};

START_TEST(date_dmy8_bad)
{
	int	day = 4242;

	ck_assert_int_eq(date_parse_dmy8(dmy_bad[_i], &day), -1);
	ck_assert_int_eq(day, 4242);
}
END_TEST

static const char *hhmm_bad[] = {
	"24:01", "25:00", "12:60", "1:00", "12:5", "12:00x", "12-00", "",
	"ab:cd", "-1:00", "99:99", " 8:00", "08:0 ", "0800", "08:00:00",
};

START_TEST(date_hhmm_bad)
{
	int	min = 4242;

	ck_assert_int_eq(date_parse_hhmm(hhmm_bad[_i], &min), -1);
	ck_assert_int_eq(min, 4242);
}
END_TEST

START_TEST(date_null_and_small)
{
	char	buf[16];
	int	v = 7;

	ck_assert_int_eq(date_parse_iso(NULL, &v), -1);
	ck_assert_int_eq(date_parse_dmy8(NULL, &v), -1);
	ck_assert_int_eq(date_parse_hhmm(NULL, &v), -1);
	ck_assert_int_eq(v, 7);

	/* Short buffers truncate but stay terminated. */
	memset(buf, 'Z', sizeof(buf));
	date_fmt_iso(0, buf, 5);
	ck_assert_str_eq(buf, "1970");
	ck_assert_int_eq(buf[5], 'Z');
	date_fmt_hhmm(510, buf, 3);
	ck_assert_str_eq(buf, "08");

	/* Out-of-range minutes are clamped. */
	ck_assert_str_eq(date_fmt_hhmm(-5, buf, sizeof(buf)), "00:00");
	ck_assert_str_eq(date_fmt_hhmm(5000, buf, sizeof(buf)), "24:00");
}
END_TEST

static Suite *
date_suite(void)
{
	Suite	*s = suite_create("date");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_loop_test(core, date_ymd_table, 0,
	    sizeof(ymd_tab) / sizeof(ymd_tab[0]));
	tcase_add_test(core, date_ymd_walk);
	tcase_add_loop_test(core, date_iso_ok, 0,
	    sizeof(iso_ok) / sizeof(iso_ok[0]));
	tcase_add_loop_test(core, date_dmy8_ok, 0,
	    sizeof(dmy_ok) / sizeof(dmy_ok[0]));
	tcase_add_loop_test(core, date_hhmm_ok, 0,
	    sizeof(hhmm_ok) / sizeof(hhmm_ok[0]));
	tcase_add_loop_test(core, date_local_zones, 0,
	    sizeof(local_tab) / sizeof(local_tab[0]));
	tcase_add_test(core, date_local_midnight);
	tcase_add_test(core, date_to_time_dst);
	suite_add_tcase(s, core);

	tcase_add_loop_test(lim, date_iso_bad, 0,
	    sizeof(iso_bad) / sizeof(iso_bad[0]));
	tcase_add_loop_test(lim, date_dmy8_bad, 0,
	    sizeof(dmy_bad) / sizeof(dmy_bad[0]));
	tcase_add_loop_test(lim, date_hhmm_bad, 0,
	    sizeof(hhmm_bad) / sizeof(hhmm_bad[0]));
	tcase_add_test(lim, date_null_and_small);
	suite_add_tcase(s, lim);
	return s;
}

/* --------------------------------------------------------------- slots */

#define MONFRI	0x1fu
#define H(h, m)	((h) * 60 + (m))

static const struct {
	const char		*name;
	struct slots_plan	 plan;
	int			 wd;
	int			 n;
	int			 starts[32];
} day_tab[] = {
	{ "lunch 30min", { MONFRI, H(8, 0), H(17, 0), H(12, 0), H(13, 0),
	    30, 4 }, 0, 16,
	    { 480, 510, 540, 570, 600, 630, 660, 690,
	      780, 810, 840, 870, 900, 930, 960, 990 } },
	{ "partial piece dropped", { MONFRI, H(8, 0), H(12, 10), -1, -1,
	    20, 1 }, 2, 12,
	    { 480, 500, 520, 540, 560, 580, 600, 620, 640, 660, 680, 700 } },
	{ "partial before lunch and close", { MONFRI, H(8, 0), H(16, 45),
	    H(11, 50), H(13, 0), 40, 2 }, 4, 10,
	    { 480, 520, 560, 600, 640, 780, 820, 860, 900, 940 } },
	{ "close 24:00", { 0x7f, H(22, 0), 1440, -1, -1, 60, 1 }, 6, 2,
	    { 1320, 1380 } },
	{ "whole day", { 0x7f, 0, 1440, -1, -1, 120, 1 }, 3, 12,
	    { 0, 120, 240, 360, 480, 600, 720, 840, 960, 1080, 1200,
	      1320 } },
	{ "lunch at opening", { MONFRI, H(8, 0), H(10, 0), H(8, 0), H(9, 0),
	    30, 1 }, 1, 2, { 540, 570 } },
	{ "lunch at closing", { MONFRI, H(8, 0), H(10, 0), H(9, 0), H(10, 0),
	    30, 1 }, 1, 2, { 480, 510 } },
	{ "slot longer than morning", { MONFRI, H(8, 0), H(12, 0), H(8, 30),
	    H(9, 0), 45, 1 }, 0, 4, { 540, 585, 630, 675 } },
	{ "slot longer than day", { MONFRI, H(8, 0), H(9, 0), -1, -1,
	    90, 1 }, 0, 0, { 0 } },
	{ "sun-thu on sunday", { 0x4f, H(7, 30), H(9, 30), -1, -1, 15, 3 },
	    6, 8, { 450, 465, 480, 495, 510, 525, 540, 555 } },
	{ "sun-thu on friday", { 0x4f, H(7, 30), H(9, 30), -1, -1, 15, 3 },
	    4, 0, { 0 } },
	{ "saturday off", { MONFRI, H(8, 0), H(17, 0), H(12, 0), H(13, 0),
	    30, 4 }, 5, 0, { 0 } },
	{ "sunday off", { MONFRI, H(8, 0), H(17, 0), H(12, 0), H(13, 0),
	    30, 4 }, 6, 0, { 0 } },
};

START_TEST(slots_day_table)
{
	int		 starts[40];
	const char	*why = "unset";
	int		 i, n;

	ck_assert_int_eq(slots_plan_check(&day_tab[_i].plan, &why), 0);
	ck_assert_str_eq(why, "unset");
	for (i = 0; i < 40; i++)
		starts[i] = -7;
	n = slots_day(&day_tab[_i].plan, day_tab[_i].wd, 0, starts, 40);
	ck_assert_msg(n == day_tab[_i].n, "%s: %d slots, want %d",
	    day_tab[_i].name, n, day_tab[_i].n);
	for (i = 0; i < n; i++)
		ck_assert_msg(starts[i] == day_tab[_i].starts[i],
		    "%s: slot %d at %d, want %d", day_tab[_i].name, i,
		    starts[i], day_tab[_i].starts[i]);
	ck_assert_int_eq(starts[n], -7);

	/* Exactly enough room also works. */
	ck_assert_int_eq(slots_day(&day_tab[_i].plan, day_tab[_i].wd, 0,
	    starts, (size_t)day_tab[_i].n), day_tab[_i].n);
	/* A holiday closes any day. */
	ck_assert_int_eq(slots_day(&day_tab[_i].plan, day_tab[_i].wd, 1,
	    starts, 40), 0);
}
END_TEST

/* Counters do not multiply slots: capacity is the caller's business. */
START_TEST(slots_counters_not_slots)
{
	struct slots_plan	p = {
		MONFRI, H(9, 0), H(10, 0), -1, -1, 30, 1
	};
	int			starts[8];

	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 8), 2);
	p.counters = 100;
	ck_assert_int_eq(slots_plan_check(&p, NULL), 0);
	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 8), 2);
	ck_assert_int_eq(starts[0], 540);
	ck_assert_int_eq(starts[1], 570);
}
END_TEST

static const struct {
	const char	*s;
	unsigned	 bits;
} wd_ok[] = {
	{ "mon-fri", 0x1f },
	{ "Mon-Fri", 0x1f },
	{ "sun-thu", 0x4f },
	{ "Sun-Thu", 0x4f },
	{ "mon-thu,sat", 0x2f },
	{ "fri-mon", 0x71 },
	{ "sat-sun", 0x60 },
	{ "mon,tue,wed", 0x07 },
	{ "Mon,wed,Fri", 0x15 },
	{ "sat", 0x20 },
	{ "sun", 0x40 },
	{ "mon,mon", 0x01 },
	{ "mon-wed,tue-thu", 0x0f },
	{ "mon-sun", 0x7f },
	{ "sun-sat", 0x7f },
	{ "mon-mon", 0x01 },
	{ "mon, wed", 0x05 },
	{ " mon - fri ", 0x1f },
};

START_TEST(slots_workdays_ok)
{
	unsigned	bits = 0xdead;

	ck_assert_int_eq(slots_parse_workdays(wd_ok[_i].s, &bits), 0);
	ck_assert_msg(bits == wd_ok[_i].bits, "\"%s\": 0x%x, want 0x%x",
	    wd_ok[_i].s, bits, wd_ok[_i].bits);
}
END_TEST

static const char *wd_bad[] = {
	"", "mon,", ",mon", "mon,,tue", "monday", "MON", "mOn", "mON",
	"xyz", "mon-", "-fri", "mon-fri-sat", "mon;tue", "mo", "mon-xyz",
	"mon fri", " ", ",", "-", "mon--fri", "1-5", "mon-fri,",
};

START_TEST(slots_workdays_bad)
{
	unsigned	bits = 0xdead;

	ck_assert_msg(slots_parse_workdays(wd_bad[_i], &bits) == -1,
	    "\"%s\" accepted", wd_bad[_i]);
	ck_assert_uint_eq(bits, 0xdead);
}
END_TEST

#define GOOD_PLAN \
	{ MONFRI, H(8, 0), H(17, 0), H(12, 0), H(13, 0), 30, 4 }

static const struct {
	const char		*name;
	struct slots_plan	 plan;
} plan_bad[] = {
	{ "slot 0", { MONFRI, H(8, 0), H(17, 0), -1, -1, 0, 4 } },
	{ "slot <0", { MONFRI, H(8, 0), H(17, 0), -1, -1, -30, 4 } },
	{ "counters 0", { MONFRI, H(8, 0), H(17, 0), -1, -1, 30, 0 } },
	{ "counters <0", { MONFRI, H(8, 0), H(17, 0), -1, -1, 30, -1 } },
	{ "counters 101", { MONFRI, H(8, 0), H(17, 0), -1, -1, 30, 101 } },
	{ "open = close", { MONFRI, H(8, 0), H(8, 0), -1, -1, 30, 1 } },
	{ "open > close", { MONFRI, H(17, 0), H(8, 0), -1, -1, 30, 1 } },
	{ "close > 24:00", { MONFRI, H(8, 0), 1441, -1, -1, 30, 1 } },
	{ "open < 0", { MONFRI, -10, H(8, 0), -1, -1, 30, 1 } },
	{ "lunch start only", { MONFRI, H(8, 0), H(17, 0), H(12, 0), -1,
	    30, 1 } },
	{ "lunch end only", { MONFRI, H(8, 0), H(17, 0), -1, H(13, 0),
	    30, 1 } },
	{ "lunch empty", { MONFRI, H(8, 0), H(17, 0), H(12, 0), H(12, 0),
	    30, 1 } },
	{ "lunch reversed", { MONFRI, H(8, 0), H(17, 0), H(13, 0), H(12, 0),
	    30, 1 } },
	{ "lunch before open", { MONFRI, H(8, 0), H(17, 0), H(7, 30),
	    H(9, 0), 30, 1 } },
	{ "lunch after close", { MONFRI, H(8, 0), H(17, 0), H(16, 30),
	    H(17, 30), 30, 1 } },
	{ "no workdays", { 0, H(8, 0), H(17, 0), -1, -1, 30, 1 } },
	{ "bit 7", { 0x80 | MONFRI, H(8, 0), H(17, 0), -1, -1, 30, 1 } },
};

START_TEST(slots_plan_bad)
{
	const char	*why = NULL;
	int		 starts[64];

	ck_assert_msg(slots_plan_check(&plan_bad[_i].plan, &why) == -1,
	    "%s accepted", plan_bad[_i].name);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_gt((int)strlen(why), 0);
	ck_assert_int_eq(slots_plan_check(&plan_bad[_i].plan, NULL), -1);
	/* slots_day refuses bad plans instead of looping or overrunning. */
	ck_assert_int_eq(slots_day(&plan_bad[_i].plan, 0, 0, starts, 64), -1);
}
END_TEST

START_TEST(slots_max_too_small)
{
	struct slots_plan	p = GOOD_PLAN;
	int			starts[16], i;

	for (i = 0; i < 16; i++)
		starts[i] = -7;
	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 15), -1);
	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 0), -1);
	ck_assert_int_eq(slots_day(&p, 0, 0, NULL, 0), -1);
	/* starts[] is untouched on -1. */
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(starts[i], -7);
	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 16), 16);
	/* Closed days need no room at all. */
	ck_assert_int_eq(slots_day(&p, 5, 0, NULL, 0), 0);
	ck_assert_int_eq(slots_day(&p, 0, 1, NULL, 0), 0);
}
END_TEST

START_TEST(slots_bad_args)
{
	struct slots_plan	 p = GOOD_PLAN;
	int			 starts[16];
	const char		*why = NULL;
	unsigned		 bits = 3;

	ck_assert_int_eq(slots_day(&p, -1, 0, starts, 16), -1);
	ck_assert_int_eq(slots_day(&p, 7, 0, starts, 16), -1);
	ck_assert_int_eq(slots_day(NULL, 0, 0, starts, 16), -1);
	ck_assert_int_eq(slots_plan_check(NULL, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(slots_parse_workdays(NULL, &bits), -1);
	ck_assert_int_eq(slots_parse_workdays("mon", NULL), -1);
	ck_assert_uint_eq(bits, 3);
	/* Huge slot lengths must not overflow the minute arithmetic. */
	p.slot_min = 0x7fffffff;
	ck_assert_int_eq(slots_day(&p, 0, 0, starts, 16), 0);
}
END_TEST

static Suite *
slots_suite(void)
{
	Suite	*s = suite_create("slots");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_loop_test(core, slots_day_table, 0,
	    sizeof(day_tab) / sizeof(day_tab[0]));
	tcase_add_test(core, slots_counters_not_slots);
	tcase_add_loop_test(core, slots_workdays_ok, 0,
	    sizeof(wd_ok) / sizeof(wd_ok[0]));
	suite_add_tcase(s, core);

	tcase_add_loop_test(lim, slots_workdays_bad, 0,
	    sizeof(wd_bad) / sizeof(wd_bad[0]));
	tcase_add_loop_test(lim, slots_plan_bad, 0,
	    sizeof(plan_bad) / sizeof(plan_bad[0]));
	tcase_add_test(lim, slots_max_too_small);
	tcase_add_test(lim, slots_bad_args);
	suite_add_tcase(s, lim);
	return s;
}

/* --------------------------------------------------------------- ckdig */

static const struct {
	const char	*s;
	int		 ck;
} ck_tab[] = {
	{ "236", 3 },
	{ "12345", 1 },
	{ "142857", 0 },
	{ "75872", 2 },
	{ "0", 4 },
};

START_TEST(ckdig_vectors)
{
	char	buf[32];

	ck_assert_int_eq(ckdig_compute(ck_tab[_i].s), ck_tab[_i].ck);
	snprintf(buf, sizeof(buf), "%s%d", ck_tab[_i].s, ck_tab[_i].ck);
	ck_assert_int_eq(ckdig_valid(buf), 1);
	snprintf(buf, sizeof(buf), "%s%d", ck_tab[_i].s,
	    (ck_tab[_i].ck + 1) % 10);
	ck_assert_int_eq(ckdig_valid(buf), 0);
}
END_TEST

static const char *err_codes[] = {
	"236", "12345", "142857", "75872", "8473920165", "9090909090",
	"1000000001", "55566677788899",
};

/* Every single substitution and adjacent transposition is caught. */
START_TEST(ckdig_catches_errors)
{
	char	code[32], bad[32];
	size_t	len, i;
	int	c, nsub = 0, ntr = 0;

	c = ckdig_compute(err_codes[_i]);
	ck_assert_int_ge(c, 0);
	snprintf(code, sizeof(code), "%s%d", err_codes[_i], c);
	ck_assert_int_eq(ckdig_valid(code), 1);
	len = strlen(code);
	for (i = 0; i < len; i++) {
		for (c = '0'; c <= '9'; c++) {
			if (c == code[i])
				continue;
			memcpy(bad, code, len + 1);
			bad[i] = (char)c;
			ck_assert_msg(!ckdig_valid(bad), "%s -> %s passes",
			    code, bad);
			nsub++;
		}
	}
	for (i = 0; i + 1 < len; i++) {
		if (code[i] == code[i + 1])
			continue;
		memcpy(bad, code, len + 1);
		bad[i] = code[i + 1];
		bad[i + 1] = code[i];
		ck_assert_msg(!ckdig_valid(bad), "%s -> %s passes", code, bad);
		ntr++;
	}
	ck_assert_int_eq(nsub, (int)len * 9);
	ck_assert_int_gt(ntr, 0);
}
END_TEST

static const unsigned long long make_seeds[] = {
	0, 1, 2, 42, 0x123456789abcdefULL, 0xffffffffffffffffULL,
};

START_TEST(ckdig_make_props)
{
	char	a[24], b[24];
	size_t	nd, i;

	for (nd = 4; nd <= 18; nd++) {
		memset(a, 'Z', sizeof(a));
		memset(b, 'Y', sizeof(b));
		ck_assert_int_eq(ckdig_make(make_seeds[_i], nd, a), 0);
		ck_assert_int_eq(ckdig_make(make_seeds[_i], nd, b), 0);
		ck_assert_str_eq(a, b);
		ck_assert_uint_eq(strlen(a), nd);
		ck_assert_int_eq(a[nd + 1], 'Z');
		ck_assert_int_ne(a[0], '0');
		for (i = 0; i < nd; i++)
			ck_assert(a[i] >= '0' && a[i] <= '9');
		ck_assert_int_eq(ckdig_valid(a), 1);
		ck_assert_int_eq(ckdig_compute(a) >= 0, 1);
	}
}
END_TEST

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Consecutive seeds give distinct, well-spread codes. */
START_TEST(ckdig_make_spread)
{
	static char	codes[2000][11];
	int		seen[10][10];
	size_t		i, j;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 2000; i++) {
		ck_assert_int_eq(ckdig_make(i, 10, codes[i]), 0);
		for (j = 0; j < 10; j++)
			seen[j][codes[i][j] - '0']++;
		if (!ckdig_valid(codes[i]))
			ck_abort_msg("seed %zu: %s invalid", i, codes[i]);
	}
	qsort(codes, 2000, sizeof(codes[0]), code_cmp);
	for (i = 1; i < 2000; i++)
		if (strcmp(codes[i - 1], codes[i]) == 0)
			ck_abort_msg("seeds collide on %s", codes[i]);
	ck_assert_int_eq(seen[0][0], 0);
	for (i = 1; i < 10; i++)
		ck_assert_int_gt(seen[0][i], 150);	/* ~222 expected */
	for (j = 1; j < 10; j++)
		for (i = 0; i < 10; i++)
			ck_assert_int_gt(seen[j][i], 130);  /* ~200 */
}
END_TEST

START_TEST(ckdig_bad_input)
{
	char	out[32];

	ck_assert_int_eq(ckdig_compute(""), -1);
	ck_assert_int_eq(ckdig_compute(NULL), -1);
	ck_assert_int_eq(ckdig_compute("12a"), -1);
	ck_assert_int_eq(ckdig_compute(" 12"), -1);
	ck_assert_int_eq(ckdig_compute("12-3"), -1);
	ck_assert_int_eq(ckdig_valid(""), 0);
	ck_assert_int_eq(ckdig_valid(NULL), 0);
	ck_assert_int_eq(ckdig_valid("0"), 0);
	ck_assert_int_eq(ckdig_valid("5"), 0);
	ck_assert_int_eq(ckdig_valid("23a3"), 0);
	ck_assert_int_eq(ckdig_valid("2363 "), 0);
	ck_assert_int_eq(ckdig_valid(" 2363"), 0);
	ck_assert_int_eq(ckdig_valid("2363"), 1);
	ck_assert_int_eq(ckdig_make(1, 3, out), -1);
	ck_assert_int_eq(ckdig_make(1, 19, out), -1);
	ck_assert_int_eq(ckdig_make(1, 0, out), -1);
	ck_assert_int_eq(ckdig_make(1, 8, NULL), -1);
}
END_TEST

static Suite *
ckdig_suite(void)
{
	Suite	*s = suite_create("ckdig");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_loop_test(core, ckdig_vectors, 0,
	    sizeof(ck_tab) / sizeof(ck_tab[0]));
	tcase_add_loop_test(core, ckdig_catches_errors, 0,
	    sizeof(err_codes) / sizeof(err_codes[0]));
	tcase_add_loop_test(core, ckdig_make_props, 0,
	    sizeof(make_seeds) / sizeof(make_seeds[0]));
	tcase_add_test(core, ckdig_make_spread);
	suite_add_tcase(s, core);

	tcase_add_test(lim, ckdig_bad_input);
	suite_add_tcase(s, lim);
	return s;
}

/* -------------------------------------------------------------- msisdn */

static const struct {
	const char	*in, *cc, *out;
} ms_ok[] = {
	{ "+256 700-111 222", NULL, "+256700111222" },
	{ "+256 700-111 222", "256", "+256700111222" },
	{ "+256700111222", "254", "+256700111222" },
	{ "00256700111222", NULL, "+256700111222" },
	{ "00 256 700 111 222", "254", "+256700111222" },
	{ "0700111222", "256", "+256700111222" },
	{ "0700 111 222", "256", "+256700111222" },
	{ "(0700) 111.222", "256", "+256700111222" },
	{ "0712-345-678", "254", "+254712345678" },
	{ "256700111222", "256", "+256700111222" },
	{ "25670011122", "256", "+25670011122" },
	{ "+1 (415) 555-0100", NULL, "+14155550100" },
	{ "14155550100", "1", "+14155550100" },
	{ "+12345678", NULL, "+12345678" },
	{ "+123456789012345", NULL, "+123456789012345" },
	{ " +256700111222 ", NULL, "+256700111222" },
	{ "(+256) 700 111 222", NULL, "+256700111222" },
};

START_TEST(msisdn_ok)
{
	char	out[17];

	memset(out, 'X', sizeof(out));
	ck_assert_msg(msisdn_normalise(ms_ok[_i].in, ms_ok[_i].cc, out,
	    sizeof(out)) == 0, "\"%s\" rejected", ms_ok[_i].in);
	ck_assert_str_eq(out, ms_ok[_i].out);
}
END_TEST

START_TEST(msisdn_exact_buffer)
{
	char	out[20];

	memset(out, 'X', sizeof(out));
	/* "+256700111222" is 13 characters plus the NUL. */
	ck_assert_int_eq(msisdn_normalise("0700111222", "256", out, 14), 0);
	ck_assert_str_eq(out, "+256700111222");
	ck_assert_int_eq(out[14], 'X');
}
END_TEST

static const struct {
	const char	*in, *cc;
} ms_bad[] = {
	{ "0700111222", NULL },
	{ "0700111222", "" },
	{ "+256 70O 111 222", NULL },
	{ "abc", "256" },
	{ "+", NULL },
	{ "+", "256" },
	{ "", "256" },
	{ "   ", "256" },
	{ "+1234567", NULL },
	{ "+1234567890123456", NULL },
	{ "00", NULL },
	{ "0", "256" },
	{ "256+700111222", NULL },
	{ "++256700111222", NULL },
	{ "+256+700111222", NULL },
	{ "+0256700111222", NULL },
	{ "000256700111222", NULL },
	{ "700111222", "256" },
	{ "256700111222", NULL },
	{ "2567001112", "256" },
	{ "447700900123", "256" },
	{ "0700111222", "+256" },
	{ "0700111222", "0256" },
	{ "0700111222", "2567" },
	{ "0700111222", "2a" },
	{ "0700111222\n", "256" },
	{ "0700/111222", "256" },
	{ "07001112223334445", "256" },
	{ "+2567001112220000000000000000000000000000000000000", NULL },
	{ "tel:+256700111222", NULL },
};

START_TEST(msisdn_bad)
{
	char	out[17];

	memset(out, 'X', sizeof(out));
	ck_assert_msg(msisdn_normalise(ms_bad[_i].in, ms_bad[_i].cc, out,
	    sizeof(out)) == -1, "\"%s\" cc %s accepted as %s", ms_bad[_i].in,
	    ms_bad[_i].cc ? ms_bad[_i].cc : "NULL", out);
	ck_assert_int_eq(out[0], 'X');
}
END_TEST

START_TEST(msisdn_small_buffer)
{
	char	out[20];

	memset(out, 'X', sizeof(out));
	ck_assert_int_eq(msisdn_normalise("0700111222", "256", out, 13), -1);
	ck_assert_int_eq(msisdn_normalise("+256700111222", NULL, out, 1), -1);
	ck_assert_int_eq(msisdn_normalise("+256700111222", NULL, out, 0), -1);
	ck_assert_int_eq(out[0], 'X');
	ck_assert_int_eq(msisdn_normalise(NULL, "256", out, sizeof(out)), -1);
	ck_assert_int_eq(msisdn_normalise("+256700111222", NULL, NULL, 17),
	    -1);
}
END_TEST

static Suite *
msisdn_suite(void)
{
	Suite	*s = suite_create("msisdn");
	TCase	*core = tcase_create("core");
	TCase	*lim = tcase_create("limits");

	tcase_add_loop_test(core, msisdn_ok, 0,
	    sizeof(ms_ok) / sizeof(ms_ok[0]));
	tcase_add_test(core, msisdn_exact_buffer);
	suite_add_tcase(s, core);

	tcase_add_loop_test(lim, msisdn_bad, 0,
	    sizeof(ms_bad) / sizeof(ms_bad[0]));
	tcase_add_test(lim, msisdn_small_buffer);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(date_suite());
	srunner_add_suite(sr, slots_suite());
	srunner_add_suite(sr, ckdig_suite());
	srunner_add_suite(sr, msisdn_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
