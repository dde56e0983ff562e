/*
 * check_text: unit tests for service/text.c.
 *
 * "core" covers measurement in the languages idline serves, budgets, SMS
 * part counting at every boundary, fitting, UTF-16BE decoding and template
 * rendering; "limits" covers invalid UTF-8, bad UTF-16 and odd templates.
 * Long inputs are built from (piece, count) runs so the boundaries are
 * visible in the tables.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "text.h"
#include "xmem.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A string made of up to four runs of a piece repeated n times. */
struct run {
	const char	*piece;
	size_t		 n;
};
struct mk {
	struct run	 r[4];
};

static char	*mk(const struct mk *);
static char	*rep(const char *, size_t);
static int	 ends_with(const char *, const char *);
static const char *lookup_tab(const char *, void *);
static Suite	*text_suite(void);

/* Returns the concatenated runs of m; the caller frees. */
static char *
mk(const struct mk *m)
{
	struct sbuf b;
	size_t i, k;

	sbuf_init(&b);
	for (i = 0; i < NELEM(m->r); i++)
		for (k = 0; m->r[i].piece != NULL && k < m->r[i].n; k++)
			sbuf_add(&b, m->r[i].piece);
	return sbuf_take(&b);
}

/* Returns piece repeated n times; the caller frees. */
static char *
rep(const char *piece, size_t n)
{
	struct mk m = { { { piece, n } } };

	return mk(&m);
}

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* ------------------------------------------------------------------ */
/* measurement                                                         */

static const struct {
	const char	*what;
	const char	*s;
	enum text_enc	 enc;
	size_t		 units;
	size_t		 chars;
} measure_tab[] = {
	{ "empty", "", TEXT_GSM7, 0, 0 },
	{ "english", "Your ID card is ready. Reply 1 to book.", TEXT_GSM7,
	    39, 39 },
	{ "ascii specials", "@$_!\"#%&'()*+,-./:;<=>?", TEXT_GSM7, 23, 23 },
	{ "LF and CR", "a\nb\r\n", TEXT_GSM7, 5, 5 },
	{ "french GSM e-acute e-grave a-grave",
	    "Rendez-vous confirm\xc3\xa9 \xc3\xa0 9h, apr\xc3\xa8s midi",
	    TEXT_GSM7, 37, 37 },
	{ "french e-circumflex", "Votre carte est pr\xc3\xaate", TEXT_UCS2,
	    21, 21 },
	{ "french c-cedilla", "Re\xc3\xa7u", TEXT_UCS2, 4, 4 },
	{ "capital C-cedilla is GSM", "\xc3\x87" "a", TEXT_GSM7, 2, 2 },
	{ "portuguese a-tilde c-cedilla", "Marca\xc3\xa7\xc3\xa3o feita",
	    TEXT_UCS2, 14, 14 },
	{ "spanish a-acute", "Est\xc3\xa1 listo", TEXT_UCS2, 10, 10 },
	{ "spanish n-tilde inverted-question", "\xc2\xbf" "A\xc3\xb1o?",
	    TEXT_GSM7, 5, 5 },
	{ "spanish inverted-exclamation", "\xc2\xa1Hola!", TEXT_GSM7, 6, 6 },
	{ "somali", "Kaarkaaga aqoonsiga waa diyaar. Mahadsanid!", TEXT_GSM7,
	    43, 43 },
	{ "somali apostrophe", "Ku soo dhawoow, ma'lumaad", TEXT_GSM7, 25, 25 },
	{ "arabic", "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", TEXT_UCS2,
	    5, 5 },
	{ "arabic with digits", "\xd8\xb1\xd9\x82\xd9\x85 12",
	    TEXT_UCS2, 6, 6 },
	{ "german umlauts sharp-s", "\xc3\x84\xc3\x96\xc3\x9c\xc3\xa4\xc3\xb6"
	    "\xc3\xbc\xc3\x9f", TEXT_GSM7, 7, 7 },
	{ "nordic", "\xc3\x85\xc3\xa5\xc3\x86\xc3\xa6\xc3\x98\xc3\xb8",
	    TEXT_GSM7, 6, 6 },
	{ "greek capitals in GSM",
	    "\xce\x94\xce\xa6\xce\x93\xce\x9b\xce\xa9\xce\xa0\xce\xa8\xce\xa3"
	    "\xce\x98\xce\x9e", TEXT_GSM7, 10, 10 },
	{ "greek small alpha", "\xce\xb1", TEXT_UCS2, 1, 1 },
	{ "pound yen currency section", "\xc2\xa3\xc2\xa5\xc2\xa4\xc2\xa7",
	    TEXT_GSM7, 4, 4 },
	{ "extension braces", "{x}", TEXT_GSM7, 5, 3 },
	{ "extension all", "^{}\\[~]|", TEXT_GSM7, 16, 8 },
	{ "euro", "\xe2\x82\xac" "5", TEXT_GSM7, 3, 2 },
	{ "form feed", "a\fb", TEXT_GSM7, 4, 3 },
	{ "euro in UCS-2 counts 1", "\xe2\x82\xac \xc3\xaa", TEXT_UCS2, 3, 3 },
	{ "extension in UCS-2 counts 1", "{\xc3\xa3}", TEXT_UCS2, 3, 3 },
	{ "backtick", "`", TEXT_UCS2, 1, 1 },
	{ "tab", "a\tb", TEXT_UCS2, 3, 3 },
	{ "dollar-sign like currency is not", "\xe2\x82\xa6" "100",
	    TEXT_UCS2, 4, 4 },	/* naira sign */
	{ "emoji", "\xf0\x9f\x98\x80", TEXT_UCS2, 2, 1 },
	{ "emoji and text", "ok \xf0\x9f\x91\x8d", TEXT_UCS2, 5, 4 },
	{ "max code point", "\xf4\x8f\xbf\xbf", TEXT_UCS2, 2, 1 },
	{ "BMP top", "\xef\xbf\xbd", TEXT_UCS2, 1, 1 },
};

