/*
 * sess: live conversations in memory.
 *
 * A session is where one phone is in the menus: state, back stack, page,
 * variables, the list items last shown and the reply last sent (so a
 * gateway's resend gets the same screen and changes nothing).  Sessions
 * live in a bounded hash table with an idle TTL; they are not durable
 * records.  Resume records (keyed by phone) keep an abandoned journey for a
 * few minutes so a redial can continue it.
 *
 * Locking: the table has one mutex for its structure; each session has its
 * own mutex, held between sess_get() and sess_put(), so two hops of one
 * session never run at once while different sessions run in parallel.
 */
#ifndef IDLINE_SESS_H
#define IDLINE_SESS_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#define SESS_STACK	32

struct sess_var {
	char	*name;
	char	*val;
	int	 secret;	/* never copied into a resume record */
};

struct sess_item {
	char	*label;		/* rendered label */
	char	*value;		/* saved into the menu's variable */
};

/* The resumable part of a session (also the resume record). */
struct sess_snap {
	int		 state;
	size_t		 depth;
	int		 stack[SESS_STACK];
	struct sess_var	*vars;
	size_t		 nvars;
	char		 lang[8];
	time_t		 saved;
};

struct sess {
	char		*key;		/* "<gateway>:<session id>" */
	char		 msisdn[20];
	char		 lang[8];
	char		 channel[8];	/* "ussd" or "sms" */
	char		*history;	/* gateway history seen (AT text) */
	int		 state;		/* menu state shown, -1 = new */
	int		 page;
	size_t		 depth;
	int		 stack[SESS_STACK];
	int		 invalid;	/* consecutive invalid inputs */
	struct sess_var	*vars;
	size_t		 nvars;
	struct sess_item *items;
	size_t		 nitems;
	struct sess_snap *resume;	/* offered "continue?" snapshot */
	char		*last_screen;	/* reply last sent */
	int		 last_end;
	int		 ended;		/* END sent; kept to answer resends */
	int		 restarted;	/* hop arrived for an unknown session */
	time_t		 touched;
	/* table bookkeeping */
	pthread_mutex_t	 lock;
	int		 refs;
	struct sess	*next;
};

struct sess_table;

struct sess_table *sess_table_new(size_t max, int ttl_sec, int resume_sec);
void		 sess_table_free(struct sess_table *t);

/*
 * Finds the session for key, creating it when create != 0 (*created = 1).
 * Returns it locked, or NULL when absent (create == 0) or when the table is
 * full of live sessions.  Every returned session must go back through
 * sess_put().
 */
struct sess	*sess_get(struct sess_table *t, const char *key, int create,
		    int *created);
/* Unlocks s.  Ended sessions stay until their TTL so a gateway's resend
 * of the last hop gets the same END again. */
void		 sess_put(struct sess_table *t, struct sess *s);
/* Drops sessions idle longer than the TTL; returns how many. */
size_t		 sess_expire(struct sess_table *t, time_t now);
size_t		 sess_count(struct sess_table *t);

/* Variables: get returns NULL when unset; set copies both strings. */
const char	*sess_var(const struct sess *s, const char *name);
void		 sess_set(struct sess *s, const char *name, const char *val,
		    int secret);
void		 sess_unset(struct sess *s, const char *name);
void		 sess_clear_vars(struct sess *s);
void		 sess_clear_items(struct sess *s);
void		 sess_add_item(struct sess *s, const char *label,
		    const char *value);

/*
 * Resume records.  save copies the resumable part of s (without secret
 * variables) under its msisdn; take removes and returns the record if it
 * is younger than the resume window (caller frees with sess_snap_free);
 * drop removes it.
 */
void		 sess_resume_save(struct sess_table *t, const struct sess *s);
struct sess_snap *sess_resume_take(struct sess_table *t, const char *msisdn,
		    time_t now);
void		 sess_resume_drop(struct sess_table *t, const char *msisdn);
void		 sess_snap_free(struct sess_snap *snap);
/* Copies a snapshot's state, stack, variables and language into s. */
void		 sess_restore(struct sess *s, const struct sess_snap *snap);

enum sess_diff {
	SESS_DIFF_SAME,		/* text == seen: a resend */
	SESS_DIFF_NEXT,		/* text == seen + "*" + newest */
	SESS_DIFF_STALE,	/* text is an earlier hop of seen */
	SESS_DIFF_OTHER		/* unrelated: newest = last segment */
};

/*
 * Compares a history-style gateway's text (all inputs joined by '*') with
 * the history already seen and finds the newest input.  *newest is a newly
 * allocated string (caller frees) for NEXT and OTHER, NULL otherwise.
 */
enum sess_diff	 sess_diff_history(const char *seen, const char *text,
		    char **newest);

#endif
