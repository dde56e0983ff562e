/*
 * sms: keyword grammar loaded from YAML, matched with valid (see sms.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "menu.h"
#include "sms.h"
#include "svc.h"
#include "valid.h"
#include "xmem.h"
#include "yml.h"

struct sms_pat {
	char	*lang;
	char	*vname;		/* name in the valid set */
};

struct sms_cmd {
	char		*name;
	char		*enter;
	int		 menu;
	struct sms_pat	*pats;
	size_t		 npats;
	char		*vars[SMS_MAX_CAPS];
	int		 secret[SMS_MAX_CAPS];
	size_t		 nvars;
};

struct sms_grammar {
	struct sms_cmd	*cmds;
	size_t		 n;
	struct valid	*valid;		/* owned: the grammar's patterns */
};

static int	sms_load_cmd(struct sms_grammar *, const struct yml_node *,
		    const char *, struct svc *, sms_report_fn, void *);
static int	sms_try(const struct sms_grammar *, const struct sms_cmd *,
		    const struct sms_pat *, const char *, struct sms_match *);

static int
sms_load_cmd(struct sms_grammar *g, const struct yml_node *n,
    const char *path, struct svc *svc, sms_report_fn report, void *arg)
{
	struct sms_cmd *c;
	const struct yml_node *p, *v;
	const char *name, *t;
	char msg[700], err[400], *vname;
	size_t i, j;
	int idx, rc = 0;

	if (n->type != YML_MAP || (name = yml_str(n, "name")) == NULL) {
		snprintf(msg, sizeof(msg), "%s:%d: a command needs a 'name'",
		    path, n->line);
		report(msg, arg);
		return -1;
	}
	g->cmds = xreallocarray(g->cmds, g->n + 1, sizeof(*g->cmds));
	c = &g->cmds[g->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	if ((t = yml_str(n, "menu")) != NULL && strcmp(t, "true") == 0)
		c->menu = 1;
	if ((t = yml_str(n, "enter")) != NULL) {
		c->enter = xstrdup(t);
		idx = menu_find(svc->menu, t);
		if (idx < 0 || !svc->menu->states[idx].entry) {
			snprintf(msg, sizeof(msg), "%s:%d: command '%s': "
			    "'%s' is not a state with 'entry: true'", path,
			    n->line, name, t);
			report(msg, arg);
			rc = -1;
		}
	}
	if (!c->menu && c->enter == NULL) {
		snprintf(msg, sizeof(msg), "%s:%d: command '%s' needs 'enter' "
		    "or 'menu: true'", path, n->line, name);
		report(msg, arg);
		rc = -1;
	}
	if ((v = yml_get(n, "set")) != NULL) {
		if (v->type != YML_SEQ || v->n > SMS_MAX_CAPS) {
			snprintf(msg, sizeof(msg), "%s:%d: 'set' is a list of "
			    "at most %d variables", path, v->line,
			    SMS_MAX_CAPS);
			report(msg, arg);
			return -1;
		}
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type == YML_SCALAR)
				c->vars[c->nvars++] =
				    xstrdup(v->items[i]->value);
	}
	if ((v = yml_get(n, "secret")) != NULL && v->type == YML_SEQ)
		for (i = 0; i < v->n; i++)
			for (j = 0; j < c->nvars; j++)
				if (v->items[i]->type == YML_SCALAR &&
				    strcmp(v->items[i]->value,
				    c->vars[j]) == 0)
					c->secret[j] = 1;
	if ((p = yml_get(n, "patterns")) == NULL || p->type != YML_MAP ||
	    p->n == 0) {
		snprintf(msg, sizeof(msg), "%s:%d: command '%s' needs a "
		    "'patterns' map of language: regex", path, n->line, name);
		report(msg, arg);
		return -1;
	}
	c->pats = xcalloc(p->n, sizeof(*c->pats));
	for (i = 0; i < p->n; i++) {
		if (!i18n_has_lang(svc->i18n, p->keys[i])) {
			snprintf(msg, sizeof(msg), "%s:%d: unknown language "
			    "'%s'", path, p->key_lines[i], p->keys[i]);
			report(msg, arg);
			rc = -1;
			continue;
		}
		vname = xasprintf("sms.%s.%s", name, p->keys[i]);
		if (p->items[i]->type != YML_SCALAR ||
		    valid_add(g->valid, vname, p->items[i]->value, 1, err,
		    sizeof(err)) == -1) {
			snprintf(msg, sizeof(msg), "%s:%d: command '%s' "
			    "language '%s': %s", path, p->items[i]->line,
			    name, p->keys[i], p->items[i]->type != YML_SCALAR ?
			    "must be a string" : err);
			report(msg, arg);
			free(vname);
			rc = -1;
			continue;
		}
		c->pats[c->npats].lang = xstrdup(p->keys[i]);
		c->pats[c->npats].vname = vname;
		c->npats++;
	}
	return rc;
}

