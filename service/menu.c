/*
 * menu: load, resolve and check the flow tables (see menu.h).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "menu.h"
#include "valid.h"
#include "xmem.h"
#include "yml.h"

struct menu_load {
	struct menu			*m;
	const struct menu_action_info	*actions;
	size_t				 nactions;
	const struct valid		*valid;
	const struct i18n		*i18n;
	menu_report_fn			 report;
	void				*arg;
	int				 errors;
	char				*start;
	char				*start_file;
	int				 start_line;
};

static void	menu_err(struct menu_load *, const char *, int, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static char	*menu_dupstr(struct menu_load *, const char *,
		    const struct yml_node *, const char *, int);
static int	menu_kind(const char *, enum menu_kind *);
static void	menu_parse_opts(struct menu_load *, struct menu_state *,
		    const struct yml_node *);
static void	menu_parse_state(struct menu_load *, const char *,
		    const char *, const struct yml_node *);
static void	menu_parse_file(struct menu_load *, const char *);
static const struct menu_action_info *menu_action(struct menu_load *,
		    const char *);
static int	menu_resolve_one(struct menu_load *, struct menu_state *,
		    const char *, int, int *);
static void	menu_resolve(struct menu_load *);
static void	menu_check_key(struct menu_load *, const struct menu_state *,
		    const char *, int);
static void	menu_reach(struct menu *, int, unsigned char *);
static void	menu_check_reach(struct menu_load *);
static int	menu_cmp_name(const void *, const void *);

static void
menu_err(struct menu_load *L, const char *file, int line, const char *fmt,
    ...)
{
	char msg[600], body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%d: %s", file, line, body);
	L->report(msg, L->arg);
	L->errors++;
}

/* Copies the scalar under key (NULL if absent); reports a non-scalar. */
static char *
menu_dupstr(struct menu_load *L, const char *file, const struct yml_node *map,
    const char *key, int required)
{
	const struct yml_node *v = yml_get(map, key);

	if (v == NULL) {
		if (required)
			menu_err(L, file, map->line, "missing '%s'", key);
		return NULL;
	}
	if (v->type != YML_SCALAR) {
		menu_err(L, file, v->line, "'%s' must be a string", key);
		return NULL;
	}
	return xstrdup(v->value);
}

static int
menu_kind(const char *s, enum menu_kind *k)
{
	static const char *const names[] = { "menu", "input", "action", "end" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*k = (enum menu_kind)i;
			return 0;
		}
	}
	return -1;
}

static void
menu_parse_opts(struct menu_load *L, struct menu_state *s,
    const struct yml_node *opts)
{
	const struct yml_node *o, *set;
	struct menu_opt *mo;
	size_t i;

	if (opts->type != YML_SEQ || opts->n == 0) {
		menu_err(L, s->file, opts->line, "'options' must be a "
		    "non-empty list");
		return;
	}
	if (opts->n > 9) {
		menu_err(L, s->file, opts->line, "at most 9 static options "
		    "(keys 1-9); use a list action for more");
		return;
	}
	s->opts = xcalloc(opts->n, sizeof(*s->opts));
	s->nopts = opts->n;
	for (i = 0; i < opts->n; i++) {
		o = opts->items[i];
		mo = &s->opts[i];
		mo->line = o->line;
		mo->next_idx = -1;
		if (o->type != YML_MAP) {
			menu_err(L, s->file, o->line, "an option is a map "
			    "with 'label' (or 'raw') and 'next'");
			continue;
		}
		mo->label = menu_dupstr(L, s->file, o, "label", 0);
		mo->raw = menu_dupstr(L, s->file, o, "raw", 0);
		if ((mo->label == NULL) == (mo->raw == NULL))
			menu_err(L, s->file, o->line, "an option needs exactly "
			    "one of 'label' and 'raw'");
		mo->next = menu_dupstr(L, s->file, o, "next", 1);
		if ((set = yml_get(o, "set")) != NULL) {
			if (set->type != YML_MAP || set->n != 1 ||
			    set->items[0]->type != YML_SCALAR)
				menu_err(L, s->file, set->line, "'set' is a "
				    "map of one variable to one value");
			else {
				mo->set_var = xstrdup(set->keys[0]);
				mo->set_val = xstrdup(set->items[0]->value);
			}
		}
	}
}

