/*
 * check_conf: unit tests for service/conf.c, service/yml.c and
 * service/valid.c.
 *
 * Config files are written from the tables below into a mkdtemp()
 * directory, so every expected "file:line: reason" is next to its input.
 * "core" covers the defaults, a full valid file (and docs/idline.example
 * .yaml, which must load to the defaults), CIDR allowlists, language by
 * prefix, the YAML tree with its line numbers, and pattern compile/match
 * with captures.  "limits" covers every kind of config error, bad CIDRs,
 * hostile YAML (duplicate keys, aliases, NUL, deep nesting, huge files)
 * and runaway patterns, which must give up quickly.  The example config
 * is read from $IDLINE_ROOT (default ".").
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "sbuf.h"
#include "valid.h"
#include "xmem.h"
#include "yml.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char		 tmpdir[64];
static struct sbuf	 rep;

struct err_case {
	const char	*yaml;
	const char	*want;		/* after "<file>:" */
};

struct cidr_case {
	const char	*cidrs[3];
	const char	*ip;
	int		 want;
};

static void	 setup(void);
static void	 teardown(void);
static void	 collect(const char *, void *);
static char	*write_file(const char *, const char *, size_t);
static int	 load_str(struct conf *, const char *, char **);
static double	 now_sec(void);
static void	 same_as_defaults(const struct conf *, const struct conf *);
static Suite	*conf_suite(void);

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	sbuf_init(&rep);
}

static void
teardown(void)
{
	char *p;

	p = xasprintf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(p), 0);
	free(p);
	sbuf_free(&rep);
}

static void
collect(const char *msg, void *arg)
{
	struct sbuf *b = arg;

	sbuf_add(b, msg);
	sbuf_addc(b, '\n');
}

