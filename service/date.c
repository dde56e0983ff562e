/*
 * date: civil dates as day numbers and times of day as minutes (see date.h).
 *
 * Slots, holidays and dates of birth are plain calendar dates, so they are
 * kept as int day numbers since 1970-01-01 in the proleptic Gregorian
 * calendar, converted with Howard Hinnant's days_from_civil /
 * civil_from_days algorithms (exact for any int range we use, no time
 * zone, no DST).  Only date_local() and date_to_time() touch the C library's
 * time zone machinery; they read the process's TZ, which main sets once.
 * The parsers are strict: fixed width, digits only, a real calendar date,
 * nothing trailing.  Nothing here allocates.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"

static int	date_floordiv(int a, int b);
static int	date_leap(int y);
static int	date_mdays(int y, int m);
static int	date_digits(const char *s, size_t n, int *val);

/* Floor division for b > 0 (C division truncates toward zero). */
static int
date_floordiv(int a, int b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static int
date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1-12) of year y. */
static int
date_mdays(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && date_leap(y))
		return 29;
	return mdays[m - 1];
}

/*
 * Reads exactly n decimal digits from s into *val.  Returns 0, or -1 if any
 * of the n characters (including an early NUL) is not a digit.
 */
static int
date_digits(const char *s, size_t n, int *val)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return 0;
}

/*
 * days_from_civil: shift the year to start on March 1 so the leap day is
 * the last day of the year, then count 400-year eras of 146097 days.
 */
int
date_from_ymd(int y, int m, int d)
{
	int	era, yoe, doy, doe;

	y -= m <= 2;
	era = date_floordiv(y, 400);
	yoe = y - era * 400;				/* [0, 399] */
	/* [0, 365] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* civil_from_days: the inverse of date_from_ymd(). */
void
date_to_ymd(int day, int *y, int *m, int *d)
{
	int	z, era, doe, yoe, doy, mp, yy, mm;

	z = day + 719468;
	era = date_floordiv(z, 146097);
	doe = z - era * 146097;				/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;		/* [0, 11], March = 0 */
	mm = mp < 10 ? mp + 3 : mp - 9;
	yy = yoe + era * 400 + (mm <= 2);
	*y = yy;
	*m = mm;
	*d = doy - (153 * mp + 2) / 5 + 1;
}

/* 1970-01-01 was a Thursday (3 with Monday = 0). */
int
date_weekday(int day)
{
	int	r = (day + 3) % 7;

	return r < 0 ? r + 7 : r;
}

int
date_parse_iso(const char *s, int *day)
{
	int	y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (date_digits(s, 4, &y) == -1 || date_digits(s + 5, 2, &m) == -1 ||
	    date_digits(s + 8, 2, &d) == -1)
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_mdays(y, m))
		return -1;
	*day = date_from_ymd(y, m, d);
	return 0;
}

int
date_parse_dmy8(const char *s, int *day)
{
	int	y, m, d;

	if (s == NULL || strlen(s) != 8)
		return -1;
	if (date_digits(s, 2, &d) == -1 || date_digits(s + 2, 2, &m) == -1 ||
	    date_digits(s + 4, 4, &y) == -1)
		return -1;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_mdays(y, m))
		return -1;
	*day = date_from_ymd(y, m, d);
	return 0;
}

char *
date_fmt_iso(int day, char *buf, size_t n)
{
	int	y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int
date_parse_hhmm(const char *s, int *min)
{
	int	h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	if (date_digits(s, 2, &h) == -1 || date_digits(s + 3, 2, &m) == -1)
		return -1;
	if (h == 24 && m == 0) {
		*min = 1440;
		return 0;
	}
	if (h > 23 || m > 59)
		return -1;
	*min = h * 60 + m;
	return 0;
}

/* Minutes outside 0..1440 are clamped so the output is always "HH:MM". */
char *
date_fmt_hhmm(int min, char *buf, size_t n)
{
	if (min < 0)
		min = 0;
	if (min > 1440)
		min = 1440;
	snprintf(buf, n, "%02d:%02d", min / 60, min % 60);
	return buf;
}

/*
 * If t cannot be represented as a local time (localtime_r fails), reports
 * day 0, minute 0 rather than leaving the outputs unset.
 */
void
date_local(time_t t, int *day, int *min)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL) {
		*day = 0;
		*min = 0;
		return;
	}
	*day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	*min = tm.tm_hour * 60 + tm.tm_min;
}

/*
 * mktime normalises out-of-range fields, so min = 1440 is midnight of the
 * next day, and a wall-clock time skipped by a DST jump lands on the
 * C library's choice of the nearest valid instant.  Returns (time_t)-1 if
 * mktime fails.
 */
time_t
date_to_time(int day, int min)
{
	struct tm	tm;
	int		y, m, d;

	date_to_ymd(day, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}
