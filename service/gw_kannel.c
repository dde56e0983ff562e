/*
 * gw_kannel: Kannel sms-service callback <-> SMS commands, SMS menu
 * conversations and USSD over SMPP (see gw_kannel.h).
 *
 * Kannel's traps handled here: an empty or error reply would be pushed to
 * the phone as Kannel's own text, so every accepted request answers 200
 * with a real text (or an empty body only for a re-delivered MO, which the
 * sms-service drops with omit-empty); replies are fitted to the configured
 * parts because Kannel silently drops parts past max-messages; non-GSM
 * replies carry X-Kannel-Coding: 2 or Kannel would turn them into '?'.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "engine.h"
#include "gw.h"
#include "gw_kannel.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "msisdn.h"
#include "notify.h"
#include "pii.h"
#include "sbuf.h"
#include "sess.h"
#include "sms.h"
#include "store.h"
#include "store_outbox.h"
#include "svc.h"
#include "text.h"
#include "ussd.h"
#include "xmem.h"

#define GW_K_MAX_TEXT	1600

static int	gw_k_hex(int);
static char	*gw_k_meta_get(const char *, const char *);
static void	gw_k_reply(struct svc *, struct gw_reply *, const char *);
static void	gw_k_ussd(struct svc *, const struct gw_request *,
		    struct gw_reply *, const char *, const char *,
		    const char *);
static char	*gw_k_sms(struct svc *, const char *, const char *);
static char	*gw_k_session(struct svc *, struct sess *,
		    const struct sms_match *, const char *, const char *);

static int
gw_k_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Finds key in Kannel meta-data "?smpp?k1=v1&k2=v2&" and returns its
 * percent-decoded value (may hold any byte; NUL ends it).  Caller frees;
 * NULL when absent.
 */
