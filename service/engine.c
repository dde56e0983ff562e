/*
 * engine: the menu state machine (see engine.h).
 *
 * A hop either answers the screen shown (menu choice, input, navigation)
 * or starts a conversation.  Moving to a state pushes the state shown onto
 * the back stack and runs action states until a state that shows
 * something (menu, input, end) is reached.  Rendering builds the screen
 * from translated texts and session variables, pages menus so every page
 * fits the budget, and never cuts an option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "i18n.h"
#include "log.h"
#include "menu.h"
#include "sbuf.h"
#include "sess.h"
#include "text.h"
#include "valid.h"
#include "xmem.h"

#define ENGINE_MAX_CHAIN	32
#define ENGINE_SAMPLE		"8888888888"

const char *const engine_core_texts[] = {
	"nav.back", "nav.home", "nav.more", "err.invalid", "err.too_many",
	"err.internal", "err.restarted", "resume.prompt", "resume.continue",
	"resume.restart", "err.busy", "err.bad_input", NULL
};

struct engine {
	const struct menu		*m;
	const struct i18n		*t;
	const struct valid		*v;
	const struct engine_action	*acts;
	size_t				 nacts;
	char				*back, *home, *more, *deflang;
	int				 max_invalid;
	void				*app;
};

struct engine_ctx {
	struct engine			*e;
	struct sess			*s;
	const struct menu_state		*st;
};

/* What a screen is made of before it is joined into text. */
struct engine_view {
	const char	*notice;	/* translated, or NULL */
	char		*prompt;	/* rendered, owned */
	const char	**opts;		/* labels, borrowed */
	size_t		 nopts;
	int		 nav;		/* back/home line */
	int		 end;
};

static const char	*engine_t(struct engine *, struct sess *,
			    const char *);
static const char	*engine_lookup(const char *, void *);
static const char	*engine_lookup_sample(const char *, void *);
static const struct engine_action *engine_act(struct engine *,
			    const char *);
static char		*engine_join(struct engine *, struct sess *,
			    const struct engine_view *, size_t, size_t, int,
			    int);
static void		 engine_pages(struct engine *, struct sess *,
			    const struct engine_view *,
			    const struct engine_budget *, size_t, size_t *,
			    size_t *, int *);
