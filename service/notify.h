/*
 * notify: the SMS texts idline sends on its own (confirmations, reminders,
 * status changes), rendered in the recipient's language and fitted to the
 * configured number of SMS parts.  Texts follow the privacy rules: masked
 * references, office short names, dates and times, never a name or a DOB.
 */
#ifndef IDLINE_NOTIFY_H
#define IDLINE_NOTIFY_H

#include <stddef.h>

struct svc;
struct store;

/*
 * Renders text key in lang with kv pairs ("name", "value", ..., NULL) as
 * template variables, fitted to conf->sms_parts.  Caller frees.
 */
char	*notify_render(const struct svc *svc, const char *lang,
	    const char *key, const char *const *kv);
/* The language to write to msisdn in: stored choice, else by prefix. */
void	 notify_lang(const struct svc *svc, struct store *st,
	    const char *msisdn, char *lang, size_t n);
/*
 * Queues the message an application status change calls for (action
 * needed, ready for collection, rejected) when the application has a
 * phone; other statuses queue nothing.  Inside the caller's transaction
 * when one is open.  Returns 0 or -1.
 */
int	 notify_app_status(const struct svc *svc, struct store *st,
	    const char *reference, const char *msisdn, const char *status);
/*
 * Fills *msg (text allocated into *text, caller frees) with the SMS a
 * replacement request's new status calls for (awaiting payment, rejected,
 * ready for collection), in the requester's language.  Returns 1 when a
 * message is due, 0 when none.  dedupe must hold 64 bytes.
 */
struct store_outbox_msg;
struct store_repl;
int	 notify_repl_status(const struct svc *svc, struct store *st,
	    const struct store_repl *r, const char *status,
	    struct store_outbox_msg *msg, char **text, char *dedupe,
	    char *lang);
/* Queues reminders for bookings on day (once per booking); count or -1. */
int	 notify_reminders(const struct svc *svc, struct store *st, int day);

#endif
