/*
 * act_booking: the appointment actions -- offices, days and times to
 * choose from, booking, rescheduling and cancelling (menus/book.yaml).
 *
 * The store guarantees the rules (no seat sold twice, one active booking
 * per application, the cut-off); these actions only map its answers to
 * outcomes the menus can follow, and audit the refusals (the store audits
 * what succeeds, in the same transaction).
 *
 * Who may do what is carried in session variables that only these actions
 * set, after a check:
 *   bref     the application the session may book for (after "verify", or
 *            after a booking code was matched to the caller's phone);
 *   appt_ok  the booking code the session may reschedule or cancel;
 *   mode     "rebook" when the office/day/time choice moves appt_ok.
 * Variables the user types ("ref", "code") or picks from a list
 * ("office_code", "day", "slot") are checked again where they are used.
 *
 * A confirmation SMS is queued in the same transaction as the change, in
 * the session's language.  Over SMS the reply itself is the confirmation,
 * so nothing is queued there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act.h"
#include "ckdig.h"
#include "conf.h"
#include "date.h"
#include "log.h"
#include "notify.h"
#include "pii.h"
#include "store.h"
#include "store_book.h"
#include "store_outbox.h"
#include "svc.h"
#include "xmem.h"

#define BOOK_MAX_SLOTS	1440	/* one-minute slots around the clock */
#define BOOK_CODE_LEN	8	/* digits, the last a Verhoeff check digit */
#define BOOK_CODE_TRIES	8

/* What book_sms() puts into a confirmation message. */
struct book_note {
	const char	*key;		/* text key */
	const char	*kind;		/* outbox kind */
	const char	*code;		/* booking code (new one on rebook) */
	const char	*office;	/* short name */
	int		 day, min;
	long long	 expires;	/* unix time, 0 = never */
};

static const char *act_book_check(struct engine_ctx *);
static const char *act_book_offices(struct engine_ctx *);
static const char *act_book_days(struct engine_ctx *);
static const char *act_book_times(struct engine_ctx *);
static const char *act_book_pick(struct engine_ctx *);
static const char *act_book_make(struct engine_ctx *);
static const char *act_appt_find(struct engine_ctx *);
static const char *act_appt_by_code(struct engine_ctx *);
static const char *act_appt_change(struct engine_ctx *);
static const char *act_appt_cancel(struct engine_ctx *);
static const char *act_sms_cancel(struct engine_ctx *);

static void	book_now(int *, int *);
static void	book_window(struct svc *, int *, int *);
static int	book_var_num(struct engine_ctx *, const char *, long long *);
static void	book_reset(struct engine_ctx *);
static void	book_show(struct engine_ctx *, const struct store_booking *);
static void	book_office_name(struct svc *, const char *, char *, size_t);
static int	book_active(struct engine_ctx *, const char **);
static int	book_slot_ok(struct engine_ctx *, struct store_slot *, int);
static int	book_new_code(struct svc *, char *);
static long long book_cutoff_sec(struct svc *);
static int	book_too_late(struct svc *, const struct store_booking *);
static void	book_set_cutoff(struct engine_ctx *);
static void	book_audit(struct engine_ctx *, struct store_audit *,
		    const char *, const char *, const char *);
static char	*book_sms(struct engine_ctx *, const struct book_note *,
		    struct store_outbox_msg *, char *, size_t);
static const char *book_owner(struct engine_ctx *, const char *,
		    struct store_booking *);
static const char *book_cancel(struct engine_ctx *,
		    const struct store_booking *);

static const char *const book_check_out[] = { "new", "exists", "nomatch",
	NULL };
static const char *const book_pick_out[] = { "ok", "full", NULL };
static const char *const book_make_out[] = { "booked", "moved", "full",
	"exists", "cutoff", "gone", NULL };
static const char *const appt_find_out[] = { "ok", "none", "nomatch",
	NULL };
static const char *const appt_code_out[] = { "ok", "bad", "nomatch",
	"locked", NULL };
static const char *const appt_change_out[] = { "ok", "cutoff", "gone",
	NULL };
static const char *const sms_cancel_out[] = { "ok", "bad", "nomatch",
	"locked", "cutoff", NULL };
static const char *const book_list_out[] = { NULL };

