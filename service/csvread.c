/*
 * csvread: reads a CSV stream record by record for the importers.
 *
 * libcsv (strict mode) does the RFC 4180 quoting; this file feeds it the
 * stream one physical line piece at a time so that it always knows which
 * line a record started on.  It checks the header, drops blank lines,
 * turns libcsv's strict-mode failures into "bad quoting" messages, keeps
 * each record's fields (trimmed, NULL when not valid UTF-8) and hands
 * well-formed data records to the caller's row callback.  One message is
 * kept per bad record ("name:line: reason; reason"), at most 1000 of them.
 *
 * Limits keep a hostile or mistaken file cheap: at most 10 MiB, 200000 data
 * rows and 4096 bytes per line.  A file-wide limit leaves exactly one
 * message and stops reading.  This is the only file that includes csv.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "csvread.h"
#include "sbuf.h"
#include "text.h"
#include "xmem.h"

#define CSVREAD_MAX_BYTES	(10UL * 1024 * 1024)
#define CSVREAD_MAX_ROWS	200000
#define CSVREAD_MAX_LINE	4096
#define CSVREAD_MAX_ERRS	1000
#define CSVREAD_CHUNK		8192
#define CSVREAD_OPTS	(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

/*
 * One file being read.  line/linelen/line_long/skip_line describe the
 * physical line being fed; in_rec/rec_line/rec_long the record being
 * collected (rec_long is the first line of it over the limit, or 0).
 * f[] keeps the first CSVREAD_MAX_COLS fields; nf counts them all.
 */
struct csvread_ctx {
	const char		*name;
	const char *const	*cols;		/* expected header */
	size_t			 ncols;
	csvread_row_fn		 row;
	void			*arg;		/* row's argument */
	struct csvread_errs	*errs;
	size_t			 nmore;		/* over the cap */
	struct csv_parser	 p;
	int			 line;		/* being fed */
	size_t			 linelen;	/* its length */
	int			 line_long;	/* over the limit */
	int			 skip_line;	/* drop its rest */
	int			 in_rec;	/* record begun */
	int			 rec_line;	/* where it began */
	int			 rec_long;	/* 1st long line */
	char			*f[CSVREAD_MAX_COLS];
	size_t			 nf;		/* may exceed max */
	int			 header_done;
	size_t			 nrows;		/* data records */
	int			 stop;		/* stop reading */
	int			 limited;	/* errs = limit */
};

static void	 csvread_begin(struct csvread_ctx *, const char *,
		    const char *const *, size_t, csvread_row_fn, void *,
		    struct csvread_errs *);
static int	 csvread_run(struct csvread_ctx *, FILE *);
static void	 csvread_feed(struct csvread_ctx *, const unsigned char *,
		    size_t);
static void	 csvread_parser_init(struct csvread_ctx *);
static void	*csvread_realloc(void *, size_t);
static void	 csvread_field_cb(void *, size_t, void *);
static void	 csvread_row_cb(int, void *);
static void	 csvread_record(struct csvread_ctx *);
static int	 csvread_header(struct csvread_ctx *);
static void	 csvread_quote_error(struct csvread_ctx *, int,
		    const char *);
static int	 csvread_count_row(struct csvread_ctx *);
static void	 csvread_bad_header(struct csvread_ctx *);
static void	 csvread_clear_fields(struct csvread_ctx *);
static void	 csvread_err(struct csvread_ctx *, int, const char *);
static void	 csvread_push(struct csvread_errs *, char *);
static void	 csvread_limit(struct csvread_ctx *, const char *);
static int	 csvread_blank(unsigned char);
static char	*csvread_trim(const char *, size_t);

/* ------------------------------------------------------------------ api */

/* See csvread.h.  Nothing is held after it returns except errs. */
int
csvread_file(FILE *f, const char *name, const char *const *cols,
    size_t ncols, csvread_row_fn row, void *arg, struct csvread_errs *errs)
{
	struct csvread_ctx	c;

	csvread_begin(&c, name, cols, ncols, row, arg, errs);
	if (f == NULL) {
		csvread_limit(&c, "no file");
		csv_free(&c.p);
		return -1;
	}
	return csvread_run(&c, f);
}

struct sbuf *
csvread_sep(struct sbuf *why)
{
	if (why->len > 0)
		sbuf_add(why, "; ");
	return why;
}

void
csvread_errs_free(struct csvread_errs *errs)
{
	size_t	i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->n = 0;
	errs->msg = NULL;
}

/* --------------------------------------------------------------- feeding */

/* Sets up c for one file; errs is emptied (it must be zeroed or freed). */
static void
csvread_begin(struct csvread_ctx *c, const char *name,
    const char *const *cols, size_t ncols, csvread_row_fn row, void *arg,
    struct csvread_errs *errs)
{
	memset(c, 0, sizeof *c);
	c->name = name != NULL ? name : "-";
	c->cols = cols;
	c->ncols = ncols;
	c->row = row;
	c->arg = arg;
	c->errs = errs;
	c->line = 1;
	errs->n = 0;
	errs->msg = NULL;
	csvread_parser_init(c);
}

