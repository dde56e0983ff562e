/*
 * store_book: offices, holidays, slots and bookings (part of the store
 * module; implemented in store_book.c).
 *
 * Seats are counted in slots.booked and changed only by single UPDATEs
 * guarded by "booked < capacity", inside the same transaction as the
 * booking row, so no seat is ever sold twice; one active booking per
 * application is a partial unique index.
 */
#ifndef IDLINE_STORE_BOOK_H
#define IDLINE_STORE_BOOK_H

#include <stddef.h>

#include "store.h"

struct store_outbox_msg;

struct store_office {
	char		code[17];
	char		name[81];
	char		short_name[65];	/* <= 16 characters */
	unsigned	workdays;	/* slots.h bits */
	int		open_min, close_min, lunch_start, lunch_end;
	int		slot_min, counters;
	int		sort;
};

struct store_slot {
	long long	id;
	char		office[17];
	int		day;		/* date.h day number */
	int		start_min;
	int		capacity, booked;
};

struct store_booking {
	char		code[16];
	char		reference[32];
	char		status[12];	/* active | cancelled | rescheduled ... */
	long long	slot_id;
	char		office[17];
	char		office_short[65];
	int		day, start_min;
	char		msisdn[17];
	char		lang[8];
};

int	store_office_upsert(struct store *st, const struct store_office *o);
int	store_office_get(struct store *st, const char *code,
	    struct store_office *out);
/* All offices ordered by sort then code; *out freed by the caller. */
int	store_office_list(struct store *st, struct store_office **out,
	    size_t *n);
int	store_holiday_add(struct store *st, int day, const char *office,
	    const char *name);

/*
 * Creates the slots of every office for days [from, from + ndays) from the
 * office plans, skipping holidays (national and the office's) and
 * non-working days.  Idempotent: existing slots are left as they are.
 * *created (may be NULL) receives the number of new slots.
 */
int	store_slots_generate(struct store *st, int from, int ndays,
	    size_t *created);

/*
 * Days in [from, to] with at least one free seat at office, ascending, at
 * most max.  Slots starting before (now_day, now_min) are not free.
 * Returns the count or -1.
 */
int	store_days_free(struct store *st, const char *office, int from, int to,
	    int now_day, int now_min, int *days, int max);
/* Free slots of one day, by start time, at most max; count or -1. */
int	store_slots_free(struct store *st, const char *office, int day,
	    int now_day, int now_min, struct store_slot *out, int max);
int	store_slot_get(struct store *st, long long id, struct store_slot *out);

/* The active booking of an application: 0, STORE_NOTFOUND or -1. */
int	store_booking_active(struct store *st, const char *reference,
	    struct store_booking *out);
int	store_booking_get(struct store *st, const char *code,
	    struct store_booking *out);

/*
 * Books one seat in slot_id for reference with a new code (set by the
 * caller with ckdig_make), in one transaction with the audit row and the
 * confirmation SMS (msg may be NULL).  Returns 0, STORE_FULL (no seat
 * left), STORE_EXISTS (already an active booking) or -1.
 */
int	store_book(struct store *st, const char *reference, long long slot_id,
	    const char *code, const char *msisdn, const char *lang,
	    const struct store_audit *audit,
	    const struct store_outbox_msg *msg);
/*
 * Moves the active booking old_code to slot_id under new_code (old row
 * becomes "rescheduled", its seat returned), atomically.  Refused with
 * STORE_REFUSED when the old slot starts before cutoff (unix time).
 * Returns 0, STORE_FULL, STORE_NOTFOUND, STORE_REFUSED or -1.
 */
int	store_rebook(struct store *st, const char *old_code,
	    long long slot_id, const char *new_code, long long now,
	    long long cutoff_sec, const struct store_audit *audit,
	    const struct store_outbox_msg *msg);
/* Cancels the active booking code (seat returned); same rules. */
int	store_cancel(struct store *st, const char *code, long long now,
	    long long cutoff_sec, const struct store_audit *audit,
	    const struct store_outbox_msg *msg);

/* Bookings whose slot is on day (for reminders): count or -1. */
int	store_bookings_on(struct store *st, int day,
	    struct store_booking *out, int max);

#endif
