/*
 * ussd: one USSD hop from any gateway, channel-neutral.
 *
 * Finds or creates the session, works out the newest input (by diffing a
 * history-style gateway's text, or as given by a last-input gateway),
 * answers resends with the screen already sent, offers resume on a redial,
 * and asks the engine for the next screen.
 */
#ifndef IDLINE_USSD_H
#define IDLINE_USSD_H

#include <stddef.h>

#include "engine.h"

struct svc;
struct sess_table;

struct ussd_turn {
	const char	*gateway;	/* "at", "kannel" ... (session key) */
	const char	*session_id;
	const char	*msisdn;	/* E.164 */
	const char	*text;		/* history (history != 0) or input */
	int		 history;	/* text is all inputs joined by '*' */
	int		 is_new;	/* last-input gateways: session start */
	const char	*channel;	/* "ussd" or "sms" */
	struct engine_budget budget;
};

enum ussd_result { USSD_NEW, USSD_NEXT, USSD_DUP, USSD_BUSY, USSD_ERROR };

/*
 * Runs one hop against table.  out->text is newly allocated (caller
 * frees).  Returns what happened (for metrics); out is always set.
 */
enum ussd_result ussd_turn(struct svc *svc, struct sess_table *table,
		    const struct ussd_turn *t, struct engine_screen *out);

#endif