/* libcsv grows its field buffer through this, so it never sees NULL. */
static void *
csvread_realloc(void *p, size_t n)
{
	return xreallocarray(p, n, 1);
}

static void
csvread_parser_init(struct csvread_ctx *c)
{
	/* csv_init only fails for bad options; ours are constant. */
	(void)csv_init(&c->p, CSVREAD_OPTS);
	csv_set_realloc_func(&c->p, csvread_realloc);
}

/*
 * Reads f to the end (or to the first file-wide problem) through the
 * parser, then frees the parser.  Returns 0 when no message was recorded,
 * else -1.
 */
static int
csvread_run(struct csvread_ctx *c, FILE *f)
{
	unsigned char	 buf[CSVREAD_CHUNK];
	size_t		 n, off, total = 0;
	int		 first = 1;
	char		*msg;

	while (!c->stop && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		total += n;
		if (total > CSVREAD_MAX_BYTES) {
			csvread_limit(c, "file is larger than 10 MiB");
			break;
		}
		off = 0;
		if (first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			off = 3;
		first = 0;
		csvread_feed(c, buf + off, n - off);
	}
	if (!c->stop && ferror(f)) {
		msg = xasprintf("read error: %s", strerror(errno));
		csvread_limit(c, msg);
		free(msg);
	}
	if (!c->stop && csv_fini(&c->p, csvread_field_cb, csvread_row_cb,
	    c) != 0)
		csvread_quote_error(c, c->rec_line,
		    "a quoted field is not closed before the end of the file");
	if (!c->stop && !c->header_done)
		csvread_bad_header(c);
	csv_free(&c->p);
	csvread_clear_fields(c);
	if (c->nmore > 0 && !c->limited) {
		msg = xasprintf("...and %zu more error%s", c->nmore,
		    c->nmore == 1 ? "" : "s");
		c->nmore = 0;
		/* The one message allowed past the cap. */
		csvread_push(c->errs, xasprintf("%s: %s", c->name, msg));
		free(msg);
	}
	return c->errs->n > 0 ? -1 : 0;
}

/*
 * Feeds n bytes to libcsv in pieces that end at a CR or LF, so a record
 * can only end at the end of a piece.  Outside a record, blank bytes are
 * not fed (libcsv would skip them too), which tells where the next record
 * begins: at the line of its first non-blank byte.
 */
static void
csvread_feed(struct csvread_ctx *c, const unsigned char *b, size_t n)
{
	size_t	i = 0, j, end, k, done;

	while (i < n && !c->stop) {
		for (j = i; j < n && b[j] != '\n' && b[j] != '\r'; j++)
			;
		end = j < n ? j + 1 : n;
		c->linelen += j - i;
		if (c->linelen > CSVREAD_MAX_LINE)
			c->line_long = 1;
		k = i;
		if (c->skip_line)
			k = end;
		else if (!c->in_rec) {
			while (k < end && csvread_blank(b[k]))
				k++;
			if (k < end) {
				c->in_rec = 1;
				c->rec_line = c->line;
			}
		}
		if (c->in_rec && c->line_long && c->rec_long == 0)
			c->rec_long = c->line;
		if (k < end) {
			done = csv_parse(&c->p, b + k, end - k,
			    csvread_field_cb, csvread_row_cb, c);
			if (done < end - k) {
				csvread_quote_error(c, c->line, "bad quoting "
				    "(a quote inside an unquoted field, or "
				    "text after a closing quote)");
				if (b[k + done] != '\n')
					c->skip_line = 1;
			}
		}
		if (j < n && b[j] == '\n') {
			c->line++;
			c->linelen = 0;
			c->line_long = 0;
			c->skip_line = 0;
		}
		i = end;
	}
}

/* libcsv field callback: keeps a trimmed copy, or NULL for bad UTF-8. */
static void
csvread_field_cb(void *s, size_t len, void *arg)
{
	struct csvread_ctx	*c = arg;

	if (c->stop)
		return;
	if (c->nf < CSVREAD_MAX_COLS) {
		if (s == NULL)
			c->f[c->nf] = xstrdup("");
		else if (text_utf8_valid(s, len))
			c->f[c->nf] = csvread_trim(s, len);
		else
			c->f[c->nf] = NULL;
	}
	c->nf++;
}

/* libcsv row callback: checks the record, then forgets it. */
static void
csvread_row_cb(int term, void *arg)
{
	struct csvread_ctx	*c = arg;

	(void)term;
	if (!c->stop)
		csvread_record(c);
	csvread_clear_fields(c);
	c->in_rec = 0;
	c->rec_long = 0;
}

/* --------------------------------------------------------------- records */

/*
 * Checks one complete record: the header first, then data rows, whose
 * columns the caller's row callback checks once their shape is right.
 */
static void
csvread_record(struct csvread_ctx *c)
{
	struct sbuf	 why;
	size_t		 i;
	int		 line = c->rec_line;

	if (!c->header_done) {
		c->header_done = 1;
		if (csvread_header(c) == -1)
			csvread_bad_header(c);
		return;
	}
	if (csvread_count_row(c) == -1)
		return;
	sbuf_init(&why);
	if (c->rec_long == line)
		sbuf_addf(&why, "line is longer than %d bytes",
		    CSVREAD_MAX_LINE);
	else if (c->rec_long != 0)
		sbuf_addf(&why, "line %d is longer than %d bytes",
		    c->rec_long, CSVREAD_MAX_LINE);
	else if (c->nf != c->ncols)
		sbuf_addf(&why, "expected %zu fields, got %zu", c->ncols,
		    c->nf);
	else {
		for (i = 0; i < c->ncols; i++)
			if (c->f[i] == NULL)
				sbuf_addf(csvread_sep(&why),
				    "%s is not valid UTF-8", c->cols[i]);
		c->row(c->f, line, &why, c->arg);
	}
	if (why.len > 0)
		csvread_err(c, line, why.s);
	sbuf_free(&why);
}

/* Returns 0 when the record held is the expected header, else -1. */
static int
csvread_header(struct csvread_ctx *c)
{
	size_t	i;

	if (c->rec_long != 0 || c->nf != c->ncols)
		return -1;
	for (i = 0; i < c->ncols; i++)
		if (c->f[i] == NULL || strcasecmp(c->f[i], c->cols[i]) != 0)
			return -1;
	return 0;
}

/*
 * A strict-mode parse error (or an unclosed quote at the end): the record
 * is dropped and the parser starts afresh.  In the header it is a bad
 * header.
 */
static void
csvread_quote_error(struct csvread_ctx *c, int line, const char *why)
{
	if (!c->header_done) {
		c->header_done = 1;
		csvread_bad_header(c);
	} else if (csvread_count_row(c) == 0)
		csvread_err(c, line, why);
	csvread_clear_fields(c);
	c->in_rec = 0;
	c->rec_long = 0;
	csv_free(&c->p);
	csvread_parser_init(c);
}

/* Counts a data record; -1 (and the file stops) past the row limit. */
static int
csvread_count_row(struct csvread_ctx *c)
{
	char	*msg;

	if (++c->nrows <= CSVREAD_MAX_ROWS)
		return 0;
	msg = xasprintf("more than %d rows", CSVREAD_MAX_ROWS);
	csvread_limit(c, msg);
	free(msg);
	return -1;
}

/* Reports the expected header on line 1; reading stops. */
static void
csvread_bad_header(struct csvread_ctx *c)
{
	struct sbuf	b;
	size_t		i;

	sbuf_init(&b);
	sbuf_add(&b, "expected the header '");
	for (i = 0; i < c->ncols; i++) {
		if (i > 0)
			sbuf_addc(&b, ',');
		sbuf_add(&b, c->cols[i]);
	}
	sbuf_addc(&b, '\'');
	csvread_err(c, 1, b.s);
	sbuf_free(&b);
	c->stop = 1;
}

static void
csvread_clear_fields(struct csvread_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->nf && i < CSVREAD_MAX_COLS; i++) {
		free(c->f[i]);
		c->f[i] = NULL;
	}
	c->nf = 0;
}

