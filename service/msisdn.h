/*
 * msisdn: phone numbers to E.164.
 */
#ifndef IDLINE_MSISDN_H
#define IDLINE_MSISDN_H

#include <stddef.h>

/*
 * Normalises a phone number to E.164 "+<digits>" in out (n >= 17).
 * Accepts "+CC...", "00CC...", bare international digits when they already
 * start with default_cc and are long enough, and the national form
 * "0..." when default_cc (digits, e.g. "256") is given.  Spaces, dashes,
 * dots and parentheses are ignored.  The result has 8 to 15 digits.
 * Returns 0, or -1 when the number is not one of those forms.
 */
int	msisdn_normalise(const char *in, const char *default_cc, char *out,
	    size_t n);

#endif
