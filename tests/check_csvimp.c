/*
 * check_csvimp: the CSV importers (and the csvread callback contract)
 * against good files, every kind of bad row, bad quoting and headers, and
 * the file-wide limits.
 *
 * Inputs come from tests/fixtures/csv/ (run from the repository root, or
 * set FIXTURE_DIR) or from strings written to a tmpfile().
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvimp.h"
#include "csvread.h"
#include "date.h"
#include "sbuf.h"
#include "xmem.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR	"tests/fixtures/csv"
#endif

#define APP_HDR		"reference,kind,status,dob,msisdn,office\n"
#define OFF_HDR		"code,name,short_name,workdays,open,close," \
			"lunch_start,lunch_end,slot_minutes,counters\n"
#define HOL_HDR		"date,office,name\n"
#define KINDS		"national_id, passport, birth_certificate"
#define STATUSES	"received, in_progress, action_needed, " \
			"ready_for_collection, collected, rejected"

static FILE	*mem(const char *, size_t);
static FILE	*fixture(const char *);
static int	 apps(const char *, const char *, struct csvimp_app **,
		    size_t *, struct csvimp_errs *);
static int	 offs(const char *, struct csvimp_office **, size_t *,
		    struct csvimp_errs *);
static int	 hols(const char *, struct csvimp_holiday **, size_t *,
		    struct csvimp_errs *);
static void	 errs_eq(const struct csvimp_errs *, const char *const *,
		    size_t);
static int	 ref_ab(const char *, void *);
static void	 log_row(char *const *, int, struct sbuf *, void *);
static Suite	*csvimp_suite(void);

static int	 ref_marker;

/* A stream holding n bytes of s (tmpfile, so "" works too). */
static FILE *
mem(const char *s, size_t n)
{
	FILE	*f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, n, f), n);
	rewind(f);
	return f;
}