static int		 engine_render(struct engine *, struct sess *,
			    const char *, const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_end(struct engine *, struct sess *,
			    const char *, const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_run(struct engine *, struct sess *,
			    const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_goto(struct engine *, struct sess *, int,
			    const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_invalid(struct engine *, struct sess *,
			    const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_choice(const char *, size_t);
static void		 engine_view_free(struct engine_view *);
static void		 engine_view_build(struct engine *, struct sess *,
			    const struct menu_state *, text_lookup_fn,
			    struct engine_view *);
static void		 engine_fit(char **, const struct engine_budget *);
static int		 engine_resume_screen(struct engine *, struct sess *,
			    const char *, const struct engine_budget *,
			    struct engine_screen *);
static int		 engine_check_core(struct engine *, struct sess *,
			    const struct engine_budget *, engine_report_fn,
			    void *);

struct engine *
engine_new(const struct menu *m, const struct i18n *t, const struct valid *v,
    const struct engine_action *acts, size_t nacts,
    const struct engine_opts *o, void *app)
{
	struct engine *e = xcalloc(1, sizeof(*e));

	e->m = m;
	e->t = t;
	e->v = v;
	e->acts = acts;
	e->nacts = nacts;
	e->back = xstrdup(o->back_key ? o->back_key : "0");
	e->home = xstrdup(o->home_key ? o->home_key : "00");
	e->more = xstrdup(o->more_key ? o->more_key : "98");
	e->deflang = xstrdup(o->default_lang ? o->default_lang : "en");
	e->max_invalid = o->max_invalid > 0 ? o->max_invalid : 3;
	e->app = app;
	return e;
}

void
engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	free(e->back);
	free(e->home);
	free(e->more);
	free(e->deflang);
	free(e);
}

static const char *
engine_t(struct engine *e, struct sess *s, const char *key)
{
	return i18n_get(e->t, s->lang[0] ? s->lang : e->deflang, e->deflang,
	    key);
}

/* Template lookup: session variables; unknown ones render empty. */
static const char *
engine_lookup(const char *name, void *arg)
{
	const char *v = sess_var(arg, name);

	return v ? v : "";
}

/*
 * Template lookup for checks: every variable is a 10-character sample,
 * office names 20 (the longest short name an office may have).
 */
static const char *
engine_lookup_sample(const char *name, void *arg)
{
	(void)arg;
	return strstr(name, "office") ? ENGINE_SAMPLE "888888" :
	    ENGINE_SAMPLE;
}

static const struct engine_action *
engine_act(struct engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nacts; i++)
		if (strcmp(e->acts[i].name, name) == 0)
			return &e->acts[i];
	return NULL;
}

static void
engine_view_free(struct engine_view *w)
{
	free(w->prompt);
	free(w->opts);
	memset(w, 0, sizeof(*w));
}

/* Collects the parts of state st's screen (labels borrowed from e/s). */
static void
engine_view_build(struct engine *e, struct sess *s,
    const struct menu_state *st, text_lookup_fn lookup, struct engine_view *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->prompt = text_render(engine_t(e, s, st->prompt), lookup, s);
	w->nav = st->nav;
	w->end = st->kind == MENU_END;
	if (st->kind != MENU_MENU)
		return;
	if (st->list == NULL) {
		w->opts = xcalloc(st->nopts, sizeof(*w->opts));
		for (i = 0; i < st->nopts; i++)
			w->opts[i] = st->opts[i].raw ? st->opts[i].raw :
			    engine_t(e, s, st->opts[i].label);
		w->nopts = st->nopts;
	} else {
		w->opts = xcalloc(s->nitems ? s->nitems : 1,
		    sizeof(*w->opts));
		for (i = 0; i < s->nitems; i++)
			w->opts[i] = s->items[i].label;
		w->nopts = s->nitems;
	}
}

/*
 * Joins a view into screen text, showing options [from, to) and a "more"
 * line when more != 0.  back_only shows the back key even when the state
 * has no navigation (pages after the first).
 */
static char *
engine_join(struct engine *e, struct sess *s, const struct engine_view *w,
    size_t from, size_t to, int more, int back_only)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	if (w->notice) {
		sbuf_add(&b, w->notice);
		sbuf_addc(&b, '\n');
	}
	sbuf_add(&b, w->prompt);
	for (i = from; i < to; i++)
		sbuf_addf(&b, "\n%zu. %s", i + 1, w->opts[i]);
	if (more)
		sbuf_addf(&b, "\n%s. %s", e->more, engine_t(e, s, "nav.more"));
	if (!w->end && (w->nav || back_only)) {
		sbuf_addf(&b, "\n%s. %s", e->back, engine_t(e, s, "nav.back"));
		if (w->nav)
			sbuf_addf(&b, " %s. %s", e->home,
			    engine_t(e, s, "nav.home"));
	}
	return sbuf_take(&b);
}

/*
 * Finds page `page` of a menu view: [*from, *to) and whether a "more" line
 * is needed.  Pages hold as many whole options as fit; a page always holds
 * at least one option.
 */
static void
engine_pages(struct engine *e, struct sess *s, const struct engine_view *w,
    const struct engine_budget *b, size_t page, size_t *from, size_t *to,
    int *more)
{
	size_t start = 0, k, best, p;
	char *txt;
	int m, fits;

	for (p = 0;; p++) {
		best = 0;
		for (k = 1; start + k <= w->nopts; k++) {
			m = start + k < w->nopts;
			txt = engine_join(e, s, w, start, start + k, m, p > 0);
			fits = text_fits(txt, b->gsm, b->ucs);
			free(txt);
			/* No early stop: k options without a "more" line may
			 * fit where fewer options with it do not. */
			if (fits)
				best = k;
		}
		if (best == 0)
			best = 1;
		if (start + best > w->nopts)
			best = w->nopts - start;
		if (p == page || start + best >= w->nopts) {
			*from = start;
			*to = start + best;
			*more = *to < w->nopts;
			return;
		}
		start += best;
	}
}

/* Cuts *txt (at a character boundary) until it fits; last resort only. */
static void
engine_fit(char **txt, const struct engine_budget *b)
{
	size_t len = strlen(*txt);

	while (len > 0 && !text_fits(*txt, b->gsm, b->ucs)) {
		do
			len--;
		while (len > 0 && ((unsigned char)(*txt)[len] & 0xC0) == 0x80);
		(*txt)[len] = '\0';
	}
}

/* Renders the current state of s with an optional notice text key. */
static int
engine_render(struct engine *e, struct sess *s, const char *notice_key,
    const struct engine_budget *b, struct engine_screen *out)
{
	const struct menu_state *st = &e->m->states[s->state];
	struct engine_view w;
	size_t from = 0, to = 0;
	int more = 0;
	char *txt;

	engine_view_build(e, s, st, engine_lookup, &w);
	if (st->kind == MENU_MENU)
		/* Pages are cut without the error line, as engine_input
		 * does, so "98" and the numbers stay where the user saw them. */
		engine_pages(e, s, &w, b, (size_t)s->page, &from, &to, &more);
	w.notice = notice_key ? engine_t(e, s, notice_key) : NULL;
	if (st->kind == MENU_MENU) {
		txt = engine_join(e, s, &w, from, to, more, from > 0);
		if (!text_fits(txt, b->gsm, b->ucs) && w.notice) {
			/* The error line does not fit: it replaces the
			 * prompt, or if even that is too long, is left out
			 * (the page was cut to fit without it). */
			free(txt);
			txt = w.prompt;
			w.prompt = xstrdup(w.notice);
			w.notice = NULL;
			free(txt);
			txt = engine_join(e, s, &w, from, to, more, from > 0);
			if (!text_fits(txt, b->gsm, b->ucs)) {
				free(txt);
				free(w.prompt);
				w.prompt = text_render(engine_t(e, s,
				    st->prompt), engine_lookup, s);
				txt = engine_join(e, s, &w, from, to, more,
				    from > 0);
			}
		}
	} else {
		txt = engine_join(e, s, &w, 0, 0, 0, 0);
		if (!text_fits(txt, b->gsm, b->ucs) && w.notice) {
			/* The prompt says what to type; keep it whole. */
			w.notice = NULL;
			free(txt);
			txt = engine_join(e, s, &w, 0, 0, 0, 0);
		}
	}
	if (!text_fits(txt, b->gsm, b->ucs)) {
		log_warn("screen_over_budget", "state=%s lang=%s", st->name,
		    s->lang);
		engine_fit(&txt, b);
	}
	out->text = txt;
	out->end = w.end;
	if (w.end)
		s->ended = 1;
	engine_view_free(&w);
	return 0;
}

/* Ends the conversation with one text key. */
static int
engine_end(struct engine *e, struct sess *s, const char *key,
    const struct engine_budget *b, struct engine_screen *out)
{
	out->text = text_render(engine_t(e, s, key), engine_lookup, s);
	engine_fit(&out->text, b);
	out->end = 1;
	s->ended = 1;
	return 0;
}

/*
 * Runs from the current state: action states call their action and follow
 * the outcome; list menus fetch their items (or go to their empty state);
 * the first state that shows something is rendered.
 */
static int
engine_run(struct engine *e, struct sess *s, const struct engine_budget *b,
    struct engine_screen *out)
{
	const struct menu_state *st;
	const struct engine_action *a;
	struct engine_ctx c;
	const char *outcome;
	size_t i, steps;

	for (steps = 0; steps < ENGINE_MAX_CHAIN; steps++) {
		st = &e->m->states[s->state];
		c.e = e;
		c.s = s;
		c.st = st;
		if (st->kind == MENU_MENU && st->list != NULL) {
			sess_clear_items(s);
			if ((a = engine_act(e, st->list)) == NULL ||
			    a->fn(&c) == NULL) {
				log_err("action_failed", "action=%s",
				    st->list);
				return engine_end(e, s, "err.internal", b, out);
			}
			if (s->nitems == 0) {
				s->state = st->empty_idx;
				continue;
			}
		}
		if (st->kind != MENU_ACTION)
			return engine_render(e, s, NULL, b, out);
		if ((a = engine_act(e, st->action)) == NULL ||
		    (outcome = a->fn(&c)) == NULL) {
			log_err("action_failed", "action=%s state=%s",
			    st->action, st->name);
			return engine_end(e, s, "err.internal", b, out);
		}
		for (i = 0; i < st->nouts; i++)
			if (strcmp(st->outs[i].outcome, outcome) == 0)
				break;
		if (i == st->nouts) {
			log_err("action_outcome", "action=%s outcome=%s",
			    st->action, outcome);
			return engine_end(e, s, "err.internal", b, out);
		}
		log_debug("transition", "from=%s outcome=%s to=%s", st->name,
		    outcome, st->outs[i].next);
		s->state = st->outs[i].next_idx;
	}
	log_err("action_loop", "state=%s", e->m->states[s->state].name);
	return engine_end(e, s, "err.internal", b, out);
}

/* Moves to state idx, remembering the state shown for "back". */
static int
engine_goto(struct engine *e, struct sess *s, int idx,
    const struct engine_budget *b, struct engine_screen *out)
{
	if (s->state >= 0) {
		if (s->depth == SESS_STACK) {
			memmove(s->stack, s->stack + 1,
			    (SESS_STACK - 1) * sizeof(s->stack[0]));
			s->depth--;
		}
		s->stack[s->depth++] = s->state;
	}
	s->state = idx;
	s->page = 0;
	s->invalid = 0;
	return engine_run(e, s, b, out);
}

static int
engine_invalid(struct engine *e, struct sess *s,
    const struct engine_budget *b, struct engine_screen *out)
{
	const struct menu_state *st = &e->m->states[s->state];

	if (++s->invalid >= e->max_invalid)
		return engine_end(e, s, "err.too_many", b, out);
	return engine_render(e, s, st->error ? st->error : "err.invalid", b,
	    out);
}

/* Parses a menu choice "1".."n" (no sign, no leading zero); -1 if not. */
static int
engine_choice(const char *in, size_t n)
{
	long v = 0;
	const char *p;

	if (in[0] < '1' || in[0] > '9' || strlen(in) > 4)
		return -1;
	for (p = in; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (v >= 1 && (size_t)v <= n) ? (int)v - 1 : -1;
}

/*
 * The "continue or start over?" question, in the phone's language (the
 * journey's own language comes back with "continue", in sess_restore).
 */
static int
engine_resume_screen(struct engine *e, struct sess *s, const char *notice,
    const struct engine_budget *b, struct engine_screen *out)
{
	struct sbuf sb;

	sbuf_init(&sb);
	if (notice)
		sbuf_addf(&sb, "%s\n", engine_t(e, s, notice));
	sbuf_addf(&sb, "%s\n1. %s\n2. %s", engine_t(e, s, "resume.prompt"),
	    engine_t(e, s, "resume.continue"),
	    engine_t(e, s, "resume.restart"));
	out->text = sbuf_take(&sb);
	if (notice && !text_fits(out->text, b->gsm, b->ucs)) {
		free(out->text);
		return engine_resume_screen(e, s, NULL, b, out);
	}
	engine_fit(&out->text, b);
	out->end = 0;
	return 0;
}

int
engine_start(struct engine *e, struct sess *s, struct sess_snap *snap,
    const char *notice_key, const struct engine_budget *b,
    struct engine_screen *out)
{
	s->depth = 0;
	s->page = 0;
	s->invalid = 0;
	if (snap != NULL && snap->state >= 0 &&
	    (size_t)snap->state < e->m->n) {
		sess_snap_free(s->resume);
		s->resume = snap;
		s->state = e->m->start;
		return engine_resume_screen(e, s, NULL, b, out);
	}
	sess_snap_free(snap);
	s->state = e->m->start;
	if (notice_key == NULL)
		return engine_run(e, s, b, out);
	if (engine_run(e, s, b, out) == -1 || out->end)
		return 0;
	free(out->text);
	return engine_render(e, s, notice_key, b, out);
}

int
engine_input(struct engine *e, struct sess *s, const char *in,
    const struct engine_budget *b, struct engine_screen *out)
{
	const struct menu_state *st;
	struct sess_snap *snap;
	size_t from, to;
	int i, more;
	struct engine_view w;

	if (s->state < 0)
		return engine_start(e, s, NULL, NULL, b, out);
	if (s->resume != NULL) {
		if (strcmp(in, "1") != 0 && strcmp(in, "2") != 0) {
			if (++s->invalid >= e->max_invalid)
				return engine_end(e, s, "err.too_many", b,
				    out);
			return engine_resume_screen(e, s, "err.invalid", b,
			    out);
		}
		snap = s->resume;
		s->resume = NULL;
		s->invalid = 0;
		if (strcmp(in, "1") == 0) {
			sess_restore(s, snap);
			sess_snap_free(snap);
			return engine_run(e, s, b, out);
		}
		sess_snap_free(snap);
		sess_clear_vars(s);
		return engine_start(e, s, NULL, NULL, b, out);
	}
	st = &e->m->states[s->state];
	if (st->kind == MENU_END)
		return engine_render(e, s, NULL, b, out);
	if (strcmp(in, e->home) == 0 && st->nav) {
		sess_clear_vars(s);
		s->depth = 0;
		s->state = e->m->start;
		s->page = 0;
		s->invalid = 0;
		return engine_run(e, s, b, out);
	}
	if (strcmp(in, e->back) == 0 && (st->nav || s->page > 0)) {
		s->invalid = 0;
		if (s->page > 0) {
			s->page--;
			return engine_render(e, s, NULL, b, out);
		}
		s->state = s->depth > 0 ? s->stack[--s->depth] : e->m->start;
		s->page = 0;
		return engine_run(e, s, b, out);
	}
	if (st->kind == MENU_INPUT) {
		if (!valid_match(e->v, st->pattern, in, NULL, 0))
			return engine_invalid(e, s, b, out);
		sess_set(s, st->save, in, st->secret);
		return engine_goto(e, s, st->next_idx, b, out);
	}
	/* MENU_MENU */
	engine_view_build(e, s, st, engine_lookup, &w);
	engine_pages(e, s, &w, b, (size_t)s->page, &from, &to, &more);
	engine_view_free(&w);
	if (strcmp(in, e->more) == 0 && more) {
		s->page++;
		s->invalid = 0;
		return engine_render(e, s, NULL, b, out);
	}
	if (st->list == NULL) {
		if ((i = engine_choice(in, st->nopts)) < 0)
			return engine_invalid(e, s, b, out);
		if (st->opts[i].set_var)
			sess_set(s, st->opts[i].set_var, st->opts[i].set_val,
			    0);
		return engine_goto(e, s, st->opts[i].next_idx, b, out);
	}
	if ((i = engine_choice(in, s->nitems)) < 0)
		return engine_invalid(e, s, b, out);
	sess_set(s, st->save, s->items[i].value, 0);
	return engine_goto(e, s, st->next_idx, b, out);
}

int
engine_enter(struct engine *e, struct sess *s, const char *state,
    const struct engine_budget *b, struct engine_screen *out)
{
	int idx = menu_find(e->m, state);

	if (idx < 0)
		return -1;
	s->state = idx;
	s->page = 0;
	s->invalid = 0;
	return engine_run(e, s, b, out);
}

/*
 * The engine's own screens in fake's language: the resume question and
 * the one-line ends (errors, too many tries, busy).
 */
static int
engine_check_core(struct engine *e, struct sess *fake,
    const struct engine_budget *b, engine_report_fn report, void *arg)
{
	static const char *const keys[] = { "resume.prompt", "err.too_many",
	    "err.internal", "err.busy", "err.bad_input", NULL };
	struct sbuf sb;
	const char *file;
	char *txt, msg[512];
	size_t k;
	int line, problems = 0;

	for (k = 0; keys[k]; k++) {
		sbuf_init(&sb);
		sbuf_add(&sb, engine_t(e, fake, keys[k]));
		if (k == 0)	/* the resume question with its options */
			sbuf_addf(&sb, "\n1. %s\n2. %s",
			    engine_t(e, fake, "resume.continue"),
			    engine_t(e, fake, "resume.restart"));
		txt = sbuf_take(&sb);
		if (!text_fits(txt, b->gsm, b->ucs)) {
			line = i18n_line(e->t, fake->lang, keys[k], &file);
			snprintf(msg, sizeof(msg), "%s:%d: engine screen '%s' "
			    "does not fit %zu/%zu", file, line, keys[k],
			    b->gsm, b->ucs);
			report(msg, arg);
			problems++;
		}
		free(txt);
	}
	return problems;
}

int
engine_check(struct engine *e, const struct engine_budget *b,
    engine_report_fn report, void *arg)
{
	const struct menu_state *st;
	struct engine_view w;
	struct sess fake;
	size_t i, l, k, from, to, page;
	const char *lang, *file;
	static const char *sample_item = "Sample item 20 chars";
	char *txt, msg[512];
	int more, problems = 0;

	memset(&fake, 0, sizeof(fake));
	for (l = 0; l < i18n_count(e->t); l++) {
		lang = i18n_code(e->t, l);
		snprintf(fake.lang, sizeof(fake.lang), "%s", lang);
		for (k = 0; engine_core_texts[k]; k++) {
			if (!i18n_has(e->t, lang, engine_core_texts[k])) {
				i18n_line(e->t, lang, "", &file);
				snprintf(msg, sizeof(msg), "%s:1: engine text "
				    "'%s' is missing", file,
				    engine_core_texts[k]);
				report(msg, arg);
				problems++;
			}
		}
		problems += engine_check_core(e, &fake, b, report, arg);
		for (i = 0; i < e->m->n; i++) {
			st = &e->m->states[i];
			if (st->kind == MENU_ACTION)
				continue;
			engine_view_build(e, &fake, st, engine_lookup_sample,
			    &w);
			if (st->list) {
				free(w.opts);
				w.opts = xcalloc(1, sizeof(*w.opts));
				w.opts[0] = sample_item;
				w.nopts = 1;
			}
			page = 0;
			do {
				more = 0;
				from = to = 0;
				if (w.nopts)
					engine_pages(e, &fake, &w, b, page,
					    &from, &to, &more);
				if (st->kind == MENU_INPUT)
					w.notice = engine_t(e, &fake,
					    st->error ? st->error :
					    "err.invalid");
				txt = engine_join(e, &fake, &w, from, to,
				    more || st->list, from > 0);
				if (!text_fits(txt, b->gsm, b->ucs)) {
					snprintf(msg, sizeof(msg), "%s:%d: "
					    "state '%s' does not fit %zu/%zu "
					    "in '%s' (page %zu)", st->file,
					    st->line, st->name, b->gsm, b->ucs,
					    lang, page + 1);
					report(msg, arg);
					problems++;
				}
				free(txt);
				page++;
			} while (more);
			engine_view_free(&w);
		}
	}
	return problems;
}

void *
engine_app(struct engine_ctx *c)
{
	return c->e->app;
}

struct sess *
engine_sess(struct engine_ctx *c)
{
	return c->s;
}

const char *
engine_arg(struct engine_ctx *c, size_t i)
{
	return i < c->st->nargs ? c->st->args[i] : NULL;
}

const char *
engine_var(struct engine_ctx *c, const char *name)
{
	return sess_var(c->s, name);
}

void
engine_set(struct engine_ctx *c, const char *name, const char *val)
{
	sess_set(c->s, name, val, 0);
}

void
engine_unset(struct engine_ctx *c, const char *name)
{
	sess_unset(c->s, name);
}

const char *
engine_tr(struct engine_ctx *c, const char *key)
{
	return engine_t(c->e, c->s, key);
}

const char *
engine_lang(struct engine_ctx *c)
{
	return c->s->lang[0] ? c->s->lang : c->e->deflang;
}

int
engine_set_lang(struct engine_ctx *c, const char *lang)
{
	if (!i18n_has_lang(c->e->t, lang))
		return -1;
	snprintf(c->s->lang, sizeof(c->s->lang), "%s", lang);
	return 0;
}

void
engine_item(struct engine_ctx *c, const char *label, const char *value)
{
	sess_add_item(c->s, label, value);
}
