/*
 * act_replace: the replacement-request journey (lost, stolen or damaged
 * national ID card, passport or birth certificate).
 *
 * The menus (menus/replace.yaml) collect the document kind, the reason and,
 * when the deployment asks for one, the police report number; then the
 * shared "verify" action proves the caller may act on the reference.  The
 * actions here take over from there:
 *   repl_police_need  does this kind and reason need a police report?
 *   repl_check        the verified application must be of the kind asked
 *                     (else the verification no-match END, so a caller
 *                     learns nothing new) and have no open request;
 *   repl_offices      collection offices, the application's office first;
 *   repl_summary      the variables of the confirm screen;
 *   repl_submit       creates the request with its ticket, audit row and
 *                     confirmation SMS in one store transaction.
 * Every action re-checks what it relies on (verification, kind, office)
 * rather than trusting that the menus ran the states in order.  Refusals
 * are audited here; the store audits the creation itself.
 *
 * The ticket (8 digits, Verhoeff check digit) is shown in full on the
 * final screen and in the SMS: it is the caller's handle for the status
 * journey, and it is no secret, because looking it up still needs the
 * application's registered phone or date of birth.  The reference is
 * always masked and the date of birth never leaves the verify action.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "ckdig.h"
#include "conf.h"
#include "log.h"
#include "notify.h"
#include "pii.h"
#include "repl.h"
#include "store.h"
#include "store_book.h"
#include "store_outbox.h"
#include "store_repl.h"
#include "svc.h"

#define REPL_TICKET_DIGITS	8
#define REPL_TICKET_TRIES	5

static const char *act_repl_police_need(struct engine_ctx *);
static const char *act_repl_check(struct engine_ctx *);
static const char *act_repl_offices(struct engine_ctx *);
static const char *act_repl_summary(struct engine_ctx *);
static const char *act_repl_submit(struct engine_ctx *);
static int	   act_repl_needs_police(struct engine_ctx *, const char *,
		    const char *);
static int	   act_repl_app(struct engine_ctx *, struct store_app *);
static int	   act_repl_ticket(struct svc *, char *, size_t);
static void	   act_repl_exists(struct engine_ctx *,
		    const struct store_repl *);

static const char *const act_repl_police_out[] = { "yes", "no", NULL };
static const char *const act_repl_check_out[] = { "ok", "nomatch", "exists",
	NULL };
static const char *const act_repl_list_out[] = { NULL };
static const char *const act_repl_summary_out[] = { "ok", "nomatch", NULL };
static const char *const act_repl_submit_out[] = { "ok", "nomatch", "exists",
	NULL };

const struct engine_action act_replace_actions[] = {
	{ "repl_police_need", act_repl_police_need, act_repl_police_out, 0 },
	{ "repl_check", act_repl_check, act_repl_check_out, 0 },
	{ "repl_offices", act_repl_offices, act_repl_list_out, 1 },
	{ "repl_summary", act_repl_summary, act_repl_summary_out, 0 },
	{ "repl_submit", act_repl_submit, act_repl_submit_out, 0 },
};
const size_t act_replace_count =
    sizeof(act_replace_actions) / sizeof(act_replace_actions[0]);

/*
 * 1 when a request for kind with reason needs a police report number in
 * this deployment (lost or stolen, and kind listed in the config).
 */
static int
act_repl_needs_police(struct engine_ctx *c, const char *kind,
    const char *reason)
{
	const struct conf *cf = act_svc(c)->conf;
	size_t i;

	if (strcmp(reason, "lost") != 0 && strcmp(reason, "stolen") != 0)
		return 0;
	for (i = 0; i < cf->nrepl_police_kinds; i++)
		if (strcmp(cf->repl_police_kinds[i], kind) == 0)
			return 1;
	return 0;
}

/*
 * Outcome "yes" when the police report number must be asked for the kind
 * and reason in the session, else "no" (and any number typed on an earlier
 * path through the menus is forgotten).
 */
