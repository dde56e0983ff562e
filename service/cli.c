/*
 * cli: imports, slot generation, staff status updates, demo seed (see
 * cli.h).
 *
 * An import reads and checks the whole file first (csvimp) and writes only
 * when every row is valid, in one transaction: either every row is in, or
 * nothing changed.  Status changes are recorded in the history and queue
 * the SMS the new status calls for, in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "conf.h"
#include "csvimp.h"
#include "date.h"
#include "i18n.h"
#include "log.h"
#include "notify.h"
#include "pii.h"
#include "repl.h"
#include "store.h"
#include "store_book.h"
#include "store_outbox.h"
#include "store_repl.h"
#include "svc.h"
#include "valid.h"
#include "xmem.h"

struct cli_ctx {
	struct conf	*conf;
	struct store	*st;
	struct svc	 svc;
	int		 loaded;
};

static int	cli_open(struct cli_ctx *, struct conf *, int);
static void	cli_close(struct cli_ctx *);
static void	cli_report(const char *, void *);
static int	cli_ref_ok(const char *, void *);
static int	cli_import_apps(struct cli_ctx *, FILE *, const char *);
static int	cli_import_offices(struct cli_ctx *, FILE *, const char *);
static int	cli_import_holidays(struct cli_ctx *, FILE *, const char *);
static int	cli_print_errs(struct csvimp_errs *, const char *);

static void
cli_report(const char *msg, void *arg)
{
	int *n = arg;

	fprintf(stderr, "%s\n", msg);
	(*n)++;
}

/* Opens the store and, when menus != 0, the texts and patterns too. */
static int
cli_open(struct cli_ctx *x, struct conf *c, int menus)
{
	char err[512];
	int n = 0;

	memset(x, 0, sizeof(*x));
	x->conf = c;
	if ((x->st = store_open(c->database, err, sizeof(err))) == NULL) {
		fprintf(stderr, "idline: %s\n", err);
		return -1;
	}
	if (menus) {
		if (svc_load(&x->svc, c, x->st, cli_report, &n) == -1) {
			fprintf(stderr, "idline: cannot load menus from %s\n",
			    c->menus);
			store_close(x->st);
			return -1;
		}
		x->loaded = 1;
	}
	return 0;
}

static void
cli_close(struct cli_ctx *x)
{
	if (x->loaded)
		svc_free(&x->svc);
	store_close(x->st);
}

static int
cli_ref_ok(const char *ref, void *arg)
{
	struct cli_ctx *x = arg;

	return valid_match(x->svc.valid, "reference", ref, NULL, 0);
}

static int
cli_print_errs(struct csvimp_errs *e, const char *file)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		fprintf(stderr, "%s\n", e->msg[i]);
	fprintf(stderr, "idline: %s: %zu problem(s); nothing imported\n",
	    file, e->n);
	csvimp_errs_free(e);
	return 1;
}

static int
cli_import_apps(struct cli_ctx *x, FILE *f, const char *name)
{
	struct csvimp_errs errs;
	struct csvimp_app *rows = NULL;
	struct store_app a;
	struct store_audit au;
	size_t n = 0, i, changed = 0;
	char old[24];
	int day;

	memset(&errs, 0, sizeof(errs));
	if (csvimp_applications(f, name, cli_ref_ok, x, x->conf->default_cc,
	    &rows, &n, &errs) == -1)
		return cli_print_errs(&errs, name);
	if (store_begin(x->st) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		snprintf(a.reference, sizeof(a.reference), "%s",
		    rows[i].reference);
		snprintf(a.kind, sizeof(a.kind), "%s", rows[i].kind);
		snprintf(a.status, sizeof(a.status), "%s", rows[i].status);
		snprintf(a.msisdn, sizeof(a.msisdn), "%s", rows[i].msisdn);
		snprintf(a.office, sizeof(a.office), "%s", rows[i].office);
		if (date_parse_iso(rows[i].dob, &day) == -1)
			goto rollback;
		pii_dob_hash(x->svc.pepper, a.reference, day, a.dob_hash);
		if (store_app_upsert(x->st, &a, "import", old,
		    sizeof(old)) == -1)
			goto rollback;
		if (strcmp(old, a.status) != 0) {
			changed++;
			if (notify_app_status(&x->svc, x->st, a.reference,
			    a.msisdn, a.status) == -1)
				goto rollback;
		}
	}
	memset(&au, 0, sizeof(au));
	au.channel = "cli";
	au.actor = "import";
	au.action = "import_applications";
	au.outcome = "ok";
	if (store_audit(x->st, &au) == -1 || store_commit(x->st) == -1)
		goto fail;
	printf("imported %zu application(s) from %s (%zu status change(s))\n",
	    n, name, changed);
	free(rows);
	return 0;
rollback:
	store_rollback(x->st);
fail:
	fprintf(stderr, "idline: %s: database error; nothing imported\n",
	    name);
	free(rows);
	return 2;
}