/* Writes n bytes of s to <tmpdir>/name; returns the path (caller frees). */
static char *
write_file(const char *name, const char *s, size_t n)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* conf_defaults + conf_load of yaml; *path is the file (caller frees). */
static int
load_str(struct conf *c, const char *yaml, char **path)
{
	conf_defaults(c);
	*path = write_file("idline.yaml", yaml, strlen(yaml));
	sbuf_truncate(&rep, 0);
	return conf_load(c, *path, collect, &rep);
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- conf: core ----------------------------------------------------- */

START_TEST(test_defaults)
{
	struct conf c;

	conf_defaults(&c);
	ck_assert_ptr_null(c.file);
	ck_assert_str_eq(c.listen, "127.0.0.1:8080");
	ck_assert_str_eq(c.database, "var/idline.db");
	ck_assert_str_eq(c.menus, "menus");
	ck_assert_str_eq(c.default_lang, "en");
	ck_assert_str_eq(c.pepper, "");
	ck_assert_int_eq(c.threads, 4);
	ck_assert_int_eq(c.sess_ttl, 180);
	ck_assert_int_eq(c.sess_max, 100000);
	ck_assert_int_eq(c.resume_window, 300);
	ck_assert_int_eq(c.max_invalid, 3);
	ck_assert_str_eq(c.key_back, "0");
	ck_assert_str_eq(c.key_home, "00");
	ck_assert_str_eq(c.key_more, "98");
	ck_assert_int_eq(c.verify_max_fail, 5);
	ck_assert_int_eq(c.verify_window_h, 24);
	ck_assert_int_eq(c.verify_lock_h, 24);
	ck_assert_str_eq(c.ref_pattern, "^[0-9]{6,29}$");
	ck_assert_uint_eq(c.gw_at.nallow, 2);
	ck_assert_str_eq(c.gw_at.allow[0], "127.0.0.0/8");
	ck_assert_str_eq(c.gw_kannel.allow[1], "::1/128");
	ck_assert_int_eq(c.gw_at.budget_gsm, 182);
	ck_assert_int_eq(c.gw_at.budget_ucs, 80);
	ck_assert_int_eq(c.sms_parts, 3);
	ck_assert_int_eq(c.op_abort, 129);
	ck_assert_int_eq(c.book_horizon, 30);
	ck_assert_uint_eq(c.nrepl_police_kinds, 2);
	ck_assert_str_eq(c.repl_police_kinds[1], "passport");
	ck_assert_uint_eq(c.nprefixes, 0);
	ck_assert_int_eq(c.demo_seed, 0);
	ck_assert_int_eq(conf_validate(&c, collect, &rep), 0);
	ck_assert_ptr_null(rep.s);
	conf_free(&c);
	ck_assert_ptr_null(c.listen);
}
END_TEST

static const char full_yaml[] =
    "# a full config\n"
    "listen: 0.0.0.0:9090\n"
    "database: /var/lib/idline/idline.db\n"
    "timezone: Africa/Kampala\n"
    "pepper: 'a-long-enough-pepper-value'\n"
    "language:\n"
    "  default: fr\n"
    "  by_prefix: {\"+252\": so, \"+2526\": ar, \"+961\": ar}\n"
    "http:\n"
    "  threads: 64\n"
    "  max_body: 256\n"
    "session:\n"
    "  ttl: 10\n"
    "  keys: { back: \"*\", home: \"**\", more: \"#\" }\n"
    "verify:\n"
    "  max_failures: 1000\n"
    "  reference_pattern: '^[A-Z]{2}[0-9]{6}$'\n"
    "gateways:\n"
    "  africastalking:\n"
    "    allow: [\"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.7\"]\n"
    "    secret: s3cret\n"
    "    budget_gsm: 160\n"
    "  kannel:\n"
    "    allow: []\n"
    "    ussd_op: { begin: 0, abort: 255 }\n"
    "replacement:\n"
    "  police_report_required: [passport]\n"
    "outbox:\n"
    "  reminder_hour: 0\n"
    "demo_seed: true\n";

START_TEST(test_load_full)
{
	struct conf c;
	char *path;

	ck_assert_msg(load_str(&c, full_yaml, &path) == 0, "%s", rep.s);
	ck_assert_str_eq(c.file, path);
	ck_assert_str_eq(c.listen, "0.0.0.0:9090");
	ck_assert_str_eq(c.database, "/var/lib/idline/idline.db");
	ck_assert_str_eq(c.timezone, "Africa/Kampala");
	ck_assert_str_eq(c.pepper, "a-long-enough-pepper-value");
	ck_assert_str_eq(c.default_lang, "fr");
	ck_assert_uint_eq(c.nprefixes, 3);
	ck_assert_int_eq(c.threads, 64);
	ck_assert_int_eq(c.max_body, 256);
	ck_assert_int_eq(c.conn_timeout, 20);		/* default kept */
	ck_assert_int_eq(c.sess_ttl, 10);
	ck_assert_str_eq(c.key_back, "*");
	ck_assert_str_eq(c.key_home, "**");
	ck_assert_str_eq(c.key_more, "#");
	ck_assert_int_eq(c.verify_max_fail, 1000);
	ck_assert_str_eq(c.ref_pattern, "^[A-Z]{2}[0-9]{6}$");
	ck_assert_uint_eq(c.gw_at.nallow, 3);
	ck_assert_str_eq(c.gw_at.allow[2], "192.0.2.7");
	ck_assert_str_eq(c.gw_at.secret, "s3cret");
	ck_assert_int_eq(c.gw_at.budget_gsm, 160);
	ck_assert_int_eq(c.gw_at.budget_ucs, 80);
	ck_assert_uint_eq(c.gw_kannel.nallow, 0);
	ck_assert_int_eq(c.op_begin, 0);
	ck_assert_int_eq(c.op_continue, 2);
	ck_assert_int_eq(c.op_abort, 255);
	ck_assert_uint_eq(c.nrepl_police_kinds, 1);
	ck_assert_str_eq(c.repl_police_kinds[0], "passport");
	ck_assert_int_eq(c.reminder_hour, 0);
	ck_assert_int_eq(c.demo_seed, 1);
	ck_assert_int_eq(conf_validate(&c, collect, &rep), 0);
	ck_assert_int_eq(conf_ip_allowed(c.gw_at.allow, c.gw_at.nallow,
	    "10.9.8.7"), 1);
	ck_assert_int_eq(conf_ip_allowed(c.gw_kannel.allow,
	    c.gw_kannel.nallow, "127.0.0.1"), 0);
	conf_free(&c);
	free(path);
}
END_TEST

/* Every field the example file sets equals the built-in default. */
static void
same_as_defaults(const struct conf *a, const struct conf *d)
{
	size_t i;

	ck_assert_str_eq(a->listen, d->listen);
	ck_assert_str_eq(a->database, d->database);
	ck_assert_str_eq(a->menus, d->menus);
	ck_assert_str_eq(a->timezone, d->timezone);
	ck_assert_str_eq(a->log_level, d->log_level);
	ck_assert_str_eq(a->default_lang, d->default_lang);
	ck_assert_str_eq(a->default_cc, d->default_cc);
	ck_assert_str_eq(a->pepper, d->pepper);
	ck_assert_uint_eq(a->nprefixes, d->nprefixes);
	ck_assert_int_eq(a->threads, d->threads);
	ck_assert_int_eq(a->max_body, d->max_body);
	ck_assert_int_eq(a->conn_timeout, d->conn_timeout);
	ck_assert_str_eq(a->tls_cert, d->tls_cert);
	ck_assert_str_eq(a->tls_key, d->tls_key);
	ck_assert_int_eq(a->sess_ttl, d->sess_ttl);
	ck_assert_int_eq(a->sess_max, d->sess_max);
	ck_assert_int_eq(a->resume_window, d->resume_window);
	ck_assert_int_eq(a->max_invalid, d->max_invalid);
	ck_assert_str_eq(a->key_back, d->key_back);
	ck_assert_str_eq(a->key_home, d->key_home);
	ck_assert_str_eq(a->key_more, d->key_more);
	ck_assert_int_eq(a->verify_max_fail, d->verify_max_fail);
	ck_assert_int_eq(a->verify_window_h, d->verify_window_h);
	ck_assert_int_eq(a->verify_lock_h, d->verify_lock_h);
	ck_assert_str_eq(a->ref_pattern, d->ref_pattern);
	ck_assert_uint_eq(a->gw_at.nallow, d->gw_at.nallow);
	for (i = 0; i < a->gw_at.nallow; i++)
		ck_assert_str_eq(a->gw_at.allow[i], d->gw_at.allow[i]);
	ck_assert_uint_eq(a->gw_kannel.nallow, d->gw_kannel.nallow);
	for (i = 0; i < a->gw_kannel.nallow; i++)
		ck_assert_str_eq(a->gw_kannel.allow[i], d->gw_kannel.allow[i]);
	ck_assert_str_eq(a->gw_at.secret, d->gw_at.secret);
	ck_assert_int_eq(a->gw_at.budget_gsm, d->gw_at.budget_gsm);
	ck_assert_int_eq(a->gw_at.budget_ucs, d->gw_at.budget_ucs);
	ck_assert_int_eq(a->gw_kannel.budget_gsm, d->gw_kannel.budget_gsm);
	ck_assert_int_eq(a->gw_kannel.budget_ucs, d->gw_kannel.budget_ucs);
	ck_assert_int_eq(a->sms_parts, d->sms_parts);
	ck_assert_int_eq(a->sms_budget, d->sms_budget);
	ck_assert_int_eq(a->sms_ttl, d->sms_ttl);
	ck_assert_int_eq(a->sms_dedupe_sec, d->sms_dedupe_sec);
	ck_assert_int_eq(a->op_begin, d->op_begin);
	ck_assert_int_eq(a->op_continue, d->op_continue);
	ck_assert_int_eq(a->op_end, d->op_end);
	ck_assert_int_eq(a->op_abort, d->op_abort);
	ck_assert_str_eq(a->ussd_session_tag, d->ussd_session_tag);
	ck_assert_int_eq(a->book_horizon, d->book_horizon);
	ck_assert_int_eq(a->book_offset, d->book_offset);
	ck_assert_int_eq(a->book_cutoff_h, d->book_cutoff_h);
	ck_assert_int_eq(a->slots_days, d->slots_days);
	ck_assert_uint_eq(a->nrepl_police_kinds, d->nrepl_police_kinds);
	for (i = 0; i < a->nrepl_police_kinds; i++)
		ck_assert_str_eq(a->repl_police_kinds[i],
		    d->repl_police_kinds[i]);
	ck_assert_str_eq(a->sendsms_url, d->sendsms_url);
	ck_assert_str_eq(a->sendsms_user, d->sendsms_user);
	ck_assert_str_eq(a->sendsms_pass, d->sendsms_pass);
	ck_assert_str_eq(a->sms_from, d->sms_from);
	ck_assert_str_eq(a->dlr_url, d->dlr_url);
	ck_assert_int_eq(a->send_rate, d->send_rate);
	ck_assert_int_eq(a->send_max_attempts, d->send_max_attempts);
	ck_assert_int_eq(a->send_backoff_max, d->send_backoff_max);
	ck_assert_int_eq(a->reminder_hour, d->reminder_hour);
	ck_assert_int_eq(a->demo_seed, d->demo_seed);
}

START_TEST(test_example_file)
{
	const char *root = getenv("IDLINE_ROOT");
	struct conf c, d;
	char *path;

	path = xasprintf("%s/docs/idline.example.yaml", root && *root ?
	    root : ".");
	conf_defaults(&c);
	conf_defaults(&d);
	ck_assert_msg(conf_load(&c, path, collect, &rep) == 0, "%s", rep.s);
	same_as_defaults(&c, &d);
	ck_assert_int_eq(conf_validate(&c, collect, &rep), 0);
	conf_free(&c);
	conf_free(&d);
	free(path);
}
END_TEST

static const struct cidr_case cidr_tab[] = {
	{ { "127.0.0.0/8" }, "127.0.0.1", 1 },
	{ { "127.0.0.0/8" }, "127.255.255.255", 1 },
	{ { "127.0.0.0/8" }, "128.0.0.1", 0 },
	{ { "10.1.2.3/32" }, "10.1.2.3", 1 },
	{ { "10.1.2.3/32" }, "10.1.2.4", 0 },
	{ { "10.1.2.3" }, "10.1.2.3", 1 },
	{ { "10.1.2.3" }, "10.1.2.30", 0 },
	{ { "10.0.0.0/12" }, "10.15.255.255", 1 },
	{ { "10.0.0.0/12" }, "10.16.0.0", 0 },
	{ { "10.0.0.5/8" }, "10.200.0.1", 1 },	/* host bits ignored */
	{ { "0.0.0.0/0" }, "8.8.8.8", 1 },
	{ { "0.0.0.0/0" }, "::1", 0 },
	{ { "::/0" }, "2001:db8::1", 1 },
	{ { "::1/128" }, "::1", 1 },
	{ { "::1/128" }, "::2", 0 },
	{ { "::1" }, "::1", 1 },
	{ { "2001:db8::/32" }, "2001:db8:ffff::5", 1 },
	{ { "2001:db8::/32" }, "2001:db9::1", 0 },
	{ { "2001:db8::/33" }, "2001:db8:7fff::1", 1 },
	{ { "2001:db8::/33" }, "2001:db8:8000::1", 0 },
	{ { "192.168.1.0/24" }, "::ffff:192.168.1.7", 1 },
	{ { "192.168.1.0/24" }, "::ffff:192.168.2.7", 0 },
	{ { "10.0.0.0/8" }, "10.0.0.1", 1 },
	{ { "192.0.2.0/24", "198.51.100.0/24" }, "198.51.100.9", 1 },
	{ { "192.0.2.0/24", "198.51.100.0/24" }, "203.0.113.1", 0 },
	{ { NULL }, "127.0.0.1", 0 },
	/* Bad CIDRs never match; good ones after them still do. */
	{ { "10.0.0.0/33" }, "10.0.0.1", 0 },
	{ { "10.0.0.0/" }, "10.0.0.1", 0 },
	{ { "10.0.0.0/abc" }, "10.0.0.1", 0 },
	{ { "10.0.0.0/8x" }, "10.0.0.1", 0 },
	{ { "10.0.0.0/-1" }, "10.0.0.1", 0 },
	{ { "10.0.0/8" }, "10.0.0.1", 0 },
	{ { "garbage" }, "10.0.0.1", 0 },
	{ { "" }, "10.0.0.1", 0 },
	{ { "::1/129" }, "::1", 0 },
	{ { "10.0.0.0/8/8" }, "10.0.0.1", 0 },
	{ { "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23."
	    "24/8" }, "1.2.3.4", 0 },
	{ { "garbage", "10.0.0.0/33", "10.0.0.0/8" }, "10.0.0.1", 1 },
	/* Bad client addresses never match. */
	{ { "0.0.0.0/0" }, "", 0 },
	{ { "0.0.0.0/0" }, "not-an-ip", 0 },
	{ { "0.0.0.0/0" }, "256.1.1.1", 0 },
	{ { "::/0" }, "::g", 0 },
};

START_TEST(test_cidr)
{
	const struct cidr_case *c = &cidr_tab[_i];
	char *list[NELEM(c->cidrs)];
	size_t n = 0, i;

	while (n < NELEM(c->cidrs) && c->cidrs[n] != NULL) {
		list[n] = xstrdup(c->cidrs[n]);
		n++;
	}
	ck_assert_msg(conf_ip_allowed(list, n, c->ip) == c->want,
	    "%s in [%s, %s, %s]: want %d", c->ip, n > 0 ? c->cidrs[0] : "",
	    n > 1 ? c->cidrs[1] : "", n > 2 ? c->cidrs[2] : "", c->want);
	for (i = 0; i < n; i++)
		free(list[i]);
}
END_TEST

START_TEST(test_cidr_null)
{
	char *one[] = { xstrdup("0.0.0.0/0") };

	ck_assert_int_eq(conf_ip_allowed(one, 1, NULL), 0);
	free(one[0]);
	ck_assert_int_eq(conf_ip_allowed(NULL, 0, "1.2.3.4"), 0);
}
END_TEST

START_TEST(test_lang_for)
{
	struct conf c;
	char *path;

	ck_assert_int_eq(load_str(&c, "language:\n  default: en\n"
	    "  by_prefix: {\"+2526\": ar, \"+252\": so, \"+961\": ar,"
	    " \"+25261\": pt}\n", &path), 0);
	ck_assert_str_eq(conf_lang_for(&c, "+252612345678"), "pt");
	ck_assert_str_eq(conf_lang_for(&c, "+252622345678"), "ar");
	ck_assert_str_eq(conf_lang_for(&c, "+252712345678"), "so");
	ck_assert_str_eq(conf_lang_for(&c, "+9613123456"), "ar");
	ck_assert_str_eq(conf_lang_for(&c, "+256700000001"), "en");
	ck_assert_str_eq(conf_lang_for(&c, "+25"), "en");
	ck_assert_str_eq(conf_lang_for(&c, ""), "en");
	ck_assert_str_eq(conf_lang_for(&c, NULL), "en");
	ck_assert_str_eq(conf_lang_for(&c, "252612345678"), "en");
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_validate)
{
	struct conf c;

	conf_defaults(&c);
	conf_set_str(&c.listen, "nohost");
	conf_set_str(&c.tls_cert, "/etc/cert.pem");
	conf_set_str(&c.pepper, "short");
	conf_set_str(&c.gw_kannel.allow[1], "10.0.0.0/40");
	ck_assert_int_eq(conf_validate(&c, collect, &rep), -1);
	ck_assert_ptr_nonnull(strstr(rep.s, "(defaults):0: listen: must be "
	    "HOST:PORT"));
	ck_assert_ptr_nonnull(strstr(rep.s, "http.tls_cert: tls_cert and "
	    "tls_key go together"));
	ck_assert_ptr_nonnull(strstr(rep.s, "pepper: must be at least 16"));
	ck_assert_ptr_nonnull(strstr(rep.s, "gateways.kannel.allow: bad "
	    "CIDR"));
	ck_assert_ptr_null(strstr(rep.s, "africastalking"));
	sbuf_truncate(&rep, 0);
	conf_set_str(&c.listen, "127.0.0.1:0");
	conf_set_str(&c.tls_cert, "");
	conf_set_str(&c.pepper, "0123456789abcdef");
	conf_set_str(&c.gw_kannel.allow[1], "10.0.0.0/8");
	ck_assert_int_eq(conf_validate(&c, collect, &rep), -1);
	ck_assert_ptr_nonnull(strstr(rep.s, "listen"));
	conf_set_str(&c.listen, "[::1]:65535");
	sbuf_truncate(&rep, 0);
	ck_assert_int_eq(conf_validate(&c, collect, &rep), 0);
	conf_set_str(&c.listen, "127.0.0.1:65536");
	ck_assert_int_eq(conf_validate(&c, collect, &rep), -1);
	conf_free(&c);
}
END_TEST

/* --- yml: core ------------------------------------------------------ */

START_TEST(test_yml_lines)
{
	static const char y[] =
	    "# comment\n"
	    "a: 1\n"
	    "b:\n"
	    "  c: two words\n"
	    "  d: [x, \"y\", 'z']\n"
	    "\n"
	    "e:\n"
	    "  - 1\n"
	    "  - { f: g }\n"
	    "h: |\n"
	    "  line one\n"
	    "  line two\n";
	struct yml_node *r;
	const struct yml_node *b, *d, *e;
	char err[256];

	ck_assert_int_eq(yml_load_buf("t.yaml", y, strlen(y), &r, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(r->type, YML_MAP);
	ck_assert_uint_eq(r->n, 4);
	ck_assert_str_eq(r->keys[0], "a");
	ck_assert_int_eq(r->key_lines[0], 2);
	ck_assert_int_eq(r->key_lines[1], 3);
	ck_assert_int_eq(r->key_lines[2], 7);
	ck_assert_int_eq(r->key_lines[3], 10);
	ck_assert_str_eq(yml_str(r, "a"), "1");
	ck_assert_int_eq(yml_get(r, "a")->line, 2);
	b = yml_get(r, "b");
	ck_assert_int_eq(b->type, YML_MAP);
	ck_assert_int_eq(b->line, 4);		/* where its first key is */
	ck_assert_str_eq(yml_str(b, "c"), "two words");
	ck_assert_int_eq(b->key_lines[1], 5);
	d = yml_get(b, "d");
	ck_assert_int_eq(d->type, YML_SEQ);
	ck_assert_uint_eq(d->n, 3);
	ck_assert_str_eq(d->items[2]->value, "z");
	ck_assert_int_eq(d->items[1]->line, 5);
	ck_assert_ptr_null(d->keys);
	e = yml_get(r, "e");
	ck_assert_int_eq(e->items[0]->line, 8);
	ck_assert_int_eq(e->items[1]->line, 9);
	ck_assert_str_eq(yml_str(e->items[1], "f"), "g");
	ck_assert_str_eq(yml_str(r, "h"), "line one\nline two\n");
	ck_assert_ptr_null(yml_str(r, "b"));	/* not a scalar */
	ck_assert_ptr_null(yml_str(r, "zz"));
	ck_assert_ptr_null(yml_get(d, "x"));	/* not a map */
	ck_assert_ptr_null(yml_get(NULL, "x"));
	yml_free(r);
	yml_free(NULL);
}
END_TEST

START_TEST(test_yml_empty)
{
	struct yml_node *r;
	char err[256], *path;

	ck_assert_int_eq(yml_load_buf("e", "", 0, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r->type, YML_MAP);
	ck_assert_uint_eq(r->n, 0);
	yml_free(r);
	ck_assert_int_eq(yml_load_buf("e", "# only a comment\n", 17, &r, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(r->type, YML_MAP);
	ck_assert_uint_eq(r->n, 0);
	yml_free(r);
	/* Only the first document is loaded. */
	ck_assert_int_eq(yml_load_buf("e", "a: 1\n---\nb: 2\n", 14, &r, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(yml_str(r, "a"), "1");
	ck_assert_ptr_null(yml_get(r, "b"));
	yml_free(r);
	path = write_file("f.yaml", "k: v\n", 5);
	ck_assert_int_eq(yml_load_file(path, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(yml_str(r, "k"), "v");
	yml_free(r);
	free(path);
}
END_TEST

/* --- valid: core ---------------------------------------------------- */

START_TEST(test_valid_match)
{
	struct valid *v = valid_new();
	char err[256], *caps[3];

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(valid_add(v, "ref", "^[0-9]{6,12}$", 0, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(valid_add(v, "status", "^STATUS\\s+([0-9]+)"
	    "(?:\\s+([0-9]{8}))?$", 1, err, sizeof(err)), 0);
	ck_assert(valid_has(v, "ref"));
	ck_assert(!valid_has(v, "nosuch"));
	ck_assert_int_eq(valid_match(v, "ref", "123456", NULL, 0), 1);
	ck_assert_int_eq(valid_match(v, "ref", "12345", NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "ref", "1234567890123", NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "nosuch", "123456", NULL, 0), 0);
	/* Captures: set, unset and past the last group. */
	ck_assert_int_eq(valid_match(v, "status", "status  123456 01012000",
	    caps, 3), 1);
	ck_assert_str_eq(caps[0], "123456");
	ck_assert_str_eq(caps[1], "01012000");
	ck_assert_str_eq(caps[2], "");
	free(caps[0]);
	free(caps[1]);
	free(caps[2]);
	ck_assert_int_eq(valid_match(v, "status", "Status 99", caps, 3), 1);
	ck_assert_str_eq(caps[0], "99");
	ck_assert_str_eq(caps[1], "");
	free(caps[0]);
	free(caps[1]);
	free(caps[2]);
	/* No match: caps all NULL. */
	caps[0] = caps[1] = (char *)(void *)"junk";
	ck_assert_int_eq(valid_match(v, "status", "STATUS x", caps, 2), 0);
	ck_assert_ptr_null(caps[0]);
	ck_assert_ptr_null(caps[1]);
	/* Case-sensitive unless asked. */
	ck_assert_int_eq(valid_add(v, "word", "^abc$", 0, err, sizeof(err)),
	    0);
	ck_assert_int_eq(valid_match(v, "word", "ABC", NULL, 0), 0);
	/* Replacing a pattern under its name. */
	ck_assert_int_eq(valid_add(v, "word", "^abc$", 1, err, sizeof(err)),
	    0);
	ck_assert_int_eq(valid_match(v, "word", "ABC", NULL, 0), 1);
	ck_assert_int_eq(valid_add(v, "ref", "^[A-Z]{2}$", 0, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(valid_match(v, "ref", "123456", NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "ref", "AB", NULL, 0), 1);
	/* UTF-8 in patterns and input. */
	ck_assert_int_eq(valid_add(v, "name", "^\\p{L}{2,8}$", 0, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(valid_match(v, "name", "Français", NULL, 0), 1);
	ck_assert_int_eq(valid_match(v, "name", "العربية", NULL, 0), 1);
	ck_assert_int_eq(valid_match(v, "name", "ab1", NULL, 0), 0);
	valid_free(v);
	valid_free(NULL);
}
END_TEST

START_TEST(test_valid_compile_error)
{
	struct valid *v = valid_new();
	char err[256];

	ck_assert_int_eq(valid_add(v, "bad", "^(abc", 0, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "pattern does not compile at offset 5: ")
	    != NULL, "[%s]", err);
	ck_assert_ptr_nonnull(strstr(err, "parenthesis"));
	ck_assert(!valid_has(v, "bad"));
	ck_assert_int_eq(valid_add(v, "bad", "[z-a]", 0, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "offset 3"));
	/* A failed replacement keeps the old pattern. */
	ck_assert_int_eq(valid_add(v, "ok", "^a$", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(valid_add(v, "ok", "(", 0, err, sizeof(err)), -1);
	ck_assert_int_eq(valid_match(v, "ok", "a", NULL, 0), 1);
	ck_assert_int_eq(valid_check_pattern("^[0-9]+$", err, sizeof(err)),
	    0);
	ck_assert_int_eq(valid_check_pattern("*", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "offset 0"));
	/* A tiny error buffer is not overrun. */
	ck_assert_int_eq(valid_check_pattern("(", err, 8), -1);
	ck_assert_uint_eq(strlen(err), 7);
	valid_free(v);
}
END_TEST

/* --- conf: limits --------------------------------------------------- */

static const struct err_case conf_err_tab[] = {
	{ "listen: 1\nfoo: 2\n", "2: foo: unknown setting" },
	{ "http:\n  threads: many\n",
	    "2: http.threads: must be a whole number" },
	{ "http:\n  threads: 4.5\n",
	    "2: http.threads: must be a whole number" },
	{ "http:\n  threads: ''\n",
	    "2: http.threads: must be a whole number" },
	{ "http:\n  threads:\n", "2: http.threads: must be a whole number" },
	{ "http:\n  threads: 0x10\n",
	    "2: http.threads: must be a whole number" },
	{ "http:\n  threads: 0\n",
	    "2: http.threads: must be between 1 and 64" },
	{ "http:\n  threads: 65\n",
	    "2: http.threads: must be between 1 and 64" },
	{ "http:\n  threads: -1\n",
	    "2: http.threads: must be between 1 and 64" },
	{ "http:\n  threads: 99999999999999999999999\n",
	    "2: http.threads: must be between 1 and 64" },
	{ "http:\n  threads: -99999999999999999999999\n",
	    "2: http.threads: must be between 1 and 64" },
	{ "session:\n  max: 4294967297\n",
	    "2: session.max: must be between 10 and 10000000" },
	{ "gateways:\n  africastalking:\n    budget_ucs: 81\n",
	    "3: gateways.africastalking.budget_ucs: must be between 20 and "
	    "80" },
	{ "http:\n  threads: [1]\n",
	    "2: http.threads: must be a single value" },
	{ "listen: [a, b]\n", "1: listen: must be a single value" },
	{ "listen: {a: b}\n", "1: listen: must be a single value" },
	{ "gateways:\n  kannel:\n    allow: 10.0.0.0/8\n",
	    "3: gateways.kannel.allow: must be a list of strings" },
	{ "gateways:\n  kannel:\n    allow: [\"10.0.0.0/8\", [x]]\n",
	    "3: gateways.kannel.allow: must be a list of strings" },
	{ "demo_seed: yes\n", "1: demo_seed: must be true or false" },
	{ "demo_seed: 1\n", "1: demo_seed: must be true or false" },
	{ "language:\n  by_prefix: {\"252\": so}\n",
	    "2: language.by_prefix: entries are \"+<prefix>\": <lang>" },
	{ "language:\n  by_prefix:\n    \"+252\": [so]\n",
	    "3: language.by_prefix: entries are" },
	{ "language:\n  by_prefix: [so]\n",
	    "2: language.by_prefix: must be a map" },
	{ "session:\n  keys:\n    back: '0'\n    up: '1'\n",
	    "4: session.keys.up: unknown setting" },
	{ "http: 5\n", "1: http: unknown setting" },
	{ "- a\n- b\n", "1: (top): the config must be a map" },
	{ "listen: a\nlisten: b\n", "2: duplicate key 'listen'" },
	{ "a: &x 1\nb: *x\n", "2: aliases are not allowed" },
	{ "listen: [unclosed\n", "2: " },
};

START_TEST(test_conf_errors)
{
	const struct err_case *e = &conf_err_tab[_i];
	struct conf c;
	char *path, *want;

	ck_assert_int_eq(load_str(&c, e->yaml, &path), -1);
	want = xasprintf("%s:%s", path, e->want);
	ck_assert_msg(rep.s != NULL && strstr(rep.s, want) != NULL,
	    "want [%s] in [%s]", want, rep.s ? rep.s : "");
	free(want);
	conf_free(&c);
	free(path);
}
END_TEST

/* Every problem of a file is reported in one run. */
START_TEST(test_conf_all_errors)
{
	struct conf c;
	char *path;
	size_t n = 0;
	const char *p;

	ck_assert_int_eq(load_str(&c, "foo: 1\nhttp:\n  threads: 0\n"
	    "  max_body: x\nsession:\n  nope: 1\ndemo_seed: maybe\n", &path),
	    -1);
	for (p = rep.s; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_nonnull(strstr(rep.s, ":1: foo"));
	ck_assert_ptr_nonnull(strstr(rep.s, ":3: http.threads"));
	ck_assert_ptr_nonnull(strstr(rep.s, ":4: http.max_body"));
	ck_assert_ptr_nonnull(strstr(rep.s, ":6: session.nope"));
	ck_assert_ptr_nonnull(strstr(rep.s, ":7: demo_seed"));
	/* Good values in the same file were still read. */
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_conf_boundaries)
{
	struct conf c;
	char *path;

	ck_assert_msg(load_str(&c, "http:\n  threads: 1\n  max_body: 65536\n"
	    "session:\n  max_invalid: 10\n  resume_window: 0\n"
	    "gateways:\n  kannel:\n    budget_gsm: 40\n", &path) == 0, "%s",
	    rep.s);
	ck_assert_int_eq(c.threads, 1);
	ck_assert_int_eq(c.max_body, 65536);
	ck_assert_int_eq(c.max_invalid, 10);
	ck_assert_int_eq(c.resume_window, 0);
	ck_assert_int_eq(c.gw_kannel.budget_gsm, 40);
	conf_free(&c);
	free(path);
	/* An empty file is the defaults. */
	ck_assert_int_eq(load_str(&c, "", &path), 0);
	ck_assert_int_eq(c.threads, 4);
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_conf_missing)
{
	struct conf c;
	char *path = xasprintf("%s/none.yaml", tmpdir);

	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, path, collect, &rep), -1);
	ck_assert_ptr_nonnull(strstr(rep.s, "none.yaml:0: cannot open"));
	ck_assert_str_eq(c.listen, "127.0.0.1:8080");
	conf_free(&c);
	free(path);
}
END_TEST

/* --- yml: limits ---------------------------------------------------- */

static const struct err_case yml_err_tab[] = {
	{ "a: 1\nb: 2\na: 3\n", "3: duplicate key 'a'" },
	{ "x:\n  a: 1\n  b:\n    c: 1\n    c: 2\n", "5: duplicate key 'c'" },
	{ "a: &anchor 1\nb: *anchor\n", "2: aliases are not allowed" },
	{ "a: &x [1, 2]\nb:\n  - *x\n", "3: aliases are not allowed" },
	{ "a: \"x\\0y\"\n", "1: NUL in scalar" },
	{ "a: 1\nb: \"\\0\"\n", "2: NUL in scalar" },
	{ "? [a, b]\n: 1\n", "1: map keys must be plain scalars" },
	{ "a: [1, 2\nb: 3\n", "2: " },
	{ "a: 1\n b: 2\n", "2: " },
	{ "a:\tb: c\n", "1: " },
	{ "a: \"unterminated\n", "2: " },
	{ "a: 1\n\xff\xfe: 2\n", "" },
};

START_TEST(test_yml_errors)
{
	const struct err_case *e = &yml_err_tab[_i];
	struct yml_node *r = (struct yml_node *)1;
	char err[256], *want;

	ck_assert_int_eq(yml_load_buf("t.yaml", e->yaml, strlen(e->yaml), &r,
	    err, sizeof(err)), -1);
	ck_assert_ptr_null(r);
	want = xasprintf("t.yaml:%s", e->want);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "want [%s...], got [%s]", want, err);
	free(want);
}
END_TEST

/* A raw NUL byte in the buffer is an error, not a short string. */
START_TEST(test_yml_raw_nul)
{
	static const char y[] = "a: x\0y\nb: 2\n";
	struct yml_node *r = NULL;
	char err[256];
	int rc;

	rc = yml_load_buf("n", y, sizeof(y) - 1, &r, err, sizeof(err));
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(r);
	ck_assert(strncmp(err, "n:", 2) == 0);
}
END_TEST

START_TEST(test_yml_deep)
{
	struct sbuf b;
	struct yml_node *r;
	char err[256];
	int i;

	/* 32 levels are fine, 40 are not. */
	sbuf_init(&b);
	for (i = 0; i < 32; i++)
		sbuf_addc(&b, '[');
	for (i = 0; i < 32; i++)
		sbuf_addc(&b, ']');
	ck_assert_int_eq(yml_load_buf("d", b.s, b.len, &r, err, sizeof(err)),
	    0);
	yml_free(r);
	sbuf_truncate(&b, 0);
	for (i = 0; i < 40; i++)
		sbuf_add(&b, "{a: ");
	sbuf_add(&b, "1");
	for (i = 0; i < 40; i++)
		sbuf_addc(&b, '}');
	ck_assert_int_eq(yml_load_buf("d", b.s, b.len, &r, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "d:1: nesting too deep");
	sbuf_free(&b);
}
END_TEST

/* The classic "billion laughs" stops at the first alias. */
START_TEST(test_yml_bomb)
{
	static const char y[] =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
	struct yml_node *r;
	char err[256];
	double t0 = now_sec();

	ck_assert_int_eq(yml_load_buf("bomb", y, strlen(y), &r, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bomb:2: aliases are not allowed");
	ck_assert(now_sec() - t0 < 1.0);
}
END_TEST

START_TEST(test_yml_file_limits)
{
	struct yml_node *r;
	char err[256], *path, *big;
	size_t n = 9 * 1024 * 1024, i;

	ck_assert_int_eq(yml_load_file("/nonexistent/x.yaml", &r, err,
	    sizeof(err)), -1);
	ck_assert(strncmp(err, "/nonexistent/x.yaml:0: cannot open", 34) ==
	    0);
	/* Larger than the 8 MB cap. */
	big = xmalloc(n);
	for (i = 0; i < n; i++)
		big[i] = (i % 64 == 63) ? '\n' : '#';
	path = write_file("big.yaml", big, n);
	ck_assert_int_eq(yml_load_file(path, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "big.yaml:0: file too large"));
	free(path);
	free(big);
	/* A directory is not a file. */
	ck_assert_int_eq(yml_load_file(tmpdir, &r, err, sizeof(err)), -1);
	/* A tiny error buffer is not overrun. */
	ck_assert_int_eq(yml_load_buf("name", "a: 1\na: 2\n", 10, &r, err, 6),
	    -1);
	ck_assert_uint_eq(strlen(err), 5);
}
END_TEST

/* --- valid: limits -------------------------------------------------- */

struct runaway {
	const char	*pattern;
	const char	*prefix;	/* repeated */
	size_t		 n;
	const char	*suffix;
};

static const struct runaway runaway_tab[] = {
	{ "^(a+)+$", "a", 35, "!" },
	{ "^(a|aa)+$", "a", 60, "b" },
	{ "^(a|a?)+$", "a", 40, "b" },
	{ "^(\\w+\\s?)*$", "word ", 30, "!" },
	{ "^([0-9]+)*[a-z]$", "1", 40, "!" },
	{ "^(.*a){20}$", "a", 60, "b" },
	{ "(x+x+)+y", "x", 50, "" },
};

START_TEST(test_valid_runaway)
{
	const struct runaway *c = &runaway_tab[_i];
	struct valid *v = valid_new();
	struct sbuf b;
	char err[256];
	double t0, dt;
	size_t i;

	ck_assert_int_eq(valid_add(v, "p", c->pattern, 0, err, sizeof(err)),
	    0);
	sbuf_init(&b);
	for (i = 0; i < c->n; i++)
		sbuf_add(&b, c->prefix);
	sbuf_add(&b, c->suffix);
	t0 = now_sec();
	ck_assert_int_eq(valid_match(v, "p", b.s, NULL, 0), 0);
	dt = now_sec() - t0;
	ck_assert_msg(dt < 1.0, "%s took %.2f s", c->pattern, dt);
	sbuf_free(&b);
	valid_free(v);
}
END_TEST

START_TEST(test_valid_input_limits)
{
	struct valid *v = valid_new();
	char err[256], *big, *caps[1];

	ck_assert_int_eq(valid_add(v, "any", "^.*$", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(valid_add(v, "digits", "^[0-9]*$", 0, err,
	    sizeof(err)), 0);
	big = xmalloc(4098);
	memset(big, '1', 4097);
	big[4096] = '\0';
	ck_assert_int_eq(valid_match(v, "digits", big, NULL, 0), 1);
	big[4096] = '1';
	big[4097] = '\0';
	ck_assert_int_eq(valid_match(v, "digits", big, NULL, 0), 0);
	free(big);
	ck_assert_int_eq(valid_match(v, "any", NULL, NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "any", "", NULL, 0), 1);
	/* Invalid UTF-8 never matches (and does not crash PCRE2). */
	ck_assert_int_eq(valid_match(v, "any", "ab\xff", NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "any", "\xc3", NULL, 0), 0);
	ck_assert_int_eq(valid_match(v, "any", "\xed\xa0\x80", NULL, 0), 0);
	caps[0] = (char *)(void *)"junk";
	ck_assert_int_eq(valid_match(v, "any", "\xe2\x82", caps, 1), 0);
	ck_assert_ptr_null(caps[0]);
	/* Captures asked of a pattern without groups are "". */
	ck_assert_int_eq(valid_match(v, "any", "x", caps, 1), 1);
	ck_assert_str_eq(caps[0], "");
	free(caps[0]);
	valid_free(v);
}
END_TEST

/*
 * "$" must mean the end of the input: '^[0-9]{6}$' must not match
 * "123456\n".  PCRE2 without PCRE2_DOLLAR_ENDONLY lets "$" match before a
 * final newline.  valid.c compiles
 * with PCRE2_DOLLAR_ENDONLY.
 */
START_TEST(test_valid_dollar_newline)
{
	struct valid *v = valid_new();
	char err[256];

	ck_assert_int_eq(valid_add(v, "ref", "^[0-9]{6}$", 0, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(valid_match(v, "ref", "123456\n", NULL, 0), 0);
	valid_free(v);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *core = tcase_create("core");
	TCase *lim = tcase_create("limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_defaults);
	tcase_add_test(core, test_load_full);
	tcase_add_test(core, test_example_file);
	tcase_add_loop_test(core, test_cidr, 0, NELEM(cidr_tab));
	tcase_add_test(core, test_cidr_null);
	tcase_add_test(core, test_lang_for);
	tcase_add_test(core, test_validate);
	tcase_add_test(core, test_yml_lines);
	tcase_add_test(core, test_yml_empty);
	tcase_add_test(core, test_valid_match);
	tcase_add_test(core, test_valid_compile_error);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(lim, setup, teardown);
	tcase_add_loop_test(lim, test_conf_errors, 0, NELEM(conf_err_tab));
	tcase_add_test(lim, test_conf_all_errors);
	tcase_add_test(lim, test_conf_boundaries);
	tcase_add_test(lim, test_conf_missing);
	tcase_add_loop_test(lim, test_yml_errors, 0, NELEM(yml_err_tab));
	tcase_add_test(lim, test_yml_raw_nul);
	tcase_add_test(lim, test_yml_deep);
	tcase_add_test(lim, test_yml_bomb);
	tcase_add_test(lim, test_yml_file_limits);
	tcase_add_loop_test(lim, test_valid_runaway, 0, NELEM(runaway_tab));
	tcase_add_test(lim, test_valid_input_limits);
	tcase_add_test(lim, test_valid_dollar_newline);
	tcase_set_timeout(lim, 30);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
