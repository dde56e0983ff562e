/*
 * valid: named PCRE2 patterns with match limits (see valid.h).
 *
 * Compiled code is shared by all threads (pcre2_code is read-only after
 * compilation); match data is created per call, so matching is thread-safe
 * without locks.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"
#include "xmem.h"

#define VALID_MATCH_LIMIT	100000
#define VALID_DEPTH_LIMIT	1000
#define VALID_MAX_INPUT		4096

struct valid_pat {
	char		*name;
	pcre2_code	*code;
};

struct valid {
	struct valid_pat	*pats;
	size_t			 n;
	pcre2_match_context	*mctx;
};

static pcre2_code	*valid_compile(const char *, int, char *, size_t);
static struct valid_pat	*valid_find(const struct valid *, const char *);

struct valid *
valid_new(void)
{
	struct valid *v = xcalloc(1, sizeof(*v));

	v->mctx = pcre2_match_context_create(NULL);
	if (v->mctx == NULL) {
		free(v);
		return NULL;
	}
	pcre2_set_match_limit(v->mctx, VALID_MATCH_LIMIT);
	pcre2_set_depth_limit(v->mctx, VALID_DEPTH_LIMIT);
	return v;
}

void
valid_free(struct valid *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		free(v->pats[i].name);
		pcre2_code_free(v->pats[i].code);
	}
	free(v->pats);
	pcre2_match_context_free(v->mctx);
	free(v);
}

/* Compiles one pattern (UTF mode); NULL with err filled on failure. */
static pcre2_code *
valid_compile(const char *pattern, int caseless, char *err, size_t errlen)
{
	pcre2_code *code;
	int ec;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	/* "$" means the end, not "before a final newline". */
	uint32_t opts = PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_DOLLAR_ENDONLY;

	if (caseless)
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
	    &ec, &off, NULL);
	if (code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(err, errlen, "pattern does not compile at offset %zu: "
		    "%s", (size_t)off, (const char *)msg);
	}
	return code;
}

static struct valid_pat *
valid_find(const struct valid *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->pats[i].name, name) == 0)
			return &v->pats[i];
	return NULL;
}

int
valid_add(struct valid *v, const char *name, const char *pattern,
    int caseless, char *err, size_t errlen)
{
	pcre2_code *code;
	struct valid_pat *p;

	if ((code = valid_compile(pattern, caseless, err, errlen)) == NULL)
		return -1;
	if ((p = valid_find(v, name)) != NULL) {
		pcre2_code_free(p->code);
		p->code = code;
		return 0;
	}
	v->pats = xreallocarray(v->pats, v->n + 1, sizeof(*v->pats));
	v->pats[v->n].name = xstrdup(name);
	v->pats[v->n].code = code;
	v->n++;
	return 0;
}

int
valid_has(const struct valid *v, const char *name)
{
	return valid_find(v, name) != NULL;
}

int
valid_match(const struct valid *v, const char *name, const char *s,
    char **caps, size_t ncaps)
{
	struct valid_pat *p;
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	size_t i, len;
	int rc;

	if (caps != NULL)
		for (i = 0; i < ncaps; i++)
			caps[i] = NULL;
	if ((p = valid_find(v, name)) == NULL || s == NULL)
		return 0;
	len = strlen(s);
	if (len > VALID_MAX_INPUT)
		return 0;
	if ((md = pcre2_match_data_create_from_pattern(p->code, NULL)) == NULL)
		return 0;
	/* Callers hand us input already checked as UTF-8; be safe anyway. */
	rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, 0, 0, md, v->mctx);
	if (rc <= 0) {
		pcre2_match_data_free(md);
		return 0;
	}
	if (caps != NULL) {
		ov = pcre2_get_ovector_pointer(md);
		for (i = 0; i < ncaps; i++) {
			if ((int)(i + 1) < rc &&
			    ov[2 * (i + 1)] != PCRE2_UNSET)
				caps[i] = xstrndup(s + ov[2 * (i + 1)],
				    ov[2 * (i + 1) + 1] - ov[2 * (i + 1)]);
			else
				caps[i] = xstrdup("");
		}
	}
	pcre2_match_data_free(md);
	return 1;
}

int
valid_check_pattern(const char *pattern, char *err, size_t errlen)
{
	pcre2_code *code = valid_compile(pattern, 0, err, errlen);

	if (code == NULL)
		return -1;
	pcre2_code_free(code);
	return 0;
}
