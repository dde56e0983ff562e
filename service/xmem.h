/*
 * xmem: allocation wrappers that never return NULL.
 *
 * idline is a service, not a library: running out of memory is fatal and is
 * logged before abort(), so callers never check allocation results.  Sizes
 * are checked for multiplication overflow.
 */
#ifndef IDLINE_XMEM_H
#define IDLINE_XMEM_H

#include <stddef.h>

void	*xmalloc(size_t n);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
