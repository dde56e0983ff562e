/*
 * sess: bounded session table with TTL and resume records (see sess.h).
 */
#include <stdlib.h>
#include <string.h>

#include "sess.h"
#include "xmem.h"

#define SESS_BUCKETS	4096

struct sess_resume {
	char			 msisdn[20];
	struct sess_snap	*snap;
	struct sess_resume	*next;
};

struct sess_table {
	pthread_mutex_t		 lock;
	struct sess		*buckets[SESS_BUCKETS];
	size_t			 count;
	size_t			 max;
	int			 ttl;
	int			 resume_ttl;
	struct sess_resume	*resumes;
	size_t			 nresumes;
	time_t			 last_sweep;
};

static unsigned	 sess_hash(const char *);
static void	 sess_free(struct sess *);
static void	 sess_unlink(struct sess_table *, struct sess *);
static void	 sess_vars_copy(struct sess_var **, size_t *,
		    const struct sess_var *, size_t, int);
static void	 sess_vars_free(struct sess_var *, size_t);
static size_t	 sess_expire_locked(struct sess_table *, time_t);

static unsigned
sess_hash(const char *k)
{
	unsigned h = 2166136261u;

	while (*k)
		h = (h ^ (unsigned char)*k++) * 16777619u;
	return h % SESS_BUCKETS;
}

struct sess_table *
sess_table_new(size_t max, int ttl, int resume_ttl)
{
	struct sess_table *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	t->max = max;
	t->ttl = ttl;
	t->resume_ttl = resume_ttl;
	return t;
}

static void
sess_vars_free(struct sess_var *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].val);
	}
	free(v);
}

static void
sess_free(struct sess *s)
{
	sess_vars_free(s->vars, s->nvars);
	sess_clear_items(s);
	sess_snap_free(s->resume);
	free(s->key);
	free(s->history);
	free(s->last_screen);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
sess_table_free(struct sess_table *t)
{
	struct sess *s, *n;
	struct sess_resume *r, *rn;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < SESS_BUCKETS; i++)
		for (s = t->buckets[i]; s; s = n) {
			n = s->next;
			sess_free(s);
		}
	for (r = t->resumes; r; r = rn) {
		rn = r->next;
		sess_snap_free(r->snap);
		free(r);
	}
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Removes s from its bucket; table lock held. */
static void
sess_unlink(struct sess_table *t, struct sess *s)
{
	struct sess **pp = &t->buckets[sess_hash(s->key)];

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = s->next;
		t->count--;
	}
}

/* Drops idle sessions nobody holds and stale resume records; locked. */
static size_t
sess_expire_locked(struct sess_table *t, time_t now)
{
	struct sess **pp, *s;
	struct sess_resume **rp, *r;
	size_t i, n = 0;

	for (i = 0; i < SESS_BUCKETS; i++) {
		pp = &t->buckets[i];
		while ((s = *pp) != NULL) {
			if (s->refs == 0 && now - s->touched > t->ttl) {
				*pp = s->next;
				t->count--;
				sess_free(s);
				n++;
			} else
				pp = &s->next;
		}
	}
	rp = &t->resumes;
	while ((r = *rp) != NULL) {
		if (now - r->snap->saved > t->resume_ttl) {
			*rp = r->next;
			sess_snap_free(r->snap);
			free(r);
			t->nresumes--;
		} else
			rp = &r->next;
	}
	t->last_sweep = now;
	return n;
}

size_t
sess_expire(struct sess_table *t, time_t now)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = sess_expire_locked(t, now);
	pthread_mutex_unlock(&t->lock);
	return n;
}

struct sess *
sess_get(struct sess_table *t, const char *key, int create, int *created)
{
	struct sess *s;
	unsigned h = sess_hash(key);
	time_t now = time(NULL);

	if (created)
		*created = 0;
	pthread_mutex_lock(&t->lock);
	if (now - t->last_sweep >= 5)
		sess_expire_locked(t, now);
	for (s = t->buckets[h]; s; s = s->next)
		if (strcmp(s->key, key) == 0)
			break;
	if (s != NULL && s->refs == 0 && now - s->touched > t->ttl) {
		sess_unlink(t, s);
		sess_free(s);
		s = NULL;
	}
	if (s == NULL && create) {
		if (t->count >= t->max)
			sess_expire_locked(t, now);
		if (t->count < t->max) {
			s = xcalloc(1, sizeof(*s));
			s->key = xstrdup(key);
			s->state = -1;
			pthread_mutex_init(&s->lock, NULL);
			s->next = t->buckets[h];
			t->buckets[h] = s;
			t->count++;
			if (created)
				*created = 1;
		}
	}
	if (s != NULL)
		s->refs++;
	pthread_mutex_unlock(&t->lock);
	if (s != NULL) {
		pthread_mutex_lock(&s->lock);
		s->touched = now;
	}
	return s;
}

void
sess_put(struct sess_table *t, struct sess *s)
{
	if (s == NULL)
		return;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&t->lock);
	s->refs--;
	pthread_mutex_unlock(&t->lock);
}

size_t
sess_count(struct sess_table *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->count;
	pthread_mutex_unlock(&t->lock);
	return n;
}

const char *
sess_var(const struct sess *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0)
			return s->vars[i].val;
	return NULL;
}

void
sess_set(struct sess *s, const char *name, const char *val, int secret)
{
	size_t i;

	for (i = 0; i < s->nvars; i++) {
		if (strcmp(s->vars[i].name, name) == 0) {
			free(s->vars[i].val);
			s->vars[i].val = xstrdup(val);
			s->vars[i].secret = secret;
			return;
		}
	}
	s->vars = xreallocarray(s->vars, s->nvars + 1, sizeof(*s->vars));
	s->vars[s->nvars].name = xstrdup(name);
	s->vars[s->nvars].val = xstrdup(val);
	s->vars[s->nvars].secret = secret;
	s->nvars++;
}

