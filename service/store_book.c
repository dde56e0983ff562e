/*
 * store_book: offices, holidays, appointment slots and bookings (part of
 * the store module, see store_book.h).
 *
 * Seats live in slots.booked and move only through single guarded UPDATEs
 * ("booked < capacity" to take one, "booked > 0" to give one back), in the
 * same transaction as the booking row, its audit row and its SMS, so a seat
 * is never sold twice, not even by two processes: every write begins with
 * BEGIN IMMEDIATE (store_tx_begin), which serialises writers on the file.
 * "One active booking per application" is the partial unique index
 * bookings_one_active; its violation is reported as STORE_EXISTS.
 *
 * Booking writes run inside a SAVEPOINT as well, so that a refusal found
 * half-way (full slot, existing booking) undoes this call's changes even
 * when the caller has an explicit transaction open (store_begin), where
 * store_tx_end() cannot roll back.
 *
 * Slot generation cuts each office plan with slots_day() and inserts with
 * INSERT OR IGNORE against UNIQUE(office, day, start_min): running it again
 * creates nothing and never touches seats already booked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "log.h"
#include "slots.h"
#include "store_book.h"
#include "store_outbox.h"
#include "store_priv.h"
#include "xmem.h"

/* Longest possible day: one-minute slots around the clock. */
#define STORE_DAY_SLOTS	1440

/* Columns read by store_booking_row(), in order. */
#define STORE_BOOKING_SELECT						\
	"SELECT b.code, b.reference, b.status, b.slot_id, s.office,"	\
	" coalesce(o.short_name, ''), s.day, s.start_min, b.msisdn,"	\
	" b.lang FROM bookings b JOIN slots s ON s.id = b.slot_id"	\
	" LEFT JOIN offices o ON o.code = s.office "

#define STORE_OFFICE_SELECT						\
	"SELECT code, name, short_name, workdays, open_min, close_min,"	\
	" lunch_start, lunch_end, slot_min, counters, sort FROM offices "

#define STORE_SLOT_SELECT						\
	"SELECT id, office, day, start_min, capacity, booked FROM slots "

static void	store_office_row(sqlite3_stmt *, struct store_office *);
static void	store_slot_row(sqlite3_stmt *, struct store_slot *);
static void	store_booking_row(sqlite3_stmt *, struct store_booking *);
static void	store_office_plan(const struct store_office *,
		    struct slots_plan *);
static int	store_office_list_locked(struct store *,
		    struct store_office **, size_t *);
static int	store_slots_office(struct store *, const struct store_office *,
		    int, int, sqlite3_stmt *, sqlite3_stmt *, size_t *);
static int	store_booking_locked(struct store *, const char *,
		    const char *, struct store_booking *);
static int	store_seat_take(struct store *, long long);
static int	store_seat_return(struct store *, long long);
static int	store_booking_insert(struct store *, const char *,
		    const char *, long long, const char *, const char *,
		    long long);
static int	store_booking_status(struct store *, const char *,
		    const char *, long long);
static int	store_book_extras(struct store *, const struct store_audit *,
		    const struct store_outbox_msg *);
static int	store_book_start(struct store *, int *);
static int	store_book_finish(struct store *, int, int);
static int	store_book_change(struct store *, const char *, long long,
		    long long, struct store_booking *);

/* ------------------------------------------------------------- offices */

/* Copies one row of STORE_OFFICE_SELECT into *o. */
static void
store_office_row(sqlite3_stmt *s, struct store_office *o)
{
	memset(o, 0, sizeof(*o));
	store_col(s, 0, o->code, sizeof(o->code));
	store_col(s, 1, o->name, sizeof(o->name));
	store_col(s, 2, o->short_name, sizeof(o->short_name));
	o->workdays = (unsigned)sqlite3_column_int(s, 3);
	o->open_min = sqlite3_column_int(s, 4);
	o->close_min = sqlite3_column_int(s, 5);
	o->lunch_start = sqlite3_column_int(s, 6);
	o->lunch_end = sqlite3_column_int(s, 7);
	o->slot_min = sqlite3_column_int(s, 8);
	o->counters = sqlite3_column_int(s, 9);
	o->sort = sqlite3_column_int(s, 10);
}