static void
menu_parse_state(struct menu_load *L, const char *file, const char *name,
    const struct yml_node *n)
{
	struct menu_state *s;
	const struct yml_node *v;
	const char *t;
	size_t i;

	if (n->type != YML_MAP) {
		menu_err(L, file, n->line, "state '%s' must be a map", name);
		return;
	}
	for (i = 0; i < L->m->n; i++) {
		if (strcmp(L->m->states[i].name, name) == 0) {
			menu_err(L, file, n->line, "state '%s' already "
			    "defined at %s:%d", name, L->m->states[i].file,
			    L->m->states[i].line);
			return;
		}
	}
	L->m->states = xreallocarray(L->m->states, L->m->n + 1,
	    sizeof(*L->m->states));
	s = &L->m->states[L->m->n++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->file = xstrdup(file);
	s->line = n->line;
	s->next_idx = s->empty_idx = -1;
	s->nav = s->resumable = 1;
	if ((t = yml_str(n, "type")) == NULL || menu_kind(t, &s->kind) == -1) {
		menu_err(L, file, n->line, "state '%s': 'type' must be menu, "
		    "input, action or end", name);
		return;
	}
	if ((t = yml_str(n, "nav")) != NULL)
		s->nav = strcmp(t, "false") != 0 && strcmp(t, "no") != 0;
	if ((t = yml_str(n, "entry")) != NULL)
		s->entry = strcmp(t, "true") == 0 || strcmp(t, "yes") == 0;
	if ((t = yml_str(n, "resumable")) != NULL)
		s->resumable = strcmp(t, "false") != 0 && strcmp(t, "no") != 0;
	switch (s->kind) {
	case MENU_MENU:
		s->prompt = menu_dupstr(L, file, n, "prompt", 1);
		if ((v = yml_get(n, "options")) != NULL)
			menu_parse_opts(L, s, v);
		else {
			s->list = menu_dupstr(L, file, n, "list", 0);
			if (s->list == NULL)
				menu_err(L, file, n->line, "menu '%s' needs "
				    "'options' or 'list'", name);
			s->save = menu_dupstr(L, file, n, "save", 1);
			s->next = menu_dupstr(L, file, n, "next", 1);
			s->empty = menu_dupstr(L, file, n, "empty", 1);
		}
		break;
	case MENU_INPUT:
		s->prompt = menu_dupstr(L, file, n, "prompt", 1);
		s->pattern = menu_dupstr(L, file, n, "pattern", 1);
		s->error = menu_dupstr(L, file, n, "error", 0);
		s->save = menu_dupstr(L, file, n, "save", 1);
		s->next = menu_dupstr(L, file, n, "next", 1);
		if ((t = yml_str(n, "secret")) != NULL)
			s->secret = strcmp(t, "true") == 0;
		break;
	case MENU_ACTION:
		s->action = menu_dupstr(L, file, n, "action", 1);
		if ((v = yml_get(n, "args")) != NULL) {
			if (v->type != YML_SEQ) {
				menu_err(L, file, v->line, "'args' must be a "
				    "list");
				break;
			}
			s->args = xcalloc(v->n + 1, sizeof(*s->args));
			for (i = 0; i < v->n; i++) {
				if (v->items[i]->type != YML_SCALAR)
					menu_err(L, file, v->items[i]->line,
					    "args must be strings");
				else
					s->args[s->nargs++] =
					    xstrdup(v->items[i]->value);
			}
		}
		if ((v = yml_get(n, "next")) == NULL || v->type != YML_MAP) {
			menu_err(L, file, n->line, "action '%s' needs a 'next' "
			    "map of outcome: state", name);
			break;
		}
		s->outs = xcalloc(v->n, sizeof(*s->outs));
		for (i = 0; i < v->n; i++) {
			if (v->items[i]->type != YML_SCALAR) {
				menu_err(L, file, v->items[i]->line,
				    "outcome targets must be state names");
				continue;
			}
			s->outs[s->nouts].outcome = xstrdup(v->keys[i]);
			s->outs[s->nouts].next = xstrdup(v->items[i]->value);
			s->outs[s->nouts].next_idx = -1;
			s->nouts++;
		}
		break;
	case MENU_END:
		s->prompt = menu_dupstr(L, file, n, "text", 1);
		break;
	}
}

static void
menu_parse_file(struct menu_load *L, const char *path)
{
	struct yml_node *root = NULL;
	const struct yml_node *states, *v;
	char err[512];
	size_t i;

	if (yml_load_file(path, &root, err, sizeof(err)) == -1) {
		L->report(err, L->arg);
		L->errors++;
		return;
	}
	if ((v = yml_get(root, "start")) != NULL) {
		if (L->start != NULL)
			menu_err(L, path, v->line, "'start' already given in "
			    "%s:%d", L->start_file, L->start_line);
		else if (v->type != YML_SCALAR)
			menu_err(L, path, v->line, "'start' must be a state");
		else {
			L->start = xstrdup(v->value);
			L->start_file = xstrdup(path);
			L->start_line = v->line;
		}
	}
	states = yml_get(root, "states");
	if (states == NULL || states->type != YML_MAP)
		menu_err(L, path, root->line, "a menu file needs a 'states' "
		    "map");
	else
		for (i = 0; i < states->n; i++)
			menu_parse_state(L, path, states->keys[i],
			    states->items[i]);
	yml_free(root);
}

static const struct menu_action_info *
menu_action(struct menu_load *L, const char *name)
{
	size_t i;

	for (i = 0; i < L->nactions; i++)
		if (strcmp(L->actions[i].name, name) == 0)
			return &L->actions[i];
	return NULL;
}

/* Resolves a state name into *idx; reports an unknown one. */
static int
menu_resolve_one(struct menu_load *L, struct menu_state *s, const char *name,
    int line, int *idx)
{
	if (name == NULL)
		return -1;
	if ((*idx = menu_find(L->m, name)) == -1) {
		menu_err(L, s->file, line, "state '%s' refers to unknown "
		    "state '%s'", s->name, name);
		return -1;
	}
	return 0;
}

static void
menu_check_key(struct menu_load *L, const struct menu_state *s,
    const char *key, int line)
{
	size_t i;
	const char *lang;

	if (key == NULL || L->i18n == NULL)
		return;
	for (i = 0; i < i18n_count(L->i18n); i++) {
		lang = i18n_code(L->i18n, i);
		if (!i18n_has(L->i18n, lang, key))
			menu_err(L, s->file, line, "state '%s': text '%s' "
			    "is missing in language '%s'", s->name, key, lang);
	}
}

static void
menu_resolve(struct menu_load *L)
{
	const struct menu_action_info *a;
	struct menu_state *s;
	size_t i, j;
	int found;

	for (i = 0; i < L->m->n; i++) {
		s = &L->m->states[i];
		menu_check_key(L, s, s->prompt, s->line);
		menu_check_key(L, s, s->error, s->line);
		for (j = 0; j < s->nopts; j++) {
			menu_resolve_one(L, s, s->opts[j].next,
			    s->opts[j].line, &s->opts[j].next_idx);
			menu_check_key(L, s, s->opts[j].label,
			    s->opts[j].line);
		}
		if (s->next)
			menu_resolve_one(L, s, s->next, s->line, &s->next_idx);
		if (s->empty)
			menu_resolve_one(L, s, s->empty, s->line,
			    &s->empty_idx);
		if (s->pattern && L->valid && !valid_has(L->valid, s->pattern))
			menu_err(L, s->file, s->line, "state '%s': unknown "
			    "pattern '%s'", s->name, s->pattern);
		if (s->list) {
			a = menu_action(L, s->list);
			if (a == NULL || !a->is_list)
				menu_err(L, s->file, s->line, "state '%s': "
				    "'%s' is not a list action", s->name,
				    s->list);
		}
		if (s->kind != MENU_ACTION || s->action == NULL)
			continue;
		if ((a = menu_action(L, s->action)) == NULL || a->is_list) {
			menu_err(L, s->file, s->line, "state '%s': unknown "
			    "action '%s'", s->name, s->action);
			continue;
		}
		for (j = 0; j < s->nouts; j++) {
			menu_resolve_one(L, s, s->outs[j].next, s->line,
			    &s->outs[j].next_idx);
			found = 0;
			for (size_t k = 0; a->outcomes[k]; k++)
				if (strcmp(a->outcomes[k],
				    s->outs[j].outcome) == 0)
					found = 1;
			if (!found)
				menu_err(L, s->file, s->line, "state '%s': "
				    "action '%s' has no outcome '%s'",
				    s->name, s->action, s->outs[j].outcome);
		}
		for (j = 0; a->outcomes[j]; j++) {
			found = 0;
			for (size_t k = 0; k < s->nouts; k++)
				if (strcmp(a->outcomes[j],
				    s->outs[k].outcome) == 0)
					found = 1;
			if (!found)
				menu_err(L, s->file, s->line, "state '%s': "
				    "outcome '%s' of action '%s' leads "
				    "nowhere", s->name, a->outcomes[j],
				    s->action);
		}
	}
}

static void
menu_reach(struct menu *m, int i, unsigned char *seen)
{
	struct menu_state *s;
	size_t j;

	if (i < 0 || seen[i])
		return;
	seen[i] = 1;
	s = &m->states[i];
	for (j = 0; j < s->nopts; j++)
		menu_reach(m, s->opts[j].next_idx, seen);
	for (j = 0; j < s->nouts; j++)
		menu_reach(m, s->outs[j].next_idx, seen);
	menu_reach(m, s->next_idx, seen);
	menu_reach(m, s->empty_idx, seen);
}

static void
menu_check_reach(struct menu_load *L)
{
	unsigned char *seen = xcalloc(L->m->n ? L->m->n : 1, 1);
	size_t i;

	menu_reach(L->m, L->m->start, seen);
	for (i = 0; i < L->m->n; i++)
		if (L->m->states[i].entry)
			menu_reach(L->m, (int)i, seen);
	for (i = 0; i < L->m->n; i++)
		if (!seen[i])
			menu_err(L, L->m->states[i].file,
			    L->m->states[i].line, "state '%s' is unreachable",
			    L->m->states[i].name);
	free(seen);
}

static int
menu_cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct menu *
menu_load(const char *dir, const struct menu_action_info *actions,
    size_t nactions, const struct valid *valid, const struct i18n *i18n,
    menu_report_fn report, void *arg)
{
	struct menu_load L;
	DIR *d;
	struct dirent *de;
	char **names = NULL, *path;
	size_t n = 0, i, len;

	memset(&L, 0, sizeof(L));
	L.m = xcalloc(1, sizeof(*L.m));
	L.m->start = -1;
	L.actions = actions;
	L.nactions = nactions;
	L.valid = valid;
	L.i18n = i18n;
	L.report = report;
	L.arg = arg;
	if ((d = opendir(dir)) == NULL) {
		menu_err(&L, dir, 0, "cannot open menu directory");
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    strcmp(de->d_name, "patterns.yaml") == 0 ||
		    strcmp(de->d_name, "sms.yaml") == 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), menu_cmp_name);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		menu_parse_file(&L, path);
		free(path);
		free(names[i]);
	}
	free(names);
	if (L.start == NULL)
		menu_err(&L, dir, 0, "no menu file says 'start: <state>'");
	else if ((L.m->start = menu_find(L.m, L.start)) == -1)
		menu_err(&L, L.start_file, L.start_line, "start state '%s' "
		    "does not exist", L.start);
	if (L.errors == 0)
		menu_resolve(&L);
	if (L.errors == 0)
		menu_check_reach(&L);
