/*
 * csvread: a CSV file read record by record, with the line each record
 * began on, file-wide limits and a capped list of error messages.
 *
 * libcsv (strict mode, RFC 4180 quoting) is used only behind this header.
 * The reader checks the header against a column list, drops blank lines,
 * reports bad quoting, long lines, wrong field counts and fields that are
 * not valid UTF-8, and hands every other data record to a callback that
 * checks its columns.  Limits: 10 MiB, 200000 data rows, 4096 bytes per
 * line, 16 columns, 1000 messages kept (then one "...and N more errors").
 */
#ifndef IDLINE_CSVREAD_H
#define IDLINE_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

struct sbuf;

#define CSVREAD_MAX_COLS	16

/* Messages "name:line: reason" (or "name: reason" for the whole file). */
struct csvread_errs {
	size_t	  n;
	char	**msg;		/* each owned by the list */
};

/*
 * Checks one data record that has exactly ncols fields and began on line.
 * f[i] is the field trimmed of surrounding spaces and tabs, or NULL when it
 * is not valid UTF-8 (why already says so).  The callback appends each
 * problem to why through csvread_sep(); the reader records why as the
 * record's message when it is not empty.  The fields belong to the reader
 * and are freed after the call: copy what is kept.
 */
typedef void (*csvread_row_fn)(char *const *f, int line, struct sbuf *why,
    void *arg);

/*
 * Reads f to its end.  name (NULL gives "-") starts every message.  The
 * first record must be cols[0..ncols) (ncols <= CSVREAD_MAX_COLS, compared
 * without case); otherwise line 1 gets "expected the header '...'" and
 * reading stops.  A leading UTF-8 BOM is skipped.  f == NULL is reported
 * as "no file".  A file-wide limit (size, rows, read error) replaces every
 * message with one and stops reading.  errs is overwritten (it must be
 * zeroed or freed) and then belongs to the caller.  Returns 0 when errs is
 * empty, else -1.
 */
int	csvread_file(FILE *f, const char *name, const char *const *cols,
	    size_t ncols, csvread_row_fn row, void *arg,
	    struct csvread_errs *errs);

/* Adds "; " when why already holds a problem; returns why. */
struct sbuf *csvread_sep(struct sbuf *why);

/* Frees the messages and zeroes errs; errs may be zeroed already. */
void	csvread_errs_free(struct csvread_errs *errs);

#endif