static int
cli_import_offices(struct cli_ctx *x, FILE *f, const char *name)
{
	struct csvimp_errs errs;
	struct csvimp_office *rows = NULL;
	struct store_office o;
	size_t n = 0, i;

	memset(&errs, 0, sizeof(errs));
	if (csvimp_offices(f, name, &rows, &n, &errs) == -1)
		return cli_print_errs(&errs, name);
	if (store_begin(x->st) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof(o));
		snprintf(o.code, sizeof(o.code), "%s", rows[i].code);
		snprintf(o.name, sizeof(o.name), "%s", rows[i].name);
		snprintf(o.short_name, sizeof(o.short_name), "%s",
		    rows[i].short_name);
		o.workdays = rows[i].workdays;
		o.open_min = rows[i].open_min;
		o.close_min = rows[i].close_min;
		o.lunch_start = rows[i].lunch_start;
		o.lunch_end = rows[i].lunch_end;
		o.slot_min = rows[i].slot_min;
		o.counters = rows[i].counters;
		o.sort = (int)i;
		if (store_office_upsert(x->st, &o) == -1) {
			store_rollback(x->st);
			goto fail;
		}
	}
	if (store_commit(x->st) == -1)
		goto fail;
	printf("imported %zu office(s) from %s\n", n, name);
	free(rows);
	return 0;
fail:
	fprintf(stderr, "idline: %s: database error; nothing imported\n",
	    name);
	free(rows);
	return 2;
}

static int
cli_import_holidays(struct cli_ctx *x, FILE *f, const char *name)
{
	struct csvimp_errs errs;
	struct csvimp_holiday *rows = NULL;
	size_t n = 0, i;

	memset(&errs, 0, sizeof(errs));
	if (csvimp_holidays(f, name, &rows, &n, &errs) == -1)
		return cli_print_errs(&errs, name);
	if (store_begin(x->st) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (store_holiday_add(x->st, rows[i].day, rows[i].office,
		    rows[i].name) == -1) {
			store_rollback(x->st);
			goto fail;
		}
	}
	if (store_commit(x->st) == -1)
		goto fail;
	printf("imported %zu holiday(s) from %s\n", n, name);
	free(rows);
	return 0;
fail:
	fprintf(stderr, "idline: %s: database error; nothing imported\n",
	    name);
	free(rows);
	return 2;
}

int
cli_import(struct conf *c, const char *what, const char *file)
{
	struct cli_ctx x;
	FILE *f;
	int rc;

	if (strcmp(what, "applications") != 0 &&
	    strcmp(what, "offices") != 0 && strcmp(what, "holidays") != 0) {
		fprintf(stderr, "idline: import what? applications, offices "
		    "or holidays\n");
		return 2;
	}
	if (strcmp(file, "-") == 0)
		f = stdin;
	else if ((f = fopen(file, "rb")) == NULL) {
		fprintf(stderr, "idline: %s: cannot open: %m\n", file);
		return 2;
	}
	if (cli_open(&x, c, 1) == -1) {
		if (f != stdin)
			fclose(f);
		return 2;
	}
	if (strcmp(what, "applications") == 0)
		rc = cli_import_apps(&x, f, file);
	else if (strcmp(what, "offices") == 0)
		rc = cli_import_offices(&x, f, file);
	else
		rc = cli_import_holidays(&x, f, file);
	if (f != stdin)
		fclose(f);
	cli_close(&x);
	return rc;
}

int
cli_slots_generate(struct conf *c, int days)
{
	struct cli_ctx x;
	size_t created = 0;
	int day, min, rc = 0;

	if (cli_open(&x, c, 0) == -1)
		return 2;
	date_local(time(NULL), &day, &min);
	if (store_slots_generate(x.st, day, days, &created) == -1)
		rc = 2;
	else
		printf("generated %zu new slot(s) for %d day(s)\n", created,
		    days);
	cli_close(&x);
	return rc;
}