static void
store_office_plan(const struct store_office *o, struct slots_plan *p)
{
	p->workdays = o->workdays;
	p->open_min = o->open_min;
	p->close_min = o->close_min;
	p->lunch_start = o->lunch_start;
	p->lunch_end = o->lunch_end;
	p->slot_min = o->slot_min;
	p->counters = o->counters;
}

/*
 * Inserts or replaces office o->code.  The plan must pass
 * slots_plan_check() (else -1, logged).  Slots already generated are not
 * changed.  Returns 0 or -1.
 */
int
store_office_upsert(struct store *st, const struct store_office *o)
{
	struct slots_plan	 p;
	const char		*why = "";
	sqlite3_stmt		*s;
	int			 rc = -1;

	if (o == NULL || o->code[0] == '\0')
		return -1;
	store_office_plan(o, &p);
	if (slots_plan_check(&p, &why) == -1) {
		log_warn("office_invalid", "office=%s why=\"%s\"", o->code,
		    why);
		return -1;
	}
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "INSERT INTO offices(code, name, short_name,"
	    " workdays, open_min, close_min, lunch_start, lunch_end,"
	    " slot_min, counters, sort, updated)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
	    " ON CONFLICT(code) DO UPDATE SET name=?2, short_name=?3,"
	    " workdays=?4, open_min=?5, close_min=?6, lunch_start=?7,"
	    " lunch_end=?8, slot_min=?9, counters=?10, sort=?11, updated=?12");
	if (s == NULL)
		goto done;
	sqlite3_bind_text(s, 1, o->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, o->short_name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, (int)o->workdays);
	sqlite3_bind_int(s, 5, o->open_min);
	sqlite3_bind_int(s, 6, o->close_min);
	sqlite3_bind_int(s, 7, o->lunch_start);
	sqlite3_bind_int(s, 8, o->lunch_end);
	sqlite3_bind_int(s, 9, o->slot_min);
	sqlite3_bind_int(s, 10, o->counters);
	sqlite3_bind_int(s, 11, o->sort);
	sqlite3_bind_int64(s, 12, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 :
	    store_fail(st, "office_upsert");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Returns 0 with *out filled, STORE_NOTFOUND or -1. */
int
store_office_get(struct store *st, const char *code, struct store_office *out)
{
	sqlite3_stmt	*s;
	int		 rc = -1, r;

	memset(out, 0, sizeof(*out));
	if (code == NULL)
		return STORE_NOTFOUND;
	pthread_mutex_lock(&st->lock);
	if ((s = store_prep(st, STORE_OFFICE_SELECT "WHERE code = ?")) == NULL)
		goto done;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_office_row(s, out);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "office_get");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * All offices by sort, code into a new array *out (NULL when there are
 * none) that the caller frees; lock held.  Returns 0 or -1 (*out NULL).
 */
static int
store_office_list_locked(struct store *st, struct store_office **out,
    size_t *n)
{
	struct store_office	*v = NULL;
	sqlite3_stmt		*s;
	size_t			 len = 0, cap = 0;
	int			 r;

	*out = NULL;
	*n = 0;
	if ((s = store_prep(st, STORE_OFFICE_SELECT "ORDER BY sort, code")) ==
	    NULL)
		return -1;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		store_office_row(s, &v[len++]);
	}
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		free(v);
		return store_fail(st, "office_list");
	}
	*out = v;
	*n = len;
	return 0;
}

