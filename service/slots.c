/*
 * slots: cuts an office plan into the appointment slots of one day.
 *
 * This follows MOSIP's registration-centre model: the opening hours are two
 * parts, [open, lunch_start) and [lunch_end, close) (one part when there is
 * no lunch break), each cut into slot_min pieces from its start; a trailing
 * piece shorter than slot_min is dropped, so no slot runs into lunch or past
 * closing.  Capacity is not computed here: every slot seats p->counters
 * people and the caller stores that.  Closed days (holidays, weekdays not
 * in p->workdays) have no slots.  Pure functions, no allocation, no I/O;
 * the store turns the result into idempotent inserts.
 */
#include <stddef.h>
#include <string.h>

#include "slots.h"

#define SLOTS_MAX_COUNTERS	100
#define SLOTS_DAY_MIN		1440
#define SLOTS_ALL_DAYS		0x7fu

static int	slots_part(int from, int to, int len, int *starts, int n);
static int	slots_day_index(const char *s, size_t len);
static int	slots_parse_item(const char *s, size_t len, unsigned *bits);
static int	slots_blank(int c);

int
slots_plan_check(const struct slots_plan *p, const char **why)
{
	const char	*err;

	if (p == NULL)
		err = "no plan";
	else if (p->slot_min <= 0)
		err = "slot length must be positive";
	else if (p->counters <= 0)
		err = "counters must be positive";
	else if (p->counters > SLOTS_MAX_COUNTERS)
		err = "more than 100 counters";
	else if (p->open_min < 0)
		err = "opening time before midnight";
	else if (p->close_min > SLOTS_DAY_MIN)
		err = "closing time after 24:00";
	else if (p->open_min >= p->close_min)
		err = "opening time not before closing time";
	else if ((p->lunch_start == -1) != (p->lunch_end == -1))
		err = "lunch needs both a start and an end";
	else if (p->lunch_start != -1 && p->lunch_start >= p->lunch_end)
		err = "lunch start not before lunch end";
	else if (p->lunch_start != -1 && (p->lunch_start < p->open_min ||
	    p->lunch_end > p->close_min))
		err = "lunch outside opening hours";
	else if (p->workdays == 0)
		err = "no working days";
	else if (p->workdays & ~SLOTS_ALL_DAYS)
		err = "unknown working-day bits";
	else
		return 0;
	if (why != NULL)
		*why = err;
	return -1;
}

/*
 * Counts the whole len-minute pieces of [from, to) and, when starts is not
 * NULL, writes their start minutes to starts[0..].  Returns the count.
 */
static int
slots_part(int from, int to, int len, int *starts, int n)
{
	int	t, i = 0;

	for (t = from; to - t >= len; t += len) {
		if (starts != NULL)
			starts[n + i] = t;
		i++;
	}
	return i;
}

/*
 * An invalid plan (slots_plan_check) or a weekday outside 0..6 also gives
 * -1.  On -1, starts[] is left untouched.
 */
int
slots_day(const struct slots_plan *p, int wd, int holiday, int *starts,
    size_t max)
{
	int	n, end1;

	if (slots_plan_check(p, NULL) == -1 || wd < 0 || wd > 6)
		return -1;
	if (holiday || !(p->workdays & (1u << wd)))
		return 0;

	end1 = p->lunch_start == -1 ? p->close_min : p->lunch_start;
	n = slots_part(p->open_min, end1, p->slot_min, NULL, 0);
	if (p->lunch_start != -1)
		n += slots_part(p->lunch_end, p->close_min, p->slot_min,
		    NULL, 0);
	if ((size_t)n > max || (n > 0 && starts == NULL))
		return -1;

	n = slots_part(p->open_min, end1, p->slot_min, starts, 0);
	if (p->lunch_start != -1)
		n += slots_part(p->lunch_end, p->close_min, p->slot_min,
		    starts, n);
	return n;
}

static int
slots_blank(int c)
{
	return c == ' ' || c == '\t';
}

/*
 * Returns 0 (Monday) .. 6 (Sunday) for a three-letter day name in lowercase
 * ("mon") or capitalised ("Mon") form, -1 for anything else.
 */
static int
slots_day_index(const char *s, size_t len)
{
	static const char	*names[7] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun"
	};
	char			 low[3];
	int			 i;

	if (len != 3)
		return -1;
	if (s[0] >= 'A' && s[0] <= 'Z')
		low[0] = s[0] - 'A' + 'a';
	else
		low[0] = s[0];
	low[1] = s[1];
	low[2] = s[2];
	for (i = 0; i < 7; i++)
		if (memcmp(low, names[i], 3) == 0)
			return i;
	return -1;
}

/*
 * Parses one list item of len bytes, "ddd" or "ddd-ddd" with optional blanks
 * around the names, and ORs its days into *bits.  A range wraps past
 * Sunday ("fri-mon" is Friday to Monday).  Returns 0 or -1.
 */
static int
slots_parse_item(const char *s, size_t len, unsigned *bits)
{
	const char	*dash, *end = s + len;
	const char	*a, *ae, *b, *be;
	int		 from, to;

	dash = memchr(s, '-', len);
	a = s;
	ae = dash != NULL ? dash : end;
	while (a < ae && slots_blank(*a))
		a++;
	while (ae > a && slots_blank(ae[-1]))
		ae--;
	if ((from = slots_day_index(a, (size_t)(ae - a))) == -1)
		return -1;
	if (dash == NULL) {
		*bits |= 1u << from;
		return 0;
	}

	b = dash + 1;
	be = end;
	while (b < be && slots_blank(*b))
		b++;
	while (be > b && slots_blank(be[-1]))
		be--;
	if ((to = slots_day_index(b, (size_t)(be - b))) == -1)
		return -1;
	for (;;) {
		*bits |= 1u << from;
		if (from == to)
			break;
		from = (from + 1) % 7;
	}
	return 0;
}

/* On -1, *bits is left unchanged. */
int
slots_parse_workdays(const char *s, unsigned *bits)
{
	const char	*comma;
	unsigned	 acc = 0;
	size_t		 len;

	if (s == NULL || bits == NULL)
		return -1;
	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (slots_parse_item(s, len, &acc) == -1)
			return -1;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	*bits = acc;
	return 0;
}
