/*
 * notify: outbound SMS texts and their queuing (see notify.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "store.h"
#include "store_book.h"
#include "store_outbox.h"
#include "store_repl.h"
#include "svc.h"
#include "text.h"
#include "xmem.h"

#define NOTIFY_MAX_REMINDERS	10000

static const char *notify_kv(const char *, void *);

/* Template lookup over a NULL-terminated name/value list. */
static const char *
notify_kv(const char *name, void *arg)
{
	const char *const *kv = arg;

	for (; kv && kv[0]; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return "";
}

char *
notify_render(const struct svc *svc, const char *lang, const char *key,
    const char *const *kv)
{
	char *txt, *fit;

	txt = text_render(i18n_get(svc->i18n, lang, svc->conf->default_lang,
	    key), notify_kv, (void *)(uintptr_t)kv);
	fit = text_sms_fit(txt, svc->conf->sms_parts);
	free(txt);
	return fit ? fit : xstrdup("");
}

void
notify_lang(const struct svc *svc, struct store *st, const char *msisdn,
    char *lang, size_t n)
{
	if (st == NULL || store_lang_get(st, msisdn, lang, n) != 0 ||
	    !i18n_has_lang(svc->i18n, lang))
		snprintf(lang, n, "%s", conf_lang_for(svc->conf, msisdn));
}

int
notify_app_status(const struct svc *svc, struct store *st,
    const char *reference, const char *msisdn, const char *status)
{
	struct store_outbox_msg m;
	char lang[8], key[64], ref4[16], dedupe[96], word[64];
	const char *kv[7];
	char *text;
	int rc;

	if (msisdn == NULL || *msisdn == '\0')
		return 0;
	if (strcmp(status, "action_needed") != 0 &&
	    strcmp(status, "ready_for_collection") != 0 &&
	    strcmp(status, "rejected") != 0)
		return 0;
	notify_lang(svc, st, msisdn, lang, sizeof(lang));
	log_mask_ref(reference, ref4, sizeof(ref4));
	snprintf(word, sizeof(word), "status.word.%s", status);
	kv[0] = "ref4";
	kv[1] = ref4;
	kv[2] = "status_word";
	kv[3] = i18n_get(svc->i18n, lang, svc->conf->default_lang, word);
	kv[4] = NULL;
	snprintf(key, sizeof(key), "sms.status.%s", status);
	text = notify_render(svc, lang, key, kv);
	/* One message per (reference, status, day): re-imports stay quiet. */
	snprintf(dedupe, sizeof(dedupe), "status:%s:%s:%ld", reference, status,
	    (long)(time(NULL) / 86400));
	memset(&m, 0, sizeof(m));
	m.msisdn = msisdn;
	m.text = text;
	m.lang = lang;
	m.kind = "status";
	m.dedupe = dedupe;
	rc = store_outbox_add(st, &m, NULL);
	free(text);
	return rc;
}

int
notify_repl_status(const struct svc *svc, struct store *st,
    const struct store_repl *r, const char *status,
    struct store_outbox_msg *msg, char **text, char *dedupe, char *lang)
{
	char t4[16], word[64], next[64];
	const char *kv[7];

	*text = NULL;
	if (r->msisdn[0] == '\0' || (strcmp(status, "awaiting_payment") != 0 &&
	    strcmp(status, "rejected") != 0 &&
	    strcmp(status, "ready_for_collection") != 0))
		return 0;
	if (i18n_has_lang(svc->i18n, r->lang))
		snprintf(lang, 8, "%s", r->lang);
	else
		notify_lang(svc, st, r->msisdn, lang, 8);
	log_mask_ref(r->ticket, t4, sizeof(t4));
	snprintf(word, sizeof(word), "repl.status.%s", status);
	snprintf(next, sizeof(next), "repl.next.%s", status);
	kv[0] = "ticket4";
	kv[1] = t4;
	kv[2] = "status_word";
	kv[3] = i18n_get(svc->i18n, lang, svc->conf->default_lang, word);
	kv[4] = "next_step";
	kv[5] = i18n_get(svc->i18n, lang, svc->conf->default_lang, next);
	kv[6] = NULL;
	*text = notify_render(svc, lang, "repl.sms.update", kv);
	snprintf(dedupe, 64, "repl:%s:%s", r->ticket, status);
	memset(msg, 0, sizeof(*msg));
	msg->msisdn = r->msisdn;
	msg->text = *text;
	msg->lang = lang;
	msg->kind = "replacement";
	msg->dedupe = dedupe;
	return 1;
}

int
notify_reminders(const struct svc *svc, struct store *st, int day)
{
	struct store_booking *b;
	struct store_outbox_msg m;
	char lang[8], dedupe[64], code4[16], hhmm[8], date[16];
	const char *kv[9];
	char *text;
	int n, i, y, mo, d, queued = 0;

	b = xcalloc(NOTIFY_MAX_REMINDERS, sizeof(*b));
	n = store_bookings_on(st, day, b, NOTIFY_MAX_REMINDERS);
	for (i = 0; i < n; i++) {
		if (b[i].msisdn[0] == '\0')
			continue;
		snprintf(lang, sizeof(lang), "%s", b[i].lang);
		if (!i18n_has_lang(svc->i18n, lang))
			notify_lang(svc, st, b[i].msisdn, lang, sizeof(lang));
		log_mask_ref(b[i].code, code4, sizeof(code4));
		date_to_ymd(b[i].day, &y, &mo, &d);
		snprintf(date, sizeof(date), "%02d/%02d/%04d", d, mo, y);
		date_fmt_hhmm(b[i].start_min, hhmm, sizeof(hhmm));
		kv[0] = "code4"; kv[1] = code4;
		kv[2] = "office"; kv[3] = b[i].office_short;
		kv[4] = "date"; kv[5] = date;
		kv[6] = "time"; kv[7] = hhmm;
		kv[8] = NULL;
		text = notify_render(svc, lang, "sms.reminder", kv);
		snprintf(dedupe, sizeof(dedupe), "reminder:%s", b[i].code);
		memset(&m, 0, sizeof(m));
		m.msisdn = b[i].msisdn;
		m.text = text;
		m.lang = lang;
		m.kind = "reminder";
		m.dedupe = dedupe;
		/* A reminder after the appointment is useless: expire it. */
		m.expires_at = (long long)date_to_time(b[i].day,
		    b[i].start_min);
		if (store_outbox_add(st, &m, NULL) == 0)
			queued++;
		free(text);
	}
	free(b);
	return n < 0 ? -1 : queued;
}