int
cli_status_set(struct conf *c, const char *ref, const char *status)
{
	static const char *const ok[] = { "received", "in_progress",
	    "action_needed", "ready_for_collection", "collected", "rejected",
	    NULL };
	struct cli_ctx x;
	struct store_app a;
	struct store_audit au;
	char old[24];
	size_t i;
	int rc;

	for (i = 0; ok[i] && strcmp(ok[i], status) != 0; i++)
		;
	if (ok[i] == NULL) {
		fprintf(stderr, "idline: status must be one of received, "
		    "in_progress, action_needed, ready_for_collection, "
		    "collected, rejected\n");
		return 1;
	}
	if (cli_open(&x, c, 1) == -1)
		return 2;
	rc = 2;
	if (store_begin(x.st) == -1)
		goto done;
	switch (store_app_set_status(x.st, ref, status, "staff", old,
	    sizeof(old))) {
	case 0:
		break;
	case STORE_NOTFOUND:
		store_rollback(x.st);
		fprintf(stderr, "idline: no application with that "
		    "reference\n");
		rc = 1;
		goto done;
	default:
		store_rollback(x.st);
		goto done;
	}
	if (store_app_get(x.st, ref, &a) != 0 || (strcmp(old, status) != 0 &&
	    notify_app_status(&x.svc, x.st, ref, a.msisdn, status) == -1)) {
		store_rollback(x.st);
		goto done;
	}
	memset(&au, 0, sizeof(au));
	au.channel = "staff";
	au.actor = "cli";
	au.action = "status_set";
	au.object = ref;
	au.outcome = status;
	if (store_audit(x.st, &au) == -1 || store_commit(x.st) == -1)
		goto done;
	printf("status %s -> %s\n", *old ? old : "-", status);
	rc = 0;
done:
	cli_close(&x);
	return rc;
}

int
cli_repl_set(struct conf *c, const char *ticket, const char *status)
{
	struct cli_ctx x;
	struct store_repl r;
	struct store_outbox_msg msg;
	struct store_audit au;
	char dedupe[64], lang[8], *text = NULL;
	int rc, due;

	if (!repl_status_valid(status)) {
		fprintf(stderr, "idline: status must be one of submitted, "
		    "awaiting_payment, under_review, approved, rejected, "
		    "in_production, ready_for_collection, collected, "
		    "cancelled, expired\n");
		return 1;
	}
	if (cli_open(&x, c, 1) == -1)
		return 2;
	if ((rc = store_repl_get(x.st, ticket, &r)) != 0) {
		fprintf(stderr, "idline: %s\n", rc == STORE_NOTFOUND ?
		    "no replacement request with that ticket" :
		    "database error");
		cli_close(&x);
		return rc == STORE_NOTFOUND ? 1 : 2;
	}
	due = notify_repl_status(&x.svc, x.st, &r, status, &msg, &text,
	    dedupe, lang);
	rc = store_repl_set_status(x.st, ticket, status, "staff",
	    due ? &msg : NULL);
	free(text);
	memset(&au, 0, sizeof(au));
	au.channel = "staff";
	au.actor = "cli";
	au.action = "repl_status_set";
	au.object = ticket;
	au.outcome = rc == 0 ? status : rc == STORE_REFUSED ? "refused" :
	    "error";
	store_audit(x.st, &au);
	cli_close(&x);
	if (rc == STORE_REFUSED) {
		fprintf(stderr, "idline: a request that is %s cannot become "
		    "%s\n", r.status, status);
		return 1;
	}
	if (rc != 0)
		return 2;
	printf("replacement %s -> %s%s\n", r.status, status,
	    due ? " (SMS queued)" : "");
	return 0;
}

int
cli_seed(struct conf *c, const char *dir)
{
	struct cli_ctx x;
	long long n = 0;
	char *path;
	int rc, day, min;
	size_t created = 0;

	if (cli_open(&x, c, 0) == -1)
		return 2;
	rc = store_app_count(x.st, &n);
	cli_close(&x);
	if (rc == -1)
		return 2;
	if (n > 0) {
		printf("database %s already has data; not seeding\n",
		    c->database);
		return 0;
	}
	path = xasprintf("%s/offices.csv", dir);
	rc = cli_import(c, "offices", path);
	free(path);
	if (rc == 0) {
		path = xasprintf("%s/holidays.csv", dir);
		rc = cli_import(c, "holidays", path);
		free(path);
	}
	if (rc == 0) {
		path = xasprintf("%s/applications.csv", dir);
		rc = cli_import(c, "applications", path);
		free(path);
	}
	if (rc != 0 || cli_open(&x, c, 0) == -1)
		return rc ? rc : 2;
	/* A closure a week ahead, so the demo shows a day without slots. */
	date_local(time(NULL), &day, &min);
	store_holiday_add(x.st, day + 7, "", "Demo holiday");
	store_slots_generate(x.st, day, c->slots_days, &created);
	cli_close(&x);
	printf("seeded demo data into %s (%zu slots)\n", c->database, created);
	return 0;
}
