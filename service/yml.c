/*
 * yml: libyaml event stream -> struct yml_node tree (see yml.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "xmem.h"
#include "yml.h"

#define YML_MAX_DEPTH	32

struct yml_parse {
	yaml_parser_t	 parser;
	const char	*name;
	char		*err;
	size_t		 errlen;
};

static struct yml_node	*yml_node_new(enum yml_type, int);
static void		 yml_push(struct yml_node *, char *, int,
			    struct yml_node *);
static int		 yml_next(struct yml_parse *, yaml_event_t *);
static struct yml_node	*yml_build(struct yml_parse *, yaml_event_t *, int);
static int		 yml_run(struct yml_parse *, struct yml_node **);

static struct yml_node *
yml_node_new(enum yml_type t, int line)
{
	struct yml_node *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->line = line;
	return n;
}

/* Appends an item (and for maps its key, whose ownership moves here). */
static void
yml_push(struct yml_node *c, char *key, int key_line, struct yml_node *v)
{
	c->items = xreallocarray(c->items, c->n + 1, sizeof(*c->items));
	if (c->type == YML_MAP) {
		c->keys = xreallocarray(c->keys, c->n + 1, sizeof(*c->keys));
		c->key_lines = xreallocarray(c->key_lines, c->n + 1,
		    sizeof(*c->key_lines));
		c->keys[c->n] = key;
		c->key_lines[c->n] = key_line;
	}
	c->items[c->n++] = v;
}

static int
yml_next(struct yml_parse *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->parser, ev)) {
		snprintf(p->err, p->errlen, "%s:%zu: %s", p->name,
		    p->parser.problem_mark.line + 1,
		    p->parser.problem ? p->parser.problem : "YAML syntax error");
		return -1;
	}
	return 0;
}

/*
 * Builds the node that starts with event ev (consumed here).  Returns NULL
 * with p->err set on error.
 */
static struct yml_node *
yml_build(struct yml_parse *p, yaml_event_t *ev, int depth)
{
	struct yml_node *n = NULL, *child;
	yaml_event_t e;
	int line = (int)ev->start_mark.line + 1;
	char *key;
	int key_line;

	if (depth > YML_MAX_DEPTH) {
		snprintf(p->err, p->errlen, "%s:%d: nesting too deep",
		    p->name, line);
		goto fail;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = yml_node_new(YML_SCALAR, line);
		n->value = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		if (strlen(n->value) != ev->data.scalar.length) {
			snprintf(p->err, p->errlen, "%s:%d: NUL in scalar",
			    p->name, line);
			goto fail;
		}
		yaml_event_delete(ev);
		return n;
	case YAML_ALIAS_EVENT:
		snprintf(p->err, p->errlen, "%s:%d: aliases are not allowed",
		    p->name, line);
		goto fail;
	case YAML_SEQUENCE_START_EVENT:
		n = yml_node_new(YML_SEQ, line);
		yaml_event_delete(ev);
		for (;;) {
			if (yml_next(p, &e) == -1)
				goto fail;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return n;
			}
			if ((child = yml_build(p, &e, depth + 1)) == NULL)
				goto fail;
			yml_push(n, NULL, 0, child);
		}
	case YAML_MAPPING_START_EVENT:
		n = yml_node_new(YML_MAP, line);
		yaml_event_delete(ev);
		for (;;) {
			if (yml_next(p, &e) == -1)
				goto fail;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				return n;
			}
			key_line = (int)e.start_mark.line + 1;
			if (e.type != YAML_SCALAR_EVENT) {
				snprintf(p->err, p->errlen,
				    "%s:%d: map keys must be plain scalars",
				    p->name, key_line);
				yaml_event_delete(&e);
				goto fail;
			}
			key = xstrndup((const char *)e.data.scalar.value,
			    e.data.scalar.length);
			yaml_event_delete(&e);
			if (yml_get(n, key) != NULL) {
				snprintf(p->err, p->errlen,
				    "%s:%d: duplicate key '%s'", p->name,
				    key_line, key);
				free(key);
				goto fail;
			}
			if (yml_next(p, &e) == -1) {
				free(key);
				goto fail;
			}
			if ((child = yml_build(p, &e, depth + 1)) == NULL) {
				free(key);
				goto fail;
			}
			yml_push(n, key, key_line, child);
		}
	default:
		snprintf(p->err, p->errlen, "%s:%d: unexpected YAML event",
		    p->name, line);
		goto fail;
	}
fail:
	yaml_event_delete(ev);
	yml_free(n);
	return NULL;
}

static int
yml_run(struct yml_parse *p, struct yml_node **root)
{
	yaml_event_t e;
	struct yml_node *doc = NULL;

	*root = NULL;
	for (;;) {
		if (yml_next(p, &e) == -1)
			goto fail;
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(&e);
			continue;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			yaml_event_delete(&e);
			if (doc == NULL)
				doc = yml_node_new(YML_MAP, 1);
			*root = doc;
			return 0;
		default:
			if (doc != NULL) {
				yaml_event_delete(&e);
				snprintf(p->err, p->errlen,
				    "%s: more than one document", p->name);
				goto fail;
			}
			if ((doc = yml_build(p, &e, 0)) == NULL)
				goto fail;
		}
	}
fail:
	yml_free(doc);
	return -1;
}

int
yml_load_buf(const char *name, const char *buf, size_t len,
    struct yml_node **root, char *err, size_t errlen)
{
	struct yml_parse p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	p.errlen = errlen;
	if (!yaml_parser_initialize(&p.parser)) {
		snprintf(err, errlen, "%s: cannot initialise YAML parser",
		    name);
		return -1;
	}
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)buf,
	    len);
	rc = yml_run(&p, root);
	yaml_parser_delete(&p.parser);
	return rc;
}

int
yml_load_file(const char *path, struct yml_node **root, char *err,
    size_t errlen)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s:0: cannot open: %m", path);
		return -1;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (cap > 8 * 1024 * 1024) {
				snprintf(err, errlen, "%s:0: file too large",
				    path);
				goto done;
			}
			buf = xreallocarray(buf, cap, 1);
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s:0: read error", path);
		goto done;
	}
	rc = yml_load_buf(path, buf, len, root, err, errlen);
done:
	free(buf);
	fclose(f);
	return rc;
}

void
yml_free(struct yml_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		yml_free(n->items[i]);
	}
	free(n->keys);
	free(n->key_lines);
	free(n->items);
	free(n->value);
	free(n);
}

const struct yml_node *
yml_get(const struct yml_node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != YML_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

const char *
yml_str(const struct yml_node *map, const char *key)
{
	const struct yml_node *v = yml_get(map, key);

	return (v && v->type == YML_SCALAR) ? v->value : NULL;
}
