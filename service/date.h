/*
 * date: civil dates and wall-clock minutes without time zones in the way.
 *
 * A date is an int day number: days since 1970-01-01 (proleptic
 * Gregorian).  Times of day are minutes since midnight.  "Now" is read in
 * the process's local time zone, which main sets once from the config
 * (TZ), so slot times are the office's local wall-clock times.
 */
#ifndef IDLINE_DATE_H
#define IDLINE_DATE_H

#include <stddef.h>
#include <time.h>

int	date_from_ymd(int y, int m, int d);
void	date_to_ymd(int day, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday. */
int	date_weekday(int day);
/* Parses strict "YYYY-MM-DD" (a real calendar date); 0 or -1. */
int	date_parse_iso(const char *s, int *day);
/* Parses strict "DDMMYYYY" (8 digits, a real date); 0 or -1. */
int	date_parse_dmy8(const char *s, int *day);
/* Writes "YYYY-MM-DD" (buf >= 11). Returns buf. */
char	*date_fmt_iso(int day, char *buf, size_t n);
/* Parses "HH:MM" (00:00-23:59, also 24:00 = 1440) into minutes; 0 or -1. */
int	date_parse_hhmm(const char *s, int *min);
/* Writes "HH:MM" (buf >= 6). Returns buf. */
char	*date_fmt_hhmm(int min, char *buf, size_t n);
/* Local (TZ) date and minute of day for t. */
void	date_local(time_t t, int *day, int *min);
/* time_t of the local wall-clock day + minute (mktime, DST-aware). */
time_t	date_to_time(int day, int min);

#endif
