/*
 * i18n: language catalogs loaded from YAML through yml (see i18n.h).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "sbuf.h"
#include "text.h"
#include "xmem.h"
#include "yml.h"

struct i18n_text {
	char	*key;
	char	*val;
	int	 line;
};

struct i18n_lang {
	char			*code;
	char			*name;
	char			*file;
	struct i18n_text	*texts;		/* sorted by key */
	size_t			 n;
};

struct i18n {
	struct i18n_lang	*langs;
	size_t			 n;
};

static int	i18n_cmp_text(const void *, const void *);
static int	i18n_cmp_name(const void *, const void *);
static int	i18n_flatten(struct i18n_lang *, const struct yml_node *,
		    const char *, i18n_report_fn, void *);
static int	i18n_load_file(struct i18n *, const char *, i18n_report_fn,
		    void *);
static const struct i18n_lang *i18n_lang(const struct i18n *, const char *);
static const struct i18n_text *i18n_find(const struct i18n_lang *,
		    const char *);

static int
i18n_cmp_text(const void *a, const void *b)
{
	return strcmp(((const struct i18n_text *)a)->key,
	    ((const struct i18n_text *)b)->key);
}

static int
i18n_cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds every scalar under node to l, keys prefixed by prefix. */
static int
i18n_flatten(struct i18n_lang *l, const struct yml_node *node,
    const char *prefix, i18n_report_fn report, void *arg)
{
	size_t i;
	char *key, msg[512];
	const struct yml_node *v;
	int rc = 0;

	for (i = 0; i < node->n; i++) {
		v = node->items[i];
		key = *prefix ? xasprintf("%s.%s", prefix, node->keys[i]) :
		    xstrdup(node->keys[i]);
		if (v->type == YML_MAP) {
			if (i18n_flatten(l, v, key, report, arg) == -1)
				rc = -1;
			free(key);
			continue;
		}
		if (v->type != YML_SCALAR) {
			snprintf(msg, sizeof(msg), "%s:%d: text '%s' must be "
			    "a string", l->file, v->line, key);
			report(msg, arg);
			free(key);
			rc = -1;
			continue;
		}
		if (!text_utf8_valid(v->value, strlen(v->value))) {
			snprintf(msg, sizeof(msg), "%s:%d: text '%s' is not "
			    "valid UTF-8", l->file, v->line, key);
			report(msg, arg);
			free(key);
			rc = -1;
			continue;
		}
		l->texts = xreallocarray(l->texts, l->n + 1,
		    sizeof(*l->texts));
		l->texts[l->n].key = key;
		l->texts[l->n].val = xstrdup(v->value);
		l->texts[l->n].line = v->line;
		l->n++;
	}
	return rc;
}

static int
i18n_load_file(struct i18n *t, const char *path, i18n_report_fn report,
    void *arg)
{
	struct yml_node *root = NULL;
	const struct yml_node *texts;
	const char *code, *name;
	struct i18n_lang l, *old;
	char err[512];
	size_t i;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	if (yml_load_file(path, &root, err, sizeof(err)) == -1) {
		report(err, arg);
		return -1;
	}
	code = yml_str(root, "lang");
	name = yml_str(root, "name");
	texts = yml_get(root, "texts");
	old = (struct i18n_lang *)(uintptr_t)i18n_lang(t, code);
	if (code == NULL || texts == NULL || texts->type != YML_MAP) {
		snprintf(err, sizeof(err), "%s:%d: a language file needs "
		    "'lang' and a 'texts' map ('name' in one of them)",
		    path, root->line);
		report(err, arg);
		goto done;
	}
	l.code = xstrdup(code);
	l.name = xstrdup(name ? name : old ? old->name : code);
	l.file = xstrdup(path);
	if (i18n_flatten(&l, texts, "", report, arg) == -1)
		goto done;
	if (old != NULL) {
		/* A further file of a known language: merge its texts. */
		for (i = 0; i < l.n; i++) {
			if (i18n_find(old, l.texts[i].key) != NULL) {
				snprintf(err, sizeof(err), "%s:%d: text '%s' "
				    "already defined in another '%s' file",
				    path, l.texts[i].line, l.texts[i].key,
				    code);
				report(err, arg);
				goto done;
			}
		}
		old->texts = xreallocarray(old->texts, old->n + l.n,
		    sizeof(*old->texts));
		memcpy(old->texts + old->n, l.texts, l.n * sizeof(*l.texts));
		old->n += l.n;
		if (name != NULL) {
			free(old->name);
			old->name = xstrdup(name);
		}
		qsort(old->texts, old->n, sizeof(*old->texts), i18n_cmp_text);
		free(l.texts);
		l.texts = NULL;
		l.n = 0;
		rc = 0;
		goto done;
	}
	if (l.n > 0)
		qsort(l.texts, l.n, sizeof(*l.texts), i18n_cmp_text);
	t->langs = xreallocarray(t->langs, t->n + 1, sizeof(*t->langs));
	t->langs[t->n++] = l;
	memset(&l, 0, sizeof(l));
	rc = 0;
done:
	while (l.n > 0) {
		l.n--;
		free(l.texts[l.n].key);
		free(l.texts[l.n].val);
	}
	free(l.texts);
	free(l.code);
	free(l.name);
	free(l.file);
	yml_free(root);
	return rc;
}