struct sms_grammar *
sms_load(const char *path, struct svc *svc, sms_report_fn report, void *arg)
{
	struct sms_grammar *g = xcalloc(1, sizeof(*g));
	struct yml_node *root = NULL;
	const struct yml_node *cmds;
	char err[512];
	size_t i;
	int rc = 0;

	g->valid = valid_new();
	if (yml_load_file(path, &root, err, sizeof(err)) == -1) {
		report(err, arg);
		sms_free(g);
		return NULL;
	}
	if ((cmds = yml_get(root, "commands")) == NULL ||
	    cmds->type != YML_SEQ) {
		snprintf(err, sizeof(err), "%s:%d: needs a 'commands' list",
		    path, root->line);
		report(err, arg);
		rc = -1;
	} else
		for (i = 0; i < cmds->n; i++)
			if (sms_load_cmd(g, cmds->items[i], path, svc, report,
			    arg) == -1)
				rc = -1;
	yml_free(root);
	if (rc == -1) {
		sms_free(g);
		return NULL;
	}
	return g;
}

void
sms_free(struct sms_grammar *g)
{
	size_t i, j;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->cmds[i].npats; j++) {
			free(g->cmds[i].pats[j].lang);
			free(g->cmds[i].pats[j].vname);
		}
		free(g->cmds[i].pats);
		for (j = 0; j < g->cmds[i].nvars; j++)
			free(g->cmds[i].vars[j]);
		free(g->cmds[i].name);
		free(g->cmds[i].enter);
	}
	free(g->cmds);
	valid_free(g->valid);
	free(g);
}

static int
sms_try(const struct sms_grammar *g, const struct sms_cmd *c,
    const struct sms_pat *p, const char *text, struct sms_match *m)
{
	size_t i;

	if (!valid_match(g->valid, p->vname, text, m->vals, c->nvars))
		return 0;
	m->command = c->name;
	m->lang = p->lang;
	m->enter = c->enter;
	m->menu = c->menu;
	m->ncaps = c->nvars;
	for (i = 0; i < c->nvars; i++) {
		m->vars[i] = c->vars[i];
		m->secret[i] = c->secret[i];
	}
	return 1;
}

int
sms_match(const struct sms_grammar *g, const char *text,
    const char *prefer, struct sms_match *m)
{
	size_t i, j;

	memset(m, 0, sizeof(*m));
	/* The phone's own language first, so shared keywords answer in it. */
	for (i = 0; prefer && i < g->n; i++)
		for (j = 0; j < g->cmds[i].npats; j++)
			if (strcmp(g->cmds[i].pats[j].lang, prefer) == 0 &&
			    sms_try(g, &g->cmds[i], &g->cmds[i].pats[j], text,
			    m))
				return 1;
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->cmds[i].npats; j++)
			if (sms_try(g, &g->cmds[i], &g->cmds[i].pats[j], text,
			    m))
				return 1;
	return 0;
}

void
sms_match_free(struct sms_match *m)
{
	size_t i;

	for (i = 0; i < SMS_MAX_CAPS; i++) {
		free(m->vals[i]);
		m->vals[i] = NULL;
	}
}