static char *
gw_k_meta_get(const char *meta, const char *key)
{
	const char *p = meta, *end, *v;
	size_t klen = strlen(key);
	struct sbuf b;
	int hi, lo;

	if (meta == NULL)
		return NULL;
	if (strncmp(p, "?smpp?", 6) == 0)
		p += 6;
	while (*p) {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			sbuf_init(&b);
			for (v = p + klen + 1; v < end; v++) {
				if (*v == '%' && v + 2 < end &&
				    (hi = gw_k_hex(v[1])) >= 0 &&
				    (lo = gw_k_hex(v[2])) >= 0) {
					sbuf_addc(&b, (char)(hi * 16 + lo));
					v += 2;
				} else
					sbuf_addc(&b, *v == '+' ? ' ' : *v);
			}
			if (b.s == NULL)
				sbuf_add(&b, "");
			return sbuf_take(&b);
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* A 200 reply fitted to the SMS parts, UCS-2 flagged when needed. */
static void
gw_k_reply(struct svc *svc, struct gw_reply *rep, const char *text)
{
	enum text_enc enc = TEXT_GSM7;
	size_t units;
	char *fit;

	fit = text_sms_fit(text, svc->conf->sms_parts);
	gw_reply_text(rep, 200, fit ? fit : "");
	if (fit && text_measure(fit, &enc, &units) == 0 && enc == TEXT_UCS2)
		rep->ucs2 = 1;
	free(fit);
}

/* USSD over SMPP: one hop through the USSD engine, op in the meta. */
static void
gw_k_ussd(struct svc *svc, const struct gw_request *req,
    struct gw_reply *rep, const char *msisdn, const char *text,
    const char *meta)
{
	struct conf *c = svc->conf;
	struct ussd_turn t;
	struct engine_screen out;
	enum ussd_result r;
	enum text_enc enc = TEXT_GSM7;
	size_t units;
	char *opv, *sid, *esc, *p;
	struct sbuf m;
	int op;

	(void)req;
	opv = gw_k_meta_get(meta, "ussd_service_op");
	op = opv ? (unsigned char)opv[0] : -1;
	free(opv);
	sid = gw_k_meta_get(meta, c->ussd_session_tag);
	if (op == c->op_abort) {
		/* The user or network ended the dialogue: nothing to send. */
		gw_reply_text(rep, 200, "");
		free(sid);
		metrics_hop(METRICS_GW_KANNEL_USSD, METRICS_END, 0);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.gateway = "smpp";
	t.session_id = sid && *sid ? sid : msisdn;
	t.msisdn = msisdn;
	t.text = text;
	t.history = 0;
	t.is_new = op == c->op_begin;
	t.channel = "ussd";
	t.budget.gsm = (size_t)c->gw_kannel.budget_gsm;
	t.budget.ucs = (size_t)c->gw_kannel.budget_ucs;
	r = ussd_turn(svc, svc->ussd_sessions, &t, &out);
	gw_reply_text(rep, 200, out.text);
	if (text_measure(out.text, &enc, &units) == 0 && enc == TEXT_UCS2)
		rep->ucs2 = 1;
	sbuf_init(&m);
	sbuf_addf(&m, "?smpp?ussd_service_op=%%%02X",
	    (unsigned)(out.end ? c->op_end : c->op_continue));
	if (sid && *sid) {
		esc = xstrdup(sid);
		for (p = esc; *p; p++)
			if (*p == '&' || *p == '=' || *p == '%' || *p == '?')
				*p = '_';
		sbuf_addf(&m, "&%s=%s", c->ussd_session_tag, esc);
		free(esc);
	}
	sbuf_addc(&m, '&');
	rep->kannel_meta = sbuf_take(&m);
	metrics_hop(METRICS_GW_KANNEL_USSD, r == USSD_DUP ? METRICS_DUP :
	    out.end ? METRICS_END : METRICS_CON, 0);
	free(out.text);
	free(sid);
}

/*
 * Runs a matched command (or a reply inside a conversation) in session s
 * and returns the reply text (caller frees).
 */
static char *
gw_k_session(struct svc *svc, struct sess *s, const struct sms_match *m,
    const char *text, const char *lang)
{
	struct engine_budget b;
	struct engine_screen out;
	struct sbuf r;
	size_t i;
	int rc;

	b.gsm = (size_t)svc->conf->sms_budget;
	b.ucs = (size_t)svc->conf->sms_parts * 67;
	memset(&out, 0, sizeof(out));
	if (m != NULL) {
		/* A command starts over, whatever was going on. */
		sess_clear_vars(s);
		sess_clear_items(s);
		s->state = -1;
		s->ended = 0;
		s->depth = 0;
		if (lang)
			snprintf(s->lang, sizeof(s->lang), "%s", lang);
		for (i = 0; i < m->ncaps; i++)
			if (m->vals[i] && *m->vals[i])
				sess_set(s, m->vars[i], m->vals[i],
				    m->secret[i]);
		rc = m->menu ? engine_start(svc->engine, s, NULL, NULL, &b,
		    &out) : engine_enter(svc->engine, s, m->enter, &b, &out);
	} else
		rc = engine_input(svc->engine, s, text, &b, &out);
	if (rc == -1 || out.text == NULL) {
		free(out.text);
		s->ended = 1;
		return xstrdup(i18n_get(svc->i18n, s->lang,
		    svc->conf->default_lang, "err.internal"));
	}
	if (out.end)
		return out.text;
	/* A conversation goes on: say how to answer. */
	sbuf_init(&r);
	sbuf_add(&r, out.text);
	sbuf_addc(&r, '\n');
	sbuf_add(&r, i18n_get(svc->i18n, s->lang, svc->conf->default_lang,
	    "sms.reply_hint"));
	free(out.text);
	return sbuf_take(&r);
}

/* An SMS from msisdn: a command, a reply in a conversation, or help. */
static char *
gw_k_sms(struct svc *svc, const char *msisdn, const char *text)
{
	struct sms_match m;
	struct sess *s;
	char lang[8], key[64];
	char *reply;
	int matched, created;

	notify_lang(svc, svc->store, msisdn, lang, sizeof(lang));
	matched = sms_match(svc->sms, text, lang, &m);
	snprintf(key, sizeof(key), "sms:%s", msisdn);
	s = sess_get(svc->sms_sessions, key, matched, &created);
	if (s != NULL && (created || s->msisdn[0] == '\0')) {
		snprintf(s->msisdn, sizeof(s->msisdn), "%s", msisdn);
		snprintf(s->channel, sizeof(s->channel), "sms");
		snprintf(s->lang, sizeof(s->lang), "%s", lang);
	}
	if (matched) {
		/* Reply in the phone's language if it chose one, else in
		 * the language of the keyword it used. */
		char stored[8];

		reply = gw_k_session(svc, s, &m, text,
		    svc->store && store_lang_get(svc->store, msisdn, stored,
		    sizeof(stored)) == 0 ? stored : m.lang);
		sms_match_free(&m);
	} else if (s != NULL && s->state >= 0 && !s->ended)
		reply = gw_k_session(svc, s, NULL, text, NULL);
	else
		reply = xstrdup(i18n_get(svc->i18n, lang,
		    svc->conf->default_lang, "sms.help"));
	sess_put(svc->sms_sessions, s);
	return reply;
}

void
gw_kannel_handle(struct svc *svc, const struct gw_request *req,
    struct gw_reply *rep)
{
	const char *from, *raw, *coding, *meta, *when;
	size_t rawlen = 0;
	char msisdn[20], m[32], hk[PII_HEX], seen[1024], *text = NULL;
	char *reply = NULL, *opv, *dkey;
	long long now = (long long)time(NULL);
	int rc;

	from = gw_field(req, "from", NULL);
	raw = gw_field(req, "text", &rawlen);
	coding = gw_field(req, "coding", NULL);
	meta = gw_field(req, "meta", NULL);
	when = gw_field(req, "time", NULL);
	if (raw == NULL && strcmp(req->method, "POST") == 0) {
		raw = req->body;
		rawlen = req->bodylen;
	}
	if (from == NULL || msisdn_normalise(from, svc->conf->default_cc,
	    msisdn, sizeof(msisdn)) == -1) {
		gw_reply_text(rep, 400, "missing or invalid from\n");
		metrics_hop(METRICS_GW_KANNEL_SMS, METRICS_BAD, 0);
		log_info("kannel_bad_request", "reason=from");
		return;
	}
	if (raw == NULL)
		raw = "";
	if (rawlen > GW_K_MAX_TEXT)
		text = NULL;
	else if (coding && strcmp(coding, "2") == 0)
		text = text_utf16be_to_utf8((const unsigned char *)raw,
		    rawlen);
	else if (text_utf8_valid(raw, rawlen))
		text = xstrndup(raw, rawlen);
	log_mask_msisdn(msisdn, m, sizeof(m));
	if (meta && (opv = gw_k_meta_get(meta, "ussd_service_op")) != NULL) {
		free(opv);
		if (text == NULL)
			text = xstrdup("");
		gw_k_ussd(svc, req, rep, msisdn, text, meta);
		log_debug("kannel_ussd", "msisdn=%s", m);
		free(text);
		return;
	}
	/*
	 * The same MO re-delivered (same sender, text and SMSC time) gets
	 * the same answer again; its effects happen once.
	 */
	dkey = xasprintf("%s|%s|%s", msisdn, when ? when : "",
	    text ? text : "");
	pii_hash(svc->pepper, "mo", dkey, hk);
	free(dkey);
	if (svc->store && svc->conf->sms_dedupe_sec > 0 && when && *when) {
		seen[0] = '\0';	/* no reply yet: store_mo_reply adds it */
		rc = store_mo_seen(svc->store, hk, now,
		    svc->conf->sms_dedupe_sec, seen, sizeof(seen));
		if (rc == 1) {
			gw_k_reply(svc, rep, seen);
			metrics_hop(METRICS_GW_KANNEL_SMS, METRICS_DUP, 0);
			log_info("kannel_duplicate_mo", "msisdn=%s", m);
			free(text);
			return;
		}
	}
	if (text == NULL) {
		char lang[8];

		notify_lang(svc, svc->store, msisdn, lang, sizeof(lang));
		reply = xstrdup(i18n_get(svc->i18n, lang,
		    svc->conf->default_lang, "sms.help"));
	} else
		reply = gw_k_sms(svc, msisdn, text);
	gw_k_reply(svc, rep, reply);
	if (svc->store && svc->conf->sms_dedupe_sec > 0 && when && *when)
		store_mo_reply(svc->store, hk, rep->body);
	metrics_hop(METRICS_GW_KANNEL_SMS, METRICS_END, 0);
	log_info("kannel_sms", "msisdn=%s reply_len=%zu", m,
	    strlen(rep->body));
	free(reply);
	free(text);
}

void
gw_kannel_dlr(struct svc *svc, const struct gw_request *req,
    struct gw_reply *rep)
{
	const char *id = gw_field(req, "id", NULL);
	const char *status = gw_field(req, "status", NULL);
	char *end;
	long long oid;
	long st;

	if (id == NULL || status == NULL) {
		gw_reply_text(rep, 400, "missing id or status\n");
		return;
	}
	oid = strtoll(id, &end, 10);
	if (*id == '\0' || *end != '\0' || oid <= 0) {
		gw_reply_text(rep, 400, "invalid id\n");
		return;
	}
	st = strtol(status, &end, 10);
	if (*status == '\0' || *end != '\0' || st < 0 || st > 255) {
		gw_reply_text(rep, 400, "invalid status\n");
		return;
	}
	if (svc->store == NULL || store_outbox_dlr(svc->store, oid,
	    (int)st) != 0) {
		gw_reply_text(rep, 404, "unknown message\n");
		log_info("dlr_unknown", "id=%lld status=%ld", oid, st);
		return;
	}
	metrics_outbox(st == 1 ? "delivered" : "dlr");
	log_info("dlr", "id=%lld status=%ld", oid, st);
	gw_reply_text(rep, 200, "ok\n");
}