const struct engine_action act_booking_actions[] = {
	{ "book_check", act_book_check, book_check_out, 0 },
	{ "book_offices", act_book_offices, book_list_out, 1 },
	{ "book_days", act_book_days, book_list_out, 1 },
	{ "book_times", act_book_times, book_list_out, 1 },
	{ "book_pick", act_book_pick, book_pick_out, 0 },
	{ "book_make", act_book_make, book_make_out, 0 },
	{ "appt_find", act_appt_find, appt_find_out, 0 },
	{ "appt_by_code", act_appt_by_code, appt_code_out, 0 },
	{ "appt_change", act_appt_change, appt_change_out, 0 },
	{ "appt_cancel", act_appt_cancel, appt_change_out, 0 },
	{ "sms_cancel", act_sms_cancel, sms_cancel_out, 0 },
};
const size_t act_booking_count =
    sizeof(act_booking_actions) / sizeof(act_booking_actions[0]);

/* ------------------------------------------------------------- helpers */

/* Today and the minute of the day in the deployment's time zone. */
static void
book_now(int *day, int *min)
{
	date_local(time(NULL), day, min);
}

/* The booking window [*from, *to] (day numbers); empty when from > to. */
static void
book_window(struct svc *svc, int *from, int *to)
{
	int today, min;

	book_now(&today, &min);
	*from = today + svc->conf->book_offset;
	*to = today + svc->conf->book_horizon;
}

/* Reads a non-negative decimal variable into *out; 0 or -1. */
static int
book_var_num(struct engine_ctx *c, const char *name, long long *out)
{
	const char *v = engine_var(c, name);
	char *end;
	long long n;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || n < 0)
		return -1;
	*out = n;
	return 0;
}

/* Forgets every right a previous check gave this session. */
static void
book_reset(struct engine_ctx *c)
{
	engine_unset(c, "bref");
	engine_unset(c, "appt_ok");
	engine_unset(c, "mode");
}

/* The short name of an office (its code when it has none) into buf. */
static void
book_office_name(struct svc *svc, const char *code, char *buf, size_t n)
{
	struct store_office o;

	if (store_office_get(svc->store, code, &o) == 0 && o.short_name[0])
		snprintf(buf, n, "%s", o.short_name);
	else
		snprintf(buf, n, "%s", code ? code : "");
}

/* Sets office, date, time and code4 to show booking b. */
static void
book_show(struct engine_ctx *c, const struct store_booking *b)
{
	char buf[32];

	engine_set(c, "office", b->office_short[0] ? b->office_short :
	    b->office);
	engine_set(c, "date", act_day_label(c, b->day, buf, sizeof(buf)));
	engine_set(c, "time", date_fmt_hhmm(b->start_min, buf, sizeof(buf)));
	engine_set(c, "code4", act_mask(b->code, buf, sizeof(buf)));
}

/*
 * Reads the slot chosen ("slot") into *sl and checks that it is one the
 * session could have been offered: the office and day chosen, inside the
 * booking window, not started, and, when need_free is set, with a free
 * seat (the booking itself leaves that to the store, the only judge).
 * Returns 1 when it is, 0 when not (or no longer), -1 on a store error.
 */
static int
book_slot_ok(struct engine_ctx *c, struct store_slot *sl, int need_free)
{
	struct svc *svc = act_svc(c);
	const char *office = engine_var(c, "office_code");
	long long id, day;
	int from, to, today, min, rc;

	if (book_var_num(c, "slot", &id) == -1 ||
	    book_var_num(c, "day", &day) == -1 || office == NULL)
		return 0;
	if ((rc = store_slot_get(svc->store, id, sl)) != 0)
		return rc == -1 ? -1 : 0;
	book_window(svc, &from, &to);
	book_now(&today, &min);
	if (strcmp(sl->office, office) != 0 || sl->day != day ||
	    sl->day < from || sl->day > to)
		return 0;
	if (sl->day < today || (sl->day == today && sl->start_min <= min))
		return 0;
	return !need_free || sl->booked < sl->capacity;
}

/*
 * Writes a fresh booking code (BOOK_CODE_LEN digits + NUL) into out, one
 * that no booking uses yet.  0 or -1.
 */
