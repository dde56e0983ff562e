/*
 * menu: the flow tables loaded from the menus directory.
 *
 * Flows are data.  Each file holds a "states:" map (one flat namespace over
 * all files); one file says "start: <state>".  A state is one of
 *   menu    prompt + numbered options (static "options:" or produced by a
 *           list action "list:"; the chosen item's value is saved in
 *           "save:")
 *   input   prompt + named pattern; the input is saved in "save:"
 *   action  calls a built-in action; "next:" maps each outcome to a state
 *   end     a final text
 * Everything is resolved and checked at load: unknown or unreachable
 * states, unknown actions, unmapped outcomes, unknown patterns, missing
 * texts in any language.  Errors name file:line.  A loaded menu is
 * read-only and shared by all threads.
 */
#ifndef IDLINE_MENU_H
#define IDLINE_MENU_H

#include <stddef.h>

struct i18n;
struct valid;

enum menu_kind { MENU_MENU, MENU_INPUT, MENU_ACTION, MENU_END };

struct menu_opt {
	char	*label;		/* text key, or NULL when raw is set */
	char	*raw;		/* literal label (language names) */
	char	*set_var;	/* optional: variable set when chosen */
	char	*set_val;
	char	*next;
	int	 next_idx;
	int	 line;
};

struct menu_out {
	char	*outcome;
	char	*next;
	int	 next_idx;
};

struct menu_state {
	char		*name;
	char		*file;
	int		 line;
	enum menu_kind	 kind;
	char		*prompt;	/* text key (menu, input, end) */
	struct menu_opt	*opts;		/* menu: static options */
	size_t		 nopts;
	char		*list;		/* menu: list action name */
	char		*save;		/* input / list menu: variable */
	char		*pattern;	/* input: pattern name */
	char		*error;		/* input: text key shown when the input
					   does not match (err.invalid if none) */
	int		 secret;	/* input: never logged; its value is
					   never kept in a resume record */
	char		*action;	/* action: name */
	char		**args;		/* action: arguments */
	size_t		 nargs;
	struct menu_out	*outs;		/* action: outcome -> state */
	size_t		 nouts;
	char		*next;		/* input / list menu: next state */
	int		 next_idx;
	char		*empty;		/* list menu: state when no items */
	int		 empty_idx;
	int		 nav;		/* show back/home (default 1) */
	int		 entry;		/* reachable from outside (SMS) */
	int		 resumable;	/* may be offered on redial (default 1) */
};

/* What menu_load needs to know about the built-in actions. */
struct menu_action_info {
	const char		*name;
	const char *const	*outcomes;	/* NULL-terminated */
	int			 is_list;	/* produces menu items */
};

struct menu {
	struct menu_state	*states;
	size_t			 n;
	int			 start;
};

typedef void (*menu_report_fn)(const char *msg, void *arg);

/*
 * Loads every .yaml file directly in dir except patterns.yaml and sms.yaml and
 * checks it against the actions, the patterns and the languages.  Every
 * error is passed to report(); returns NULL if there was any.  Caller frees
 * with menu_free().
 */
struct menu	*menu_load(const char *dir,
		    const struct menu_action_info *actions, size_t nactions,
		    const struct valid *valid, const struct i18n *i18n,
		    menu_report_fn report, void *arg);
void		 menu_free(struct menu *m);
/* Index of a state by name, -1 if none. */
int		 menu_find(const struct menu *m, const char *name);

/*
 * Loads menus/patterns.yaml ("patterns: {name: regex}") into valid.
 * Returns 0, or -1 after reporting every bad pattern with file:line.
 */
int		 menu_load_patterns(const char *path, struct valid *valid,
		    menu_report_fn report, void *arg);

#endif
