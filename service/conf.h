/*
 * conf: the service configuration, parsed once into one struct.
 *
 * The file is YAML (see idline.yaml at the top of the repository for every
 * key with its default).  Every key is known to a table in conf.c; unknown
 * keys, wrong types and out-of-range values are reported with file:line,
 * all of them in one run.  Command-line options override the file.
 */
#ifndef IDLINE_CONF_H
#define IDLINE_CONF_H

#include <stddef.h>

struct conf_gw {
	char	**allow;	/* CIDR allowlist */
	size_t	  nallow;
	char	 *secret;	/* shared secret in the callback URL, "" = none */
	int	  budget_gsm;	/* USSD screen budget in septets */
	int	  budget_ucs;	/* ... in UTF-16 units */
};

struct conf_prefix {
	char	*prefix;	/* "+252" */
	char	*lang;		/* "so" */
};

struct conf {
	char		*file;		/* path read, or NULL for defaults */
	char		*listen;	/* host:port */
	char		*database;
	char		*menus;
	char		*timezone;	/* TZ name, "" = the system's */
	char		*log_level;
	char		*default_lang;
	char		*default_cc;	/* digits, for national msisdns */
	struct conf_prefix *prefixes;	/* language by msisdn prefix */
	size_t		 nprefixes;
	char		*pepper;	/* key for PII hashes */
	int		 threads;
	int		 max_body;	/* bytes */
	int		 conn_timeout;	/* seconds */
	char		*tls_cert, *tls_key;
	/* sessions */
	int		 sess_ttl, sess_max, resume_window;
	char		*key_back, *key_home, *key_more;
	int		 max_invalid;
	/* verification */
	int		 verify_max_fail, verify_window_h, verify_lock_h;
	char		*ref_pattern;
	/* gateways */
	struct conf_gw	 gw_at, gw_kannel;
	int		 sms_parts;
	int		 sms_budget;	/* GSM septets for SMS MENU screens */
	int		 sms_ttl;	/* SMS MENU session idle TTL */
	int		 sms_dedupe_sec;
	int		 op_begin, op_continue, op_end, op_abort;
	char		*ussd_session_tag;
	/* booking */
	int		 book_horizon, book_offset, book_cutoff_h;
	int		 slots_days;
	/* replacement */
	char		**repl_police_kinds; /* kinds needing a police ref */
	size_t		  nrepl_police_kinds;
	/* outbox */
	char		*sendsms_url, *sendsms_user, *sendsms_pass;
	char		*sms_from, *dlr_url;
	int		 send_rate, send_max_attempts, send_backoff_max;
	int		 reminder_hour;
	int		 demo_seed;
};

/* Fills c with the defaults (no file). */
void	conf_defaults(struct conf *c);
/*
 * Reads path over the defaults.  Every problem goes to report() as
 * "file:line: reason"; returns 0, or -1 if there was any.
 */
typedef void (*conf_report_fn)(const char *msg, void *arg);
int	conf_load(struct conf *c, const char *path, conf_report_fn report,
	    void *arg);
/* Checks cross-field rules (CIDRs, TLS pair, listen form); -1 on error. */
int	conf_validate(const struct conf *c, conf_report_fn report, void *arg);
void	conf_free(struct conf *c);
/* Replaces a string field (copies val). */
void	conf_set_str(char **field, const char *val);
/* Language for msisdn by the longest matching prefix, else default_lang. */
const char *conf_lang_for(const struct conf *c, const char *msisdn);
/*
 * 1 when the IPv4/IPv6 address string ip is inside one of the CIDRs.
 * An invalid CIDR never matches (conf_validate reports it).
 */
int	conf_ip_allowed(char *const *cidrs, size_t n, const char *ip);

#endif