/* *out (NULL when there are no offices) is freed by the caller. */
int
store_office_list(struct store *st, struct store_office **out, size_t *n)
{
	int	rc;

	pthread_mutex_lock(&st->lock);
	rc = store_office_list_locked(st, out, n);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Adds (or renames) a holiday on day; office NULL or "" means national.
 * Slots already generated for that day are not removed.  0 or -1.
 */
int
store_holiday_add(struct store *st, int day, const char *office,
    const char *name)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "INSERT INTO holidays(day, office, name)"
	    " VALUES(?1, ?2, ?3) ON CONFLICT(day, office) DO UPDATE SET"
	    " name = ?3");
	if (s == NULL)
		goto done;
	sqlite3_bind_int(s, 1, day);
	sqlite3_bind_text(s, 2, office ? office : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name ? name : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 :
	    store_fail(st, "holiday_add");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* --------------------------------------------------------------- slots */

/*
 * Generates the slots of office o for [from, from + ndays) with the two
 * prepared statements hol (?1 day, ?2 office -> a row when closed) and ins
 * (?1 office, ?2 day, ?3 start, ?4 capacity); adds new rows to *created.
 * An office whose stored plan is invalid is skipped with a warning.
 * Returns 0 or -1; lock held, inside a transaction.
 */
static int
store_slots_office(struct store *st, const struct store_office *o, int from,
    int ndays, sqlite3_stmt *hol, sqlite3_stmt *ins, size_t *created)
{
	struct slots_plan	 p;
	int			 starts[STORE_DAY_SLOTS];
	int			 day, i, n, r, holiday;

	store_office_plan(o, &p);
	for (day = from; day < from + ndays; day++) {
		sqlite3_reset(hol);
		sqlite3_bind_int(hol, 1, day);
		sqlite3_bind_text(hol, 2, o->code, -1, SQLITE_STATIC);
		if ((r = sqlite3_step(hol)) != SQLITE_ROW && r != SQLITE_DONE)
			return store_fail(st, "slots_holiday");
		holiday = r == SQLITE_ROW;
		n = slots_day(&p, date_weekday(day), holiday, starts,
		    STORE_DAY_SLOTS);
		if (n == -1) {
			log_warn("slots_bad_plan", "office=%s", o->code);
			return 0;
		}
		for (i = 0; i < n; i++) {
			sqlite3_reset(ins);
			sqlite3_bind_text(ins, 1, o->code, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 2, day);
			sqlite3_bind_int(ins, 3, starts[i]);
			sqlite3_bind_int(ins, 4, o->counters);
			if (sqlite3_step(ins) != SQLITE_DONE)
				return store_fail(st, "slots_insert");
			*created += (size_t)sqlite3_changes(st->db);
		}
	}
	return 0;
}

int
store_slots_generate(struct store *st, int from, int ndays, size_t *created)
{
	struct store_office	*offs = NULL;
	sqlite3_stmt		*hol = NULL, *ins = NULL;
	size_t			 noff = 0, i, made = 0;
	int			 ok = 0;

	if (created != NULL)
		*created = 0;
	if (ndays < 0)
		return -1;
	if (store_tx_begin(st) == -1)
		return -1;
	if (store_office_list_locked(st, &offs, &noff) == -1)
		goto done;
	hol = store_prep(st, "SELECT 1 FROM holidays WHERE day = ?1 AND"
	    " (office = '' OR office = ?2) LIMIT 1");
	ins = store_prep(st, "INSERT OR IGNORE INTO slots(office, day,"
	    " start_min, capacity) VALUES(?1, ?2, ?3, ?4)");
	if (hol == NULL || ins == NULL)
		goto done;
	for (i = 0; i < noff; i++)
		if (store_slots_office(st, &offs[i], from, ndays, hol, ins,
		    &made) == -1)
			goto done;
	ok = 1;
done:
	sqlite3_finalize(hol);
	sqlite3_finalize(ins);
	free(offs);
	if (store_tx_end(st, ok) == -1)
		return -1;
	if (created != NULL)
		*created = made;
	log_info("slots_generated", "from=%d days=%d created=%zu", from, ndays,
	    made);
	return 0;
}

/* Copies one row of STORE_SLOT_SELECT into *sl. */
static void
store_slot_row(sqlite3_stmt *s, struct store_slot *sl)
{
	memset(sl, 0, sizeof(*sl));
	sl->id = sqlite3_column_int64(s, 0);
	store_col(s, 1, sl->office, sizeof(sl->office));
	sl->day = sqlite3_column_int(s, 2);
	sl->start_min = sqlite3_column_int(s, 3);
	sl->capacity = sqlite3_column_int(s, 4);
	sl->booked = sqlite3_column_int(s, 5);
}

int
store_days_free(struct store *st, const char *office, int from, int to,
    int now_day, int now_min, int *days, int max)
{
	sqlite3_stmt	*s;
	int		 n = 0, r = SQLITE_DONE;

	if (office == NULL || max < 0 || (max > 0 && days == NULL))
		return -1;
	if (max == 0)
		return 0;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, "SELECT DISTINCT day FROM slots WHERE office = ?1"
	    " AND day BETWEEN ?2 AND ?3 AND booked < capacity AND"
	    " (day > ?4 OR (day = ?4 AND start_min > ?5))"
	    " ORDER BY day LIMIT ?6");
	if (s == NULL) {
		n = -1;
		goto done;
	}
	sqlite3_bind_text(s, 1, office, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, from);
	sqlite3_bind_int(s, 3, to);
	sqlite3_bind_int(s, 4, now_day);
	sqlite3_bind_int(s, 5, now_min);
	sqlite3_bind_int(s, 6, max);
	while (n < max && (r = sqlite3_step(s)) == SQLITE_ROW)
		days[n++] = sqlite3_column_int(s, 0);
	if (n < max && r != SQLITE_DONE)
		n = store_fail(st, "days_free");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return n;
}

