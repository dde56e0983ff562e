/*
 * sms: the SMS keyword grammar (menus/sms.yaml).
 *
 * Each command has one PCRE2 pattern per language (case-insensitive),
 * capture groups saved into named variables, and either an entry state of
 * the menus (the same actions the USSD flows call) or "menu: true" to run
 * the menus as a conversation over SMS.  Checked at load: patterns compile,
 * entry states exist and are marked "entry: true", languages are known.
 */
#ifndef IDLINE_SMS_H
#define IDLINE_SMS_H

#include <stddef.h>

struct svc;
struct sms_grammar;

#define SMS_MAX_CAPS	4

struct sms_match {
	const char	*command;		/* name */
	const char	*lang;			/* language of the pattern */
	const char	*enter;			/* entry state, NULL for menu */
	int		 menu;			/* start a menu conversation */
	size_t		 ncaps;
	const char	*vars[SMS_MAX_CAPS];	/* variable names */
	int		 secret[SMS_MAX_CAPS];
	char		*vals[SMS_MAX_CAPS];	/* owned: sms_match_free */
};

typedef void (*sms_report_fn)(const char *msg, void *arg);

/* Loads and checks path against svc's menus, texts and patterns. */
struct sms_grammar *sms_load(const char *path, struct svc *svc,
		    sms_report_fn report, void *arg);
void		 sms_free(struct sms_grammar *g);
/*
 * Matches a whole message.  Returns 1 and fills m (free with
 * sms_match_free) when a command matched, else 0.  Languages are tried
 * with prefer_lang first.
 */
int		 sms_match(const struct sms_grammar *g, const char *text,
		    const char *prefer_lang, struct sms_match *m);
void		 sms_match_free(struct sms_match *m);

#endif