START_TEST(test_measure)
{
	enum text_enc enc = TEXT_UCS2;
	size_t units = 12345;
	const char *s = measure_tab[_i].s;

	ck_assert_msg(text_measure(s, &enc, &units) == 0, "%s",
	    measure_tab[_i].what);
	ck_assert_msg(enc == measure_tab[_i].enc, "%s: enc %s",
	    measure_tab[_i].what, text_enc_name(enc));
	ck_assert_msg(units == measure_tab[_i].units, "%s: units %zu",
	    measure_tab[_i].what, units);
	ck_assert_uint_eq(text_chars(s), measure_tab[_i].chars);
	ck_assert_int_eq(text_utf8_valid(s, strlen(s)), 1);
}
END_TEST

/* The whole default alphabet (127 characters + ESC) and extension table. */
START_TEST(test_measure_alphabet)
{
	static const char *dflt =
	    "@\xc2\xa3$\xc2\xa5\xc3\xa8\xc3\xa9\xc3\xb9\xc3\xac\xc3\xb2"
	    "\xc3\x87\n\xc3\x98\xc3\xb8\r\xc3\x85\xc3\xa5"
	    "\xce\x94_\xce\xa6\xce\x93\xce\x9b\xce\xa9\xce\xa0\xce\xa8"
	    "\xce\xa3\xce\x98\xce\x9e\xc3\x86\xc3\xa6\xc3\x9f\xc3\x89"
	    " !\"#\xc2\xa4%&'()*+,-./0123456789:;<=>?"
	    "\xc2\xa1" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "\xc3\x84\xc3\x96\xc3\x91\xc3\x9c\xc2\xa7"
	    "\xc2\xbf" "abcdefghijklmnopqrstuvwxyz"
	    "\xc3\xa4\xc3\xb6\xc3\xb1\xc3\xbc\xc3\xa0";
	static const char *ext = "\f^{}\\[~]|\xe2\x82\xac";
	enum text_enc enc;
	size_t units;

	ck_assert_uint_eq(text_chars(dflt), 127);
	ck_assert_int_eq(text_measure(dflt, &enc, &units), 0);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(units, 127);
	ck_assert_int_eq(text_measure(ext, &enc, &units), 0);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(units, 20);
}
END_TEST

/* Characters that look GSM-ish but are not. */
static const char *not_gsm_tab[] = {
	"`", "\xc3\xa1", "\xc3\xa7", "\xc3\xa3", "\xc3\xb5", "\xc3\xaa",
	"\xc3\xad", "\xc3\xb3", "\xc3\xba", "\xc3\xa2", "\xc3\xb4",
	"\xc3\x80", "\xc3\x88", "\xc3\xa9\xcc\x81", "\xe2\x80\x99",
	"\xe2\x80\x9c", "\xc2\xa0", "\xe2\x84\xa6", "\t", "\x7f", "\x01",
};