done:
	free(L.start);
	free(L.start_file);
	if (L.errors) {
		menu_free(L.m);
		return NULL;
	}
	return L.m;
}

void
menu_free(struct menu *m)
{
	struct menu_state *s;
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		s = &m->states[i];
		for (j = 0; j < s->nopts; j++) {
			free(s->opts[j].label);
			free(s->opts[j].raw);
			free(s->opts[j].set_var);
			free(s->opts[j].set_val);
			free(s->opts[j].next);
		}
		free(s->opts);
		for (j = 0; j < s->nargs; j++)
			free(s->args[j]);
		free(s->args);
		for (j = 0; j < s->nouts; j++) {
			free(s->outs[j].outcome);
			free(s->outs[j].next);
		}
		free(s->outs);
		free(s->name);
		free(s->file);
		free(s->prompt);
		free(s->list);
		free(s->save);
		free(s->pattern);
		free(s->error);
		free(s->action);
		free(s->next);
		free(s->empty);
	}
	free(m->states);
	free(m);
}

int
menu_find(const struct menu *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->states[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
menu_load_patterns(const char *path, struct valid *valid,
    menu_report_fn report, void *arg)
{
	struct yml_node *root = NULL;
	const struct yml_node *p;
	char err[512], msg[700];
	size_t i;
	int rc = 0;

	if (yml_load_file(path, &root, err, sizeof(err)) == -1) {
		report(err, arg);
		return -1;
	}
	if ((p = yml_get(root, "patterns")) == NULL || p->type != YML_MAP) {
		snprintf(msg, sizeof(msg), "%s:%d: needs a 'patterns' map",
		    path, root->line);
		report(msg, arg);
		rc = -1;
		goto done;
	}
	for (i = 0; i < p->n; i++) {
		if (p->items[i]->type != YML_SCALAR ||
		    valid_add(valid, p->keys[i], p->items[i]->value, 0, err,
		    sizeof(err)) == -1) {
			snprintf(msg, sizeof(msg), "%s:%d: pattern '%s': %s",
			    path, p->key_lines[i], p->keys[i],
			    p->items[i]->type != YML_SCALAR ?
			    "must be a string" : err);
			report(msg, arg);
			rc = -1;
		}
	}
done:
	yml_free(root);
	return rc;
}
