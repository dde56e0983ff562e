/*
 * text: how long a screen or an SMS really is on the air (see text.h).
 *
 * A USSD screen or SMS part is a fixed number of octets, so what fits
 * depends on the encoding the gateway will pick: GSM 03.38 7-bit when every
 * character is in the default alphabet or its extension table (extension
 * characters are sent as ESC + char and cost two septets), UCS-2 otherwise
 * (UTF-16 code units; a character outside the BMP is a surrogate pair and
 * costs two).  Everything here works on UTF-8 and validates it strictly
 * first: overlongs, surrogates, code points above U+10FFFF and NUL bytes
 * are errors.  The module also decodes Kannel's UTF-16BE MOs and renders
 * {placeholder} templates.  Pure functions: no I/O, no globals.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "text.h"
#include "xmem.h"

#define SMS_GSM_SINGLE	160	/* septets in a single-part SMS */
#define SMS_GSM_PART	153	/* septets per part of a long SMS */
#define SMS_UCS_SINGLE	70	/* UTF-16 units in a single-part SMS */
#define SMS_UCS_PART	67	/* UTF-16 units per part */
#define FIT_WINDOW	20	/* characters searched for whitespace */
#define FIT_ELLIPSIS	"..."

/* Greedy packing of fixed-cost units into SMS parts of one encoding. */
struct pack {
	size_t	 total;	/* units so far */
	size_t	 parts;	/* parts used by greedy packing (>= 1) */
	size_t	 used;	/* units in the last part */
};

/* Packing of a string in both encodings at once. */
struct smsstate {
	int		 gsm;	/* 1 while every character is GSM */
	struct pack	 g;	/* septets, valid while gsm */
	struct pack	 u;	/* UTF-16 units, always valid */
};

static int	utf8_next(const unsigned char *, size_t, size_t *,
		    uint32_t *);
static int	gsm_cost(uint32_t);
static size_t	ucs_cost(uint32_t);
static void	pack_init(struct pack *);
static void	pack_add(struct pack *, size_t, size_t);
static size_t	pack_parts(const struct pack *, size_t);
static void	sms_init(struct smsstate *);
static void	sms_add(struct smsstate *, uint32_t);
static size_t	sms_parts(const struct smsstate *);
static int	sms_scan(const char *, struct smsstate *);
static int	fit_with_ellipsis(const struct smsstate *, size_t);
static int	is_space(uint32_t);
static int	is_name_char(int);
static void	utf8_put(struct sbuf *, uint32_t);

/*
 * GSM 03.38 default alphabet for the printable ASCII range 0x20-0x7e:
 * 1 when the character is in the default alphabet, 2 when it is in the
 * extension table, 0 when it is not GSM at all (only the backtick).  Note
 * that '$' and '@' are GSM (at 0x02 and 0x00) and '_' is at 0x11.
 */
static const unsigned char gsm_ascii[0x7f - 0x20] = {
	/* 0x20  ! " # $ % & ' ( ) * + , - . / */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x30 0-9 : ; < = > ? */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x40 @ A-O */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x50 P-Z [ \ ] ^ _ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1,
	/* 0x60 ` a-o */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* 0x70 p-z { | } ~ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2,
};