START_TEST(test_measure_not_gsm)
{
	enum text_enc enc;
	size_t units;
	char *s;

	s = xasprintf("abc%s", not_gsm_tab[_i]);
	ck_assert_int_eq(text_measure(s, &enc, &units), 0);
	ck_assert_msg(enc == TEXT_UCS2, "%s should be UCS-2", s);
	ck_assert_uint_eq(units, text_chars(s));
	free(s);
}
END_TEST

START_TEST(test_enc_name)
{
	ck_assert_str_eq(text_enc_name(TEXT_GSM7), "GSM-7");
	ck_assert_str_eq(text_enc_name(TEXT_UCS2), "UCS-2");
}
END_TEST

/* ------------------------------------------------------------------ */
/* USSD budget: 182 septets / 80 units                                 */

static const struct {
	const char	*what;
	struct mk	 m;
	int		 fits;
} fits_tab[] = {
	{ "182 GSM", { { { "a", 182 } } }, 1 },
	{ "183 GSM", { { { "a", 183 } } }, 0 },
	{ "91 extension = 182", { { { "{", 91 } } }, 1 },
	{ "90 ext + 2", { { { "{", 90 }, { "ab", 1 } } }, 1 },
	{ "90 ext + 3", { { { "{", 90 }, { "abc", 1 } } }, 0 },
	{ "181 + euro", { { { "a", 181 }, { "\xe2\x82\xac", 1 } } }, 0 },
	{ "180 + euro", { { { "a", 180 }, { "\xe2\x82\xac", 1 } } }, 1 },
	{ "80 UCS-2", { { { "\xc3\xa3", 80 } } }, 1 },
	{ "81 UCS-2", { { { "\xc3\xa3", 81 } } }, 0 },
	{ "79 GSM + 1 UCS-2", { { { "a", 79 }, { "\xc3\xaa", 1 } } }, 1 },
	{ "80 GSM + 1 UCS-2", { { { "a", 80 }, { "\xc3\xaa", 1 } } }, 0 },
	{ "80 arabic", { { { "\xd8\xb3", 80 } } }, 1 },
	{ "40 emoji = 80", { { { "\xf0\x9f\x98\x80", 40 } } }, 1 },
	{ "41 emoji = 82", { { { "\xf0\x9f\x98\x80", 41 } } }, 0 },
	{ "79 UCS-2 + emoji", { { { "\xc3\xa3", 79 },
	    { "\xf0\x9f\x98\x80", 1 } } }, 0 },
	{ "78 UCS-2 + emoji", { { { "\xc3\xa3", 78 },
	    { "\xf0\x9f\x98\x80", 1 } } }, 1 },
	{ "empty", { { { "", 0 } } }, 1 },
};

