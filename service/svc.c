/*
 * svc: load and check everything a request needs (see svc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "conf.h"
#include "engine.h"
#include "i18n.h"
#include "menu.h"
#include "sess.h"
#include "sms.h"
#include "store.h"
#include "svc.h"
#include "valid.h"
#include "xmem.h"

int
svc_load(struct svc *svc, struct conf *conf, struct store *store,
    svc_report_fn report, void *arg)
{
	const struct engine_action *acts;
	struct menu_action_info *info = NULL;
	struct engine_opts eo;
	struct engine_budget b;
	char *path, err[512], msg[700];
	size_t nacts, i;
	int rc = -1, bad = 0, bad_patterns = 0;

	memset(svc, 0, sizeof(*svc));
	svc->conf = conf;
	svc->store = store;
	svc->pepper = store ? store_pepper(store, conf->pepper) : conf->pepper;
	/*
	 * Each stage that can still run does, so one --check run reports as
	 * many problems as possible; later stages skip the checks that need
	 * what failed (texts, patterns).
	 */
	path = xasprintf("%s/lang", conf->menus);
	svc->i18n = i18n_load(path, report, arg);
	free(path);
	if (svc->i18n == NULL)
		bad = 1;
	else if (!i18n_has_lang(svc->i18n, conf->default_lang)) {
		snprintf(msg, sizeof(msg), "%s:0: language.default '%s' has "
		    "no texts", conf->file ? conf->file : "(config)",
		    conf->default_lang);
		report(msg, arg);
		bad = 1;
	}
	for (i = 0; svc->i18n && i < conf->nprefixes; i++) {
		if (!i18n_has_lang(svc->i18n, conf->prefixes[i].lang)) {
			snprintf(msg, sizeof(msg), "%s:0: language.by_prefix "
			    "%s: unknown language '%s'", conf->file ?
			    conf->file : "(config)", conf->prefixes[i].prefix,
			    conf->prefixes[i].lang);
			report(msg, arg);
			bad = 1;
		}
	}
	svc->valid = valid_new();
	path = xasprintf("%s/patterns.yaml", conf->menus);
	if (menu_load_patterns(path, svc->valid, report, arg) == -1)
		bad_patterns = bad = 1;
	free(path);
	/* The deployment's reference rule overrides the menus' default. */
	if (valid_add(svc->valid, "reference", conf->ref_pattern, 0, err,
	    sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "%s:0: verify.reference_pattern: "
		    "%s", conf->file ? conf->file : "(config)", err);
		report(msg, arg);
		bad = 1;
	}
	acts = act_all(&nacts);
	info = xcalloc(nacts, sizeof(*info));
	for (i = 0; i < nacts; i++) {
		info[i].name = acts[i].name;
		info[i].outcomes = acts[i].outcomes;
		info[i].is_list = acts[i].is_list;
	}
	svc->menu = menu_load(conf->menus, info, nacts, bad_patterns ? NULL :
	    svc->valid, svc->i18n, report, arg);
	if (svc->menu == NULL || bad)
		goto done;
	memset(&eo, 0, sizeof(eo));
	eo.back_key = conf->key_back;
	eo.home_key = conf->key_home;
	eo.more_key = conf->key_more;
	eo.default_lang = conf->default_lang;
	eo.max_invalid = conf->max_invalid;
	svc->engine = engine_new(svc->menu, svc->i18n, svc->valid, acts,
	    nacts, &eo, svc);
	b.gsm = (size_t)conf->gw_at.budget_gsm;
	b.ucs = (size_t)conf->gw_at.budget_ucs;
	if (engine_check(svc->engine, &b, report, arg) > 0)
		goto done;
	b.gsm = (size_t)conf->gw_kannel.budget_gsm;
	b.ucs = (size_t)conf->gw_kannel.budget_ucs;
	if (engine_check(svc->engine, &b, report, arg) > 0)
		goto done;
	path = xasprintf("%s/sms.yaml", conf->menus);
	svc->sms = sms_load(path, svc, report, arg);
	free(path);
	if (svc->sms == NULL)
		goto done;
	svc->ussd_sessions = sess_table_new((size_t)conf->sess_max,
	    conf->sess_ttl, conf->resume_window);
	svc->sms_sessions = sess_table_new((size_t)conf->sess_max,
	    conf->sms_ttl, conf->resume_window);
	rc = 0;
done:
	free(info);
	return rc;
}

void
svc_free(struct svc *svc)
{
	sess_table_free(svc->ussd_sessions);
	sess_table_free(svc->sms_sessions);
	sms_free(svc->sms);
	engine_free(svc->engine);
	menu_free(svc->menu);
	valid_free(svc->valid);
	i18n_free(svc->i18n);
	memset(svc, 0, sizeof(*svc));
}
