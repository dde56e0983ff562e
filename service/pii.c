/*
 * pii: keyed hashing and randomness with libsodium (see pii.h).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "date.h"
#include "pii.h"

int
pii_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void
pii_hash(const char *pepper, const char *domain, const char *value,
    char out[PII_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32], key[crypto_generichash_KEYBYTES];
	size_t plen = strlen(pepper);

	/* Fold any pepper length into a fixed-size key. */
	crypto_generichash(key, sizeof(key), (const unsigned char *)pepper,
	    plen, NULL, 0);
	crypto_generichash_init(&st, key, sizeof(key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)domain,
	    strlen(domain));
	crypto_generichash_update(&st, (const unsigned char *)"|", 1);
	crypto_generichash_update(&st, (const unsigned char *)value,
	    strlen(value));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, PII_HEX, h, sizeof(h));
	sodium_memzero(key, sizeof(key));
}

void
pii_dob_hash(const char *pepper, const char *reference, int dob_day,
    char out[PII_HEX])
{
	char buf[64], iso[16];

	snprintf(buf, sizeof(buf), "%s|%s", reference,
	    date_fmt_iso(dob_day, iso, sizeof(iso)));
	pii_hash(pepper, "dob", buf, out);
	sodium_memzero(buf, sizeof(buf));
}

unsigned long long
pii_random64(void)
{
	unsigned long long v;

	randombytes_buf(&v, sizeof(v));
	return v;
}

void
pii_random_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = hex[randombytes_uniform(16)];
	out[n] = '\0';
}

int
pii_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