struct i18n *
i18n_load(const char *dir, i18n_report_fn report, void *arg)
{
	struct i18n *t = xcalloc(1, sizeof(*t));
	DIR *d;
	struct dirent *de;
	char **names = NULL, *path, msg[512];
	size_t nnames = 0, i, len;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		snprintf(msg, sizeof(msg), "%s:0: cannot open language "
		    "directory", dir);
		report(msg, arg);
		free(t);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
			names = xreallocarray(names, nnames + 1,
			    sizeof(*names));
			names[nnames++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), i18n_cmp_name);
	for (i = 0; i < nnames; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (i18n_load_file(t, path, report, arg) == -1)
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	if (t->n == 0) {
		snprintf(msg, sizeof(msg), "%s:0: no language files", dir);
		report(msg, arg);
		rc = -1;
	}
	if (rc == -1) {
		i18n_free(t);
		return NULL;
	}
	return t;
}

void
i18n_free(struct i18n *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->langs[i].n; j++) {
			free(t->langs[i].texts[j].key);
			free(t->langs[i].texts[j].val);
		}
		free(t->langs[i].texts);
		free(t->langs[i].code);
		free(t->langs[i].name);
		free(t->langs[i].file);
	}
	free(t->langs);
	free(t);
}

static const struct i18n_lang *
i18n_lang(const struct i18n *t, const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->langs[i].code, code) == 0)
			return &t->langs[i];
	return NULL;
}

static const struct i18n_text *
i18n_find(const struct i18n_lang *l, const char *key)
{
	struct i18n_text k;

	if (l == NULL)
		return NULL;
	k.key = (char *)(uintptr_t)key;
	return bsearch(&k, l->texts, l->n, sizeof(*l->texts), i18n_cmp_text);
}

size_t
i18n_count(const struct i18n *t)
{
	return t->n;
}

const char *
i18n_code(const struct i18n *t, size_t i)
{
	return i < t->n ? t->langs[i].code : NULL;
}

const char *
i18n_name(const struct i18n *t, const char *lang)
{
	const struct i18n_lang *l = i18n_lang(t, lang);

	return l ? l->name : NULL;
}

int
i18n_has_lang(const struct i18n *t, const char *lang)
{
	return i18n_lang(t, lang) != NULL;
}

const char *
i18n_get(const struct i18n *t, const char *lang, const char *fallback,
    const char *key)
{
	const struct i18n_text *x;

	if ((x = i18n_find(i18n_lang(t, lang), key)) != NULL)
		return x->val;
	if ((x = i18n_find(i18n_lang(t, fallback), key)) != NULL)
		return x->val;
	return key;
}

int
i18n_has(const struct i18n *t, const char *lang, const char *key)
{
	return i18n_find(i18n_lang(t, lang), key) != NULL;
}

int
i18n_line(const struct i18n *t, const char *lang, const char *key,
    const char **file)
{
	const struct i18n_lang *l = i18n_lang(t, lang);
	const struct i18n_text *x = i18n_find(l, key);

	if (file)
		*file = l ? l->file : "";
	return x ? x->line : 0;
}

const char *
i18n_key_at(const struct i18n *t, const char *lang, size_t i)
{
	const struct i18n_lang *l = i18n_lang(t, lang);

	return (l && i < l->n) ? l->texts[i].key : NULL;
}