int
store_slots_free(struct store *st, const char *office, int day, int now_day,
    int now_min, struct store_slot *out, int max)
{
	sqlite3_stmt	*s;
	int		 n = 0, r = SQLITE_DONE;

	if (office == NULL || max < 0 || (max > 0 && out == NULL))
		return -1;
	if (max == 0)
		return 0;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, STORE_SLOT_SELECT "WHERE office = ?1 AND day = ?2"
	    " AND booked < capacity AND"
	    " (day > ?3 OR (day = ?3 AND start_min > ?4))"
	    " ORDER BY start_min LIMIT ?5");
	if (s == NULL) {
		n = -1;
		goto done;
	}
	sqlite3_bind_text(s, 1, office, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, day);
	sqlite3_bind_int(s, 3, now_day);
	sqlite3_bind_int(s, 4, now_min);
	sqlite3_bind_int(s, 5, max);
	while (n < max && (r = sqlite3_step(s)) == SQLITE_ROW)
		store_slot_row(s, &out[n++]);
	if (n < max && r != SQLITE_DONE)
		n = store_fail(st, "slots_free");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return n;
}

/* Returns 0 with *out filled, STORE_NOTFOUND or -1. */
int
store_slot_get(struct store *st, long long id, struct store_slot *out)
{
	sqlite3_stmt	*s;
	int		 rc = -1, r;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&st->lock);
	if ((s = store_prep(st, STORE_SLOT_SELECT "WHERE id = ?")) == NULL)
		goto done;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_slot_row(s, out);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "slot_get");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* ------------------------------------------------------------ bookings */

/* Copies one row of STORE_BOOKING_SELECT into *b. */
static void
store_booking_row(sqlite3_stmt *s, struct store_booking *b)
{
	memset(b, 0, sizeof(*b));
	store_col(s, 0, b->code, sizeof(b->code));
	store_col(s, 1, b->reference, sizeof(b->reference));
	store_col(s, 2, b->status, sizeof(b->status));
	b->slot_id = sqlite3_column_int64(s, 3);
	store_col(s, 4, b->office, sizeof(b->office));
	store_col(s, 5, b->office_short, sizeof(b->office_short));
	b->day = sqlite3_column_int(s, 6);
	b->start_min = sqlite3_column_int(s, 7);
	store_col(s, 8, b->msisdn, sizeof(b->msisdn));
	store_col(s, 9, b->lang, sizeof(b->lang));
}

/*
 * Reads the one booking matching where (an SQL condition on ?1 = key) into
 * *out.  Returns 0, STORE_NOTFOUND or -1; lock held.
 */
static int
store_booking_locked(struct store *st, const char *where, const char *key,
    struct store_booking *out)
{
	sqlite3_stmt	*s;
	char		*sql;
	int		 rc = -1, r;

	memset(out, 0, sizeof(*out));
	if (key == NULL)
		return STORE_NOTFOUND;
	sql = xasprintf("%s WHERE %s", STORE_BOOKING_SELECT, where);
	s = store_prep(st, sql);
	free(sql);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		store_booking_row(s, out);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		store_fail(st, "booking_get");
	sqlite3_finalize(s);
	return rc;
}

int
store_booking_active(struct store *st, const char *reference,
    struct store_booking *out)
{
	int	rc;

	pthread_mutex_lock(&st->lock);
	rc = store_booking_locked(st, "b.reference = ?1 AND"
	    " b.status = 'active'", reference, out);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Any status; 0, STORE_NOTFOUND or -1. */
int
store_booking_get(struct store *st, const char *code,
    struct store_booking *out)
{
	int	rc;