START_TEST(test_fits)
{
	char *s = mk(&fits_tab[_i].m);

	ck_assert_msg(text_fits(s, 182, 80) == fits_tab[_i].fits, "%s",
	    fits_tab[_i].what);
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SMS parts                                                           */

#define EMOJI	"\xf0\x9f\x98\x80"
#define ZHE	"\xd0\xb6"	/* Cyrillic zhe, UCS-2 */
#define EURO	"\xe2\x82\xac"

static const struct {
	const char	*what;
	struct mk	 m;
	int		 parts;
} parts_tab[] = {
	{ "empty", { { { "", 0 } } }, 1 },
	{ "1 GSM", { { { "a", 1 } } }, 1 },
	{ "160 GSM", { { { "a", 160 } } }, 1 },
	{ "161 GSM", { { { "a", 161 } } }, 2 },
	{ "306 GSM", { { { "a", 306 } } }, 2 },
	{ "307 GSM", { { { "a", 307 } } }, 3 },
	{ "459 GSM", { { { "a", 459 } } }, 3 },
	{ "460 GSM", { { { "a", 460 } } }, 4 },
	{ "80 ext = 160", { { { "[", 80 } } }, 1 },
	{ "80 ext + 1", { { { "[", 80 }, { "a", 1 } } }, 2 },
	{ "159 + euro = 161", { { { "a", 159 }, { EURO, 1 } } }, 2 },
	{ "158 + euro = 160", { { { "a", 158 }, { EURO, 1 } } }, 1 },
	/* 152 septets, then the euro cannot straddle: part 2 starts with it */
	{ "ext at boundary 305", { { { "a", 152 }, { EURO, 1 },
	    { "a", 151 } } }, 2 },
	{ "ext at boundary 306", { { { "a", 152 }, { EURO, 1 },
	    { "a", 152 } } }, 3 },
	{ "ext after boundary 306", { { { "a", 153 }, { EURO, 1 },
	    { "a", 151 } } }, 2 },
	{ "70 UCS-2", { { { ZHE, 70 } } }, 1 },
	{ "71 UCS-2", { { { ZHE, 71 } } }, 2 },
	{ "134 UCS-2", { { { ZHE, 134 } } }, 2 },
	{ "135 UCS-2", { { { ZHE, 135 } } }, 3 },
	{ "69 GSM + 1 UCS-2", { { { "a", 69 }, { "\xc3\xa7", 1 } } }, 1 },
	{ "70 GSM + 1 UCS-2", { { { "a", 70 }, { "\xc3\xa7", 1 } } }, 2 },
	{ "35 emoji = 70", { { { EMOJI, 35 } } }, 1 },
	{ "69 + emoji = 71", { { { ZHE, 69 }, { EMOJI, 1 } } }, 2 },
	{ "surrogate at boundary 134", { { { ZHE, 66 }, { EMOJI, 1 },
	    { ZHE, 66 } } }, 3 },
	{ "surrogate at boundary 133", { { { ZHE, 66 }, { EMOJI, 1 },
	    { ZHE, 65 } } }, 2 },
	{ "surrogate after boundary", { { { ZHE, 67 }, { EMOJI, 1 },
	    { ZHE, 65 } } }, 2 },
	{ "arabic 100", { { { "\xd9\x85", 100 } } }, 2 },
};

START_TEST(test_sms_parts)
{
	char *s = mk(&parts_tab[_i].m);

	ck_assert_msg(text_sms_parts(s) == parts_tab[_i].parts,
	    "%s: got %d want %d", parts_tab[_i].what, text_sms_parts(s),
	    parts_tab[_i].parts);
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SMS fitting                                                         */

/* Exact results; want.piece NULL means "same as input". */
static const struct {
	const char	*what;
	struct mk	 in;
	int		 max;
	struct mk	 want;
} fit_tab[] = {
	{ "short unchanged", { { { "Hello world", 1 } } }, 1,
	    { { { NULL, 0 } } } },
	{ "160 unchanged", { { { "a", 160 } } }, 1, { { { NULL, 0 } } } },
	{ "300 in 2 unchanged", { { { "a", 300 } } }, 2,
	    { { { NULL, 0 } } } },
	{ "hard cut 1 part", { { { "a", 200 } } }, 1,
	    { { { "a", 157 }, { "...", 1 } } } },
	{ "hard cut 2 parts", { { { "a", 400 } } }, 2,
	    { { { "a", 303 }, { "...", 1 } } } },
	{ "hard cut 3 parts", { { { "a", 500 } } }, 3,
	    { { { "a", 456 }, { "...", 1 } } } },
	{ "word cut", { { { "abcd ", 30 }, { "x", 20 } } }, 1,
	    { { { "abcd ", 29 }, { "abcd...", 1 } } } },
	{ "whitespace just after the cut", { { { "a", 150 }, { " ", 1 },
	    { "b", 6 }, { " cccc", 1 } } }, 1,
	    { { { "a", 150 }, { " bbbbbb...", 1 } } } },
	{ "whitespace too far back", { { { "a", 100 }, { " ", 1 },
	    { "b", 100 } } }, 1,
	    { { { "a", 100 }, { " ", 1 }, { "b", 56 }, { "...", 1 } } } },
	{ "whitespace exactly 20 back", { { { "a", 137 }, { " ", 1 },
	    { "b", 100 } } }, 1,
	    { { { "a", 137 }, { "...", 1 } } } },
	{ "whitespace 21 back", { { { "a", 136 }, { " ", 1 },
	    { "b", 100 } } }, 1,
	    { { { "a", 136 }, { " ", 1 }, { "b", 20 }, { "...", 1 } } } },
	{ "trailing spaces trimmed", { { { "x", 140 }, { " ", 10 },
	    { "y", 20 } } }, 1,
	    { { { "x", 140 }, { "...", 1 } } } },
	{ "newline is whitespace", { { { "x", 150 }, { "\n", 1 },
	    { "y", 20 } } }, 1,
	    { { { "x", 150 }, { "...", 1 } } } },
	{ "no whitespace in window: hard cut", { { { " ", 5 },
	    { "y", 200 } } }, 1,
	    { { { " ", 5 }, { "y", 152 }, { "...", 1 } } } },
	{ "only whitespace before the cut: hard cut", { { { " ", 150 },
	    { "y", 100 } } }, 1,
	    { { { " ", 150 }, { "y", 7 }, { "...", 1 } } } },
	{ "ucs2 hard cut", { { { ZHE, 100 } } }, 1,
	    { { { ZHE, 67 }, { "...", 1 } } } },
	{ "ucs2 hard cut 2 parts", { { { ZHE, 200 } } }, 2,
	    { { { ZHE, 131 }, { "...", 1 } } } },
	{ "dropping the UCS-2 tail makes it GSM", { { { "a", 150 },
	    { ZHE, 20 } } }, 1,
	    { { { "a", 150 }, { "...", 1 } } } },
	{ "extension char does not fit before dots", { { { "a", 156 },
	    { "{", 4 } } }, 1,
	    { { { "a", 156 }, { "...", 1 } } } },
	{ "extension char fits", { { { "a", 155 }, { "{", 4 } } }, 1,
	    { { { "a", 155 }, { "{...", 1 } } } },
	{ "euro moves to part 2", { { { "a", 152 }, { EURO, 1 },
	    { "a", 200 } } }, 2,
	    { { { "a", 152 }, { EURO, 1 }, { "a", 148 }, { "...", 1 } } } },
	{ "emoji does not fit", { { { ZHE, 66 }, { EMOJI, 1 },
	    { ZHE, 3 } } }, 1,
	    { { { ZHE, 66 }, { "...", 1 } } } },
	{ "emoji fits", { { { ZHE, 65 }, { EMOJI, 1 }, { ZHE, 4 } } }, 1,
	    { { { ZHE, 65 }, { EMOJI, 1 }, { "...", 1 } } } },
	{ "max 0 taken as 1", { { { "a", 200 } } }, 0,
	    { { { "a", 157 }, { "...", 1 } } } },
	{ "max -3 taken as 1", { { { "a", 200 } } }, -3,
	    { { { "a", 157 }, { "...", 1 } } } },
	{ "empty", { { { "", 0 } } }, 1, { { { NULL, 0 } } } },
};

START_TEST(test_sms_fit)
{
	char *in, *want, *got;
	int max = fit_tab[_i].max < 1 ? 1 : fit_tab[_i].max;

	in = mk(&fit_tab[_i].in);
	want = fit_tab[_i].want.r[0].piece == NULL ? xstrdup(in) :
	    mk(&fit_tab[_i].want);
	got = text_sms_fit(in, fit_tab[_i].max);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n got  %s\n want %s",
	    fit_tab[_i].what, got, want);
	ck_assert_int_ge(text_sms_parts(got), 1);
	ck_assert_int_le(text_sms_parts(got), max);
	free(in);
	free(want);
	free(got);
}
END_TEST

/*
 * Properties over generated text: the result is valid UTF-8, fits, is the
 * input when the input fits, else a prefix of the input plus "..."; when
 * one more character would still have fitted, the cut was at whitespace.
 */
START_TEST(test_sms_fit_generated)
{
	static const char *pieces[] = {
		"a", "b", " ", "{", EURO, "\xc3\xa9", "\xc3\xa7", ZHE, EMOJI,
		"\xd9\x85", "\n", "word ", "Hello, ",
	};
	unsigned int seed = 12345;
	struct sbuf b;
	char *got, *longer;
	size_t n, k, keep, glen, len;
	int round, max, parts;

	for (round = 0; round < 400; round++) {
		sbuf_init(&b);
		n = (size_t)(round * 3 % 700);
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly GSM so that long GSM runs occur. */
			if (round % 3 == 0)
				sbuf_add(&b, pieces[(seed >> 16) % 5]);
			else
				sbuf_add(&b, pieces[(seed >> 16) %
				    NELEM(pieces)]);
		}
		sbuf_add(&b, "");
		max = 1 + round % 4;
		len = b.len;
		got = text_sms_fit(b.s, max);
		ck_assert_ptr_nonnull(got);
		glen = strlen(got);
		ck_assert_int_eq(text_utf8_valid(got, glen), 1);
		parts = text_sms_parts(got);
		ck_assert_int_ge(parts, 1);
		ck_assert_int_le(parts, max);
		if (text_sms_parts(b.s) <= max) {
			ck_assert_str_eq(got, b.s);
		} else {
			ck_assert(ends_with(got, "..."));
			keep = glen - 3;
			ck_assert_uint_lt(keep, len);
			ck_assert(memcmp(got, b.s, keep) == 0);
			/* One more character plus "..." must not fit
			 * unless the cut was made at whitespace. */
			k = keep;
			do
				k++;
			while (k < len && ((unsigned char)b.s[k] & 0xc0) ==
			    0x80);
			longer = xasprintf("%.*s...", (int)k, b.s);
			if (text_sms_parts(longer) <= max) {
				ck_assert(keep == 0 || b.s[keep] == ' ' ||
				    b.s[keep] == '\n');
			}
			free(longer);
		}
		free(got);
		sbuf_free(&b);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* UTF-16BE                                                            */

static const struct {
	const char		*what;
	const unsigned char	*b;
	size_t			 n;
	const char		*want;	/* NULL: must fail */
} u16_tab[] = {
	{ "empty", (const unsigned char *)"", 0, "" },
	{ "ascii", (const unsigned char *)"\0A\0b\0" "1", 6, "Ab1" },
	{ "e-acute", (const unsigned char *)"\0\xe9", 2, "\xc3\xa9" },
	{ "arabic meem", (const unsigned char *)"\x06\x45", 2,
	    "\xd9\x85" },
	{ "euro", (const unsigned char *)"\x20\xac", 2, EURO },
	{ "U+FFFD", (const unsigned char *)"\xff\xfd", 2, "\xef\xbf\xbd" },
	{ "surrogate pair", (const unsigned char *)"\xd8\x3d\xde\x00", 4,
	    EMOJI },
	{ "max code point", (const unsigned char *)"\xdb\xff\xdf\xff", 4,
	    "\xf4\x8f\xbf\xbf" },
	{ "pair between text", (const unsigned char *)
	    "\0a\xd8\x3d\xde\x00\0b", 8, "a" EMOJI "b" },
	{ "odd length", (const unsigned char *)"\0A\0", 3, NULL },
	{ "one byte", (const unsigned char *)"A", 1, NULL },
	{ "NUL", (const unsigned char *)"\0\0", 2, NULL },
	{ "NUL after text", (const unsigned char *)"\0A\0\0", 4, NULL },
	{ "lone high at end", (const unsigned char *)"\0A\xd8\x3d", 4,
	    NULL },
	{ "low half past n", (const unsigned char *)"\xd8\x3d\xde\x00", 2,
	    NULL },
	{ "high then ascii", (const unsigned char *)"\xd8\x3d\0A", 4, NULL },
	{ "high then high", (const unsigned char *)"\xd8\x3d\xd8\x3d", 4,
	    NULL },
	{ "lone low", (const unsigned char *)"\xde\x00\0A", 4, NULL },
	{ "low then high", (const unsigned char *)"\xde\x00\xd8\x3d", 4,
	    NULL },
};

START_TEST(test_utf16be)
{
	char *got = text_utf16be_to_utf8(u16_tab[_i].b, u16_tab[_i].n);

	if (u16_tab[_i].want == NULL) {
		ck_assert_msg(got == NULL, "%s: got %s", u16_tab[_i].what,
		    got);
		return;
	}
	ck_assert_msg(got != NULL, "%s: NULL", u16_tab[_i].what);
	ck_assert_str_eq(got, u16_tab[_i].want);
	ck_assert_int_eq(text_utf8_valid(got, strlen(got)), 1);
	free(got);
}
END_TEST

START_TEST(test_utf16be_long)
{
	unsigned char b[2 * 100];
	enum text_enc enc;
	size_t i, units;
	char *s;

	for (i = 0; i < 100; i++) {
		b[2 * i] = 0x06;	/* U+0627 alef */
		b[2 * i + 1] = 0x27;
	}
	s = text_utf16be_to_utf8(b, sizeof(b));
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), 200);
	ck_assert_int_eq(text_measure(s, &enc, &units), 0);
	ck_assert_int_eq(enc, TEXT_UCS2);
	ck_assert_uint_eq(units, 100);
	ck_assert_int_eq(text_sms_parts(s), 2);
	free(s);
	ck_assert_ptr_null(text_utf16be_to_utf8(NULL, 2));
	s = text_utf16be_to_utf8(NULL, 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* templates                                                           */

static const char *lookup_vars[][2] = {
	{ "name", "Amina" },
	{ "office.name", "Hodan" },
	{ "n_1", "3" },
	{ "empty", "" },
	{ "brace", "{name}" },
	{ "A9", "\xc3\xa9t\xc3\xa9" },
};

/* arg counts the calls; unknown names give NULL. */
static const char *
lookup_tab(const char *name, void *arg)
{
	size_t i;

	(*(int *)arg)++;
	for (i = 0; i < NELEM(lookup_vars); i++)
		if (strcmp(name, lookup_vars[i][0]) == 0)
			return lookup_vars[i][1];
	return NULL;
}

static const struct {
	const char	*tmpl;
	const char	*want;
	int		 calls;
} render_tab[] = {
	{ "", "", 0 },
	{ "no placeholders", "no placeholders", 0 },
	{ "Hello {name}!", "Hello Amina!", 1 },
	{ "{name}{name}", "AminaAmina", 2 },
	{ "{office.name}", "Hodan", 1 },
	{ "In {n_1} days", "In 3 days", 1 },
	{ "{A9}", "\xc3\xa9t\xc3\xa9", 1 },
	{ "[{missing}]", "[]", 1 },
	{ "[{empty}]", "[]", 1 },
	{ "{brace}", "{name}", 1 },		/* values not re-expanded */
	{ "{{", "{", 0 },
	{ "{{name}", "{name}", 0 },
	{ "{{{name}", "{Amina", 1 },
	{ "{{name}}", "{name}}", 0 },
	{ "{{}}", "{}}", 0 },
	{ "{", "{", 0 },
	{ "abc{", "abc{", 0 },
	{ "{name", "{name", 0 },
	{ "x {name y", "x {name y", 0 },
	{ "{}", "{}", 0 },
	{ "}", "}", 0 },
	{ "a}b", "a}b", 0 },
	{ "{ name}", "{ name}", 0 },
	{ "{name }", "{name }", 0 },
	{ "{na me}", "{na me}", 0 },
	{ "{name-x}", "{name-x}", 0 },
	{ "{\xc3\xa9}", "{\xc3\xa9}", 0 },
	{ "{a{name}", "{aAmina", 1 },
	{ "{name}{", "Amina{", 1 },
	{ "\xe2\x82\xac{n_1}", "\xe2\x82\xac" "3", 1 },
};

START_TEST(test_render)
{
	int calls = 0;
	char *got = text_render(render_tab[_i].tmpl, lookup_tab, &calls);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, render_tab[_i].want) == 0,
	    "%s: got '%s' want '%s'", render_tab[_i].tmpl, got,
	    render_tab[_i].want);
	ck_assert_int_eq(calls, render_tab[_i].calls);
	free(got);
}
END_TEST

