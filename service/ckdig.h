/*
 * ckdig: Verhoeff check digits for the numbers idline issues (booking
 * codes, replacement tickets).  Verhoeff catches every single-digit error
 * and every adjacent transposition, which matters on a keypad.
 */
#ifndef IDLINE_CKDIG_H
#define IDLINE_CKDIG_H

#include <stddef.h>

/* Returns the check digit (0-9) for a string of digits, -1 if s is empty or
 * holds a non-digit. */
int	ckdig_compute(const char *s);
/* Returns 1 when the last digit of s is the valid check digit of the rest. */
int	ckdig_valid(const char *s);
/*
 * Writes into out a random-looking code of ndigits digits (the last one the
 * check digit, the first never 0) from the 64-bit value seed.  out must hold
 * ndigits + 1 bytes; ndigits in 4..18.  Returns 0 or -1.
 */
int	ckdig_make(unsigned long long seed, size_t ndigits, char *out);

#endif