static int
book_new_code(struct svc *svc, char *out)
{
	struct store_booking b;
	int i, rc;

	for (i = 0; i < BOOK_CODE_TRIES; i++) {
		if (ckdig_make(pii_random64(), BOOK_CODE_LEN, out) == -1)
			return -1;
		if ((rc = store_booking_get(svc->store, out, &b)) ==
		    STORE_NOTFOUND)
			return 0;
		if (rc == -1)
			return -1;
	}
	log_err("booking_code", "no free code after %d tries", i);
	return -1;
}

static long long
book_cutoff_sec(struct svc *svc)
{
	return (long long)svc->conf->book_cutoff_h * 3600;
}

/* 1 when b starts within the cut-off (the store's own rule). */
static int
book_too_late(struct svc *svc, const struct store_booking *b)
{
	long long start = (long long)date_to_time(b->day, b->start_min);

	return start - (long long)time(NULL) < book_cutoff_sec(svc);
}

static void
book_set_cutoff(struct engine_ctx *c)
{
	act_setf(c, "cutoff_h", "%d", act_svc(c)->conf->book_cutoff_h);
}

/* Fills the audit row the store writes with a successful change. */
static void
book_audit(struct engine_ctx *c, struct store_audit *a, const char *action,
    const char *object, const char *outcome)
{
	memset(a, 0, sizeof(*a));
	a->channel = act_channel(c);
	a->msisdn = act_msisdn(c);
	a->action = action;
	a->object = object;
	a->outcome = outcome;
}

/*
 * Fills *m with the confirmation SMS described by n for the caller, in the
 * session's language; dedupe (dn bytes, at least 48) receives the
 * message's unique key.  Returns the text, which the caller frees after
 * the store call, or NULL when nothing is to be sent (SMS channel: the
 * reply is the confirmation; no phone): then pass NULL as the message.
 */
static char *
book_sms(struct engine_ctx *c, const struct book_note *n,
    struct store_outbox_msg *m, char *dedupe, size_t dn)
{
	struct svc *svc = act_svc(c);
	const char *kv[11];
	char date[32], hhmm[8], code4[16], *text;

	if (strcmp(act_channel(c), "sms") == 0 || *act_msisdn(c) == '\0')
		return NULL;
	act_day_label(c, n->day, date, sizeof(date));
	date_fmt_hhmm(n->min, hhmm, sizeof(hhmm));
	act_mask(n->code, code4, sizeof(code4));
	kv[0] = "code"; kv[1] = n->code;
	kv[2] = "code4"; kv[3] = code4;
	kv[4] = "office"; kv[5] = n->office;
	kv[6] = "date"; kv[7] = date;
	kv[8] = "time"; kv[9] = hhmm;
	kv[10] = NULL;
	snprintf(dedupe, dn, "%s:%s", n->kind, n->code);
	memset(m, 0, sizeof(*m));
	m->msisdn = act_msisdn(c);
	m->lang = engine_lang(c);
	m->kind = n->kind;
	m->dedupe = dedupe;
	m->expires_at = n->expires;
	text = notify_render(svc, engine_lang(c), n->key, kv);
	m->text = text;
	return text;
}

/*
 * Finds the active booking "code" for the caller: the code must carry a
 * valid check digit, the phone and the code must not be locked, and the
 * caller must be the phone that booked or the application's registered
 * phone.  Anything else answers "nomatch" and counts as a failed attempt
 * (the same lockout as verification), so codes cannot be probed.  Sets
 * code4.  Returns "ok" (*b filled), "bad", "locked", "nomatch" or NULL.
 */
