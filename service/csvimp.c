/*
 * csvimp: checks the CSV files staff hand to idline, row by row.
 *
 * csvread does the reading (quoting, line numbers, header, limits and the
 * capped message list); this file holds the column rules of the three
 * importers (applications, offices, holidays), keeps the valid rows and
 * rejects duplicate keys within one file.  Every problem in a row goes
 * into that row's one message ("name:line: reason; reason").
 *
 * Error messages never echo a date of birth or a phone number, and show
 * only the last four characters of a reference; other values are echoed
 * cut to 40 characters with control characters as '?'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvimp.h"
#include "csvread.h"
#include "date.h"
#include "msisdn.h"
#include "sbuf.h"
#include "slots.h"
#include "text.h"
#include "xmem.h"

#define CSVIMP_ECHO		40	/* code points echoed */
#define CSVIMP_ECHO_BUF		192	/* 40 * 4 + quotes + "..." */

struct csvimp_key {
	char	*key;
	int	 line;
};

/* An open-addressing set of keys with the line each was first seen on. */
struct csvimp_keys {
	struct csvimp_key	*tab;
	size_t			 cap;	/* 0 or a power of two */
	size_t			 n;
};

struct csvimp_apps {
	csvimp_ref_fn		 ref_ok;
	void			*ref_arg;
	const char		*cc;
	int			 today;
	struct csvimp_app	*rows;
	size_t			 n, cap;
	struct csvimp_keys	 keys;
};

struct csvimp_offs {
	struct csvimp_office	*rows;
	size_t			 n, cap;
	struct csvimp_keys	 keys;
};

struct csvimp_hols {
	struct csvimp_holiday	*rows;
	size_t			 n, cap;
	struct csvimp_keys	 keys;
};

static int	 csvimp_read(FILE *, const char *, const char *const *,
		    size_t, csvread_row_fn, void *, struct csvimp_errs *);
static size_t	 csvimp_u8next(const unsigned char *, size_t,
		    unsigned long *);
static int	 csvimp_cntrl(unsigned long);
static const char *csvimp_echo(const char *, char *, size_t);
static const char *csvimp_mask(const char *, char *, size_t);
static int	 csvimp_code(const char *, size_t, size_t);
static int	 csvimp_oneof(const char *, const char *const *);
static void	 csvimp_list(char *, size_t, const char *const *);
static int	 csvimp_int(const char *, int, int, int *);
static void	 csvimp_text(const char *, const char *, size_t, size_t,
		    struct sbuf *);
static void	 csvimp_copy(char *, size_t, const char *);
static void	*csvimp_grow(void *, size_t *, size_t, size_t);
static int	 csvimp_keys_add(struct csvimp_keys *, const char *, int);
static void	 csvimp_keys_free(struct csvimp_keys *);
static unsigned long csvimp_hash(const char *);
static void	 csvimp_check_app(char *const *, int, struct sbuf *, void *);
static void	 csvimp_check_office(char *const *, int, struct sbuf *,
		    void *);
static void	 csvimp_check_holiday(char *const *, int, struct sbuf *,
		    void *);
static int	 csvimp_hhmm(const char *, const char *, int *,
		    struct sbuf *);

static const char *const csvimp_app_cols[] = {
	"reference", "kind", "status", "dob", "msisdn", "office"
};
static const char *const csvimp_office_cols[] = {
	"code", "name", "short_name", "workdays", "open", "close",
	"lunch_start", "lunch_end", "slot_minutes", "counters"
};
static const char *const csvimp_holiday_cols[] = {
	"date", "office", "name"
};
static const char *const csvimp_kinds[] = {
	"national_id", "passport", "birth_certificate", NULL
};
static const char *const csvimp_statuses[] = {
	"received", "in_progress", "action_needed", "ready_for_collection",
	"collected", "rejected", NULL
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- reader */

/*
 * Reads f through csvread with row as the column check; the messages end
 * up in errs (overwritten: it must be zeroed or freed).  Returns 0 when
 * errs is empty, else -1.
 */
static int
csvimp_read(FILE *f, const char *name, const char *const *cols,
    size_t ncols, csvread_row_fn row, void *arg, struct csvimp_errs *errs)
{
	struct csvread_errs	e;
	int			rc;

	rc = csvread_file(f, name, cols, ncols, row, arg, &e);
	errs->n = e.n;
	errs->msg = e.msg;
	return rc;
}

/* --------------------------------------------------------------- helpers */

/*
 * Decodes the UTF-8 sequence at s (n bytes available) into *cp.  Returns
 * its length, or 0 when it is not one well-formed character (text.h's
 * rules: no overlongs, surrogates, values above U+10FFFF or NUL).
 */
static size_t
csvimp_u8next(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long	v;
	size_t		len, i;

	len = s[0] < 0xc0 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n || !text_utf8_valid((const char *)s, len))
		return 0;
	v = len == 1 ? s[0] : s[0] & (0x7fu >> len);
	for (i = 1; i < len; i++)
		v = v << 6 | (s[i] & 0x3f);
	*cp = v;
	return len;
}