/* ---------------------------------------------------------------- errors */

/* Records "name:line: why" ("name: why" when line is 0), within the cap. */
static void
csvread_err(struct csvread_ctx *c, int line, const char *why)
{
	struct csvread_errs	*e = c->errs;

	if (e->n >= CSVREAD_MAX_ERRS) {
		c->nmore++;
		return;
	}
	if (line > 0)
		csvread_push(e, xasprintf("%s:%d: %s", c->name, line, why));
	else
		csvread_push(e, xasprintf("%s: %s", c->name, why));
}

/* Appends msg (taken over) to e. */
static void
csvread_push(struct csvread_errs *e, char *msg)
{
	e->msg = xreallocarray(e->msg, e->n + 1, sizeof *e->msg);
	e->msg[e->n++] = msg;
}

/* A file-wide limit: the one message left in errs, and reading stops. */
static void
csvread_limit(struct csvread_ctx *c, const char *why)
{
	csvread_errs_free(c->errs);
	c->nmore = 0;
	csvread_err(c, 0, why);
	c->stop = 1;
	c->limited = 1;
}

/* ---------------------------------------------------------------- fields */

/* The bytes libcsv skips between records. */
static int
csvread_blank(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Returns a new copy of s[0..len) without surrounding spaces and tabs. */
static char *
csvread_trim(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}
