/*
 * svc: the daemon's shared state and its loading.
 *
 * One struct svc per process holds the parsed config, the store handle,
 * the menus, texts, patterns, the engine and the session tables.  It is
 * built once by svc_load() and read by every request; the parts that change
 * (sessions, the store) do their own locking.  Actions reach it through
 * engine_app().
 */
#ifndef IDLINE_SVC_H
#define IDLINE_SVC_H

#include <stddef.h>

struct conf;
struct engine;
struct i18n;
struct menu;
struct sess_table;
struct sms_grammar;
struct store;
struct valid;

struct svc {
	struct conf		*conf;		/* borrowed */
	struct store		*store;		/* NULL in --check */
	const char		*pepper;	/* owned by store */
	struct i18n		*i18n;
	struct valid		*valid;
	struct menu		*menu;
	struct engine		*engine;
	struct sms_grammar	*sms;
	struct sess_table	*ussd_sessions;
	struct sess_table	*sms_sessions;
};

typedef void (*svc_report_fn)(const char *msg, void *arg);

/*
 * Loads texts, patterns, menus and the SMS grammar from conf->menus and
 * checks them (screens against every gateway's budget).  store may be NULL
 * (--check).  Every problem goes to report(); returns 0 or -1.
 */
int	svc_load(struct svc *svc, struct conf *conf, struct store *store,
	    svc_report_fn report, void *arg);
void	svc_free(struct svc *svc);

#endif