static const char *
act_repl_police_need(struct engine_ctx *c)
{
	const char *kind = engine_var(c, "kind");
	const char *reason = engine_var(c, "reason");

	if (!repl_kind_valid(kind) || !repl_reason_valid(reason))
		return NULL;
	if (act_repl_needs_police(c, kind, reason))
		return "yes";
	engine_unset(c, "police");
	return "no";
}

/*
 * Reads the verified application (var "app_ref") into *app when the
 * session is verified and the application is of the kind asked.  Returns
 * 0, STORE_NOTFOUND (not verified, no such application, other kind) or -1.
 */
static int
act_repl_app(struct engine_ctx *c, struct store_app *app)
{
	struct svc *svc = act_svc(c);
	const char *aref = engine_var(c, "app_ref");
	const char *kind = engine_var(c, "kind");
	int rc;

	if (!act_verified(c) || aref == NULL || !repl_kind_valid(kind))
		return STORE_NOTFOUND;
	if ((rc = store_app_get(svc->store, aref, app)) != 0)
		return rc;
	return strcmp(app->kind, kind) == 0 ? 0 : STORE_NOTFOUND;
}

/* Sets "ticket4" to the masked ticket of the open request r. */
static void
act_repl_exists(struct engine_ctx *c, const struct store_repl *r)
{
	char m[16];

	engine_set(c, "ticket4", act_mask(r->ticket, m, sizeof(m)));
}

/*
 * After verification: "nomatch" when the application is of another kind
 * than the document asked for (the same END as a failed verification, and
 * no failure is counted: the caller did prove the reference), "exists"
 * when an open request for the same document is on file (its masked
 * ticket in "ticket4"), else "ok".
 */
static const char *
act_repl_check(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	struct store_repl r;
	const char *ref = engine_var(c, "ref");
	int rc;

	if ((rc = act_repl_app(c, &app)) == -1)
		return NULL;
	if (rc != 0) {
		act_audit(c, "repl_request", ref, act_verified(c) ?
		    "kind_mismatch" : "not_verified");
		return "nomatch";
	}
	rc = store_repl_open_for(svc->store, app.reference, app.kind, &r);
	if (rc == -1)
		return NULL;
	if (rc == 0) {
		act_repl_exists(c, &r);
		act_audit(c, "repl_request", app.reference, "open_exists");
		return "exists";
	}
	return "ok";
}

/*
 * Lists the collection offices (label: short name, value: code), the
 * application's own office first.  No items when the session is not
 * verified: the menu's empty state answers.
 */
static const char *
act_repl_offices(struct engine_ctx *c)
{
	struct store_app app;
	int rc;

	if ((rc = act_repl_app(c, &app)) == -1)
		return NULL;
	if (rc != 0)
		return "ok";
	return act_office_items(c, app.office) == -1 ? NULL : "ok";
}

/*
 * Fills the confirm screen's variables: kind_label, reason_label and
 * office (the chosen office's short name).  "nomatch" when the session is
 * no longer fit to ask (not verified, other kind, unknown office).
 */
static const char *
act_repl_summary(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	struct store_office off;
	const char *code = engine_var(c, "office_code");
	const char *reason = engine_var(c, "reason");
	char key[48];
	int rc;

	if ((rc = act_repl_app(c, &app)) == -1)
		return NULL;
	if (rc != 0 || code == NULL || !repl_reason_valid(reason))
		return "nomatch";
	if ((rc = store_office_get(svc->store, code, &off)) == -1)
		return NULL;
	if (rc != 0)
		return "nomatch";
	snprintf(key, sizeof(key), "repl.kind.%s", app.kind);
	act_set_tr(c, "kind_label", key);
	snprintf(key, sizeof(key), "repl.reason.%s", reason);
	act_set_tr(c, "reason_label", key);
	engine_set(c, "office", off.short_name[0] ? off.short_name :
	    off.name);
	return "ok";
}

/*
 * Writes a fresh ticket that is not in use yet into buf.  Returns 0, or
 * -1 (database error, or REPL_TICKET_TRIES collisions in a row).
 */