	pthread_mutex_lock(&st->lock);
	rc = store_booking_locked(st, "b.code = ?1", code, out);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/*
 * Takes one seat of slot id.  Returns 0, STORE_FULL (no seat, or no such
 * slot) or -1; lock held, inside a transaction.
 */
static int
store_seat_take(struct store *st, long long id)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_prep(st, "UPDATE slots SET booked = booked + 1"
	    " WHERE id = ? AND booked < capacity");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_fail(st, "seat_take");
	else
		rc = sqlite3_changes(st->db) == 0 ? STORE_FULL : 0;
	sqlite3_finalize(s);
	return rc;
}

/*
 * Gives back one seat of slot id.  A count already at 0 is left alone
 * (and logged) rather than failing the cancel.  0 or -1; lock held.
 */
static int
store_seat_return(struct store *st, long long id)
{
	sqlite3_stmt	*s;
	int		 rc = 0;

	s = store_prep(st, "UPDATE slots SET booked = booked - 1"
	    " WHERE id = ? AND booked > 0");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_fail(st, "seat_return");
	else if (sqlite3_changes(st->db) == 0)
		log_warn("seat_return_none", "slot=%lld", id);
	sqlite3_finalize(s);
	return rc;
}

/*
 * Inserts an active booking.  Returns 0, STORE_EXISTS when the reference
 * already has an active booking (bookings_one_active), or -1 (including a
 * code that is already used).  Lock held, inside a transaction.
 */
static int
store_booking_insert(struct store *st, const char *code, const char *ref,
    long long slot_id, const char *msisdn, const char *lang, long long now)
{
	sqlite3_stmt	*s;
	int		 rc = 0;

	s = store_prep(st, "INSERT INTO bookings(code, reference, slot_id,"
	    " status, msisdn, lang, created, updated)"
	    " VALUES(?1, ?2, ?3, 'active', ?4, ?5, ?6, ?6)");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)slot_id);
	store_bind_opt(s, 4, msisdn);
	store_bind_opt(s, 5, lang);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(st->db) ==
		    SQLITE_CONSTRAINT_UNIQUE)
			rc = STORE_EXISTS;
		else
			rc = store_fail(st, "booking_insert");
	}
	sqlite3_finalize(s);
	return rc;
}

/* Sets the status of booking code.  0 or -1; lock held. */
static int
store_booking_status(struct store *st, const char *code, const char *status,
    long long now)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_prep(st, "UPDATE bookings SET status = ?, updated = ?"
	    " WHERE code = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	sqlite3_bind_text(s, 3, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 :
	    store_fail(st, "booking_status");
	sqlite3_finalize(s);
	return rc;
}

/* Queues msg and writes the audit row (either may be NULL).  0 or -1. */
static int
store_book_extras(struct store *st, const struct store_audit *audit,
    const struct store_outbox_msg *msg)
{
	if (msg != NULL && store_outbox_add_locked(st, msg, NULL) == -1)
		return -1;
	if (audit != NULL && store_audit_locked(st, audit) == -1)
		return -1;
	return 0;
}

/*
 * Locks, opens the transaction and the savepoint "book".  *sp tells
 * store_book_finish() whether the savepoint exists.  0, or -1 with the
 * lock released.
 */
static int
store_book_start(struct store *st, int *sp)
{
	*sp = 0;
	if (store_tx_begin(st) == -1)
		return -1;
	if (store_exec(st, "SAVEPOINT book") == -1) {
		store_tx_end(st, 0);
		return -1;
	}
	*sp = 1;
	return 0;
}

/*
 * Ends what store_book_start() began: keeps this call's changes when rc is
 * 0, else undoes them (even inside the caller's explicit transaction),
 * then commits or rolls back and unlocks.  Returns rc, or -1 when the
 * commit failed.
 */
static int
store_book_finish(struct store *st, int sp, int rc)
{
	if (rc == 0 && sp && store_exec(st, "RELEASE book") == -1)
		rc = -1;
	if (rc != 0 && sp) {
		store_exec(st, "ROLLBACK TO book");
		store_exec(st, "RELEASE book");
	}
	if (store_tx_end(st, rc == 0) == -1 && rc == 0)
		rc = -1;
	return rc;
}

