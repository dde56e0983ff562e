/*
 * text: how long a screen or an SMS really is on the air.
 *
 * Pure functions over UTF-8 strings: GSM 03.38 / UCS-2 measurement (the
 * USSD and SMS budgets), SMS part counting and fitting, UTF-16BE decoding of
 * Kannel MOs, and {placeholder} template rendering.  No I/O, no globals.
 */
#ifndef IDLINE_TEXT_H
#define IDLINE_TEXT_H

#include <stddef.h>

enum text_enc { TEXT_GSM7, TEXT_UCS2 };

/* Returns 1 when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF) and holds no NUL byte, else 0. */
int	text_utf8_valid(const char *s, size_t len);

/*
 * Measures UTF-8 text s.  If every character is in the GSM 03.38 default
 * alphabet or its extension table, *enc = TEXT_GSM7 and *units = septets
 * (extension characters ^{}\[~]|€ and form feed count 2).  Otherwise
 * *enc = TEXT_UCS2 and *units = UTF-16 code units (a character outside the
 * BMP counts 2).  LF and CR are GSM characters.  Returns 0, or -1 when s is
 * not valid UTF-8.
 */
int	text_measure(const char *s, enum text_enc *enc, size_t *units);

/* Returns 1 when s fits: GSM-7 within gsm_budget septets, or UCS-2 within
 * ucs_budget units; 0 otherwise (invalid UTF-8 never fits). */
int	text_fits(const char *s, size_t gsm_budget, size_t ucs_budget);

/* "GSM-7" or "UCS-2". */
const char *text_enc_name(enum text_enc enc);

/*
 * Number of SMS parts s needs: GSM-7 160 single / 153 per part, UCS-2 70
 * single / 67 per part.  An extension character never straddles two parts
 * (it moves whole to the next part), nor does a surrogate pair.
 * "" needs 1 part.  Returns -1 for invalid UTF-8.
 */
int	text_sms_parts(const char *s);

/*
 * Returns a newly allocated copy of s shortened so that it fits in max_parts
 * SMS parts, cut at a whitespace boundary when one exists in the last 20
 * characters, with "..." appended when anything was cut.  If s already fits
 * the copy is identical.  Never cuts inside a UTF-8 sequence.  Caller frees.
 * NULL for invalid UTF-8.
 */
char	*text_sms_fit(const char *s, int max_parts);

/*
 * Decodes n bytes of UTF-16BE into a newly allocated UTF-8 string (caller
 * frees).  Returns NULL on odd length, unpaired surrogates or a U+0000.
 */
char	*text_utf16be_to_utf8(const unsigned char *b, size_t n);

/*
 * Renders a template: every "{name}" is replaced by lookup(name, arg); a
 * NULL lookup result renders as "".  "{{" renders "{".  An unterminated "{"
 * is copied literally.  Returns a newly allocated string (caller frees).
 */
typedef const char *(*text_lookup_fn)(const char *name, void *arg);
char	*text_render(const char *tmpl, text_lookup_fn lookup, void *arg);

/* Returns the number of Unicode code points in valid UTF-8 s. */
size_t	 text_chars(const char *s);

#endif
