/*
 * serve: the daemon's start and stop order (see serve.h).
 *
 * Start: config checked -> store opened and migrated -> menus loaded and
 * checked -> slots generated -> HTTP listening -> workers running.
 * Stop (SIGTERM/SIGINT): stop accepting -> finish requests in flight ->
 * stop workers -> close the database -> exit 0.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conf.h"
#include "date.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "serve.h"
#include "sess.h"
#include "store.h"
#include "store_book.h"
#include "svc.h"
#include "xmem.h"

struct serve_maint {
	struct svc	*svc;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 stop;
	int		 last_day;
	int		 last_reminder_day;
};

static void	 serve_report(const char *, void *);
static void	 serve_mkparent(const char *);
static void	 serve_daily(struct serve_maint *);
static void	*serve_maint_run(void *);

static void
serve_report(const char *msg, void *arg)
{
	int *n = arg;

	fprintf(stderr, "%s\n", msg);
	(*n)++;
}

/* Creates the database's directory when it is missing (one level). */
static void
serve_mkparent(const char *path)
{
	char *dir = xstrdup(path), *slash;

	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			log_warn("mkdir", "dir=%s err=\"%s\"", dir,
			    strerror(errno));
	}
	free(dir);
}

/*
 * Once a day (and at start): slots for the horizon, and at the reminder
 * hour the reminders for tomorrow's appointments.
 */
static void
serve_daily(struct serve_maint *m)
{
	struct svc *svc = m->svc;
	size_t created = 0;
	int day, min, n;

	date_local(time(NULL), &day, &min);
	if (day != m->last_day) {
		if (store_slots_generate(svc->store, day,
		    svc->conf->slots_days, &created) == 0) {
			log_info("slots_generated", "from=%d days=%d new=%zu",
			    day, svc->conf->slots_days, created);
			m->last_day = day;
		}
	}
	if (day != m->last_reminder_day &&
	    min >= svc->conf->reminder_hour * 60) {
		n = notify_reminders(svc, svc->store, day + 1);
		if (n >= 0) {
			log_info("reminders_queued", "day=%d n=%d", day + 1, n);
			m->last_reminder_day = day;
		}
	}
	sess_expire(svc->ussd_sessions, time(NULL));
	sess_expire(svc->sms_sessions, time(NULL));
}

static void *
serve_maint_run(void *arg)
{
	struct serve_maint *m = arg;
	struct timespec ts;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		pthread_mutex_unlock(&m->lock);
		serve_daily(m);
		pthread_mutex_lock(&m->lock);
		if (m->stop)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 30;
		pthread_cond_timedwait(&m->cond, &m->lock, &ts);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int
serve_main(struct conf *conf, int check)
{
	struct svc svc;
	struct store *st = NULL;
	struct http *h = NULL;
	struct outbox *ob = NULL;
	struct serve_maint m;
	sigset_t set;
	char err[512];
	int errors = 0, sig, rc = 2;

	memset(&m, 0, sizeof(m));
	memset(&svc, 0, sizeof(svc));
	if (check) {
		if (svc_load(&svc, conf, NULL, serve_report, &errors) == -1 ||
		    errors > 0) {
			fprintf(stderr, "%d problem(s) found\n",
			    errors ? errors : 1);
			svc_free(&svc);
			return 1;
		}
		svc_free(&svc);
		printf("configuration OK\n");
		return 0;
	}
	serve_mkparent(conf->database);
	if ((st = store_open(conf->database, err, sizeof(err))) == NULL) {
		fprintf(stderr, "idline: %s\n", err);
		return 2;
	}
	if (svc_load(&svc, conf, st, serve_report, &errors) == -1) {
		fprintf(stderr, "idline: %d problem(s) in config or menus; "
		    "not serving\n", errors ? errors : 1);
		goto done;
	}
	/* Signals are taken by sigwait below, never by worker threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	m.svc = &svc;
	m.last_day = m.last_reminder_day = -1;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cond, NULL);
	serve_daily(&m);
	if ((h = http_start(&svc)) == NULL)
		goto done;
	if ((ob = outbox_start(conf)) == NULL)
		log_warn("outbox", "reason=\"sender not started\"");
	if (pthread_create(&m.thread, NULL, serve_maint_run, &m) != 0)
		goto done;
	log_info("listening", "addr=%s port=%d db=%s", conf->listen,
	    http_port(h), conf->database);
	fprintf(stderr, "idline: serving on http://%s (Ctrl-C to stop)\n",
	    conf->listen);
	while (sigwait(&set, &sig) != 0)
		;
	log_info("stopping", "signal=%d", sig);
	http_quiesce(h);
	if (http_drain(h, 4000) > 0)
		log_warn("stopping", "reason=\"requests still in flight after "
		    "4 s\"");
	http_stop(h);
	h = NULL;
	pthread_mutex_lock(&m.lock);
	m.stop = 1;
	pthread_cond_signal(&m.cond);
	pthread_mutex_unlock(&m.lock);
	pthread_join(m.thread, NULL);
	rc = 0;
done:
	http_stop(h);
	outbox_stop(ob);
	svc_free(&svc);
	store_close(st);
	if (rc == 0)
		log_info("stopped", "clean=1");
	return rc;
}
