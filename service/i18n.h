/*
 * i18n: the per-language text catalogs (menus/lang/<code>.yaml).
 *
 * A catalog file is a map with "lang: <code>", "name: <own name>" and
 * "texts:", a (possibly nested) map of keys to strings; nested keys are
 * joined with '.'.  The first language loaded from the config's default is
 * the fallback.  Catalogs are read-only after loading: lookups need no lock.
 */
#ifndef IDLINE_I18N_H
#define IDLINE_I18N_H

#include <stddef.h>

struct i18n;

/*
 * Loads every *.yaml in dir.  Errors ("file:line: reason") are passed to
 * report(); returns NULL if any file failed.  Caller frees with i18n_free.
 */
typedef void (*i18n_report_fn)(const char *msg, void *arg);
struct i18n	*i18n_load(const char *dir, i18n_report_fn report, void *arg);
void		 i18n_free(struct i18n *t);

/* Number of languages and their codes in load order (sorted by code). */
size_t		 i18n_count(const struct i18n *t);
const char	*i18n_code(const struct i18n *t, size_t i);
/* The language's own name ("Français"), NULL if unknown. */
const char	*i18n_name(const struct i18n *t, const char *lang);
int		 i18n_has_lang(const struct i18n *t, const char *lang);

/*
 * The text for key in lang, falling back to fallback_lang, then to the key
 * itself (so a missing text is visible, never a crash).  The result lives
 * as long as t.
 */
const char	*i18n_get(const struct i18n *t, const char *lang,
		    const char *fallback_lang, const char *key);
/* 1 when lang has key (no fallback). */
int		 i18n_has(const struct i18n *t, const char *lang,
		    const char *key);
/* Line of key in lang's file, 0 if absent; and the file name. */
int		 i18n_line(const struct i18n *t, const char *lang,
		    const char *key, const char **file);

/* Iterates the keys of lang: returns key i or NULL past the end. */
const char	*i18n_key_at(const struct i18n *t, const char *lang,
		    size_t i);

#endif
