/*
 * act: the registry of built-in actions menus may call, and the helpers
 * every action module shares (audit, the caller's keys, masking).
 *
 * Action modules: act_status.c (language, verification, status answers),
 * act_booking.c (offices, days, slots, bookings), act_replace.c
 * (replacement requests).  Each exports a table; act_all() joins them.
 */
#ifndef IDLINE_ACT_H
#define IDLINE_ACT_H

#include <stddef.h>

#include "engine.h"

struct svc;

extern const struct engine_action act_status_actions[];
extern const size_t act_status_count;
extern const struct engine_action act_booking_actions[];
extern const size_t act_booking_count;
extern const struct engine_action act_replace_actions[];
extern const size_t act_replace_count;

/* All actions (built once, static storage); *n receives the count. */
const struct engine_action *act_all(size_t *n);

/* The service behind an action call. */
struct svc	*act_svc(struct engine_ctx *c);
/* The caller's phone number (E.164) and channel ("ussd" / "sms"). */
const char	*act_msisdn(struct engine_ctx *c);
const char	*act_channel(struct engine_ctx *c);
/* Audits one event for the caller (object masked by the store). */
void		 act_audit(struct engine_ctx *c, const char *action,
		    const char *object, const char *outcome);
/* Writes "***" + last 4 of s into buf; returns buf. */
const char	*act_mask(const char *s, char *buf, size_t n);
/* Sets variable name to the translated text of key. */
void		 act_set_tr(struct engine_ctx *c, const char *name,
		    const char *key);
/* Sets variable name to a printf-formatted value. */
void		 act_setf(struct engine_ctx *c, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 1 when the session passed verification for the reference in "ref". */
int		 act_verified(struct engine_ctx *c);
/*
 * List helper: one item per office (short name, value = code), the office
 * `first` (may be "" or NULL) at the top.  Returns 0 or -1.
 */
int		 act_office_items(struct engine_ctx *c, const char *first);
/*
 * Counts one failed verification for the caller's phone and for object
 * (hashes in phone_key / obj_key) with the configured lockout rules.
 * Returns 0 or -1.
 */
int		 act_fail(struct engine_ctx *c, const char *phone_key,
		    const char *obj_key);
/* "Mon 30/11" style label of a day in the session's language into buf. */
const char	*act_day_label(struct engine_ctx *c, int day, char *buf,
		    size_t n);

#endif