/* C0, DEL and C1 control characters. */
static int
csvimp_cntrl(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/*
 * Writes s to buf (n >= CSVIMP_ECHO_BUF) quoted for a message: at most
 * CSVIMP_ECHO characters with "..." when cut, control characters and bad
 * bytes as '?'.  Returns buf.
 */
static const char *
csvimp_echo(const char *s, char *buf, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 left = strlen(s), o = 0, k, chars = 0;
	unsigned long		 cp;

	buf[o++] = '\'';
	while (left > 0 && o + 8 < n) {
		if (chars == CSVIMP_ECHO) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		k = csvimp_u8next(u, left, &cp);
		if (k == 0 || csvimp_cntrl(cp)) {
			buf[o++] = '?';
			k = k == 0 ? 1 : k;
		} else {
			memcpy(buf + o, u, k);
			o += k;
		}
		u += k;
		left -= k;
		chars++;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* Writes a reference as '***' and its last four characters.  Returns buf. */
static const char *
csvimp_mask(const char *ref, char *buf, size_t n)
{
	size_t	len = strlen(ref), i, o;

	o = (size_t)snprintf(buf, n, "'***");
	for (i = len > 4 ? len - 4 : 0; i < len && o + 2 < n; i++) {
		/* Only printable ASCII; anything else is not a reference. */
		buf[o++] = ref[i] > 0x20 && ref[i] < 0x7f ? ref[i] : '?';
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* Returns 1 when s is min..max characters of [A-Z0-9_-]. */
static int
csvimp_code(const char *s, size_t min, size_t max)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return i >= min && i <= max;
}

/* Returns 1 when s is one of the NULL-terminated list. */
static int
csvimp_oneof(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Writes "a, b, c" into buf. */
static void
csvimp_list(char *buf, size_t n, const char *const *list)
{
	size_t	o = 0;
	int	w;

	buf[0] = '\0';
	for (; *list != NULL && o < n; list++) {
		w = snprintf(buf + o, n - o, "%s%s", o > 0 ? ", " : "",
		    *list);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* Parses a plain decimal integer lo..hi; 0 or -1. */
static int
csvimp_int(const char *s, int lo, int hi, int *v)
{
	long	acc = 0;
	size_t	i;

	if (s[0] == '\0' || strlen(s) > 6)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		acc = acc * 10 + (s[i] - '0');
	}
	if (acc < lo || acc > hi)
		return -1;
	*v = (int)acc;
	return 0;
}

/*
 * Checks a free-text column: 1..max characters (code points), no control
 * characters, and at most max bytes because that is what the row struct
 * holds.  s is a field from csvread (valid UTF-8); NULL means already
 * reported.
 */
static void
csvimp_text(const char *col, const char *s, size_t max, size_t max_bytes,
    struct sbuf *why)
{
	const unsigned char	*u;
	unsigned long		 cp;
	size_t			 len, left, k;
	int			 cntrl = 0;

	if (s == NULL)
		return;
	len = strlen(s);
	if (len == 0) {
		sbuf_addf(csvread_sep(why), "%s is empty", col);
		return;
	}
	u = (const unsigned char *)s;
	for (left = len; left > 0 && !cntrl; u += k, left -= k)
		if ((k = csvimp_u8next(u, left, &cp)) == 0)
			k = 1;
		else if (csvimp_cntrl(cp))
			cntrl = 1;
	if (cntrl)
		sbuf_addf(csvread_sep(why), "%s contains a control character",
		    col);
	if (text_chars(s) > max)
		sbuf_addf(csvread_sep(why), "%s is longer than %zu characters",
		    col, max);
	else if (len > max_bytes)
		sbuf_addf(csvread_sep(why), "%s is longer than %zu bytes "
		    "(letters outside ASCII take 2 to 4 bytes)", col,
		    max_bytes);
}

/* Copies s (already checked to fit) into dst of n bytes. */
static void
csvimp_copy(char *dst, size_t n, const char *s)
{
	size_t	len = strlen(s);

	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Makes room for one more element of size sz in p (n used, *cap held). */
static void *
csvimp_grow(void *p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return p;
	*cap = *cap == 0 ? 64 : *cap * 2;
	return xreallocarray(p, *cap, sz);
}

/* FNV-1a. */
static unsigned long
csvimp_hash(const char *s)
{
	unsigned long	h = 2166136261UL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return h;
}

/*
 * Adds key (copied) first seen on line.  Returns 0 when it is new, else
 * the line it was first seen on (and adds nothing).
 */
static int
csvimp_keys_add(struct csvimp_keys *k, const char *key, int line)
{
	struct csvimp_key	*old;
	size_t			 i, oldcap, mask;

	if (k->cap == 0 || (k->n + 1) * 2 > k->cap) {
		old = k->tab;
		oldcap = k->cap;
		k->cap = oldcap == 0 ? 256 : oldcap * 2;
		k->tab = xcalloc(k->cap, sizeof *k->tab);
		mask = k->cap - 1;
		for (i = 0; i < oldcap; i++) {
			size_t	j;

			if (old[i].key == NULL)
				continue;
			j = csvimp_hash(old[i].key) & mask;
			while (k->tab[j].key != NULL)
				j = (j + 1) & mask;
			k->tab[j] = old[i];
		}
		free(old);
	}
	mask = k->cap - 1;
	for (i = csvimp_hash(key) & mask; k->tab[i].key != NULL;
	    i = (i + 1) & mask)
		if (strcmp(k->tab[i].key, key) == 0)
			return k->tab[i].line;
	k->tab[i].key = xstrdup(key);
	k->tab[i].line = line;
	k->n++;
	return 0;
}

static void
csvimp_keys_free(struct csvimp_keys *k)
{
	size_t	i;

	for (i = 0; i < k->cap; i++)
		free(k->tab[i].key);
	free(k->tab);
	memset(k, 0, sizeof *k);
}

/* ---------------------------------------------------------- applications */

/* csvread row callback for applications; arg is the csvimp_apps. */
static void
csvimp_check_app(char *const *f, int line, struct sbuf *why, void *arg)
{
	struct csvimp_apps	*a = arg;
	struct csvimp_app	*r;
	char			 e[CSVIMP_ECHO_BUF], l[128];
	char			 e164[32];
	const char		*ref = f[0], *kind = f[1], *status = f[2];
	const char		*dob = f[3], *msisdn = f[4], *office = f[5];
	size_t			 i;
	int			 day = 0, first, refok = 0;

	e164[0] = '\0';
	if (ref != NULL) {
		if (ref[0] == '\0')
			sbuf_add(csvread_sep(why), "reference is empty");
		else if (strlen(ref) >= sizeof r->reference)
			sbuf_addf(csvread_sep(why), "reference %s is longer "
			    "than %zu characters", csvimp_mask(ref, e,
			    sizeof e), sizeof r->reference - 1);
		else if (a->ref_ok != NULL) {
			if (a->ref_ok(ref, a->ref_arg) == 1)
				refok = 1;
			else
				sbuf_addf(csvread_sep(why), "reference %s is "
				    "not a valid reference",
				    csvimp_mask(ref, e, sizeof e));
		} else {
			for (i = 0; ref[i] >= '0' && ref[i] <= '9'; i++)
				;
			if (ref[i] == '\0' && i >= 6 && i <= 29)
				refok = 1;
			else
				sbuf_addf(csvread_sep(why), "reference %s is "
				    "not 6 to 29 digits",
				    csvimp_mask(ref, e, sizeof e));
		}
	}
	if (kind != NULL && !csvimp_oneof(kind, csvimp_kinds)) {
		csvimp_list(l, sizeof l, csvimp_kinds);
		sbuf_addf(csvread_sep(why), "kind %s is not one of %s",
		    csvimp_echo(kind, e, sizeof e), l);
	}
	if (status != NULL && !csvimp_oneof(status, csvimp_statuses)) {
		csvimp_list(l, sizeof l, csvimp_statuses);
		sbuf_addf(csvread_sep(why), "status %s is not one of %s",
		    csvimp_echo(status, e, sizeof e), l);
	}
	if (dob != NULL) {
		/* Never echo a date of birth. */
		if (dob[0] == '\0')
			sbuf_add(csvread_sep(why), "dob is empty");
		else if (date_parse_iso(dob, &day) == -1)
			sbuf_add(csvread_sep(why),
			    "dob is not a valid date YYYY-MM-DD");
		else if (day > a->today)
			sbuf_add(csvread_sep(why), "dob is in the future");
		else if (day < date_from_ymd(1900, 1, 1))
			sbuf_add(csvread_sep(why), "dob is before 1900-01-01");
	}
	/* Never echo a phone number either. */
	if (msisdn != NULL && msisdn[0] != '\0' &&
	    msisdn_normalise(msisdn, a->cc, e164, sizeof e164) == -1)
		sbuf_add(csvread_sep(why), a->cc == NULL && msisdn[0] == '0' ?
		    "msisdn is not a valid phone number (national numbers "
		    "need a country code)" :
		    "msisdn is not a valid phone number");
	if (office != NULL && office[0] != '\0' &&
	    !csvimp_code(office, 1, 16))
		sbuf_addf(csvread_sep(why), "office %s is not an office code "
		    "(1 to 16 of A-Z 0-9 _ -)",
		    csvimp_echo(office, e, sizeof e));
	if (refok && (first = csvimp_keys_add(&a->keys, ref, line)) != 0)
		sbuf_addf(csvread_sep(why), "duplicate reference %s "
		    "(first on line %d)", csvimp_mask(ref, e, sizeof e),
		    first);
	if (why->len > 0)
		return;
	a->rows = csvimp_grow(a->rows, &a->cap, a->n, sizeof *a->rows);
	r = &a->rows[a->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	csvimp_copy(r->reference, sizeof r->reference, ref);
	csvimp_copy(r->kind, sizeof r->kind, kind);
	csvimp_copy(r->status, sizeof r->status, status);
	csvimp_copy(r->dob, sizeof r->dob, dob);
	csvimp_copy(r->msisdn, sizeof r->msisdn, e164);
	csvimp_copy(r->office, sizeof r->office, office);
}

/*
 * See csvimp.h.  errs is overwritten, so it must be zeroed or freed; rows
 * are kept only when every row is valid, and the array (never NULL on 0)
 * then belongs to the caller.
 */
int
csvimp_applications(FILE *f, const char *name, csvimp_ref_fn ref_ok,
    void *ref_arg, const char *default_cc, struct csvimp_app **rows,
    size_t *nrows, struct csvimp_errs *errs)
{
	struct csvimp_apps	a;
	int			min, rc;

	if (rows == NULL || nrows == NULL || errs == NULL)
		return -1;
	*rows = NULL;
	*nrows = 0;
	memset(&a, 0, sizeof a);
	a.ref_ok = ref_ok;
	a.ref_arg = ref_arg;
	a.cc = default_cc;
	date_local(time(NULL), &a.today, &min);
	rc = csvimp_read(f, name, csvimp_app_cols, NITEMS(csvimp_app_cols),
	    csvimp_check_app, &a, errs);
	csvimp_keys_free(&a.keys);
	if (rc == -1) {
		free(a.rows);
		return -1;
	}
	*rows = a.rows != NULL ? a.rows : xcalloc(1, sizeof **rows);
	*nrows = a.n;
	return 0;
}

/* --------------------------------------------------------------- offices */

/* Parses column col as HH:MM into *min; on error adds to why and -1. */
static int
csvimp_hhmm(const char *col, const char *s, int *min, struct sbuf *why)
{
	char	e[CSVIMP_ECHO_BUF];

	if (s == NULL)
		return -1;
	if (date_parse_hhmm(s, min) == 0)
		return 0;
	sbuf_addf(csvread_sep(why), "%s %s is not a time HH:MM", col,
	    csvimp_echo(s, e, sizeof e));
	return -1;
}

/* csvread row callback for offices; arg is the csvimp_offs. */
static void
csvimp_check_office(char *const *f, int line, struct sbuf *why, void *arg)
{
	struct csvimp_offs	*o = arg;
	struct csvimp_office	*r;
	struct slots_plan	 p;
	char			 e[CSVIMP_ECHO_BUF];
	const char		*reason, *code = f[0];
	int			 first, ok = 1;

	memset(&p, 0, sizeof p);
	if (code != NULL && !csvimp_code(code, 2, 16)) {
		sbuf_addf(csvread_sep(why), "code %s is not an office code "
		    "(2 to 16 of A-Z 0-9 _ -)", csvimp_echo(code, e,
		    sizeof e));
		code = NULL;
	}
	csvimp_text("name", f[1], sizeof r->name - 1, sizeof r->name - 1, why);
	/* Screens are checked with 16-character office names (engine.c). */
	csvimp_text("short_name", f[2], 16, sizeof r->short_name - 1, why);
	if (f[3] != NULL && slots_parse_workdays(f[3], &p.workdays) == -1) {
		sbuf_addf(csvread_sep(why), "workdays %s is not a list of days "
		    "such as mon-fri or mon,wed,sat", csvimp_echo(f[3], e,
		    sizeof e));
		ok = 0;
	}
	if (csvimp_hhmm("open", f[4], &p.open_min, why) == -1)
		ok = 0;
	if (csvimp_hhmm("close", f[5], &p.close_min, why) == -1)
		ok = 0;
	if (f[6] != NULL && f[7] != NULL && f[6][0] == '\0' &&
	    f[7][0] == '\0') {
		p.lunch_start = -1;
		p.lunch_end = -1;
	} else if (f[6] != NULL && f[7] != NULL &&
	    (f[6][0] == '\0' || f[7][0] == '\0')) {
		sbuf_add(csvread_sep(why), "lunch_start and lunch_end must "
		    "both be set or both be empty");
		ok = 0;
	} else {
		if (csvimp_hhmm("lunch_start", f[6], &p.lunch_start,
		    why) == -1)
			ok = 0;
		if (csvimp_hhmm("lunch_end", f[7], &p.lunch_end, why) == -1)
			ok = 0;
	}
	if (f[8] != NULL && csvimp_int(f[8], 5, 480, &p.slot_min) == -1) {
		sbuf_addf(csvread_sep(why), "slot_minutes %s is not a whole "
		    "number from 5 to 480", csvimp_echo(f[8], e, sizeof e));
		ok = 0;
	}
	if (f[9] != NULL && csvimp_int(f[9], 1, 100, &p.counters) == -1) {
		sbuf_addf(csvread_sep(why), "counters %s is not a whole "
		    "number from 1 to 100", csvimp_echo(f[9], e, sizeof e));
		ok = 0;
	}
	/* The plan as a whole only makes sense when its parts parsed. */
	if (ok && f[3] != NULL && f[8] != NULL && f[9] != NULL &&
	    slots_plan_check(&p, &reason) == -1)
		sbuf_addf(csvread_sep(why), "opening hours rejected: %s",
		    reason);
	if (code != NULL && (first = csvimp_keys_add(&o->keys, code,
	    line)) != 0)
		sbuf_addf(csvread_sep(why), "duplicate code %s (first on "
		    "line %d)", csvimp_echo(code, e, sizeof e), first);
	if (why->len > 0)
		return;
	o->rows = csvimp_grow(o->rows, &o->cap, o->n, sizeof *o->rows);
	r = &o->rows[o->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	csvimp_copy(r->code, sizeof r->code, f[0]);
	csvimp_copy(r->name, sizeof r->name, f[1]);
	csvimp_copy(r->short_name, sizeof r->short_name, f[2]);
	r->workdays = p.workdays;
	r->open_min = p.open_min;
	r->close_min = p.close_min;
	r->lunch_start = p.lunch_start;
	r->lunch_end = p.lunch_end;
	r->slot_min = p.slot_min;
	r->counters = p.counters;
}

/* See csvimp.h and csvimp_applications(). */
int
csvimp_offices(FILE *f, const char *name, struct csvimp_office **rows,
    size_t *nrows, struct csvimp_errs *errs)
{
	struct csvimp_offs	o;
	int			rc;

	if (rows == NULL || nrows == NULL || errs == NULL)
		return -1;
	*rows = NULL;
	*nrows = 0;
	memset(&o, 0, sizeof o);
	rc = csvimp_read(f, name, csvimp_office_cols,
	    NITEMS(csvimp_office_cols), csvimp_check_office, &o, errs);
	csvimp_keys_free(&o.keys);
	if (rc == -1) {
		free(o.rows);
		return -1;
	}
	*rows = o.rows != NULL ? o.rows : xcalloc(1, sizeof **rows);
	*nrows = o.n;
	return 0;
}

/* -------------------------------------------------------------- holidays */

/* csvread row callback for holidays; arg is the csvimp_hols. */
static void
csvimp_check_holiday(char *const *f, int line, struct sbuf *why, void *arg)
{
	struct csvimp_hols	*h = arg;
	struct csvimp_holiday	*r;
	char			 e[CSVIMP_ECHO_BUF], *key;
	int			 day = 0, first, dayok = 0, offok = 0;

	if (f[0] != NULL) {
		if (date_parse_iso(f[0], &day) == 0)
			dayok = 1;
		else
			sbuf_addf(csvread_sep(why), "date %s is not a valid "
			    "date YYYY-MM-DD", csvimp_echo(f[0], e,
			    sizeof e));
	}
	if (f[1] != NULL) {
		if (f[1][0] == '\0' || csvimp_code(f[1], 2, 16))
			offok = 1;
		else
			sbuf_addf(csvread_sep(why), "office %s is not an "
			    "office code (2 to 16 of A-Z 0-9 _ -)",
			    csvimp_echo(f[1], e, sizeof e));
	}
	csvimp_text("name", f[2], sizeof r->name - 1, sizeof r->name - 1,
	    why);
	if (dayok && offok) {
		key = xasprintf("%d|%s", day, f[1]);
		if ((first = csvimp_keys_add(&h->keys, key, line)) != 0)
			sbuf_addf(csvread_sep(why), "duplicate holiday %s%s "
			    "(first on line %d)", f[0], f[1][0] == '\0' ?
			    " for all offices" : " for this office", first);
		free(key);
	}
	if (why->len > 0)
		return;
	h->rows = csvimp_grow(h->rows, &h->cap, h->n, sizeof *h->rows);
	r = &h->rows[h->n++];
	memset(r, 0, sizeof *r);
	r->line = line;
	r->day = day;
	csvimp_copy(r->office, sizeof r->office, f[1]);
	csvimp_copy(r->name, sizeof r->name, f[2]);
}

/* See csvimp.h and csvimp_applications(). */
int
csvimp_holidays(FILE *f, const char *name, struct csvimp_holiday **rows,
    size_t *nrows, struct csvimp_errs *errs)
{
	struct csvimp_hols	h;
	int			rc;

	if (rows == NULL || nrows == NULL || errs == NULL)
		return -1;
	*rows = NULL;
	*nrows = 0;
	memset(&h, 0, sizeof h);
	rc = csvimp_read(f, name, csvimp_holiday_cols,
	    NITEMS(csvimp_holiday_cols), csvimp_check_holiday, &h, errs);
	csvimp_keys_free(&h.keys);
	if (rc == -1) {
		free(h.rows);
		return -1;
	}
	*rows = h.rows != NULL ? h.rows : xcalloc(1, sizeof **rows);
	*nrows = h.n;
	return 0;
}

void
csvimp_errs_free(struct csvimp_errs *errs)
{
	struct csvread_errs e;

	if (errs == NULL)
		return;
	/* The messages came from the reader: its free does the work. */
	e.n = errs->n;
	e.msg = errs->msg;
	csvread_errs_free(&e);
	errs->n = 0;
	errs->msg = NULL;
}