static const char *
book_owner(struct engine_ctx *c, const char *code, struct store_booking *b)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	const char *me = act_msisdn(c);
	char pk[PII_HEX], ck[PII_HEX], m[16];
	long long now = (long long)time(NULL);
	int rc, locked, ok = 0;

	engine_set(c, "code4", act_mask(code, m, sizeof(m)));
	if (code == NULL || strlen(code) != BOOK_CODE_LEN ||
	    strspn(code, "0123456789") != BOOK_CODE_LEN || !ckdig_valid(code))
		return "bad";
	pii_hash(svc->pepper, "phone", me, pk);
	pii_hash(svc->pepper, "code", code, ck);
	if (store_locked(svc->store, pk, ck, now, &locked) == -1)
		return NULL;
	if (locked) {
		act_audit(c, "appt_lookup", code, "locked");
		return "locked";
	}
	if ((rc = store_booking_get(svc->store, code, b)) == -1)
		return NULL;
	if (rc == 0 && strcmp(b->status, "active") == 0 && *me) {
		if (strcmp(b->msisdn, me) == 0)
			ok = 1;
		else if ((rc = store_app_get(svc->store, b->reference,
		    &app)) == -1)
			return NULL;
		else if (rc == 0 && strcmp(app.msisdn, me) == 0)
			ok = 1;
	}
	if (ok)
		return "ok";
	if (act_fail(c, pk, ck) == -1)
		return NULL;
	act_audit(c, "appt_lookup", code, "nomatch");
	return "nomatch";
}

/*
 * Cancels booking b (read just before) with its confirmation SMS.
 * Returns "ok", "cutoff", "gone" or NULL.
 */
static const char *
book_cancel(struct engine_ctx *c, const struct store_booking *b)
{
	struct svc *svc = act_svc(c);
	struct store_audit a;
	struct store_outbox_msg m;
	struct book_note n;
	char dedupe[64], *text;
	int rc;

	n.key = "book.sms.cancelled";
	n.kind = "cancel";
	n.code = b->code;
	n.office = b->office_short[0] ? b->office_short : b->office;
	n.day = b->day;
	n.min = b->start_min;
	n.expires = 0;
	text = book_sms(c, &n, &m, dedupe, sizeof(dedupe));
	book_audit(c, &a, "cancel", b->code, "ok");
	rc = store_cancel(svc->store, b->code, (long long)time(NULL),
	    book_cutoff_sec(svc), &a, text ? &m : NULL);
	free(text);
	switch (rc) {
	case 0:
		engine_unset(c, "appt_ok");
		return "ok";
	case STORE_REFUSED:
		book_set_cutoff(c);
		act_audit(c, "cancel", b->code, "cutoff");
		return "cutoff";
	case STORE_NOTFOUND:
		return "gone";
	default:
		return NULL;
	}
}

/*
 * For a verified session: looks up the application's active booking,
 * sets "bref" and, when there is one, shows it and sets "appt_ok".
 * Returns 0 (found), STORE_NOTFOUND, 2 (not verified) or -1; *aref is
 * the application reference.
 */
static int
book_active(struct engine_ctx *c, const char **aref)
{
	struct svc *svc = act_svc(c);
	struct store_booking b;
	int rc;

	book_reset(c);
	if (!act_verified(c))
		return 2;
	if ((*aref = engine_var(c, "app_ref")) == NULL)
		*aref = engine_var(c, "ref");
	if ((rc = store_booking_active(svc->store, *aref, &b)) == -1)
		return -1;
	engine_set(c, "bref", *aref);
	/* engine_set may move the variable *aref points into. */
	*aref = engine_var(c, "bref");
	if (rc == 0) {
		book_show(c, &b);
		engine_set(c, "appt_ok", b.code);
	}
	return rc;
}

/* ------------------------------------------------------------- actions */

/*
 * After "verify" in the booking journey: "new" when the application has
 * no active booking (bref set), "exists" when it has one (shown, and
 * appt_ok set so it can be rescheduled or cancelled), "nomatch" when the
 * session is not verified.
 */
static const char *
act_book_check(struct engine_ctx *c)
{
	const char *aref;
	int rc;

	if ((rc = book_active(c, &aref)) == -1)
		return NULL;
	if (rc == 2)
		return "nomatch";
	if (rc == STORE_NOTFOUND)
		return "new";
	act_audit(c, "book", aref, "exists");
	return "exists";
}

/* List: the offices, the application's own first. */
static const char *
act_book_offices(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_app app;
	const char *bref = engine_var(c, "bref");

	if (bref == NULL)
		return "ok";		/* no right to book: empty list */
	memset(&app, 0, sizeof(app));
	if (store_app_get(svc->store, bref, &app) == -1 ||
	    act_office_items(c, app.office) == -1)
		return NULL;
	return "ok";
}