START_TEST(test_render_null)
{
	char *s;

	s = text_render("a{name}b", NULL, NULL);
	ck_assert_str_eq(s, "ab");
	free(s);
	s = text_render(NULL, NULL, NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* invalid UTF-8                                                       */

static const struct {
	const char	*what;
	const char	*s;
	size_t		 len;
	int		 valid;
} utf8_tab[] = {
	{ "empty", "", 0, 1 },
	{ "ascii", "abc", 3, 1 },
	{ "2-byte", "\xc2\x80", 2, 1 },
	{ "3-byte min", "\xe0\xa0\x80", 3, 1 },
	{ "4-byte min", "\xf0\x90\x80\x80", 4, 1 },
	{ "before surrogates", "\xed\x9f\xbf", 3, 1 },
	{ "after surrogates", "\xee\x80\x80", 3, 1 },
	{ "max", "\xf4\x8f\xbf\xbf", 4, 1 },
	{ "overlong slash C0", "\xc0\xaf", 2, 0 },
	{ "overlong C1", "\xc1\xbf", 2, 0 },
	{ "overlong 3-byte", "\xe0\x80\xaf", 3, 0 },
	{ "overlong 3-byte max", "\xe0\x9f\xbf", 3, 0 },
	{ "overlong 4-byte", "\xf0\x80\x80\xaf", 4, 0 },
	{ "overlong 4-byte max", "\xf0\x8f\xbf\xbf", 4, 0 },
	{ "overlong NUL", "\xc0\x80", 2, 0 },
	{ "lone continuation", "\x80", 1, 0 },
	{ "continuation after ascii", "a\xbf", 2, 0 },
	{ "two continuations", "\xc3\xa9\xa9", 3, 0 },
	{ "high surrogate", "\xed\xa0\x80", 3, 0 },
	{ "low surrogate", "\xed\xbf\xbf", 3, 0 },
	{ "surrogate pair as CESU", "\xed\xa0\xbd\xed\xb8\x80", 6, 0 },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 4, 0 },
	{ "F5 lead", "\xf5\x80\x80\x80", 4, 0 },
	{ "FF byte", "\xff", 1, 0 },
	{ "FE byte", "\xfe", 1, 0 },
	{ "truncated 2-byte", "\xc3", 1, 0 },
	{ "truncated 3-byte", "\xe2\x82", 2, 0 },
	{ "truncated 4-byte", "\xf0\x9f\x98", 3, 0 },
	{ "truncated then ascii", "\xe2\x82" "a", 3, 0 },
	{ "NUL inside length", "a\0b", 3, 0 },
	{ "NUL only", "\0", 1, 0 },
	{ "length stops before NUL", "a\0b", 1, 1 },
	{ "length cuts a sequence", "\xc3\xa9", 1, 0 },
};

START_TEST(test_utf8_valid)
{
	ck_assert_msg(text_utf8_valid(utf8_tab[_i].s, utf8_tab[_i].len) ==
	    utf8_tab[_i].valid, "%s", utf8_tab[_i].what);
}
END_TEST

/* Every NUL-free invalid entry is rejected by every string function. */
START_TEST(test_invalid_everywhere)
{
	enum text_enc enc;
	size_t units;
	char *s;

	if (utf8_tab[_i].valid || memchr(utf8_tab[_i].s, '\0',
	    utf8_tab[_i].len) != NULL)
		return;
	s = xasprintf("ok %.*s ok", (int)utf8_tab[_i].len, utf8_tab[_i].s);
	ck_assert_msg(text_measure(s, &enc, &units) == -1, "%s",
	    utf8_tab[_i].what);
	ck_assert_int_eq(text_fits(s, 1000, 1000), 0);
	ck_assert_int_eq(text_sms_parts(s), -1);
	ck_assert_ptr_null(text_sms_fit(s, 5));
	free(s);
}
END_TEST

START_TEST(test_invalid_long)
{
	char *s = rep("a", 400);

	/* Invalid byte far past where a fit would cut. */
	s[399] = '\xff';
	ck_assert_ptr_null(text_sms_fit(s, 1));
	ck_assert_int_eq(text_sms_parts(s), -1);
	free(s);
}
END_TEST

START_TEST(test_null_args)
{
	size_t units;

	ck_assert_int_eq(text_measure(NULL, NULL, &units), -1);
	ck_assert_int_eq(text_measure("abc", NULL, NULL), 0);
	ck_assert_int_eq(text_fits(NULL, 10, 10), 0);
	ck_assert_int_eq(text_sms_parts(NULL), -1);
	ck_assert_ptr_null(text_sms_fit(NULL, 1));
	ck_assert_uint_eq(text_chars(NULL), 0);
	ck_assert_int_eq(text_utf8_valid(NULL, 0), 1);
	ck_assert_int_eq(text_utf8_valid(NULL, 1), 0);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *core = tcase_create("core");
	TCase *lim = tcase_create("limits");

	tcase_add_loop_test(core, test_measure, 0, NELEM(measure_tab));
	tcase_add_test(core, test_measure_alphabet);
	tcase_add_loop_test(core, test_measure_not_gsm, 0,
	    NELEM(not_gsm_tab));
	tcase_add_test(core, test_enc_name);
	tcase_add_loop_test(core, test_fits, 0, NELEM(fits_tab));
	tcase_add_loop_test(core, test_sms_parts, 0, NELEM(parts_tab));
	tcase_add_loop_test(core, test_sms_fit, 0, NELEM(fit_tab));
	tcase_add_test(core, test_sms_fit_generated);
	tcase_add_loop_test(core, test_utf16be, 0, NELEM(u16_tab));
	tcase_add_test(core, test_utf16be_long);
	tcase_add_loop_test(core, test_render, 0, NELEM(render_tab));
	suite_add_tcase(s, core);

	tcase_add_loop_test(lim, test_utf8_valid, 0, NELEM(utf8_tab));
	tcase_add_loop_test(lim, test_invalid_everywhere, 0,
	    NELEM(utf8_tab));
	tcase_add_test(lim, test_invalid_long);
	tcase_add_test(lim, test_null_args);
	tcase_add_test(lim, test_render_null);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
