/*
 * engine: one step of a conversation.
 *
 * state + input -> actions -> next state -> a screen in the user's
 * language, fitted to the channel's budget.  The engine knows nothing of
 * HTTP, gateways or SQL: actions are functions registered by the caller
 * (the act_* modules in the daemon, fakes in tests), so a test can drive the
 * engine with menus from fixtures, no socket and no database.
 *
 * Navigation on every screen below the start menu: back and home keys
 * (default "0" and "00"); long menus are paged with a "more" key ("98").
 * An invalid choice re-shows the screen with a one-line error; after
 * max_invalid in a row the session ends with a help line.
 */
#ifndef IDLINE_ENGINE_H
#define IDLINE_ENGINE_H

#include <stddef.h>

struct i18n;
struct menu;
struct sess;
struct sess_snap;
struct valid;
struct engine;
struct engine_ctx;

/* An action returns an outcome name from its declared list, or NULL when
 * something failed (the user gets a polite "try later" END). */
typedef const char *(*engine_action_fn)(struct engine_ctx *c);

struct engine_action {
	const char		*name;
	engine_action_fn	 fn;
	const char *const	*outcomes;	/* NULL-terminated; empty for
						   list actions */
	int			 is_list;	/* fills menu items */
};

struct engine_opts {
	const char	*back_key;	/* "0" */
	const char	*home_key;	/* "00" */
	const char	*more_key;	/* "98" */
	const char	*default_lang;	/* fallback language */
	int		 max_invalid;	/* 3 */
};

struct engine_budget {
	size_t	gsm;	/* septets */
	size_t	ucs;	/* UTF-16 units */
};

struct engine_screen {
	char	*text;	/* owned by the caller after a step */
	int	 end;	/* 1 = END (session over), 0 = CON */
};

/*
 * Creates an engine over loaded menus, texts and patterns (all borrowed:
 * they must outlive the engine).  app is handed to actions untouched.
 */
struct engine	*engine_new(const struct menu *m, const struct i18n *t,
		    const struct valid *v, const struct engine_action *acts,
		    size_t nacts, const struct engine_opts *o, void *app);
void		 engine_free(struct engine *e);

/*
 * Starts a conversation in s (s->state must be -1): shows the resume
 * question when snap is not NULL (ownership of snap moves to s), else the
 * start state.  notice_key, if not NULL, is a text shown on top (e.g. the
 * "session expired, starting again" line).
 */
int	engine_start(struct engine *e, struct sess *s, struct sess_snap *snap,
	    const char *notice_key, const struct engine_budget *b,
	    struct engine_screen *out);
/* Feeds one user input to s and renders the next screen. */
int	engine_input(struct engine *e, struct sess *s, const char *input,
	    const struct engine_budget *b, struct engine_screen *out);
/*
 * Jumps to a named entry state (SMS keywords) with the session's variables
 * as they are, runs actions, and renders.  -1 for an unknown state.
 */
int	engine_enter(struct engine *e, struct sess *s, const char *state,
	    const struct engine_budget *b, struct engine_screen *out);

/*
 * Checks that every static screen fits the budget in every language (menus
 * paged as at run time) and that the engine's own texts exist everywhere.
 * Reports "file:line: reason" lines; returns the number of problems.
 */
typedef void (*engine_report_fn)(const char *msg, void *arg);
int	engine_check(struct engine *e, const struct engine_budget *b,
	    engine_report_fn report, void *arg);

/* The engine's own text keys (checked by engine_check). */
extern const char *const engine_core_texts[];

/* --- for actions --- */
void		*engine_app(struct engine_ctx *c);
struct sess	*engine_sess(struct engine_ctx *c);
const char	*engine_arg(struct engine_ctx *c, size_t i);	/* or NULL */
const char	*engine_var(struct engine_ctx *c, const char *name);
void		 engine_set(struct engine_ctx *c, const char *name,
		    const char *val);
void		 engine_unset(struct engine_ctx *c, const char *name);
/* Translates key in the session's language. */
const char	*engine_tr(struct engine_ctx *c, const char *key);
const char	*engine_lang(struct engine_ctx *c);
/* Switches the session's language (must be a loaded language). */
int		 engine_set_lang(struct engine_ctx *c, const char *lang);
/* List actions: add one item (label shown as is, value saved). */
void		 engine_item(struct engine_ctx *c, const char *label,
		    const char *value);

#endif