/* List: days of the window with a free seat at office_code; sets office. */
static const char *
act_book_days(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	const char *office = engine_var(c, "office_code");
	char name[72], label[96], val[16];
	int *days, from, to, today, min, n, i;

	if (office == NULL || engine_var(c, "bref") == NULL)
		return "ok";
	book_office_name(svc, office, name, sizeof(name));
	engine_set(c, "office", name);
	book_window(svc, &from, &to);
	if (from > to)
		return "ok";
	book_now(&today, &min);
	days = xcalloc((size_t)(to - from + 1), sizeof(*days));
	n = store_days_free(svc->store, office, from, to, today, min, days,
	    to - from + 1);
	for (i = 0; i < n; i++) {
		snprintf(val, sizeof(val), "%d", days[i]);
		engine_item(c, act_day_label(c, days[i], label, sizeof(label)),
		    val);
	}
	free(days);
	return n == -1 ? NULL : "ok";
}

/* List: free times of "day" at office_code; sets date. */
static const char *
act_book_times(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	const char *office = engine_var(c, "office_code");
	struct store_slot *sl;
	char label[32], val[24];
	long long day;
	int from, to, today, min, n, i;

	if (office == NULL || engine_var(c, "bref") == NULL ||
	    book_var_num(c, "day", &day) == -1 || day > 10000000)
		return "ok";
	engine_set(c, "date", act_day_label(c, (int)day, label,
	    sizeof(label)));
	book_window(svc, &from, &to);
	if (day < from || day > to)
		return "ok";
	book_now(&today, &min);
	sl = xcalloc(BOOK_MAX_SLOTS, sizeof(*sl));
	n = store_slots_free(svc->store, office, (int)day, today, min, sl,
	    BOOK_MAX_SLOTS);
	for (i = 0; i < n; i++) {
		snprintf(val, sizeof(val), "%lld", sl[i].id);
		engine_item(c, date_fmt_hhmm(sl[i].start_min, label,
		    sizeof(label)), val);
	}
	free(sl);
	return n == -1 ? NULL : "ok";
}

/* The time chosen: "ok" (time set) while it still has a seat, else
 * "full" (fresh times are shown). */
static const char *
act_book_pick(struct engine_ctx *c)
{
	struct store_slot sl;
	char hhmm[8];
	int rc;

	if ((rc = book_slot_ok(c, &sl, 1)) == -1)
		return NULL;
	if (rc == 0)
		return "full";
	engine_set(c, "time", date_fmt_hhmm(sl.start_min, hhmm,
	    sizeof(hhmm)));
	return "ok";
}

/*
 * Confirmed: books the chosen slot for bref, or moves appt_ok there when
 * mode is "rebook".  The code is shown only after the store committed
 * the booking and its SMS.
 */
static const char *
act_book_make(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_slot sl;
	struct store_audit a;
	struct store_outbox_msg m;
	struct book_note n;
	const char *bref = engine_var(c, "bref");
	const char *old = engine_var(c, "appt_ok");
	const char *mode = engine_var(c, "mode");
	char code[BOOK_CODE_LEN + 1], office[72], dedupe[64], *text;
	int rc, rebook;

	rebook = mode != NULL && strcmp(mode, "rebook") == 0;
	if (bref == NULL || (rebook && old == NULL))
		return "gone";
	if ((rc = book_slot_ok(c, &sl, 0)) == -1)
		return NULL;
	if (rc == 0) {		/* no longer on offer: fresh choices */
		act_audit(c, rebook ? "rebook" : "book", rebook ? old : bref,
		    "unavailable");
		return "full";
	}
	if (book_new_code(svc, code) == -1)
		return NULL;
	book_office_name(svc, sl.office, office, sizeof(office));
	n.key = rebook ? "book.sms.moved" : "book.sms.booked";
	n.kind = rebook ? "reschedule" : "booking";
	n.code = code;
	n.office = office;
	n.day = sl.day;
	n.min = sl.start_min;
	/* A confirmation after the appointment is useless: expire it. */
	n.expires = (long long)date_to_time(sl.day, sl.start_min);
	text = book_sms(c, &n, &m, dedupe, sizeof(dedupe));
	if (rebook) {
		book_audit(c, &a, "rebook", old, "ok");
		rc = store_rebook(svc->store, old, sl.id, code,
		    (long long)time(NULL), book_cutoff_sec(svc), &a,
		    text ? &m : NULL);
	} else {
		book_audit(c, &a, "book", bref, "ok");
		rc = store_book(svc->store, bref, sl.id, code,
		    act_msisdn(c), engine_lang(c), &a, text ? &m : NULL);
	}
	free(text);
	switch (rc) {
	case 0:
		engine_set(c, "bcode", code);
		engine_set(c, "office", office);
		engine_set(c, "appt_ok", code);
		engine_unset(c, "mode");
		return rebook ? "moved" : "booked";
	case STORE_FULL:
		act_audit(c, rebook ? "rebook" : "book", rebook ? old : bref,
		    "full");
		return "full";
	case STORE_EXISTS:
		act_audit(c, "book", bref, "exists");
		return "exists";
	case STORE_REFUSED:
		book_set_cutoff(c);
		act_audit(c, "rebook", old, "cutoff");
		return "cutoff";
	case STORE_NOTFOUND:
		return "gone";
	default:
		return NULL;
	}
}