static FILE *
fixture(const char *name)
{
	const char	*dir = getenv("FIXTURE_DIR");
	char		*path;
	FILE		*f;

	path = xasprintf("%s/%s", dir != NULL ? dir : FIXTURE_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	free(path);
	return f;
}

static int
apps(const char *s, const char *cc, struct csvimp_app **rows, size_t *n,
    struct csvimp_errs *e)
{
	FILE	*f = mem(s, strlen(s));
	int	 rc;

	rc = csvimp_applications(f, "t.csv", NULL, NULL, cc, rows, n, e);
	fclose(f);
	return rc;
}

static int
offs(const char *s, struct csvimp_office **rows, size_t *n,
    struct csvimp_errs *e)
{
	FILE	*f = mem(s, strlen(s));
	int	 rc;

	rc = csvimp_offices(f, "t.csv", rows, n, e);
	fclose(f);
	return rc;
}

static int
hols(const char *s, struct csvimp_holiday **rows, size_t *n,
    struct csvimp_errs *e)
{
	FILE	*f = mem(s, strlen(s));
	int	 rc;

	rc = csvimp_holidays(f, "t.csv", rows, n, e);
	fclose(f);
	return rc;
}

/* Asserts e holds exactly the n messages want, in order. */
static void
errs_eq(const struct csvimp_errs *e, const char *const *want, size_t n)
{
	size_t	i;

	for (i = 0; i < e->n && i < n; i++)
		ck_assert_str_eq(e->msg[i], want[i]);
	ck_assert_uint_eq(e->n, n);
}

/* A deployment whose references are "AB" and 4 digits. */
static int
ref_ab(const char *ref, void *arg)
{
	size_t	i;

	ck_assert_ptr_eq(arg, &ref_marker);
	if (strncmp(ref, "AB", 2) != 0 || strlen(ref) != 6)
		return 0;
	for (i = 2; i < 6; i++)
		if (ref[i] < '0' || ref[i] > '9')
			return 0;
	return 1;
}

/* csvread row callback: logs "line:f0|f1|why-length;", rejects "bad". */
static void
log_row(char *const *f, int line, struct sbuf *why, void *arg)
{
	sbuf_addf(arg, "%d:%s|%s|%zu;", line, f[0] != NULL ? f[0] : "(null)",
	    f[1] != NULL ? f[1] : "(null)", why->len);
	if (f[0] != NULL && strcmp(f[0], "bad") == 0)
		sbuf_add(csvread_sep(why), "rejected");
}

/* ------------------------------------------------------------------ core */

START_TEST(apps_good_file)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	FILE			*f = fixture("apps_good.csv");

	ck_assert_int_eq(csvimp_applications(f, "apps_good.csv", NULL, NULL,
	    "256", &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(r[0].line, 2);
	ck_assert_str_eq(r[0].reference, "1234567");
	ck_assert_str_eq(r[0].kind, "national_id");
	ck_assert_str_eq(r[0].status, "received");
	ck_assert_str_eq(r[0].dob, "1990-05-17");
	ck_assert_str_eq(r[0].msisdn, "+256700111222");
	ck_assert_str_eq(r[0].office, "KLA");
	/* Line 3 is blank; quoted fields, national msisdn with the CC. */
	ck_assert_int_eq(r[1].line, 4);
	ck_assert_str_eq(r[1].reference, "7654321");
	ck_assert_str_eq(r[1].status, "ready_for_collection");
	ck_assert_str_eq(r[1].msisdn, "+256700111333");
	ck_assert_str_eq(r[1].office, "");
	/* Surrounding spaces trimmed, leap day, empty msisdn. */
	ck_assert_int_eq(r[2].line, 5);
	ck_assert_str_eq(r[2].reference, "99999999");
	ck_assert_str_eq(r[2].kind, "birth_certificate");
	ck_assert_str_eq(r[2].dob, "2020-02-29");
	ck_assert_str_eq(r[2].msisdn, "");
	ck_assert_str_eq(r[2].office, "GULU-2");
	free(r);
}
END_TEST

/* BOM, CRLF, header in another case with spaces, no final newline. */
START_TEST(apps_crlf_bom)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	FILE			*f = fixture("apps_crlf_bom.csv");

	ck_assert_int_eq(csvimp_applications(f, "x.csv", NULL, NULL, NULL,
	    &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(r[0].line, 2);
	ck_assert_str_eq(r[0].status, "in_progress");
	ck_assert_str_eq(r[0].msisdn, "");
	ck_assert_str_eq(r[0].office, "KLA");
	ck_assert_int_eq(r[1].line, 3);
	ck_assert_str_eq(r[1].reference, "2345678");
	ck_assert_str_eq(r[1].msisdn, "+256700999888");
	ck_assert_str_eq(r[1].dob, "1970-07-07");
	ck_assert_str_eq(r[1].office, "");
	free(r);
}
END_TEST

START_TEST(apps_header_only)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r = NULL;
	size_t			 n = 99;
	FILE			*f = fixture("apps_header_only.csv");

	ck_assert_int_eq(csvimp_applications(f, "h.csv", NULL, NULL, NULL,
	    &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(r);
	free(r);
	/* The same without the final newline, and with trailing blanks. */
	ck_assert_int_eq(apps("reference,kind,status,dob,msisdn,office",
	    NULL, &r, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	free(r);
	ck_assert_int_eq(apps(APP_HDR "\n  \n\t\r\n", NULL, &r, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	free(r);
}
END_TEST

/* Several bad rows, each reported once with every problem of its line. */
START_TEST(apps_bad_file)
{
	static const char *const want[] = {
		"apps_bad.csv:3: reference '***12ab' is not 6 to 29 digits; "
		    "kind 'passprt' is not one of " KINDS "; dob is not a "
		    "valid date YYYY-MM-DD",
		"apps_bad.csv:4: expected 6 fields, got 4",
		"apps_bad.csv:6: status 'shipped' is not one of " STATUSES
		    "; msisdn is not a valid phone number; office 'kla' is "
		    "not an office code (1 to 16 of A-Z 0-9 _ -)",
		"apps_bad.csv:7: duplicate reference '***4567' (first on "
		    "line 2)",
		"apps_bad.csv:8: kind 'pass?port' is not one of " KINDS,
		"apps_bad.csv:10: dob is before 1900-01-01",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r = (void *)&e;
	size_t			 n = 99, i;
	FILE			*f = fixture("apps_bad.csv");

	ck_assert_int_eq(csvimp_applications(f, "apps_bad.csv", NULL, NULL,
	    NULL, &r, &n, &e), -1);
	fclose(f);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(n, 0);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	/* No date of birth or phone number is echoed. */
	for (i = 0; i < e.n; i++) {
		ck_assert_ptr_null(strstr(e.msg[i], "1990-13-01"));
		ck_assert_ptr_null(strstr(e.msg[i], "1890"));
		ck_assert_ptr_null(strstr(e.msg[i], "12ab,"));
		ck_assert_ptr_null(strstr(e.msg[i], "1234567"));
	}
	csvimp_errs_free(&e);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_ptr_null(e.msg);
}
END_TEST

/* One row after the header: the problem message, or NULL when valid. */
static const struct {
	const char	*row;
	const char	*cc;
	const char	*why;
} app_rows[] = {
	{ "1234567,passport,received,1990-05-17,,", NULL, NULL },
	{ "12345678901234567890123456789,passport,collected,1990-05-17,,",
	    NULL, NULL },
	{ "1234567,passport,rejected,1900-01-01,+44 (20) 7946-0018,Z",
	    NULL, NULL },
	{ "1234567,passport,received,1990-05-17,0700111222,", "256", NULL },
	{ "1234567,passport,received,1990-05-17,00256700111222,", NULL,
	    NULL },
	{ "1234567,passport,received,1990-05-17,,0123456789ABCDEF", NULL,
	    NULL },
	{ "1234567,passport,received,1990-05-17,,,", NULL,
	    "expected 6 fields, got 7" },
	{ "1234567", NULL, "expected 6 fields, got 1" },
	{ ",,,,,,,,,,,,,,,,,,,", NULL, "expected 6 fields, got 20" },
	{ "12345,passport,received,1990-05-17,,", NULL,
	    "reference '***2345' is not 6 to 29 digits" },
	{ "123456789012345678901234567890,passport,received,1990-05-17,,",
	    NULL, "reference '***7890' is not 6 to 29 digits" },
	{ "12345678901234567890123456789012,passport,received,1990-05-17,,",
	    NULL, "reference '***9012' is longer than 31 characters" },
	{ ",passport,received,1990-05-17,,", NULL, "reference is empty" },
	{ "1234567,Passport,received,1990-05-17,,", NULL,
	    "kind 'Passport' is not one of " KINDS },
	{ "1234567,,received,1990-05-17,,", NULL,
	    "kind '' is not one of " KINDS },
	{ "1234567,passport,done,1990-05-17,,", NULL,
	    "status 'done' is not one of " STATUSES },
	{ "1234567,passport,received,17/05/1990,,", NULL,
	    "dob is not a valid date YYYY-MM-DD" },
	{ "1234567,passport,received,1990-02-29,,", NULL,
	    "dob is not a valid date YYYY-MM-DD" },
	{ "1234567,passport,received,1899-12-31,,", NULL,
	    "dob is before 1900-01-01" },
	{ "1234567,passport,received,,,", NULL, "dob is empty" },
	{ "1234567,passport,received,1990-05-17,0700111222,", NULL,
	    "msisdn is not a valid phone number (national numbers need a "
	    "country code)" },
	{ "1234567,passport,received,1990-05-17,+256 70x,", "256",
	    "msisdn is not a valid phone number" },
	{ "1234567,passport,received,1990-05-17,,kla", NULL,
	    "office 'kla' is not an office code (1 to 16 of A-Z 0-9 _ -)" },
	{ "1234567,passport,received,1990-05-17,,0123456789ABCDEFG", NULL,
	    "office '0123456789ABCDEFG' is not an office code (1 to 16 of "
	    "A-Z 0-9 _ -)" },
	{ "1234567,passport,received,1990-05-17,,K L", NULL,
	    "office 'K L' is not an office code (1 to 16 of A-Z 0-9 _ -)" },
	{ "12x,passprt,sent,1990-13-01,abc,k!", NULL,
	    "reference '***12x' is not 6 to 29 digits; kind 'passprt' is not "
	    "one of " KINDS "; status 'sent' is not one of " STATUSES "; dob "
	    "is not a valid date YYYY-MM-DD; msisdn is not a valid phone "
	    "number; office 'k!' is not an office code (1 to 16 of A-Z 0-9 "
	    "_ -)" },
};

START_TEST(apps_rows)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	char			*in, *want;
	int			 rc;

	in = xasprintf(APP_HDR "%s\n", app_rows[_i].row);
	rc = apps(in, app_rows[_i].cc, &r, &n, &e);
	free(in);
	if (app_rows[_i].why == NULL) {
		ck_assert_msg(rc == 0, "row %d: %s", _i,
		    e.n > 0 ? e.msg[0] : "?");
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(r[0].line, 2);
		free(r);
		return;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(r);
	want = xasprintf("t.csv:2: %s", app_rows[_i].why);
	errs_eq(&e, (const char *const *)&want, 1);
	free(want);
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(apps_msisdn_forms)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;

	ck_assert_int_eq(apps(APP_HDR
	    "1000001,passport,received,1990-05-17,0700 111-222,\n"
	    "1000002,passport,received,1990-05-17,+256700111222,\n"
	    "1000003,passport,received,1990-05-17,256700111222,\n"
	    "1000004,passport,received,1990-05-17,00256 700 111 222,\n",
	    "256", &r, &n, &e), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(r[0].msisdn, "+256700111222");
	ck_assert_str_eq(r[1].msisdn, "+256700111222");
	ck_assert_str_eq(r[2].msisdn, "+256700111222");
	ck_assert_str_eq(r[3].msisdn, "+256700111222");
	free(r);
}
END_TEST

START_TEST(apps_dob_today_future)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	char			 today[11], tomorrow[11], far[11], *in;
	int			 day, min;

	date_local(time(NULL), &day, &min);
	date_fmt_iso(day, today, sizeof today);
	date_fmt_iso(day + 1, tomorrow, sizeof tomorrow);
	date_fmt_iso(day + 4000, far, sizeof far);
	in = xasprintf(APP_HDR
	    "1000001,birth_certificate,received,%s,,\n"
	    "1000002,birth_certificate,received,%s,,\n"
	    "1000003,birth_certificate,received,%s,,\n", today, tomorrow,
	    far);
	ck_assert_int_eq(apps(in, NULL, &r, &n, &e), -1);
	free(in);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_str_eq(e.msg[0], "t.csv:3: dob is in the future");
	ck_assert_str_eq(e.msg[1], "t.csv:4: dob is in the future");
	csvimp_errs_free(&e);
	/* Today alone is fine. */
	in = xasprintf(APP_HDR "1000001,passport,received,%s,,\n", today);
	ck_assert_int_eq(apps(in, NULL, &r, &n, &e), 0);
	free(in);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].dob, today);
	free(r);
}
END_TEST

START_TEST(apps_duplicates)
{
	static const char *const want[] = {
		"t.csv:4: duplicate reference '***0001' (first on line 2)",
		"t.csv:6: kind 'x' is not one of " KINDS "; duplicate "
		    "reference '***0001' (first on line 2)",
		"t.csv:7: duplicate reference '***0002' (first on line 5)",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;

	ck_assert_int_eq(apps(APP_HDR
	    "1000001,passport,received,1990-05-17,,\n"
	    "1000003,passport,received,1990-05-17,,\n"
	    "1000001,national_id,received,1990-05-17,,\n"
	    "1000002,x2,received,1990-05-17,,\n"
	    "1000001,x,received,1990-05-17,,\n"
	    "1000002,passport,received,1990-05-17,,\n",
	    NULL, &r, &n, &e), -1);
	/* Line 5's kind is bad too but its reference still counts. */
	ck_assert_uint_eq(e.n, 4);
	ck_assert_str_eq(e.msg[0], want[0]);
	ck_assert_str_eq(e.msg[2], want[1]);
	ck_assert_str_eq(e.msg[3], want[2]);
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(apps_ref_callback)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	FILE			*f;
	static const char	 in[] = APP_HDR
	    "AB1234,passport,received,1990-05-17,,\n"
	    "1234567,passport,received,1990-05-17,,\n"
	    "AB123,passport,received,1990-05-17,,\n";

	f = mem(in, strlen(in));
	ck_assert_int_eq(csvimp_applications(f, "t.csv", ref_ab, &ref_marker,
	    NULL, &r, &n, &e), -1);
	fclose(f);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_str_eq(e.msg[0],
	    "t.csv:3: reference '***4567' is not a valid reference");
	ck_assert_str_eq(e.msg[1],
	    "t.csv:4: reference '***B123' is not a valid reference");
	csvimp_errs_free(&e);

	f = mem(in, strlen(APP_HDR) + 38);
	ck_assert_int_eq(csvimp_applications(f, "t.csv", ref_ab, &ref_marker,
	    NULL, &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].reference, "AB1234");
	free(r);
}
END_TEST

START_TEST(offices_good_file)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_office	*r;
	size_t			 n;
	FILE			*f = fixture("offices_good.csv");

	ck_assert_int_eq(csvimp_offices(f, "o.csv", &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(r[0].line, 2);
	ck_assert_str_eq(r[0].code, "KLA-01");
	ck_assert_str_eq(r[0].name, "Kampala, Central \"Main\"");
	ck_assert_str_eq(r[0].short_name, "Kampala");
	ck_assert_uint_eq(r[0].workdays, 0x7);
	ck_assert_int_eq(r[0].open_min, 8 * 60);
	ck_assert_int_eq(r[0].close_min, 17 * 60);
	ck_assert_int_eq(r[0].lunch_start, 12 * 60 + 30);
	ck_assert_int_eq(r[0].lunch_end, 13 * 60 + 30);
	ck_assert_int_eq(r[0].slot_min, 30);
	ck_assert_int_eq(r[0].counters, 4);
	ck_assert_str_eq(r[1].code, "GULU");
	ck_assert_uint_eq(r[1].workdays, 0x1f);
	ck_assert_int_eq(r[1].lunch_start, -1);
	ck_assert_int_eq(r[1].lunch_end, -1);
	ck_assert_int_eq(r[1].slot_min, 15);
	ck_assert_int_eq(r[2].line, 4);
	ck_assert_uint_eq(r[2].workdays, 0x2f);
	ck_assert_int_eq(r[2].slot_min, 480);
	ck_assert_int_eq(r[2].counters, 100);
	free(r);
}
END_TEST

START_TEST(offices_bad_file)
{
	static const char *const want[] = {
		"o.csv:2: code 'k' is not an office code (2 to 16 of A-Z "
		    "0-9 _ -)",
		"o.csv:3: name is empty; short_name is longer than 16 "
		    "characters; workdays 'funday' is not a list of days "
		    "such as mon-fri or mon,wed,sat; open '8am' is not a "
		    "time HH:MM; lunch_start and lunch_end must both be set "
		    "or both be empty; slot_minutes '4' is not a whole number "
		    "from 5 to 480; counters '0' is not a whole number from 1 "
		    "to 100",
		"o.csv:4: opening hours rejected: opening time not before "
		    "closing time",
		"o.csv:5: opening hours rejected: lunch outside opening "
		    "hours; duplicate code 'KLA' (first on line 3)",
		"o.csv:6: counters '101' is not a whole number from 1 to 100; "
		    "duplicate code 'KLA' (first on line 3)",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_office	*r;
	size_t			 n;
	FILE			*f = fixture("offices_bad.csv");

	ck_assert_int_eq(csvimp_offices(f, "o.csv", &r, &n, &e), -1);
	fclose(f);
	ck_assert_ptr_null(r);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	csvimp_errs_free(&e);
}
END_TEST

static const struct {
	const char	*row;
	const char	*why;
} office_rows[] = {
	{ "AB,N,S,sun,00:00,24:00,,,5,1", NULL },
	{ "ABCDEFGHIJKLMNOP,N,S,mon,08:00,09:00,,,60,1", NULL },
	/* 20 characters, 20 bytes; then 10 characters in 20 bytes. */
	{ "AB,N,SSSSSSSSSSSSSSSS,mon,08:00,09:00,,,60,1", NULL },
	/* 16 two-byte letters: 16 characters, 32 bytes: fine. */
	{ "AB,N,\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9,mon,08:00,09:00,,,60,1", NULL },
	{ "AB,N,\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9,mon,08:00,09:00,,,60,1",
	    "short_name is longer than 16 characters" },
	{ "AB,N,SSSSSSSSSSSSSSSSS,mon,08:00,09:00,,,60,1",
	    "short_name is longer than 16 characters" },
	{ "ABCDEFGHIJKLMNOPQ,N,S,mon,08:00,09:00,,,60,1",
	    "code 'ABCDEFGHIJKLMNOPQ' is not an office code (2 to 16 of A-Z "
	    "0-9 _ -)" },
	{ "AB,N,,mon,08:00,09:00,,,60,1", "short_name is empty" },
	{ "AB,\"N\x01\",S,mon,08:00,09:00,,,60,1",
	    "name contains a control character" },
	{ "AB,N,S,mon,8:00,09:00,,,60,1", "open '8:00' is not a time HH:MM" },
	{ "AB,N,S,mon,08:00,25:00,,,60,1",
	    "close '25:00' is not a time HH:MM" },
	{ "AB,N,S,mon,08:00,17:00,12:00,x,60,1",
	    "lunch_end 'x' is not a time HH:MM" },
	{ "AB,N,S,mon,08:00,17:00,,13:00,60,1",
	    "lunch_start and lunch_end must both be set or both be empty" },
	{ "AB,N,S,mon,08:00,17:00,13:00,12:00,60,1",
	    "opening hours rejected: lunch start not before lunch end" },
	{ "AB,N,S,,08:00,17:00,,,60,1",
	    "workdays '' is not a list of days such as mon-fri or "
	    "mon,wed,sat" },
	{ "AB,N,S,mon,08:00,17:00,,,481,1",
	    "slot_minutes '481' is not a whole number from 5 to 480" },
	{ "AB,N,S,mon,08:00,17:00,,,-5,1",
	    "slot_minutes '-5' is not a whole number from 5 to 480" },
	{ "AB,N,S,mon,08:00,17:00,,,30,99999999999",
	    "counters '99999999999' is not a whole number from 1 to 100" },
	{ "AB,N,S,mon,08:00,17:00,,,30,1.5",
	    "counters '1.5' is not a whole number from 1 to 100" },
};

START_TEST(offices_rows)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_office	*r;
	size_t			 n;
	char			*in, *want;
	int			 rc;

	in = xasprintf(OFF_HDR "%s\n", office_rows[_i].row);
	rc = offs(in, &r, &n, &e);
	free(in);
	if (office_rows[_i].why == NULL) {
		ck_assert_msg(rc == 0, "row %d: %s", _i,
		    e.n > 0 ? e.msg[0] : "?");
		ck_assert_uint_eq(n, 1);
		free(r);
		return;
	}
	ck_assert_int_eq(rc, -1);
	want = xasprintf("t.csv:2: %s", office_rows[_i].why);
	errs_eq(&e, (const char *const *)&want, 1);
	free(want);
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(holidays_good_file)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	size_t			 n;
	FILE			*f = fixture("holidays_good.csv");

	ck_assert_int_eq(csvimp_holidays(f, "h.csv", &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(r[0].day, date_from_ymd(2025, 1, 1));
	ck_assert_str_eq(r[0].office, "");
	ck_assert_str_eq(r[0].name, "New Year's Day");
	ck_assert_int_eq(r[1].line, 3);
	ck_assert_int_eq(r[1].day, date_from_ymd(2025, 1, 26));
	ck_assert_str_eq(r[1].office, "KLA");
	ck_assert_str_eq(r[1].name, "Liberation Day, Kampala");
	ck_assert_str_eq(r[2].office, "GULU");
	free(r);
}
END_TEST

START_TEST(holidays_bad_file)
{
	static const char *const want[] = {
		"h.csv:2: date '2025-02-30' is not a valid date YYYY-MM-DD",
		"h.csv:3: office 'kla' is not an office code (2 to 16 of A-Z "
		    "0-9 _ -); name is empty",
		"h.csv:5: duplicate holiday 2025-01-01 for all offices (first "
		    "on line 4)",
		"h.csv:7: duplicate holiday 2025-01-01 for this office (first "
		    "on line 6)",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	size_t			 n;
	FILE			*f = fixture("holidays_bad.csv");

	ck_assert_int_eq(csvimp_holidays(f, "h.csv", &r, &n, &e), -1);
	fclose(f);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	csvimp_errs_free(&e);
}
END_TEST

/* ---------------------------------------------------------------- limits */

START_TEST(bad_quotes)
{
	static const char *const want[] = {
		"q.csv:2: bad quoting (a quote inside an unquoted field, or "
		    "text after a closing quote)",
		"q.csv:3: bad quoting (a quote inside an unquoted field, or "
		    "text after a closing quote)",
		"q.csv:5: a quoted field is not closed before the end of the "
		    "file",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	FILE			*f = fixture("apps_bad_quote.csv");

	ck_assert_int_eq(csvimp_applications(f, "q.csv", NULL, NULL, NULL,
	    &r, &n, &e), -1);
	fclose(f);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	csvimp_errs_free(&e);
}
END_TEST

/* A record over several lines is reported on its first line, and the
 * lines after it keep their numbers. */
START_TEST(multiline_record)
{
	static const char *const want[] = {
		"t.csv:3: name contains a control character",
		"t.csv:6: counters '0' is not a whole number from 1 to 100",
		"t.csv:8: name contains a control character",
	};
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_office	*r;
	size_t			 n;

	ck_assert_int_eq(offs(OFF_HDR
	    "AA,N,S,mon,08:00,09:00,,,60,1\n"
	    "AB,\"two\n\nlines\",S,mon,08:00,09:00,,,60,1\n"
	    "AC,N,S,mon,08:00,09:00,,,60,0\r\n"
	    "\r\n"
	    "AD,\"x\r\ny\",S,mon,08:00,09:00,,,60,1\r\n", &r, &n, &e), -1);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	csvimp_errs_free(&e);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 len;	/* 0 = strlen */
} bad_headers[] = {
	{ "", 0 },
	{ "\n\n  \n", 0 },
	{ "reference,kind,status,dob,msisdn\n", 0 },
	{ "reference,kind,status,dob,msisdn,office,extra\n", 0 },
	{ "reference,kind,status,dob,phone,office\n"
	    "1234567,passport,received,1990-05-17,,\n", 0 },
	{ "1234567,passport,received,1990-05-17,,\n"
	    "1234567,passport,received,1990-05-17,,\n", 0 },
	{ "ref\"erence,kind,status,dob,msisdn,office\n", 0 },
	{ "\"reference,kind,status,dob,msisdn,office\n", 0 },
	{ "reference;kind;status;dob;msisdn;office\n", 0 },
	{ "reference,kind,status,dob,msisdn,of\xff" "fice\n", 0 },
	{ "reference,kind,status,dob,msisdn,office\0\n", 41 },
	{ "\xef\xbb\xbf\xef\xbb\xbfreference,kind,status,dob,msisdn,office\n",
	    0 },
};

START_TEST(wrong_header)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r = (void *)&e;
	size_t			 n = 5, len;
	FILE			*f;

	len = bad_headers[_i].len;
	if (len == 0)
		len = strlen(bad_headers[_i].in);
	f = mem(bad_headers[_i].in, len);
	ck_assert_int_eq(csvimp_applications(f, "t.csv", NULL, NULL, NULL,
	    &r, &n, &e), -1);
	fclose(f);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "t.csv:1: expected the header "
	    "'reference,kind,status,dob,msisdn,office'");
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(wrong_header_file)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*h;
	struct csvimp_office	*o;
	size_t			 n;
	FILE			*f = fixture("apps_bad_header.csv");

	ck_assert_int_eq(csvimp_applications(f, "b.csv", NULL, NULL, NULL,
	    NULL, &n, &e), -1);
	ck_assert_int_eq(csvimp_offices(f, "b.csv", &o, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "b.csv:1: expected the header 'code,name,"
	    "short_name,workdays,open,close,lunch_start,lunch_end,"
	    "slot_minutes,counters'");
	csvimp_errs_free(&e);
	rewind(f);
	ck_assert_int_eq(csvimp_holidays(f, "b.csv", &h, &n, &e), -1);
	fclose(f);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0],
	    "b.csv:1: expected the header 'date,office,name'");
	csvimp_errs_free(&e);
	/* A stream that is NULL is reported, not dereferenced. */
	ck_assert_int_eq(csvimp_holidays(NULL, "n.csv", &h, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "n.csv: no file");
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(bad_utf8)
{
	static const char *const want[] = {
		"t.csv:2: kind is not valid UTF-8",
		"t.csv:3: reference is not valid UTF-8; status is not valid "
		    "UTF-8",
		"t.csv:4: office is not valid UTF-8",
		"t.csv:5: kind is not valid UTF-8",
	};
	static const char in[] = APP_HDR
	    "1000001,pass\xffport,received,1990-05-17,,\n"
	    "10000\xc3,passport,rec\xed\xa0\x80,1990-05-17,,\n"
	    "1000003,passport,received,1990-05-17,,K\xc0\xaf\n"
	    "1000004,pass\0port,received,1990-05-17,,\n"
	    "1000005,passport,received,1990-05-17,,\n";
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;
	FILE			*f = mem(in, sizeof in - 1);

	ck_assert_int_eq(csvimp_applications(f, "t.csv", NULL, NULL, NULL,
	    &r, &n, &e), -1);
	fclose(f);
	errs_eq(&e, want, sizeof want / sizeof want[0]);
	csvimp_errs_free(&e);
}
END_TEST

/* Echoes are cut to 40 characters and control characters masked. */
START_TEST(echo_sanitised)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_app	*r;
	size_t			 n;

	ck_assert_int_eq(apps(APP_HDR
	    "1000001,\"a\tb\x7f\",received,1990-05-17,,\n"
	    "1000002,\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "456789012345678901234567890123456789XYZ,received,1990-05-17,,\n",
	    NULL, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_str_eq(e.msg[0], "t.csv:2: kind 'a?b?' is not one of "
	    KINDS);
	ck_assert_str_eq(e.msg[1], "t.csv:3: kind '\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9" "45678901234567890123456789012345678...' is not "
	    "one of " KINDS);
	csvimp_errs_free(&e);
}
END_TEST

START_TEST(long_lines)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	struct sbuf		 b;
	size_t			 n, pad;

	/* "2025-01-01," + pad + ",Name" is exactly 4096 bytes. */
	pad = 4096 - strlen("2025-01-01,") - strlen(",Name");
	sbuf_init(&b);
	sbuf_add(&b, HOL_HDR "2025-01-01,");
	while (pad-- > 0)
		sbuf_addc(&b, ' ');
	sbuf_add(&b, ",Name\r\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].office, "");
	free(r);
	/* A header line that long is a bad header. */
	sbuf_truncate(&b, 0);
	sbuf_add(&b, "date,office,name");
	for (pad = 0; pad < 4090; pad++)
		sbuf_addc(&b, ' ');
	sbuf_add(&b, "\n2025-01-01,,A\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0],
	    "t.csv:1: expected the header 'date,office,name'");
	csvimp_errs_free(&e);
	sbuf_truncate(&b, 0);
	sbuf_add(&b, HOL_HDR "2025-01-01,");
	for (pad = 0; pad < 4096 - strlen("2025-01-01,,Name"); pad++)
		sbuf_addc(&b, ' ');
	sbuf_add(&b, ",Name\r\n");
	/* One byte more, on lines 2 and (inside a quoted field) 4. */
	sbuf_truncate(&b, b.len - strlen(",Name\r\n"));
	sbuf_add(&b, " ,Name\n2025-01-02,,\"A\n");
	pad = 4097;
	while (pad-- > 0)
		sbuf_addc(&b, ' ');
	sbuf_add(&b, "\"\n2025-01-03,,x\n2025-01-03,,y\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 3);
	ck_assert_str_eq(e.msg[0], "t.csv:2: line is longer than 4096 bytes");
	ck_assert_str_eq(e.msg[1],
	    "t.csv:3: line 4 is longer than 4096 bytes");
	ck_assert_str_eq(e.msg[2], "t.csv:6: duplicate holiday 2025-01-03 "
	    "for all offices (first on line 5)");
	csvimp_errs_free(&e);
	sbuf_free(&b);
}
END_TEST

START_TEST(error_cap)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	struct sbuf		 b;
	size_t			 n, i;

	sbuf_init(&b);
	sbuf_add(&b, HOL_HDR);
	for (i = 0; i < 1500; i++)
		sbuf_add(&b, "bad\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1001);
	ck_assert_str_eq(e.msg[0], "t.csv:2: expected 3 fields, got 1");
	ck_assert_str_eq(e.msg[999], "t.csv:1001: expected 3 fields, got 1");
	ck_assert_str_eq(e.msg[1000], "t.csv: ...and 500 more errors");
	csvimp_errs_free(&e);
	/* Exactly 1000 bad rows: no summary line. */
	sbuf_truncate(&b, strlen(HOL_HDR) + 1000 * 4);
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1000);
	csvimp_errs_free(&e);
	sbuf_add(&b, "x\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1001);
	ck_assert_str_eq(e.msg[1000], "t.csv: ...and 1 more error");
	csvimp_errs_free(&e);
	sbuf_free(&b);
}
END_TEST

START_TEST(row_limit)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	struct sbuf		 b;
	size_t			 n, i;
	int			 day0 = date_from_ymd(2000, 1, 1);
	char			 d[11];

	/* 200000 valid rows pass. */
	sbuf_init(&b);
	sbuf_add(&b, HOL_HDR);
	for (i = 0; i < 200000; i++)
		sbuf_addf(&b, "%s,,H\n", date_fmt_iso(day0 + (int)i, d,
		    sizeof d));
	ck_assert_int_eq(hols(b.s, &r, &n, &e), 0);
	ck_assert_uint_eq(n, 200000);
	ck_assert_int_eq(r[199999].line, 200001);
	ck_assert_int_eq(r[199999].day, day0 + 199999);
	free(r);
	/* One more (even a bad one) is a single error for the file. */
	sbuf_add(&b, "x\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "t.csv: more than 200000 rows");
	csvimp_errs_free(&e);
	/* And it replaces the row errors collected before it. */
	sbuf_truncate(&b, 0);
	sbuf_add(&b, HOL_HDR);
	for (i = 0; i < 200001; i++)
		sbuf_add(&b, "x\n");
	ck_assert_int_eq(hols(b.s, &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "t.csv: more than 200000 rows");
	csvimp_errs_free(&e);
	sbuf_free(&b);
}
END_TEST

START_TEST(size_limit)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	size_t			 n, max = 10 * 1024 * 1024;
	char			*buf;
	FILE			*f;

	/* Exactly 10 MiB (header, a row, then blank lines) is fine. */
	buf = xmalloc(max + 1);
	memset(buf, '\n', max + 1);
	memcpy(buf, HOL_HDR "2025-01-01,,H\n", strlen(HOL_HDR) + 14);
	f = mem(buf, max);
	ck_assert_int_eq(csvimp_holidays(f, "t.csv", &r, &n, &e), 0);
	fclose(f);
	ck_assert_uint_eq(n, 1);
	free(r);
	/* One byte more is one error, whatever else is wrong. */
	buf[max] = 'x';
	buf[max - 5] = 'x';
	f = mem(buf, max + 1);
	ck_assert_int_eq(csvimp_holidays(f, "t.csv", &r, &n, &e), -1);
	fclose(f);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "t.csv: file is larger than 10 MiB");
	csvimp_errs_free(&e);
	free(buf);
}
END_TEST

/* Bare CR ends records too; blank lines and spaces around them vanish. */
START_TEST(line_endings)
{
	struct csvimp_errs	 e = { 0, NULL };
	struct csvimp_holiday	*r;
	size_t			 n;

	ck_assert_int_eq(hols(" date , Office ,NAME \r2025-01-01,,A\r"
	    "2025-01-02,,B", &r, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(r[1].name, "B");
	free(r);
	ck_assert_int_eq(hols("\n\n" HOL_HDR "\r\n \t \r\n2025-01-01,,A\n"
	    "\n2025-01-01,,B\n", &r, &n, &e), -1);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "t.csv:8: duplicate holiday 2025-01-01 "
	    "for all offices (first on line 6)");
	csvimp_errs_free(&e);
}
END_TEST

/* The reader alone: which records reach the callback, and as what. */
START_TEST(reader_rows)
{
	static const char *const cols[] = { "a", "b" };
	static const char	 in[] = "A, b\n  x , y \n\n\"p\nq\",\xff\n"
				    "1,2,3\nbad,row\n";
	static const char *const want[] = {
		"r.csv:4: b is not valid UTF-8",
		"r.csv:6: expected 2 fields, got 3",
		"r.csv:7: rejected",
	};
	struct csvread_errs	 e = { 0, NULL };
	struct sbuf		 log;
	FILE			*f;
	size_t			 i;

	sbuf_init(&log);
	f = mem(in, sizeof in - 1);
	ck_assert_int_eq(csvread_file(f, "r.csv", cols, 2, log_row, &log,
	    &e), -1);
	fclose(f);
	ck_assert_str_eq(log.s, "2:x|y|0;4:p\nq|(null)|20;7:bad|row|0;");
	ck_assert_uint_eq(e.n, 3);
	for (i = 0; i < e.n; i++)
		ck_assert_str_eq(e.msg[i], want[i]);
	csvread_errs_free(&e);
	ck_assert_uint_eq(e.n, 0);
	sbuf_free(&log);

	sbuf_init(&log);
	ck_assert_int_eq(csvread_file(NULL, NULL, cols, 2, log_row, &log,
	    &e), -1);
	ck_assert_uint_eq(log.len, 0);
	ck_assert_uint_eq(e.n, 1);
	ck_assert_str_eq(e.msg[0], "-: no file");
	csvread_errs_free(&e);
}
END_TEST

static Suite *
csvimp_suite(void)
{
	Suite	*s = suite_create("csvimp");
	TCase	*tc;

	tc = tcase_create("core");
	tcase_add_test(tc, apps_good_file);
	tcase_add_test(tc, apps_crlf_bom);
	tcase_add_test(tc, apps_header_only);
	tcase_add_test(tc, apps_bad_file);
	tcase_add_loop_test(tc, apps_rows, 0,
	    (int)(sizeof app_rows / sizeof app_rows[0]));
	tcase_add_test(tc, apps_msisdn_forms);
	tcase_add_test(tc, apps_dob_today_future);
	tcase_add_test(tc, apps_duplicates);
	tcase_add_test(tc, apps_ref_callback);
	tcase_add_test(tc, offices_good_file);
	tcase_add_test(tc, offices_bad_file);
	tcase_add_loop_test(tc, offices_rows, 0,
	    (int)(sizeof office_rows / sizeof office_rows[0]));
	tcase_add_test(tc, holidays_good_file);
	tcase_add_test(tc, holidays_bad_file);
	tcase_add_test(tc, reader_rows);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bad_quotes);
	tcase_add_test(tc, multiline_record);
	tcase_add_loop_test(tc, wrong_header, 0,
	    (int)(sizeof bad_headers / sizeof bad_headers[0]));
	tcase_add_test(tc, wrong_header_file);
	tcase_add_test(tc, bad_utf8);
	tcase_add_test(tc, echo_sanitised);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, error_cap);
	tcase_add_test(tc, row_limit);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, line_endings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(csvimp_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
