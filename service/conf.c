/*
 * conf: YAML config -> struct conf through a key table (see conf.h).
 *
 * The table maps dotted key paths ("session.ttl") to a field, a type and a
 * range.  Walking the YAML tree, each leaf is looked up and stored; every
 * unknown key, wrong type or bad value is reported and the load fails.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmem.h"
#include "yml.h"

enum conf_type { CT_STR, CT_INT, CT_BOOL, CT_LIST, CT_PREFIX };

struct conf_key {
	const char	*path;
	enum conf_type	 type;
	size_t		 off;		/* field offset */
	size_t		 noff;		/* CT_LIST: count field offset */
	long		 min, max;
};

#define S(p, f)		{ p, CT_STR, offsetof(struct conf, f), 0, 0, 0 }
#define I(p, f, lo, hi)	{ p, CT_INT, offsetof(struct conf, f), 0, lo, hi }
#define B(p, f)		{ p, CT_BOOL, offsetof(struct conf, f), 0, 0, 1 }
#define L(p, f, n)	{ p, CT_LIST, offsetof(struct conf, f), \
			    offsetof(struct conf, n), 0, 0 }

static const struct conf_key conf_keys[] = {
	S("listen", listen), S("database", database), S("menus", menus),
	S("timezone", timezone), S("log_level", log_level),
	S("pepper", pepper),
	S("language.default", default_lang),
	{ "language.by_prefix", CT_PREFIX, 0, 0, 0, 0 },
	S("phone.default_country_code", default_cc),
	I("http.threads", threads, 1, 64),
	I("http.max_body", max_body, 256, 65536),
	I("http.connection_timeout", conn_timeout, 1, 600),
	S("http.tls_cert", tls_cert), S("http.tls_key", tls_key),
	I("session.ttl", sess_ttl, 10, 86400),
	I("session.max", sess_max, 10, 10000000),
	I("session.resume_window", resume_window, 0, 86400),
	I("session.max_invalid", max_invalid, 1, 10),
	S("session.keys.back", key_back), S("session.keys.home", key_home),
	S("session.keys.more", key_more),
	I("verify.max_failures", verify_max_fail, 1, 1000),
	I("verify.window_hours", verify_window_h, 1, 24 * 365),
	I("verify.lockout_hours", verify_lock_h, 1, 24 * 365),
	S("verify.reference_pattern", ref_pattern),
	L("gateways.africastalking.allow", gw_at.allow, gw_at.nallow),
	S("gateways.africastalking.secret", gw_at.secret),
	I("gateways.africastalking.budget_gsm", gw_at.budget_gsm, 40, 182),
	I("gateways.africastalking.budget_ucs", gw_at.budget_ucs, 20, 80),
	L("gateways.kannel.allow", gw_kannel.allow, gw_kannel.nallow),
	S("gateways.kannel.secret", gw_kannel.secret),
	I("gateways.kannel.budget_gsm", gw_kannel.budget_gsm, 40, 182),
	I("gateways.kannel.budget_ucs", gw_kannel.budget_ucs, 20, 80),
	I("gateways.kannel.sms_parts", sms_parts, 1, 8),
	I("gateways.kannel.sms_menu_budget", sms_budget, 100, 1224),
	I("gateways.kannel.sms_session_ttl", sms_ttl, 60, 86400),
	I("gateways.kannel.dedupe_seconds", sms_dedupe_sec, 0, 86400),
	I("gateways.kannel.ussd_op.begin", op_begin, 0, 255),
	I("gateways.kannel.ussd_op.continue", op_continue, 0, 255),
	I("gateways.kannel.ussd_op.end", op_end, 0, 255),
	I("gateways.kannel.ussd_op.abort", op_abort, 0, 255),
	S("gateways.kannel.ussd_session_tag", ussd_session_tag),
	I("booking.horizon_days", book_horizon, 1, 365),
	I("booking.offset_days", book_offset, 0, 60),
	I("booking.cutoff_hours", book_cutoff_h, 0, 24 * 30),
	I("booking.generate_days", slots_days, 1, 365),
	L("replacement.police_report_required", repl_police_kinds,
	    nrepl_police_kinds),
	S("outbox.sendsms_url", sendsms_url),
	S("outbox.username", sendsms_user), S("outbox.password", sendsms_pass),
	S("outbox.from", sms_from), S("outbox.dlr_url", dlr_url),
	I("outbox.rate_per_second", send_rate, 1, 1000),
	I("outbox.max_attempts", send_max_attempts, 1, 100),
	I("outbox.max_backoff_seconds", send_backoff_max, 1, 86400),
	I("outbox.reminder_hour", reminder_hour, 0, 23),
	B("demo_seed", demo_seed),
};