/* After "verify" in "My appointment": the application's active booking. */
static const char *
act_appt_find(struct engine_ctx *c)
{
	const char *aref;
	int rc;

	if ((rc = book_active(c, &aref)) == -1)
		return NULL;
	if (rc == 2)
		return "nomatch";
	if (rc == STORE_NOTFOUND) {
		act_audit(c, "appt_lookup", aref, "none");
		return "none";
	}
	act_audit(c, "appt_lookup", aref, "shown");
	return "ok";
}

/* "My appointment" by booking code ("code") from the registered phone. */
static const char *
act_appt_by_code(struct engine_ctx *c)
{
	struct store_booking b;
	const char *r;

	book_reset(c);
	r = book_owner(c, engine_var(c, "code"), &b);
	if (r == NULL || strcmp(r, "ok") != 0)
		return r;
	book_show(c, &b);
	engine_set(c, "bref", b.reference);
	engine_set(c, "appt_ok", b.code);
	act_audit(c, "appt_lookup", b.code, "shown");
	return "ok";
}

/*
 * Before a reschedule (arg "rebook") or a cancel (arg "cancel") of
 * appt_ok: "gone" when it is no longer active, "cutoff" when it starts
 * too soon, else "ok" (mode set for a reschedule).
 */
static const char *
act_appt_change(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_booking b;
	const char *code = engine_var(c, "appt_ok");
	const char *what = engine_arg(c, 0);
	int rc, rebook;

	rebook = what != NULL && strcmp(what, "rebook") == 0;
	engine_unset(c, "mode");
	if (code == NULL)
		return "gone";
	if ((rc = store_booking_get(svc->store, code, &b)) == -1)
		return NULL;
	if (rc != 0 || strcmp(b.status, "active") != 0)
		return "gone";
	book_show(c, &b);
	if (book_too_late(svc, &b)) {
		book_set_cutoff(c);
		act_audit(c, rebook ? "rebook" : "cancel", code, "cutoff");
		return "cutoff";
	}
	if (rebook)
		engine_set(c, "mode", "rebook");
	return "ok";
}

/* Cancel confirmed: cancels appt_ok. */
static const char *
act_appt_cancel(struct engine_ctx *c)
{
	struct svc *svc = act_svc(c);
	struct store_booking b;
	const char *code = engine_var(c, "appt_ok");
	int rc;

	if (code == NULL)
		return "gone";
	if ((rc = store_booking_get(svc->store, code, &b)) == -1)
		return NULL;
	if (rc != 0 || strcmp(b.status, "active") != 0)
		return "gone";
	book_show(c, &b);
	return book_cancel(c, &b);
}

/* SMS "CANCEL <code>": cancels booking "code" made by (or for) the
 * sender's phone. */
static const char *
act_sms_cancel(struct engine_ctx *c)
{
	struct store_booking b;
	const char *r;

	book_reset(c);
	r = book_owner(c, engine_var(c, "code"), &b);
	if (r == NULL || strcmp(r, "ok") != 0)
		return r;
	book_show(c, &b);
	r = book_cancel(c, &b);
	if (r != NULL && strcmp(r, "gone") == 0)
		r = "nomatch";
	return r;
}
