/*
 * repl: the rules of a replacement request's life, as data (pure: no I/O,
 * no allocation; store_repl.c and the actions ask it, the menus never
 * hard-code a status).
 *
 *   submitted -> awaiting_payment | under_review | cancelled | expired
 *   awaiting_payment -> under_review | cancelled | expired
 *   under_review -> approved | rejected | cancelled
 *   approved -> in_production | cancelled
 *   in_production -> ready_for_collection
 *   ready_for_collection -> collected | expired
 *
 * rejected, collected, cancelled and expired are terminal: a request in
 * one of them is closed, and a new request for the same document may be
 * made.  Every function here is NULL-safe (NULL is never valid).
 */
#ifndef IDLINE_REPL_H
#define IDLINE_REPL_H

/* 1 when the lifecycle allows moving from `from` to `to`, else 0. */
int	repl_transition_ok(const char *from, const char *to);
/* 1 when s is one of the ten statuses above. */
int	repl_status_valid(const char *s);
/* 1 when s is a valid status that is not terminal. */
int	repl_is_open(const char *s);
/* 1 for "lost", "stolen" or "damaged". */
int	repl_reason_valid(const char *s);
/* 1 for "national_id", "passport" or "birth_certificate". */
int	repl_kind_valid(const char *s);

#endif
