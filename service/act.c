/*
 * act: action registry and shared helpers (see act.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act.h"
#include "conf.h"
#include "date.h"
#include "log.h"
#include "sess.h"
#include "store.h"
#include "store_book.h"
#include "svc.h"
#include "xmem.h"

static struct engine_action	*act_table;
static size_t			 act_n;
static pthread_once_t		 act_once = PTHREAD_ONCE_INIT;

static void	act_build(void);

static void
act_build(void)
{
	act_n = act_status_count + act_booking_count + act_replace_count;
	act_table = xcalloc(act_n, sizeof(*act_table));
	memcpy(act_table, act_status_actions,
	    act_status_count * sizeof(*act_table));
	memcpy(act_table + act_status_count, act_booking_actions,
	    act_booking_count * sizeof(*act_table));
	memcpy(act_table + act_status_count + act_booking_count,
	    act_replace_actions, act_replace_count * sizeof(*act_table));
}

const struct engine_action *
act_all(size_t *n)
{
	pthread_once(&act_once, act_build);
	*n = act_n;
	return act_table;
}

struct svc *
act_svc(struct engine_ctx *c)
{
	return engine_app(c);
}

const char *
act_msisdn(struct engine_ctx *c)
{
	return engine_sess(c)->msisdn;
}

const char *
act_channel(struct engine_ctx *c)
{
	const char *ch = engine_sess(c)->channel;

	return *ch ? ch : "ussd";
}

void
act_audit(struct engine_ctx *c, const char *action, const char *object,
    const char *outcome)
{
	struct store_audit a;
	struct svc *svc = act_svc(c);

	if (svc->store == NULL)
		return;
	memset(&a, 0, sizeof(a));
	a.channel = act_channel(c);
	a.msisdn = act_msisdn(c);
	a.action = action;
	a.object = object;
	a.outcome = outcome;
	store_audit(svc->store, &a);
}

const char *
act_mask(const char *s, char *buf, size_t n)
{
	return log_mask_ref(s, buf, n);
}

void
act_set_tr(struct engine_ctx *c, const char *name, const char *key)
{
	engine_set(c, name, engine_tr(c, key));
}

void
act_setf(struct engine_ctx *c, const char *name, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	engine_set(c, name, buf);
}

int
act_verified(struct engine_ctx *c)
{
	const char *v = engine_var(c, "verified");
	const char *ref = engine_var(c, "ref");

	return v && ref && strcmp(v, ref) == 0;
}

int
act_fail(struct engine_ctx *c, const char *phone_key, const char *obj_key)
{
	struct svc *svc = act_svc(c);
	const struct conf *cf = svc->conf;

	return store_fail_record(svc->store, phone_key, obj_key,
	    (long long)time(NULL), cf->verify_max_fail,
	    (long long)cf->verify_window_h * 3600,
	    (long long)cf->verify_lock_h * 3600);
}

int
act_office_items(struct engine_ctx *c, const char *first)
{
	struct store_office *o = NULL;
	size_t n = 0, i;
	int pass, own;

	if (store_office_list(act_svc(c)->store, &o, &n) == -1)
		return -1;
	/* Pass 0: the application's own office; pass 1: the others. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			own = first != NULL && strcmp(o[i].code, first) == 0;
			if (own != (pass == 0))
				continue;
			engine_item(c, o[i].short_name[0] ? o[i].short_name :
			    o[i].name, o[i].code);
		}
	free(o);
	return 0;
}

const char *
act_day_label(struct engine_ctx *c, int day, char *buf, size_t n)
{
	static const char *const keys[] = { "day.mon", "day.tue", "day.wed",
	    "day.thu", "day.fri", "day.sat", "day.sun" };
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(buf, n, "%s %02d/%02d", engine_tr(c, keys[date_weekday(day)]),
	    d, m);
	return buf;
}