static void	 conf_err(conf_report_fn, void *, const char *, int,
		    const char *, const char *);
static const struct conf_key *conf_key(const char *);
static int	 conf_leaf(struct conf *, const struct conf_key *,
		    const struct yml_node *, const char *, const char *,
		    conf_report_fn, void *);
static int	 conf_walk(struct conf *, const struct yml_node *,
		    const char *, const char *, conf_report_fn, void *);
static void	 conf_list_free(char **, size_t);
static int	 conf_cidr_parse(const char *, unsigned char *, int *, int *);

void
conf_set_str(char **field, const char *val)
{
	free(*field);
	*field = xstrdup(val);
}

static void
conf_list_free(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void
conf_defaults(struct conf *c)
{
	static const char *const loop[] = { "127.0.0.0/8", "::1/128" };
	size_t i;

	memset(c, 0, sizeof(*c));
	c->listen = xstrdup("127.0.0.1:8080");
	c->database = xstrdup("var/idline.db");
	c->menus = xstrdup("menus");
	c->timezone = xstrdup("");
	c->log_level = xstrdup("info");
	c->default_lang = xstrdup("en");
	c->default_cc = xstrdup("");
	c->pepper = xstrdup("");
	c->threads = 4;
	c->max_body = 4096;
	c->conn_timeout = 20;
	c->tls_cert = xstrdup("");
	c->tls_key = xstrdup("");
	c->sess_ttl = 180;
	c->sess_max = 100000;
	c->resume_window = 300;
	c->max_invalid = 3;
	c->key_back = xstrdup("0");
	c->key_home = xstrdup("00");
	c->key_more = xstrdup("98");
	c->verify_max_fail = 5;
	c->verify_window_h = 24;
	c->verify_lock_h = 24;
	c->ref_pattern = xstrdup("^[0-9]{6,29}$");
	c->gw_at.nallow = c->gw_kannel.nallow = 2;
	c->gw_at.allow = xcalloc(2, sizeof(char *));
	c->gw_kannel.allow = xcalloc(2, sizeof(char *));
	for (i = 0; i < 2; i++) {
		c->gw_at.allow[i] = xstrdup(loop[i]);
		c->gw_kannel.allow[i] = xstrdup(loop[i]);
	}
	c->gw_at.secret = xstrdup("");
	c->gw_kannel.secret = xstrdup("");
	c->gw_at.budget_gsm = c->gw_kannel.budget_gsm = 182;
	c->gw_at.budget_ucs = c->gw_kannel.budget_ucs = 80;
	c->sms_parts = 3;
	c->sms_budget = 459;
	c->sms_ttl = 900;
	c->sms_dedupe_sec = 600;
	c->op_begin = 1;
	c->op_continue = 2;
	c->op_end = 17;
	c->op_abort = 129;
	c->ussd_session_tag = xstrdup("vendor_session_id");
	c->book_horizon = 30;
	c->book_offset = 1;
	c->book_cutoff_h = 24;
	c->slots_days = 30;
	c->nrepl_police_kinds = 2;
	c->repl_police_kinds = xcalloc(2, sizeof(char *));
	c->repl_police_kinds[0] = xstrdup("national_id");
	c->repl_police_kinds[1] = xstrdup("passport");
	c->sendsms_url = xstrdup("http://127.0.0.1:13013/cgi-bin/sendsms");
	c->sendsms_user = xstrdup("idline");
	c->sendsms_pass = xstrdup("");
	c->sms_from = xstrdup("8123");
	c->dlr_url = xstrdup("http://127.0.0.1:8080/sms/kannel/dlr");
	c->send_rate = 20;
	c->send_max_attempts = 10;
	c->send_backoff_max = 600;
	c->reminder_hour = 9;
	c->demo_seed = 0;
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		if (conf_keys[i].type == CT_STR)
			free(*(char **)(void *)((char *)c + conf_keys[i].off));
		else if (conf_keys[i].type == CT_LIST)
			conf_list_free(*(char ***)(void *)((char *)c +
			    conf_keys[i].off),
			    *(size_t *)(void *)((char *)c + conf_keys[i].noff));
	}
	for (i = 0; i < c->nprefixes; i++) {
		free(c->prefixes[i].prefix);
		free(c->prefixes[i].lang);
	}
	free(c->prefixes);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

static void
conf_err(conf_report_fn report, void *arg, const char *file, int line,
    const char *path, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s:%d: %s: %s", file, line, path, why);
	report(msg, arg);
}

static const struct conf_key *
conf_key(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (strcmp(conf_keys[i].path, path) == 0)
			return &conf_keys[i];
	return NULL;
}

/* Stores one value; reports and returns -1 when it is not acceptable. */
static int
conf_leaf(struct conf *c, const struct conf_key *k, const struct yml_node *v,
    const char *file, const char *path, conf_report_fn report, void *arg)
{
	char *end, why[128], **list;
	long n;
	size_t i;
	void *field = (char *)c + k->off;

	switch (k->type) {
	case CT_STR:
		if (v->type != YML_SCALAR)
			goto type;
		conf_set_str(field, v->value);
		return 0;
	case CT_INT:
		if (v->type != YML_SCALAR)
			goto type;
		n = strtol(v->value, &end, 10);
		if (*v->value == '\0' || *end != '\0') {
			conf_err(report, arg, file, v->line, path,
			    "must be a whole number");
			return -1;
		}
		if (n < k->min || n > k->max) {
			snprintf(why, sizeof(why), "must be between %ld and "
			    "%ld", k->min, k->max);
			conf_err(report, arg, file, v->line, path, why);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case CT_BOOL:
		if (v->type != YML_SCALAR)
			goto type;
		if (strcmp(v->value, "true") == 0)
			*(int *)field = 1;
		else if (strcmp(v->value, "false") == 0)
			*(int *)field = 0;
		else {
			conf_err(report, arg, file, v->line, path,
			    "must be true or false");
			return -1;
		}
		return 0;
	case CT_LIST:
		if (v->type != YML_SEQ)
			goto type;
		list = xcalloc(v->n ? v->n : 1, sizeof(*list));
		for (i = 0; i < v->n; i++) {
			if (v->items[i]->type != YML_SCALAR) {
				conf_list_free(list, i);
				goto type;
			}
			list[i] = xstrdup(v->items[i]->value);
		}
		conf_list_free(*(char ***)field,
		    *(size_t *)(void *)((char *)c + k->noff));
		*(char ***)field = list;
		*(size_t *)(void *)((char *)c + k->noff) = v->n;
		return 0;
	case CT_PREFIX:
		if (v->type != YML_MAP)
			goto type;
		for (i = 0; i < v->n; i++) {
			if (v->items[i]->type != YML_SCALAR ||
			    v->keys[i][0] != '+') {
				conf_err(report, arg, file, v->key_lines[i],
				    path, "entries are \"+<prefix>\": <lang>");
				return -1;
			}
			c->prefixes = xreallocarray(c->prefixes,
			    c->nprefixes + 1, sizeof(*c->prefixes));
			c->prefixes[c->nprefixes].prefix =
			    xstrdup(v->keys[i]);
			c->prefixes[c->nprefixes].lang =
			    xstrdup(v->items[i]->value);
			c->nprefixes++;
		}
		return 0;
	}
type:
	conf_err(report, arg, file, v->line, path, k->type == CT_LIST ?
	    "must be a list of strings" : k->type == CT_PREFIX ?
	    "must be a map" : "must be a single value");
	return -1;
}

static int
conf_walk(struct conf *c, const struct yml_node *map, const char *prefix,
    const char *file, conf_report_fn report, void *arg)
{
	const struct conf_key *k;
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < map->n; i++) {
		path = *prefix ? xasprintf("%s.%s", prefix, map->keys[i]) :
		    xstrdup(map->keys[i]);
		if ((k = conf_key(path)) != NULL) {
			if (conf_leaf(c, k, map->items[i], file, path, report,
			    arg) == -1)
				rc = -1;
		} else if (map->items[i]->type == YML_MAP) {
			if (conf_walk(c, map->items[i], path, file, report,
			    arg) == -1)
				rc = -1;
		} else {
			conf_err(report, arg, file, map->key_lines[i], path,
			    "unknown setting");
			rc = -1;
		}
		free(path);
	}
	return rc;
}

int
conf_load(struct conf *c, const char *path, conf_report_fn report, void *arg)
{
	struct yml_node *root = NULL;
	char err[512];
	int rc;

	if (yml_load_file(path, &root, err, sizeof(err)) == -1) {
		report(err, arg);
		return -1;
	}
	conf_set_str(&c->file, path);
	if (root->type != YML_MAP) {
		conf_err(report, arg, path, root->line, "(top)",
		    "the config must be a map");
		yml_free(root);
		return -1;
	}
	rc = conf_walk(c, root, "", path, report, arg);
	yml_free(root);
	return rc;
}

/*
 * Parses "a.b.c.d/n" or "x::y/n" into a 16-byte address (IPv4 mapped to
 * ::ffff:a.b.c.d) and a prefix length in bits over those 16 bytes.
 */
static int
conf_cidr_parse(const char *s, unsigned char *addr, int *bits, int *is4)
{
	char host[64], *slash, *end;
	struct in_addr a4;
	long n;

	if (strlen(s) >= sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%s", s);
	n = -1;
	if ((slash = strchr(host, '/')) != NULL) {
		*slash++ = '\0';
		n = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || n < 0)
			return -1;
	}
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, &a4) == 1) {
		if (n > 32)
			return -1;
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &a4, 4);
		*bits = 96 + (n < 0 ? 32 : (int)n);
		*is4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		if (n > 128)
			return -1;
		*bits = n < 0 ? 128 : (int)n;
		*is4 = 0;
		return 0;
	}
	return -1;
}

