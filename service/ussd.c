/*
 * ussd: session handling around the engine for one hop (see ussd.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "i18n.h"
#include "log.h"
#include "menu.h"
#include "sess.h"
#include "store.h"
#include "svc.h"
#include "ussd.h"
#include "xmem.h"

static void	ussd_init_sess(struct svc *, struct sess *,
		    const struct ussd_turn *);
static void	ussd_remember(struct svc *, struct sess_table *, struct sess *,
		    const struct engine_screen *);
static void	ussd_reset(struct sess *);
static int	ussd_inputs(struct svc *, struct sess *, char *,
		    const struct engine_budget *, struct engine_screen *);

/* A new session: phone, channel and the phone's language. */
static void
ussd_init_sess(struct svc *svc, struct sess *s, const struct ussd_turn *t)
{
	char lang[8] = "";

	snprintf(s->msisdn, sizeof(s->msisdn), "%s", t->msisdn);
	snprintf(s->channel, sizeof(s->channel), "%s",
	    t->channel ? t->channel : "ussd");
	if (svc->store == NULL || store_lang_get(svc->store, t->msisdn, lang,
	    sizeof(lang)) != 0 || !i18n_has_lang(svc->i18n, lang))
		snprintf(lang, sizeof(lang), "%s",
		    conf_lang_for(svc->conf, t->msisdn));
	snprintf(s->lang, sizeof(s->lang), "%s", lang);
	free(s->history);
	s->history = xstrdup("");
}

/* Clears an ended session so it can start again under the same id. */
static void
ussd_reset(struct sess *s)
{
	sess_clear_vars(s);
	sess_clear_items(s);
	s->state = -1;
	s->ended = 0;
	s->depth = 0;
	s->page = 0;
	s->invalid = 0;
}

/* Caches the reply for resends and keeps the resume record current. */
static void
ussd_remember(struct svc *svc, struct sess_table *table, struct sess *s,
    const struct engine_screen *out)
{
	const struct menu_state *st;

	free(s->last_screen);
	s->last_screen = xstrdup(out->text);
	s->last_end = out->end;
	if (out->end) {
		sess_resume_drop(table, s->msisdn);
		return;
	}
	if (s->resume != NULL || s->state < 0)
		return;
	st = &svc->menu->states[s->state];
	if (s->state == svc->menu->start)
		/* Back at the main menu: nothing left to continue. */
		sess_resume_drop(table, s->msisdn);
	else if (st->resumable)
		sess_resume_save(table, s);
}

/*
 * Feeds the new part of a history-style text to the engine.  A gateway
 * may carry several inputs in one hop ("1*100000000002"): each goes in
 * turn, and only the last screen is answered.  (A '*' the user typed
 * cannot be told apart from the separator in this format.)
 */
static int
ussd_inputs(struct svc *svc, struct sess *s, char *newest,
    const struct engine_budget *b, struct engine_screen *out)
{
	char *p = newest, *star;
	int rc, invalid;

	for (;;) {
		if ((star = strchr(p, '*')) != NULL)
			*star = '\0';
		invalid = s->invalid;
		rc = engine_input(svc->engine, s, p, b, out);
		/* Stop at the end, or at the first input refused: the user
		 * sees the screen that asks again. */
		if (star == NULL || rc == -1 || out->end ||
		    s->invalid > invalid)
			return rc;
		free(out->text);
		out->text = NULL;
		p = star + 1;
	}
}

enum ussd_result
ussd_turn(struct svc *svc, struct sess_table *table, const struct ussd_turn *t,
    struct engine_screen *out)
{
	struct sess *s;
	char key[200], *newest = NULL;
	enum sess_diff d;
	enum ussd_result r = USSD_NEXT;
	int created, rc = 0;
	const char *notice = NULL;

	out->text = NULL;
	out->end = 0;
	snprintf(key, sizeof(key), "%s:%s", t->gateway, t->session_id);
	if ((s = sess_get(table, key, 1, &created)) == NULL) {
		out->text = xstrdup(i18n_get(svc->i18n,
		    conf_lang_for(svc->conf, t->msisdn),
		    svc->conf->default_lang, "err.busy"));
		out->end = 1;
		return USSD_BUSY;
	}
	if (!created && strcmp(s->msisdn, t->msisdn) != 0) {
		/* Same session id from another phone: never mix them. */
		sess_put(table, s);
		out->text = xstrdup(i18n_get(svc->i18n, svc->conf->default_lang,
		    svc->conf->default_lang, "err.internal"));
		out->end = 1;
		log_warn("session_phone_mismatch", "gateway=%s", t->gateway);
		return USSD_ERROR;
	}
	if (created)
		ussd_init_sess(svc, s, t);
	if (t->history) {
		if (!created && s->ended && strcmp(s->history, t->text) != 0) {
			ussd_reset(s);
			created = 1;
		}
		if (created) {
			free(s->history);
			s->history = xstrdup(t->text);
			if (*t->text != '\0')
				notice = "err.restarted";
			r = USSD_NEW;
			rc = engine_start(svc->engine, s, notice ? NULL :
			    sess_resume_take(table, s->msisdn, time(NULL)),
			    notice, &t->budget, out);
		} else {
			d = sess_diff_history(s->history, t->text, &newest);
			if (d == SESS_DIFF_SAME || d == SESS_DIFF_STALE ||
			    s->ended) {
				out->text = xstrdup(s->last_screen ?
				    s->last_screen : "");
				out->end = s->last_end;
				sess_put(table, s);
				return USSD_DUP;
			}
			free(s->history);
			s->history = xstrdup(t->text);
			rc = ussd_inputs(svc, s, newest, &t->budget, out);
			free(newest);
		}
	} else {
		if (!created && (t->is_new || s->ended)) {
			ussd_reset(s);
			created = 1;
		}
		if (created) {
			r = USSD_NEW;
			rc = engine_start(svc->engine, s,
			    sess_resume_take(table, s->msisdn, time(NULL)),
			    NULL, &t->budget, out);
		} else
			rc = engine_input(svc->engine, s, t->text, &t->budget,
			    out);
	}
	if (rc == -1 || out->text == NULL) {
		free(out->text);
		out->text = xstrdup(i18n_get(svc->i18n, s->lang,
		    svc->conf->default_lang, "err.internal"));
		out->end = 1;
		s->ended = 1;
		r = USSD_ERROR;
	}
	ussd_remember(svc, table, s, out);
	sess_put(table, s);
	return r;
}
