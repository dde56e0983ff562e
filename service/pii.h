/*
 * pii: keyed hashes and random numbers (the only user of libsodium).
 *
 * Dates of birth are never stored in clear: the store keeps
 * BLAKE2b(key = pepper, "dob|" reference "|" YYYY-MM-DD).  Lockout counters
 * key on hashes of the phone number and the reference, so the failure
 * table holds nothing a reader could use.  The pepper comes from the
 * config; without one, a per-database random pepper is kept in the store.
 */
#ifndef IDLINE_PII_H
#define IDLINE_PII_H

#include <stddef.h>

#define PII_HEX	65	/* 32-byte hash as hex + NUL */

/* Initialises libsodium; -1 if it cannot. */
int	pii_init(void);
/* out = hex(BLAKE2b-256(key = pepper, domain "|" value)). */
void	pii_hash(const char *pepper, const char *domain, const char *value,
	    char out[PII_HEX]);
/* The stored form of a date of birth (day number, see date.h). */
void	pii_dob_hash(const char *pepper, const char *reference, int dob_day,
	    char out[PII_HEX]);
/* Uniformly random 64-bit number. */
unsigned long long pii_random64(void);
/* Fills out with n random hex characters + NUL (out holds n + 1). */
void	pii_random_hex(char *out, size_t n);
/* Constant-time comparison of two NUL-terminated hex hashes; 1 = equal. */
int	pii_equal(const char *a, const char *b);

#endif