int
conf_ip_allowed(char *const *cidrs, size_t n, const char *ip)
{
	unsigned char a[16], net[16];
	int abits, nbits, is4, full, rem;
	size_t i;

	if (ip == NULL || conf_cidr_parse(ip, a, &abits, &is4) == -1)
		return 0;
	for (i = 0; i < n; i++) {
		if (conf_cidr_parse(cidrs[i], net, &nbits, &is4) == -1)
			continue;
		full = nbits / 8;
		rem = nbits % 8;
		if (memcmp(a, net, (size_t)full) != 0)
			continue;
		if (rem && ((a[full] ^ net[full]) &
		    (unsigned char)(0xff << (8 - rem))))
			continue;
		return 1;
	}
	return 0;
}

int
conf_validate(const struct conf *c, conf_report_fn report, void *arg)
{
	const char *file = c->file ? c->file : "(defaults)";
	unsigned char a[16];
	int bits, is4, rc = 0;
	size_t i;
	const char *colon;

	colon = strrchr(c->listen, ':');
	if (colon == NULL || colon == c->listen || atoi(colon + 1) <= 0 ||
	    atoi(colon + 1) > 65535) {
		conf_err(report, arg, file, 0, "listen", "must be HOST:PORT");
		rc = -1;
	}
	for (i = 0; i < c->gw_at.nallow; i++)
		if (conf_cidr_parse(c->gw_at.allow[i], a, &bits, &is4) == -1) {
			conf_err(report, arg, file, 0,
			    "gateways.africastalking.allow", "bad CIDR");
			rc = -1;
		}
	for (i = 0; i < c->gw_kannel.nallow; i++)
		if (conf_cidr_parse(c->gw_kannel.allow[i], a, &bits,
		    &is4) == -1) {
			conf_err(report, arg, file, 0, "gateways.kannel.allow",
			    "bad CIDR");
			rc = -1;
		}
	if ((*c->tls_cert == '\0') != (*c->tls_key == '\0')) {
		conf_err(report, arg, file, 0, "http.tls_cert",
		    "tls_cert and tls_key go together");
		rc = -1;
	}
	if (*c->pepper != '\0' && strlen(c->pepper) < 16) {
		conf_err(report, arg, file, 0, "pepper",
		    "must be at least 16 characters");
		rc = -1;
	}
	return rc;
}

const char *
conf_lang_for(const struct conf *c, const char *msisdn)
{
	size_t i, best = 0, len;
	const char *lang = c->default_lang;

	for (i = 0; msisdn && i < c->nprefixes; i++) {
		len = strlen(c->prefixes[i].prefix);
		if (len > best && strncmp(msisdn, c->prefixes[i].prefix,
		    len) == 0) {
			best = len;
			lang = c->prefixes[i].lang;
		}
	}
	return lang;
}
