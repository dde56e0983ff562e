/*
 * valid: named input patterns (PCRE2), compiled once at load.
 *
 * The only user of pcre2.h.  Patterns come from menus/patterns.yaml and the
 * config; menus name them, the engine matches user input against them, and
 * the SMS grammar matches whole messages with capture groups.  Every match
 * runs with match and depth limits so no input can make a pattern run away.
 */
#ifndef IDLINE_VALID_H
#define IDLINE_VALID_H

#include <stddef.h>

struct valid;

struct valid	*valid_new(void);
void		 valid_free(struct valid *v);

/*
 * Compiles pattern under name (replacing an earlier one of that name).
 * caseless != 0 compiles case-insensitively.  Returns 0, or -1 with the
 * PCRE2 reason and offset in err.
 */
int	valid_add(struct valid *v, const char *name, const char *pattern,
	    int caseless, char *err, size_t errlen);
/* 1 when a pattern of that name exists. */
int	valid_has(const struct valid *v, const char *name);
/*
 * Matches s against the named pattern.  Returns 1 on a match, 0 on no match
 * (also for an unknown name or when a limit is hit).  When caps is not NULL
 * the capture groups 1..ncaps are copied into caps[] as newly allocated
 * strings ("" for unset groups) that the caller frees.
 */
int	valid_match(const struct valid *v, const char *name, const char *s,
	    char **caps, size_t ncaps);
/* Compiles and matches once (for tests and --check); -1 on a bad pattern. */
int	valid_check_pattern(const char *pattern, char *err, size_t errlen);

#endif
