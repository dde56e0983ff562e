/*
 * msisdn: normalises the phone numbers people and gateways send to E.164.
 *
 * Gateways usually send "+256700111222" or "256700111222"; staff type
 * "0700 111 222" or "00256 700 111222" into CSV files and forms.  Every
 * stored MSISDN is "+<country code><national number>", 8 to 15 digits, so
 * lookups compare equal strings.  Separators people write (space, dash,
 * dot, parentheses) are dropped; anything else that is not a digit, or a
 * '+' that is not the first character, rejects the number.  Nothing here
 * allocates.
 */
#include <stddef.h>
#include <string.h>

#include "msisdn.h"

#define MSISDN_MIN_DIGITS	8
#define MSISDN_MAX_DIGITS	15
/* Shortest bare international number taken as already carrying the CC. */
#define MSISDN_MIN_BARE		11
#define MSISDN_MAX_CC		3

static int	msisdn_cc_ok(const char *cc);
static int	msisdn_separator(int c);

static int
msisdn_separator(int c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

/* A country code is 1 to 3 digits, the first not 0. */
static int
msisdn_cc_ok(const char *cc)
{
	size_t	i, len = strlen(cc);

	if (len == 0 || len > MSISDN_MAX_CC || cc[0] == '0')
		return 0;
	for (i = 0; i < len; i++)
		if (cc[i] < '0' || cc[i] > '9')
			return 0;
	return 1;
}

/*
 * default_cc NULL or "" means "no default": national "0..." numbers and
 * bare digits are then rejected.  A default_cc that is not 1-3 digits
 * rejects every number, so a bad config shows at once.  The first matching
 * form wins: "+..." / "00..." (international, first digit not 0), then
 * "0..." (national, trunk 0 replaced by default_cc), then bare digits that
 * start with default_cc and have at least 11 digits.  out is written only
 * on success and must hold the result and its NUL.
 */
int
msisdn_normalise(const char *in, const char *default_cc, char *out,
    size_t n)
{
	/* dig has room to see that a number is too long. */
	char		 dig[MSISDN_MAX_DIGITS + 4];
	const char	*p, *cc = NULL, *pre = "", *body;
	size_t		 nd = 0, ccl = 0, prel = 0, bodyl, rl, off;
	int		 plus = 0, seen = 0;

	if (in == NULL || out == NULL)
		return -1;
	if (default_cc != NULL && default_cc[0] != '\0') {
		if (!msisdn_cc_ok(default_cc))
			return -1;
		cc = default_cc;
		ccl = strlen(cc);
	}

	for (p = in; *p != '\0'; p++) {
		if (msisdn_separator(*p))
			continue;
		if (*p == '+') {
			if (seen)
				return -1;
			plus = 1;
		} else if (*p >= '0' && *p <= '9') {
			if (nd == sizeof(dig))
				return -1;
			dig[nd++] = *p;
		} else
			return -1;
		seen = 1;
	}

	if (plus || (nd >= 2 && dig[0] == '0' && dig[1] == '0')) {
		off = plus ? 0 : 2;
		if (nd == off || dig[off] == '0')
			return -1;
		body = dig + off;
		bodyl = nd - off;
	} else if (nd >= 1 && dig[0] == '0') {
		if (cc == NULL)
			return -1;
		pre = cc;
		prel = ccl;
		body = dig + 1;
		bodyl = nd - 1;
	} else {
		if (cc == NULL || nd < MSISDN_MIN_BARE ||
		    memcmp(dig, cc, ccl) != 0)
			return -1;
		body = dig;
		bodyl = nd;
	}

	rl = prel + bodyl;
	if (rl < MSISDN_MIN_DIGITS || rl > MSISDN_MAX_DIGITS || n < rl + 2)
		return -1;
	out[0] = '+';
	memcpy(out + 1, pre, prel);
	memcpy(out + 1 + prel, body, bodyl);
	out[rl + 1] = '\0';
	return 0;
}
