/*
 * slots: the pure rules that cut an office plan into appointment slots.
 *
 * MOSIP's registration-centre model: opening hours before and after lunch
 * are cut into slot-length pieces, each with capacity = counters; a partial
 * trailing piece is dropped; nothing on non-working weekdays or holidays.
 * Storage (idempotent inserts) lives in the store; this module only
 * computes.
 */
#ifndef IDLINE_SLOTS_H
#define IDLINE_SLOTS_H

#include <stddef.h>

struct slots_plan {
	unsigned	workdays;	/* bit 0 = Monday ... bit 6 = Sunday */
	int		open_min;	/* opening, minutes after midnight */
	int		close_min;	/* closing */
	int		lunch_start;	/* -1 when there is no lunch break */
	int		lunch_end;
	int		slot_min;	/* slot length, > 0 */
	int		counters;	/* seats per slot, > 0 */
};

/* Checks a plan; returns 0, or -1 with a short English reason in *why. */
int	slots_plan_check(const struct slots_plan *p, const char **why);

/*
 * Fills starts[] with the slot start minutes of one day whose weekday is wd
 * (0 = Monday); holiday != 0 means closed.  Returns the number of slots
 * (0 when closed), or -1 when more than max would be needed.
 */
int	slots_day(const struct slots_plan *p, int wd, int holiday,
	    int *starts, size_t max);

/* Parses a workday list "mon,tue,wed" or "mon-fri" or "mon-thu,sat" into
 * bits; 0 or -1. */
int	slots_parse_workdays(const char *s, unsigned *bits);

#endif