/*
 * Decodes one code point of s[*pos..len) into *cp and advances *pos.
 * Returns 0, or -1 for a NUL byte, a stray continuation byte, an overlong
 * form, a surrogate, a value above U+10FFFF or a truncated sequence.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *pos, uint32_t *cp)
{
	size_t i = *pos, n, k;
	uint32_t v, min;
	unsigned char c = s[i], b;

	if (c == 0)
		return -1;
	if (c < 0x80) {
		*cp = c;
		*pos = i + 1;
		return 0;
	}
	if (c < 0xc2)		/* continuation byte, or overlong C0/C1 */
		return -1;
	if (c < 0xe0) {
		n = 1;
		v = c & 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		n = 2;
		v = c & 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		n = 3;
		v = c & 0x07;
		min = 0x10000;
	} else
		return -1;
	if (len - i - 1 < n)
		return -1;
	for (k = 1; k <= n; k++) {
		b = s[i + k];
		if ((b & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (b & 0x3f);
	}
	if (v < min || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return -1;
	*cp = v;
	*pos = i + 1 + n;
	return 0;
}

/* Septets cp costs in GSM-7: 1, 2 for the extension table, 0 if not GSM. */
static int
gsm_cost(uint32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return gsm_ascii[cp - 0x20];
	switch (cp) {
	case '\n': case '\r':
		return 1;
	case '\f':		/* form feed, extension 0x0a */
	case 0x20ac:		/* euro sign, extension 0x65 */
		return 2;
	case 0x00a1:		/* inverted exclamation mark */
	case 0x00a3:		/* pound sign */
	case 0x00a4:		/* currency sign */
	case 0x00a5:		/* yen sign */
	case 0x00a7:		/* section sign */
	case 0x00bf:		/* inverted question mark */
	case 0x00c4: case 0x00c5:	/* Ä Å */
	case 0x00c6: case 0x00c7:	/* Æ Ç */
	case 0x00c9:		/* É */
	case 0x00d1:		/* Ñ */
	case 0x00d6:		/* Ö */
	case 0x00d8:		/* Ø */
	case 0x00dc:		/* Ü */
	case 0x00df:		/* ß */
	case 0x00e0:		/* à */
	case 0x00e4: case 0x00e5: case 0x00e6:	/* ä å æ */
	case 0x00e8: case 0x00e9:		/* è é */
	case 0x00ec:		/* ì */
	case 0x00f1: case 0x00f2:		/* ñ ò */
	case 0x00f6:		/* ö */
	case 0x00f8: case 0x00f9:		/* ø ù */
	case 0x00fc:		/* ü */
	case 0x0393:		/* Γ */
	case 0x0394:		/* Δ */
	case 0x0398:		/* Θ */
	case 0x039b:		/* Λ */
	case 0x039e:		/* Ξ */
	case 0x03a0:		/* Π */
	case 0x03a3:		/* Σ */
	case 0x03a6:		/* Φ */
	case 0x03a8:		/* Ψ */
	case 0x03a9:		/* Ω */
		return 1;
	default:
		return 0;
	}
}

/* UTF-16 code units cp takes. */
static size_t
ucs_cost(uint32_t cp)
{
	return cp > 0xffff ? 2 : 1;
}

static void
pack_init(struct pack *p)
{
	p->total = 0;
	p->parts = 1;
	p->used = 0;
}

/* Adds a unit of the given cost; it never straddles two parts of cap. */
static void
pack_add(struct pack *p, size_t cost, size_t cap)
{
	p->total += cost;
	if (p->used + cost > cap) {
		p->parts++;
		p->used = cost;
	} else
		p->used += cost;
}

/* Parts needed: 1 when everything fits a single part, else greedy. */
static size_t
pack_parts(const struct pack *p, size_t single)
{
	return p->total <= single ? 1 : p->parts;
}

static void
sms_init(struct smsstate *st)
{
	st->gsm = 1;
	pack_init(&st->g);
	pack_init(&st->u);
}

static void
sms_add(struct smsstate *st, uint32_t cp)
{
	int c;

	if (st->gsm) {
		if ((c = gsm_cost(cp)) == 0)
			st->gsm = 0;
		else
			pack_add(&st->g, (size_t)c, SMS_GSM_PART);
	}
	pack_add(&st->u, ucs_cost(cp), SMS_UCS_PART);
}

static size_t
sms_parts(const struct smsstate *st)
{
	if (st->gsm)
		return pack_parts(&st->g, SMS_GSM_SINGLE);
	return pack_parts(&st->u, SMS_UCS_SINGLE);
}

/* Feeds all of NUL-terminated s into st.  Returns 0, or -1 if invalid. */
static int
sms_scan(const char *s, struct smsstate *st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	uint32_t cp;

	sms_init(st);
	while (i < len) {
		if (utf8_next(u, len, &i, &cp) == -1)
			return -1;
		sms_add(st, cp);
	}
	return 0;
}

/* Returns 1 when the text in st followed by "..." fits in max parts. */
static int
fit_with_ellipsis(const struct smsstate *st, size_t max)
{
	struct smsstate t = *st;
	const char *e;

	for (e = FIT_ELLIPSIS; *e != '\0'; e++)
		sms_add(&t, (unsigned char)*e);
	return sms_parts(&t) <= max;
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

static int
is_name_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Appends cp (a valid scalar value) to b as UTF-8. */
static void
utf8_put(struct sbuf *b, uint32_t cp)
{
	char o[4];
	size_t n;

	if (cp < 0x80) {
		o[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sbuf_addn(b, o, n);
}

int
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	if (s == NULL)
		return len == 0;
	while (i < len)
		if (utf8_next(u, len, &i, &cp) == -1)
			return 0;
	return 1;
}

int
text_measure(const char *s, enum text_enc *enc, size_t *units)
{
	struct smsstate st;

	if (s == NULL || sms_scan(s, &st) == -1)
		return -1;
	if (enc != NULL)
		*enc = st.gsm ? TEXT_GSM7 : TEXT_UCS2;
	if (units != NULL)
		*units = st.gsm ? st.g.total : st.u.total;
	return 0;
}

int
text_fits(const char *s, size_t gsm_budget, size_t ucs_budget)
{
	enum text_enc enc;
	size_t units;

	if (text_measure(s, &enc, &units) == -1)
		return 0;
	return units <= (enc == TEXT_GSM7 ? gsm_budget : ucs_budget);
}

const char *
text_enc_name(enum text_enc enc)
{
	switch (enc) {
	case TEXT_GSM7:
		return "GSM-7";
	case TEXT_UCS2:
		return "UCS-2";
	}
	return "unknown";
}

int
text_sms_parts(const char *s)
{
	struct smsstate st;
	size_t n;

	if (s == NULL || sms_scan(s, &st) == -1)
		return -1;
	n = sms_parts(&st);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/*
 * Finds the longest prefix P of s such that P + "..." fits in max_parts
 * (the encoding is re-decided for every prefix, so dropping the only
 * non-GSM character can let a longer GSM prefix fit).  Then, when one of
 * the last FIT_WINDOW characters of P, or the first character cut off, is
 * whitespace, cuts at the last such one and trims trailing whitespace, as
 * long as something is left.  max_parts below 1 is taken as 1.
 */
char *
text_sms_fit(const char *s, int max_parts)
{
	const unsigned char *u = (const unsigned char *)s;
	struct smsstate st;
	struct sbuf b;
	size_t len, i, max, best = 0, bestch = 0, ch, cut, n;
	uint32_t cp;
	int parts, found = 0;

	if (s == NULL || (parts = text_sms_parts(s)) == -1)
		return NULL;
	max = max_parts < 1 ? 1 : (size_t)max_parts;
	if ((size_t)parts <= max)
		return xstrdup(s);

	/* Longest fitting prefix: best bytes, bestch characters. */
	len = strlen(s);
	sms_init(&st);
	for (i = 0, ch = 0; i < len; ch++) {
		if (fit_with_ellipsis(&st, max)) {
			best = i;
			bestch = ch;
		}
		if (utf8_next(u, len, &i, &cp) == -1)
			return NULL;	/* not reached: validated above */
		sms_add(&st, cp);
	}

	/* Last whitespace among characters bestch - 20 .. bestch. */
	cut = best;
	for (i = 0, ch = 0; i < len && ch <= bestch; ch++) {
		n = i;
		if (utf8_next(u, len, &i, &cp) == -1)
			return NULL;
		if (ch + FIT_WINDOW >= bestch && is_space(cp)) {
			cut = n;
			found = 1;
		}
	}
	if (found) {
		n = cut;
		while (n > 0 && is_space((unsigned char)s[n - 1]))
			n--;
		cut = n > 0 ? n : best;
	}

	sbuf_init(&b);
	sbuf_addn(&b, s, cut);
	sbuf_add(&b, FIT_ELLIPSIS);
	if (cut != best && (size_t)text_sms_parts(b.s) > max) {
		/* Cannot happen (a shorter prefix never needs more parts),
		 * but the hard cut is known to fit. */
		sbuf_truncate(&b, 0);
		sbuf_addn(&b, s, best);
		sbuf_add(&b, FIT_ELLIPSIS);
	}
	return sbuf_take(&b);
}

char *
text_utf16be_to_utf8(const unsigned char *b, size_t n)
{
	struct sbuf out;
	size_t i;
	uint32_t hi, lo;

	if (n % 2 != 0 || (b == NULL && n != 0))
		return NULL;
	sbuf_init(&out);
	for (i = 0; i < n; i += 2) {
		hi = ((uint32_t)b[i] << 8) | b[i + 1];
		if (hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
			goto fail;
		if (hi >= 0xd800 && hi <= 0xdbff) {
			if (n - i < 4)
				goto fail;
			lo = ((uint32_t)b[i + 2] << 8) | b[i + 3];
			if (lo < 0xdc00 || lo > 0xdfff)
				goto fail;
			hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		utf8_put(&out, hi);
	}
	return sbuf_take(&out);
fail:
	sbuf_free(&out);
	return NULL;
}

/*
 * A placeholder is "{" name "}" with name made of [A-Za-z0-9_.]; the value
 * is copied as is (never re-expanded).  Any "{" that does not start a
 * placeholder or "{{" is literal, and so is every "}" outside one.  A NULL
 * tmpl renders as "", a NULL lookup renders every placeholder as "".
 */
char *
text_render(const char *tmpl, text_lookup_fn lookup, void *arg)
{
	struct sbuf b;
	const char *p, *q, *v;
	char *name;

	sbuf_init(&b);
	if (tmpl == NULL)
		return sbuf_take(&b);
	for (p = tmpl; *p != '\0'; p++) {
		if (*p != '{') {
			sbuf_addc(&b, *p);
			continue;
		}
		if (p[1] == '{') {
			sbuf_addc(&b, '{');
			p++;
			continue;
		}
		for (q = p + 1; is_name_char((unsigned char)*q); q++)
			;
		if (q == p + 1 || *q != '}') {
			sbuf_addc(&b, '{');
			continue;
		}
		name = xstrndup(p + 1, (size_t)(q - p - 1));
		v = lookup != NULL ? lookup(name, arg) : NULL;
		if (v != NULL)
			sbuf_add(&b, v);
		free(name);
		p = q;
	}
	return sbuf_take(&b);
}

size_t
text_chars(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}
