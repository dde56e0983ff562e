/*
 * csvimp: the CSV files staff hand to idline, read and checked row by row.
 *
 * Parsing is libcsv's (RFC 4180 quoting); this module checks the header and
 * every field, and collects every bad line with its number and reason so one
 * run tells the clerk everything that is wrong.  Nothing here touches the
 * database: the caller stores the rows only when the whole file is valid.
 */
#ifndef IDLINE_CSVIMP_H
#define IDLINE_CSVIMP_H

#include <stddef.h>
#include <stdio.h>

/* Errors found in one file: "name:line: reason" strings, owned here. */
struct csvimp_errs {
	size_t	  n;
	char	**msg;
};

/* One row of "reference,kind,status,dob,msisdn,office". */
struct csvimp_app {
	int	line;		/* 1-based line in the file */
	char	reference[32];
	char	kind[20];	/* national_id | passport | birth_certificate */
	char	status[24];	/* received | in_progress | action_needed |
				   ready_for_collection | collected | rejected */
	char	dob[11];	/* YYYY-MM-DD, a real date, not in the future */
	char	msisdn[17];	/* E.164 after normalisation, or "" */
	char	office[17];	/* office code or "" */
};

/* One row of "code,name,short_name,workdays,open,close,lunch_start,
 * lunch_end,slot_minutes,counters". */
struct csvimp_office {
	int		line;
	char		code[17];	/* [A-Z0-9_-]{2,16} */
	char		name[81];
	char		short_name[65];	/* shown on screens; <= 16 chars */
	unsigned	workdays;	/* slots_parse_workdays() bits */
	int		open_min, close_min;
	int		lunch_start, lunch_end;	/* -1 when both are empty */
	int		slot_min, counters;
};

/* One row of "date,office,name" (office empty = national holiday). */
struct csvimp_holiday {
	int	line;
	int	day;		/* date.h day number */
	char	office[17];
	char	name[81];
};

/* Checks a reference against the deployment's pattern; 1 = ok. */
typedef int (*csvimp_ref_fn)(const char *ref, void *arg);

/*
 * Reads the whole stream f (name is used in messages, "-" for stdin).
 * Returns 0 when every row is valid: *rows (caller frees with free()) and
 * *nrows are set and errs is empty.  Returns -1 when anything is wrong:
 * errs holds one message per bad line (and for a bad header, line 1), *rows
 * is NULL.  A file with a header and no rows is valid (0 rows).  Duplicate
 * keys within one file are an error on the later line.  ref_ok may be NULL
 * (then 6-29 digits is the rule); default_cc is used for national msisdns
 * and may be NULL.
 */
int	csvimp_applications(FILE *f, const char *name, csvimp_ref_fn ref_ok,
	    void *ref_arg, const char *default_cc, struct csvimp_app **rows,
	    size_t *nrows, struct csvimp_errs *errs);
int	csvimp_offices(FILE *f, const char *name,
	    struct csvimp_office **rows, size_t *nrows,
	    struct csvimp_errs *errs);
int	csvimp_holidays(FILE *f, const char *name,
	    struct csvimp_holiday **rows, size_t *nrows,
	    struct csvimp_errs *errs);

/* Frees the messages; errs may be zeroed. */
void	csvimp_errs_free(struct csvimp_errs *errs);

#endif
