/*
 * act_status: language choice, verification and the status answer.
 *
 * Verification is shared by every journey that touches an application:
 *   1. a locked phone or reference gets "locked", whatever it typed;
 *   2. the phone registered on the application is enough (the gateway's
 *      phoneNumber is trusted because gateway endpoints only accept
 *      allowlisted sources);
 *   3. otherwise the date of birth must match.  An unknown reference walks
 *      the same path and fails the same way, so nobody can learn which
 *      references exist.  Every failure counts towards the lockout of the
 *      phone and of the reference.
 * The date of birth is a secret variable: it is unset as soon as it was
 * checked, never logged, never resumed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act.h"
#include "date.h"
#include "log.h"
#include "pii.h"
#include "sess.h"
#include "store.h"
#include "store_repl.h"
#include "svc.h"

static const char *act_set_language(struct engine_ctx *);
static const char *act_verify(struct engine_ctx *);
static const char *act_status_show(struct engine_ctx *);
static void	   act_status_keys(struct engine_ctx *, char *, char *);
static int	   act_lookup(struct svc *, const char *, struct store_app *);

static const char *const act_lang_out[] = { "ok", "unknown", NULL };
static const char *const act_verify_out[] = { "ok", "need_dob", "nomatch",
	"locked", NULL };
static const char *const act_show_out[] = { "ok", "nomatch", NULL };

const struct engine_action act_status_actions[] = {
	{ "set_language", act_set_language, act_lang_out, 0 },
	{ "verify", act_verify, act_verify_out, 0 },
	{ "status_show", act_status_show, act_show_out, 0 },
};
const size_t act_status_count =
    sizeof(act_status_actions) / sizeof(act_status_actions[0]);

/* Saves the language chosen in variable "lang" for this phone. */
static const char *
act_set_language(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	const char *lang = engine_var(c, "lang");
	char low[8];
	size_t i;

	if (lang == NULL)
		return "unknown";
	for (i = 0; lang[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ?
		    lang[i] - 'A' + 'a' : lang[i]);
	low[i] = '\0';
	if (lang[i] != '\0' || engine_set_lang(c, low) == -1) {
		engine_unset(c, "lang");
		return "unknown";
	}
	lang = low;
	engine_unset(c, "lang");
	if (svc->store && *act_msisdn(c) &&
	    store_lang_set(svc->store, act_msisdn(c), lang) == -1)
		return NULL;
	act_audit(c, "set_language", NULL, lang);
	return "ok";
}

/* The lockout keys of the caller and of the reference. */
static void
act_status_keys(struct engine_ctx *c, char *phone_key, char *ref_key)
{
	struct svc *svc = act_svc(c);
	const char *ref = engine_var(c, "ref");

	pii_hash(svc->pepper, "phone", act_msisdn(c), phone_key);
	pii_hash(svc->pepper, "ref", ref ? ref : "", ref_key);
}

/*
 * Looks "ref" up as an application, else as a replacement ticket (whose
 * application then stands in).  Returns 0 found, STORE_NOTFOUND, -1.
 */
static int
act_lookup(struct svc *svc, const char *ref, struct store_app *app)
{
	struct store_repl r;
	int rc;

	rc = store_app_get(svc->store, ref, app);
	if (rc != STORE_NOTFOUND)
		return rc;
	rc = store_repl_get(svc->store, ref, &r);
	if (rc != 0)
		return rc;
	return store_app_get(svc->store, r.reference, app);
}


static const char *
act_verify(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	const char *ref = engine_var(c, "ref"), *dob = engine_var(c, "dob");
	char pk[PII_HEX], rk[PII_HEX], h[PII_HEX];
	long long now = (long long)time(NULL);
	int locked, found, day, ok = 0;
	char m[16];

	if (ref == NULL)
		return NULL;
	engine_set(c, "ref4", act_mask(ref, m, sizeof(m)));
	act_status_keys(c, pk, rk);
	if (store_locked(svc->store, pk, rk, now, &locked) == -1)
		return NULL;
	if (locked) {
		engine_unset(c, "dob");
		act_audit(c, "verify", ref, "locked");
		return "locked";
	}
	if ((found = act_lookup(svc, ref, &app)) == -1)
		return NULL;
	found = found == 0;
	if (dob == NULL) {
		if (found && app.msisdn[0] && *act_msisdn(c) &&
		    strcmp(app.msisdn, act_msisdn(c)) == 0) {
			engine_set(c, "verified", ref);
			engine_set(c, "app_ref", app.reference);
			act_audit(c, "verify", ref, "registered_phone");
			return "ok";
		}
		return "need_dob";
	}
	if (found && date_parse_dmy8(dob, &day) == 0) {
		pii_dob_hash(svc->pepper, app.reference, day, h);
		ok = pii_equal(h, app.dob_hash);
	}
	engine_unset(c, "dob");
	if (ok) {
		engine_set(c, "verified", ref);
		engine_set(c, "app_ref", app.reference);
		act_audit(c, "verify", ref, "dob_match");
		return "ok";
	}
	if (act_fail(c, pk, rk) == -1)
		return NULL;
	act_audit(c, "verify", ref, "nomatch");
	return "nomatch";
}

/* Fills ref4, status_word, office and next_step for the verified ref. */
static const char *
act_status_show(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	struct store_repl r;
	const char *ref = engine_var(c, "ref"), *aref;
	char key[64], m[16];
	int rc;

	if (!act_verified(c) || ref == NULL)
		return "nomatch";
	engine_set(c, "ref4", act_mask(ref, m, sizeof(m)));
	/* A ticket answers with the replacement request's own status. */
	if ((rc = store_repl_get(svc->store, ref, &r)) == 0) {
		snprintf(key, sizeof(key), "repl.status.%s", r.status);
		act_set_tr(c, "status_word", key);
		snprintf(key, sizeof(key), "repl.next.%s", r.status);
		act_set_tr(c, "next_step", key);
		engine_set(c, "office", r.office_short[0] ? r.office_short :
		    r.office);
		act_audit(c, "status_lookup", ref, "shown_ticket");
		return "ok";
	}
	if (rc == -1)
		return NULL;
	aref = engine_var(c, "app_ref");
	if ((rc = store_app_get(svc->store, aref ? aref : ref, &app)) != 0)
		return rc == -1 ? NULL : "nomatch";
	snprintf(key, sizeof(key), "status.word.%s", app.status);
	act_set_tr(c, "status_word", key);
	snprintf(key, sizeof(key), "status.next.%s", app.status);
	act_set_tr(c, "next_step", key);
	if (app.office_short[0])
		engine_set(c, "office", app.office_short);
	else
		act_set_tr(c, "office", "status.no_office");
	act_audit(c, "status_lookup", ref, "shown");
	return "ok";
}