int
store_book(struct store *st, const char *reference, long long slot_id,
    const char *code, const char *msisdn, const char *lang,
    const struct store_audit *audit, const struct store_outbox_msg *msg)
{
	int	sp, rc;

	if (reference == NULL || *reference == '\0' || code == NULL ||
	    *code == '\0')
		return -1;
	if (store_book_start(st, &sp) == -1)
		return -1;
	if ((rc = store_seat_take(st, slot_id)) != 0)
		goto done;
	if ((rc = store_booking_insert(st, code, reference, slot_id, msisdn,
	    lang, (long long)time(NULL))) != 0)
		goto done;
	rc = store_book_extras(st, audit, msg);
done:
	return store_book_finish(st, sp, rc);
}

/*
 * The checks shared by rebook and cancel: code must be an active booking
 * (read into *b) whose slot starts at least cutoff_sec after now.  Returns
 * 0, STORE_NOTFOUND, STORE_REFUSED or -1; lock held.
 */
static int
store_book_change(struct store *st, const char *code, long long now,
    long long cutoff_sec, struct store_booking *b)
{
	long long	start;
	int		rc;

	rc = store_booking_locked(st, "b.code = ?1", code, b);
	if (rc != 0)
		return rc;
	if (strcmp(b->status, "active") != 0)
		return STORE_NOTFOUND;
	/* date_to_time() failing gives -1: refused, the safe side. */
	start = (long long)date_to_time(b->day, b->start_min);
	if (start - now < cutoff_sec)
		return STORE_REFUSED;
	return 0;
}

int
store_rebook(struct store *st, const char *old_code, long long slot_id,
    const char *new_code, long long now, long long cutoff_sec,
    const struct store_audit *audit, const struct store_outbox_msg *msg)
{
	struct store_booking	b;
	int			sp, rc;

	if (old_code == NULL || new_code == NULL || *new_code == '\0')
		return -1;
	if (store_book_start(st, &sp) == -1)
		return -1;
	if ((rc = store_book_change(st, old_code, now, cutoff_sec, &b)) != 0)
		goto done;
	/*
	 * Give the old seat back first: moving within a full slot then
	 * still finds its own seat, and the count ends where it began.
	 */
	if ((rc = store_seat_return(st, b.slot_id)) != 0 ||
	    (rc = store_seat_take(st, slot_id)) != 0)
		goto done;
	if ((rc = store_booking_status(st, b.code, "rescheduled", now)) != 0)
		goto done;
	rc = store_booking_insert(st, new_code, b.reference, slot_id,
	    b.msisdn, b.lang, now);
	if (rc == STORE_EXISTS)		/* cannot happen: old one is gone */
		rc = -1;
	if (rc == 0)
		rc = store_book_extras(st, audit, msg);
done:
	return store_book_finish(st, sp, rc);
}

int
store_cancel(struct store *st, const char *code, long long now,
    long long cutoff_sec, const struct store_audit *audit,
    const struct store_outbox_msg *msg)
{
	struct store_booking	b;
	int			sp, rc;

	if (code == NULL)
		return -1;
	if (store_book_start(st, &sp) == -1)
		return -1;
	if ((rc = store_book_change(st, code, now, cutoff_sec, &b)) != 0)
		goto done;
	if ((rc = store_seat_return(st, b.slot_id)) != 0 ||
	    (rc = store_booking_status(st, b.code, "cancelled", now)) != 0)
		goto done;
	rc = store_book_extras(st, audit, msg);
done:
	return store_book_finish(st, sp, rc);
}

/* Active bookings on day, by start time then code; count or -1. */
int
store_bookings_on(struct store *st, int day, struct store_booking *out,
    int max)
{
	sqlite3_stmt	*s;
	int		 n = 0, r = SQLITE_DONE;

	if (max < 0 || (max > 0 && out == NULL))
		return -1;
	if (max == 0)
		return 0;
	pthread_mutex_lock(&st->lock);
	s = store_prep(st, STORE_BOOKING_SELECT "WHERE s.day = ?1 AND"
	    " b.status = 'active' ORDER BY s.start_min, s.office, b.code"
	    " LIMIT ?2");
	if (s == NULL) {
		n = -1;
		goto done;
	}
	sqlite3_bind_int(s, 1, day);
	sqlite3_bind_int(s, 2, max);
	while (n < max && (r = sqlite3_step(s)) == SQLITE_ROW)
		store_booking_row(s, &out[n++]);
	if (n < max && r != SQLITE_DONE)
		n = store_fail(st, "bookings_on");
	sqlite3_finalize(s);
done:
	pthread_mutex_unlock(&st->lock);
	return n;
}