static int
act_repl_ticket(struct svc *svc, char *buf, size_t n)
{
	struct store_repl r;
	int i, rc;

	if (n < REPL_TICKET_DIGITS + 1)
		return -1;
	for (i = 0; i < REPL_TICKET_TRIES; i++) {
		if (ckdig_make(pii_random64(), REPL_TICKET_DIGITS, buf) == -1)
			return -1;
		if ((rc = store_repl_get(svc->store, buf, &r)) == -1)
			return -1;
		if (rc == STORE_NOTFOUND)
			return 0;
	}
	log_err("repl_ticket_exhausted", "tries=%d", REPL_TICKET_TRIES);
	return -1;
}

/*
 * Creates the request from the session (kind, reason, police, office_code,
 * app_ref) with the confirmation SMS to the caller in the caller's
 * language, all in one transaction.  "ok" sets ticket and office; "exists"
 * sets ticket4 (an open request appeared meanwhile); "nomatch" when the
 * session is no longer fit to ask.
 */
static const char *
act_repl_submit(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	struct store_office off;
	struct store_repl r, cur;
	struct store_audit a;
	struct store_outbox_msg msg;
	const char *code = engine_var(c, "office_code");
	const char *reason = engine_var(c, "reason");
	const char *police = engine_var(c, "police");
	const char *ref = engine_var(c, "ref");
	const char *kv[9], *lang = engine_lang(c), *out = NULL;
	char ref4[16], dedupe[32], *text = NULL;
	int rc;

	if ((rc = act_repl_app(c, &app)) == -1)
		return NULL;
	if (rc != 0 || code == NULL || !repl_reason_valid(reason)) {
		act_audit(c, "repl_request", ref, "not_verified");
		return "nomatch";
	}
	if ((rc = store_office_get(svc->store, code, &off)) != 0)
		return rc == -1 ? NULL : "nomatch";

	memset(&r, 0, sizeof(r));
	if (act_repl_ticket(svc, r.ticket, sizeof(r.ticket)) == -1)
		return NULL;
	snprintf(r.reference, sizeof(r.reference), "%s", app.reference);
	snprintf(r.kind, sizeof(r.kind), "%s", app.kind);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	if (police && act_repl_needs_police(c, app.kind, reason))
		snprintf(r.police_ref, sizeof(r.police_ref), "%s", police);
	snprintf(r.office, sizeof(r.office), "%s", off.code);
	snprintf(r.msisdn, sizeof(r.msisdn), "%s", act_msisdn(c));
	snprintf(r.lang, sizeof(r.lang), "%s", lang);

	memset(&a, 0, sizeof(a));
	a.channel = act_channel(c);
	a.msisdn = act_msisdn(c);
	a.action = "repl_request";
	a.object = app.reference;
	a.outcome = "submitted";

	act_mask(app.reference, ref4, sizeof(ref4));
	kv[0] = "ticket";
	kv[1] = r.ticket;
	kv[2] = "ref4";
	kv[3] = ref4;
	kv[4] = "office";
	kv[5] = off.short_name[0] ? off.short_name : off.name;
	kv[6] = NULL;
	memset(&msg, 0, sizeof(msg));
	if (*act_msisdn(c)) {
		text = notify_render(svc, lang, "repl.sms.submitted", kv);
		snprintf(dedupe, sizeof(dedupe), "repl:%s", r.ticket);
		msg.msisdn = act_msisdn(c);
		msg.text = text;
		msg.lang = lang;
		msg.kind = "replacement";
		msg.dedupe = dedupe;
	}

	rc = store_repl_create(svc->store, &r, &a, text ? &msg : NULL, &cur);
	if (rc == STORE_EXISTS) {
		act_repl_exists(c, &cur);
		act_audit(c, "repl_request", app.reference, "open_exists");
		out = "exists";
	} else if (rc == 0) {
		engine_set(c, "ticket", r.ticket);
		engine_set(c, "office", r.office_short[0] ? r.office_short :
		    kv[5]);
		engine_set(c, "ref4", ref4);
		engine_unset(c, "police");
		out = "ok";
	}
	free(text);
	return out;
}
