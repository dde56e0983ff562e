/*
 * gw_at: Africa's Talking wire format <-> ussd turn (see gw_at.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "gw.h"
#include "gw_at.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"
#include "msisdn.h"
#include "svc.h"
#include "text.h"
#include "ussd.h"
#include "xmem.h"

#define GW_AT_MAX_ID	128
#define GW_AT_MAX_TEXT	512

static int	gw_at_id_ok(const char *, size_t);
static void	gw_at_end(struct svc *, struct gw_reply *, const char *,
		    const char *);

const char *
gw_field(const struct gw_request *r, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].name, name) == 0) {
			if (len)
				*len = r->fields[i].len;
			return r->fields[i].value;
		}
	}
	return NULL;
}

void
gw_reply_text(struct gw_reply *rep, int status, const char *body)
{
	free(rep->body);
	rep->status = status;
	rep->body = xstrdup(body);
}

/* A session id: 1..128 printable ASCII characters, nothing else. */
static int
gw_at_id_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > GW_AT_MAX_ID || strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Ends the session with a translated polite line (200, for the phone). */
static void
gw_at_end(struct svc *svc, struct gw_reply *rep, const char *msisdn,
    const char *key)
{
	char *b;

	b = xasprintf("END %s", i18n_get(svc->i18n,
	    conf_lang_for(svc->conf, msisdn), svc->conf->default_lang, key));
	gw_reply_text(rep, 200, b);
	free(b);
}

void
gw_at_handle(struct svc *svc, const struct gw_request *req,
    struct gw_reply *rep)
{
	const char *sid, *phone, *text, *code;
	size_t sidlen = 0, textlen = 0, phonelen = 0;
	char msisdn[20], m[32], *body;
	struct ussd_turn t;
	struct engine_screen out;
	struct timespec t0, t1;
	enum ussd_result r;
	enum metrics_outcome mo;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	sid = gw_field(req, "sessionId", &sidlen);
	phone = gw_field(req, "phoneNumber", &phonelen);
	text = gw_field(req, "text", &textlen);
	code = gw_field(req, "serviceCode", NULL);
	if (sid == NULL || !gw_at_id_ok(sid, sidlen)) {
		gw_reply_text(rep, 400, "missing or invalid sessionId\n");
		metrics_hop(METRICS_GW_AT, METRICS_BAD, 0);
		log_info("at_bad_request", "reason=session_id");
		return;
	}
	if (phone == NULL || strlen(phone) != phonelen ||
	    msisdn_normalise(phone, svc->conf->default_cc, msisdn,
	    sizeof(msisdn)) == -1) {
		gw_reply_text(rep, 400, "missing or invalid phoneNumber\n");
		metrics_hop(METRICS_GW_AT, METRICS_BAD, 0);
		log_info("at_bad_request", "reason=phone_number");
		return;
	}
	if (code == NULL || *code == '\0') {
		gw_reply_text(rep, 400, "missing serviceCode\n");
		metrics_hop(METRICS_GW_AT, METRICS_BAD, 0);
		log_info("at_bad_request", "reason=service_code");
		return;
	}
	if (text == NULL)
		text = "";
	if (textlen > GW_AT_MAX_TEXT || strlen(text) != textlen ||
	    !text_utf8_valid(text, textlen)) {
		/* The phone shows this; the gateway ends the session. */
		gw_at_end(svc, rep, msisdn, "err.bad_input");
		metrics_hop(METRICS_GW_AT, METRICS_BAD, 0);
		log_info("at_bad_input", "msisdn=%s len=%zu",
		    log_mask_msisdn(msisdn, m, sizeof(m)), textlen);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.gateway = "at";
	t.session_id = sid;
	t.msisdn = msisdn;
	t.text = text;
	t.history = 1;
	t.channel = "ussd";
	t.budget.gsm = (size_t)svc->conf->gw_at.budget_gsm;
	t.budget.ucs = (size_t)svc->conf->gw_at.budget_ucs;
	r = ussd_turn(svc, svc->ussd_sessions, &t, &out);
	body = xasprintf("%s %s", out.end ? "END" : "CON", out.text);
	gw_reply_text(rep, 200, body);
	free(body);
	free(out.text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mo = r == USSD_DUP ? METRICS_DUP : r == USSD_ERROR ||
	    r == USSD_BUSY ? METRICS_ERROR : out.end ? METRICS_END :
	    METRICS_CON;
	metrics_hop(METRICS_GW_AT, mo, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	log_debug("at_hop", "msisdn=%s result=%d end=%d",
	    log_mask_msisdn(msisdn, m, sizeof(m)), (int)r, out.end);
}
