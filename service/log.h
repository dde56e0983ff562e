/*
 * log: leveled logfmt lines to stderr, and the masking helpers that keep
 * personal data out of them.
 *
 * Every line is "ts=... level=... event=<event> key=value ...".  Callers pass
 * the key=value tail as a printf format.  Never pass raw MSISDNs, references,
 * dates of birth or user input: mask them with log_mask_*() first.
 */
#ifndef IDLINE_LOG_H
#define IDLINE_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void	log_set_level(enum log_level lvl);
/* Parses "error|warn|info|debug"; returns -1 on an unknown name. */
int	log_level_parse(const char *name, enum log_level *lvl);
void	log_msg(enum log_level lvl, const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_err(ev, ...)	log_msg(LOG_LVL_ERR, ev, __VA_ARGS__)
#define log_warn(ev, ...)	log_msg(LOG_LVL_WARN, ev, __VA_ARGS__)
#define log_info(ev, ...)	log_msg(LOG_LVL_INFO, ev, __VA_ARGS__)
#define log_debug(ev, ...)	log_msg(LOG_LVL_DEBUG, ev, __VA_ARGS__)

/*
 * Masks a phone number into buf: keeps the first 4 and the last 2
 * characters, stars in between ("+256*******22").  NULL or "" gives "-".
 * Returns buf.
 */
const char *log_mask_msisdn(const char *msisdn, char *buf, size_t n);
/* Masks a reference, ticket or booking code: "***" + last 4.  Returns buf. */
const char *log_mask_ref(const char *ref, char *buf, size_t n);

#endif
