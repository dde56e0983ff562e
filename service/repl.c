/*
 * repl: the replacement-request lifecycle (see repl.h).
 *
 * The allowed moves are one table of (from, to) pairs, so the rules read
 * the same here as in repl.h and in the tests; anything not in the table
 * is refused, including a move to the same status.
 */
#include <stddef.h>
#include <string.h>

#include "repl.h"

struct repl_move {
	const char	*from;
	const char	*to;
};

static int	repl_in(const char *, const char *const *);

static const struct repl_move repl_moves[] = {
	{ "submitted",		"awaiting_payment" },
	{ "submitted",		"under_review" },
	{ "submitted",		"cancelled" },
	{ "submitted",		"expired" },
	{ "awaiting_payment",	"under_review" },
	{ "awaiting_payment",	"cancelled" },
	{ "awaiting_payment",	"expired" },
	{ "under_review",	"approved" },
	{ "under_review",	"rejected" },
	{ "under_review",	"cancelled" },
	{ "approved",		"in_production" },
	{ "approved",		"cancelled" },
	{ "in_production",	"ready_for_collection" },
	{ "ready_for_collection", "collected" },
	{ "ready_for_collection", "expired" },
};

static const char *const repl_open[] = {
	"submitted", "awaiting_payment", "under_review", "approved",
	"in_production", "ready_for_collection", NULL
};

static const char *const repl_closed[] = {
	"rejected", "collected", "cancelled", "expired", NULL
};

static const char *const repl_reasons[] = {
	"lost", "stolen", "damaged", NULL
};

static const char *const repl_kinds[] = {
	"national_id", "passport", "birth_certificate", NULL
};

/* 1 when s equals one of the NULL-terminated list's strings. */
static int
repl_in(const char *s, const char *const *list)
{
	if (s == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int
repl_transition_ok(const char *from, const char *to)
{
	size_t i;

	if (from == NULL || to == NULL)
		return 0;
	for (i = 0; i < sizeof(repl_moves) / sizeof(repl_moves[0]); i++)
		if (strcmp(repl_moves[i].from, from) == 0 &&
		    strcmp(repl_moves[i].to, to) == 0)
			return 1;
	return 0;
}

int
repl_status_valid(const char *s)
{
	return repl_in(s, repl_open) || repl_in(s, repl_closed);
}

int
repl_is_open(const char *s)
{
	return repl_in(s, repl_open);
}

int
repl_reason_valid(const char *s)
{
	return repl_in(s, repl_reasons);
}

int
repl_kind_valid(const char *s)
{
	return repl_in(s, repl_kinds);
}
