/*
 * sbuf: a growable NUL-terminated string buffer.
 *
 * An sbuf owns its storage; sbuf_take() hands it to the caller and resets
 * the buffer.  sbuf_free() accepts a zeroed buffer.
 */
#ifndef IDLINE_SBUF_H
#define IDLINE_SBUF_H

#include <stddef.h>

struct sbuf {
	char	*s;	/* always NUL-terminated once anything was added */
	size_t	 len;	/* bytes before the NUL */
	size_t	 cap;	/* allocated bytes */
};

void	 sbuf_init(struct sbuf *b);
void	 sbuf_add(struct sbuf *b, const char *s);
void	 sbuf_addn(struct sbuf *b, const char *s, size_t n);
void	 sbuf_addc(struct sbuf *b, char c);
void	 sbuf_addf(struct sbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sbuf_truncate(struct sbuf *b, size_t len);
/* Returns the string (never NULL) and leaves b empty; the caller frees. */
char	*sbuf_take(struct sbuf *b);
void	 sbuf_free(struct sbuf *b);

#endif
