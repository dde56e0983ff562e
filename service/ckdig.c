/*
 * ckdig: Verhoeff check digits (see ckdig.h).
 *
 * Booking codes and replacement tickets are typed back on a phone keypad,
 * so they carry a Verhoeff check digit: built on the dihedral group D5, it
 * catches every single-digit substitution and every transposition of two
 * adjacent digits, which the simpler Luhn digit does not (09 <-> 90).
 * ckdig_make() turns a 64-bit seed (from the caller's random source or a
 * counter) into a code through splitmix64, so consecutive seeds give
 * unrelated-looking codes.  Nothing here allocates.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ckdig.h"

#define CKDIG_MIN_DIGITS	4
#define CKDIG_MAX_DIGITS	18

static int	ckdig_checksum(const char *s, size_t len, int first_pos);
static uint64_t	ckdig_splitmix64(uint64_t *state);

/* Multiplication table of D5: ckdig_d[j][k] = j * k. */
static const unsigned char ckdig_d[10][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	{ 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
	{ 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
	{ 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
	{ 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 },
	{ 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
	{ 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 },
	{ 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
	{ 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
	{ 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }
};

/* Permutation applied to a digit by its position (mod 8) from the right. */
static const unsigned char ckdig_p[8][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	{ 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
	{ 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
	{ 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
	{ 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 },
	{ 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
	{ 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 },
	{ 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 }
};

/* Inverses in D5. */
static const unsigned char ckdig_inv[10] = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

/*
 * Runs the Verhoeff accumulator over the len digits of s, the rightmost at
 * position first_pos (1 when computing a check digit to append, 0 when
 * checking a string that ends with one).  Returns the group element (0-9),
 * or -1 if len is 0 or s holds a non-digit.
 */
static int
ckdig_checksum(const char *s, size_t len, int first_pos)
{
	size_t	i;
	int	c = 0, pos = first_pos;

	if (len == 0)
		return -1;
	for (i = len; i > 0; i--, pos++) {
		if (s[i - 1] < '0' || s[i - 1] > '9')
			return -1;
		c = ckdig_d[c][ckdig_p[pos % 8][s[i - 1] - '0']];
	}
	return c;
}

int
ckdig_compute(const char *s)
{
	int	c;

	if (s == NULL || (c = ckdig_checksum(s, strlen(s), 1)) == -1)
		return -1;
	return ckdig_inv[c];
}

/* Needs at least one digit before the check digit; NULL gives 0. */
int
ckdig_valid(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) < 2)
		return 0;
	return ckdig_checksum(s, len, 0) == 0;
}

/* splitmix64 (Steele, Lea, Flood 2014): a good 64-bit mix of a counter. */
static uint64_t
ckdig_splitmix64(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Each payload digit comes from its own splitmix64 output; the modulo bias
 * (2^64 mod 10) is far below anything that matters for codes.
 */
int
ckdig_make(unsigned long long seed, size_t ndigits, char *out)
{
	uint64_t	state = seed;
	size_t		i;
	int		c;

	if (out == NULL || ndigits < CKDIG_MIN_DIGITS ||
	    ndigits > CKDIG_MAX_DIGITS)
		return -1;
	out[0] = (char)('1' + ckdig_splitmix64(&state) % 9);
	for (i = 1; i < ndigits - 1; i++)
		out[i] = (char)('0' + ckdig_splitmix64(&state) % 10);
	out[ndigits - 1] = '\0';
	if ((c = ckdig_compute(out)) == -1)
		return -1;
	out[ndigits - 1] = (char)('0' + c);
	out[ndigits] = '\0';
	return 0;
}
