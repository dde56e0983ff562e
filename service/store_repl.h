/*
 * store_repl: replacement requests for lost, stolen or damaged documents
 * (part of the store module; implemented in store_repl.c).
 *
 * Lifecycle (repl.h decides which moves are allowed):
 *   submitted -> awaiting_payment -> under_review -> approved | rejected
 *   approved -> in_production -> ready_for_collection -> collected
 *   and cancelled / expired from the open states.
 * One open request per (reference, kind) is enforced by a partial unique
 * index; the ticket is digits with a Verhoeff check digit.
 */
#ifndef IDLINE_STORE_REPL_H
#define IDLINE_STORE_REPL_H

#include "store.h"

struct store_outbox_msg;

struct store_repl {
	char		ticket[16];
	char		reference[32];	/* the document's application */
	char		kind[20];	/* national_id | passport | ... */
	char		reason[10];	/* lost | stolen | damaged */
	char		police_ref[33];	/* "" when none */
	char		office[17];	/* collection office code */
	char		office_short[65];	/* joined, for screens */
	char		status[24];
	int		prior_count;	/* earlier requests for the reference */
	char		msisdn[17];
	char		lang[8];
	long long	created, updated;
};

/* Looks a request up by ticket: 0, STORE_NOTFOUND or -1. */
int	store_repl_get(struct store *st, const char *ticket,
	    struct store_repl *out);
/* The open request for (reference, kind): 0, STORE_NOTFOUND or -1. */
int	store_repl_open_for(struct store *st, const char *reference,
	    const char *kind, struct store_repl *out);
/*
 * Creates a request in one transaction with its audit row and, when msg is
 * not NULL, the confirmation SMS.  r->ticket must be set by the caller
 * (ckdig_make); r->prior_count is computed here.  Returns 0,
 * STORE_EXISTS (an open request exists: *existing filled when not NULL),
 * or -1.  A ticket collision (astronomically rare) returns -1.
 */
int	store_repl_create(struct store *st, struct store_repl *r,
	    const struct store_audit *audit,
	    const struct store_outbox_msg *msg, struct store_repl *existing);
/*
 * Moves a request to status `to` if repl_transition_ok() allows it, with a
 * history row; msg (may be NULL) is queued in the same transaction.
 * Returns 0, STORE_NOTFOUND, STORE_REFUSED or -1.
 */
int	store_repl_set_status(struct store *st, const char *ticket,
	    const char *to, const char *source,
	    const struct store_outbox_msg *msg);

#endif