void
sess_unset(struct sess *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvars; i++) {
		if (strcmp(s->vars[i].name, name) == 0) {
			free(s->vars[i].name);
			free(s->vars[i].val);
			s->vars[i] = s->vars[--s->nvars];
			return;
		}
	}
}

void
sess_clear_vars(struct sess *s)
{
	sess_vars_free(s->vars, s->nvars);
	s->vars = NULL;
	s->nvars = 0;
}

void
sess_clear_items(struct sess *s)
{
	size_t i;

	for (i = 0; i < s->nitems; i++) {
		free(s->items[i].label);
		free(s->items[i].value);
	}
	free(s->items);
	s->items = NULL;
	s->nitems = 0;
}

void
sess_add_item(struct sess *s, const char *label, const char *value)
{
	s->items = xreallocarray(s->items, s->nitems + 1, sizeof(*s->items));
	s->items[s->nitems].label = xstrdup(label);
	s->items[s->nitems].value = xstrdup(value);
	s->nitems++;
}

/* Copies variables, skipping secret ones when public_only. */
static void
sess_vars_copy(struct sess_var **dst, size_t *ndst, const struct sess_var *src,
    size_t n, int public_only)
{
	size_t i;

	*dst = NULL;
	*ndst = 0;
	for (i = 0; i < n; i++) {
		if (public_only && src[i].secret)
			continue;
		*dst = xreallocarray(*dst, *ndst + 1, sizeof(**dst));
		(*dst)[*ndst].name = xstrdup(src[i].name);
		(*dst)[*ndst].val = xstrdup(src[i].val);
		(*dst)[*ndst].secret = src[i].secret;
		(*ndst)++;
	}
}

void
sess_snap_free(struct sess_snap *snap)
{
	if (snap == NULL)
		return;
	sess_vars_free(snap->vars, snap->nvars);
	free(snap);
}

void
sess_resume_save(struct sess_table *t, const struct sess *s)
{
	struct sess_snap *snap;
	struct sess_resume *r;

	if (s->msisdn[0] == '\0')
		return;
	snap = xcalloc(1, sizeof(*snap));
	snap->state = s->state;
	snap->depth = s->depth;
	memcpy(snap->stack, s->stack, sizeof(snap->stack));
	sess_vars_copy(&snap->vars, &snap->nvars, s->vars, s->nvars, 1);
	memcpy(snap->lang, s->lang, sizeof(snap->lang));
	snap->saved = time(NULL);
	pthread_mutex_lock(&t->lock);
	for (r = t->resumes; r; r = r->next)
		if (strcmp(r->msisdn, s->msisdn) == 0)
			break;
	if (r == NULL) {
		if (t->nresumes >= t->max) {
			pthread_mutex_unlock(&t->lock);
			sess_snap_free(snap);
			return;
		}
		r = xcalloc(1, sizeof(*r));
		memcpy(r->msisdn, s->msisdn, sizeof(r->msisdn));
		r->next = t->resumes;
		t->resumes = r;
		t->nresumes++;
	}
	sess_snap_free(r->snap);
	r->snap = snap;
	pthread_mutex_unlock(&t->lock);
}

struct sess_snap *
sess_resume_take(struct sess_table *t, const char *msisdn, time_t now)
{
	struct sess_resume **rp, *r;
	struct sess_snap *snap = NULL;

	pthread_mutex_lock(&t->lock);
	for (rp = &t->resumes; (r = *rp) != NULL; rp = &r->next) {
		if (strcmp(r->msisdn, msisdn) == 0) {
			*rp = r->next;
			t->nresumes--;
			if (now - r->snap->saved <= t->resume_ttl)
				snap = r->snap;
			else
				sess_snap_free(r->snap);
			free(r);
			break;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return snap;
}

void
sess_resume_drop(struct sess_table *t, const char *msisdn)
{
	sess_snap_free(sess_resume_take(t, msisdn, 0));
}

void
sess_restore(struct sess *s, const struct sess_snap *snap)
{
	sess_clear_vars(s);
	sess_vars_copy(&s->vars, &s->nvars, snap->vars, snap->nvars, 0);
	s->state = snap->state;
	s->depth = snap->depth;
	memcpy(s->stack, snap->stack, sizeof(s->stack));
	if (snap->lang[0])
		memcpy(s->lang, snap->lang, sizeof(s->lang));
	s->page = 0;
	s->invalid = 0;
}

enum sess_diff
sess_diff_history(const char *seen, const char *text, char **newest)
{
	size_t ls = strlen(seen), lt = strlen(text);
	const char *star;

	*newest = NULL;
	if (strcmp(seen, text) == 0)
		return SESS_DIFF_SAME;
	if (ls == 0) {
		*newest = xstrdup(text);
		return SESS_DIFF_NEXT;
	}
	if (lt > ls && strncmp(seen, text, ls) == 0 && text[ls] == '*') {
		*newest = xstrdup(text + ls + 1);
		return SESS_DIFF_NEXT;
	}
	if (lt == 0 || (lt < ls && strncmp(seen, text, lt) == 0 &&
	    seen[lt] == '*'))
		return SESS_DIFF_STALE;
	star = strrchr(text, '*');
	*newest = xstrdup(star ? star + 1 : text);
	return SESS_DIFF_OTHER;
}
