/*
 * phone: `idline phone`, a feature phone in the terminal (see phone.h).
 *
 * It plays the gateway's side of the Africa's Talking USSD format against a
 * running daemon (or tests/fake_at_server.py): one form POST per hop with
 * sessionId, serviceCode, phoneNumber, networkCode and text, where text is
 * "" on the dial and then every input so far joined by '*'.  Each reply
 * must be 200 with a body starting "CON " or "END "; anything else is shown
 * as a gateway error.  Every screen is measured with text_measure() and
 * printed with a status line against the USSD budget (182 GSM-7 septets /
 * 80 UCS-2 units by default), with a warning when it does not fit.
 *
 * Interactive mode reads one input per line from stdin.  Script mode
 * (--script FILE) replays a YAML journey (format in docs/phone.md), checks
 * each screen's expectations and stops at the first failure.  The whole
 * script is validated before the first request, so a typo in a script is
 * a usage error (exit 2), not a half-run journey.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"
#include "phone.h"
#include "sbuf.h"
#include "text.h"
#include "xmem.h"
#include "yml.h"

#define PHONE_URL	"http://127.0.0.1:8080/ussd/africastalking"
#define PHONE_MSISDN	"+256700000001"
#define PHONE_CODE	"*123#"
#define PHONE_NETWORK	"64110"
#define PHONE_GSM	182
#define PHONE_UCS	80
#define PHONE_TIMEOUT_MS 15000L	/* longest a gateway waits for a reply */
#define PHONE_SLOW_MS	5000L	/* shortest a gateway waits */
#define PHONE_SHOWN	400	/* bytes of a bad body shown */

enum {
	PHONE_EXIT_OK = 0,
	PHONE_EXIT_FAIL = 1,
	PHONE_EXIT_USAGE = 2
};

/* One simulated handset and its current USSD session. */
struct phone {
	const char	*url;
	const char	*msisdn;
	const char	*code;
	const char	*network;
	size_t		 gsm_budget;
	size_t		 ucs_budget;
	char		*sid;		/* sessionId, NULL before dial */
	struct sbuf	 hist;		/* inputs joined by '*' */
	int		 ninputs;	/* inputs in hist */
	char		*last_text;	/* text of the last request */
	unsigned	 counter;	/* sessions started */
};

enum phone_kind { PHONE_CON, PHONE_END, PHONE_ERR };

/* One reply as the handset sees it. */
struct phone_screen {
	enum phone_kind	 kind;
	char		*text;	/* screen text, or what was wrong (ERR) */
	long		 ms;	/* round-trip time */
};

enum phone_act { ACT_DIAL, ACT_SEND, ACT_RAW, ACT_REPEAT };

/* One parsed script step; strings point into the YAML tree. */
struct phone_step {
	int			 line;
	enum phone_act		 act;
	int			 newsess;	/* session: new */
	const char		*arg;		/* send / raw value */
	const struct yml_node	*expect;	/* scalar, seq, NULL */
	const struct yml_node	*absent;
	int			 end;		/* -1 any, 0 CON, 1 END */
};

static void	phone_usage(FILE *);
static int	phone_budget_parse(const char *, size_t *, size_t *);
static void	phone_session_new(struct phone *);
static void	phone_free(struct phone *);
static long	phone_now_ms(void);
static int	phone_post(struct phone *, const char *,
		    struct phone_screen *, char *, size_t);
static int	phone_parse_reply(const struct httpc_resp *,
		    struct phone_screen *);
static int	phone_do(struct phone *, enum phone_act, const char *,
		    struct phone_screen *, char *, size_t);
static int	phone_show(const struct phone *, const struct phone_screen *);
static void	phone_print_lines(const char *, const char *);
static int	phone_getline(char **, size_t *);
static int	phone_interactive(struct phone *);
static int	phone_bool(const struct yml_node *, int *);
static int	phone_strings_ok(const struct yml_node *);
static int	phone_key_known(const char *, const char *const *);
static int	phone_parse_step(const char *, const struct yml_node *,
		    size_t, struct phone_step *, char *, size_t);
static int	phone_parse_script(const char *, const struct yml_node *,
		    struct phone *, struct phone_step **, size_t *, char *,
		    size_t);
static int	phone_check(const char *, size_t, const struct phone_step *,
		    const struct phone_screen *);
static int	phone_script(struct phone *, const char *);

static const char *const phone_root_keys[] = {
	"msisdn", "code", "network", "description", "steps", NULL
};
static const char *const phone_step_keys[] = {
	"dial", "send", "raw", "repeat", "session", "expect", "absent",
	"end", NULL
};

static void
phone_usage(FILE *f)
{
	fprintf(f,
	    "usage: idline phone [--url URL] [--msisdn E164] [--code *123#]\n"
	    "                    [--script FILE] [--budget GSM/UCS]"
	    " [--network CODE]\n"
	    "  --url      Africa's Talking endpoint (default %s)\n"
	    "  --msisdn   phoneNumber sent (default %s)\n"
	    "  --code     serviceCode dialled (default %s)\n"
	    "  --script   run a YAML journey instead of reading stdin\n"
	    "  --budget   screen budget, GSM-7 septets/UCS-2 units "
	    "(default %d/%d)\n"
	    "  --network  networkCode sent (default %s)\n"
	    "Interactive: type an input per line, /quit to hang up.\n",
	    PHONE_URL, PHONE_MSISDN, PHONE_CODE, PHONE_GSM, PHONE_UCS,
	    PHONE_NETWORK);
}

/* Parses "182/80" into two positive sizes; returns 0 or -1. */
static int
phone_budget_parse(const char *s, size_t *gsm, size_t *ucs)
{
	unsigned long a, b;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end != '\0' || a == 0 || b == 0 || a > 100000 || b > 100000)
		return -1;
	*gsm = a;
	*ucs = b;
	return 0;
}

/* Starts a new session: fresh sessionId, empty history. */
static void
phone_session_new(struct phone *ph)
{
	free(ph->sid);
	ph->sid = xasprintf("phone-%ld-%lld-%u", (long)getpid(),
	    (long long)time(NULL), ++ph->counter);
	sbuf_truncate(&ph->hist, 0);
	ph->ninputs = 0;
	free(ph->last_text);
	ph->last_text = NULL;
}

static void
phone_free(struct phone *ph)
{
	free(ph->sid);
	free(ph->last_text);
	sbuf_free(&ph->hist);
}

static long
phone_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Turns an HTTP response into a screen.  Returns 0 for CON/END, -1 (kind
 * ERR, text saying why) for a non-200 status or a body that is not a USSD
 * reply.  scr->text is allocated here; the caller frees it.
 */
static int
phone_parse_reply(const struct httpc_resp *r, struct phone_screen *scr)
{
	const char *b = r->body;
	int shown = r->len > PHONE_SHOWN ? PHONE_SHOWN : (int)r->len;

	scr->kind = PHONE_ERR;
	if (strlen(b) != r->len) {
		scr->text = xasprintf("HTTP %ld: body holds a NUL byte",
		    r->status);
		return -1;
	}
	if (r->status != 200) {
		scr->text = xasprintf("HTTP %ld (expected 200): %.*s",
		    r->status, shown, b);
		return -1;
	}
	if (strncmp(b, "CON ", 4) == 0 || strcmp(b, "CON") == 0)
		scr->kind = PHONE_CON;
	else if (strncmp(b, "END ", 4) == 0 || strcmp(b, "END") == 0)
		scr->kind = PHONE_END;
	else {
		scr->text = xasprintf("body does not start with \"CON \" or "
		    "\"END \": %.*s%s", shown, b,
		    r->len > PHONE_SHOWN ? "..." : "");
		return -1;
	}
	scr->text = xstrdup(r->len > 3 ? b + 4 : "");
	return 0;
}

/*
 * Sends one hop with the given text in the current session.  Returns 0
 * when a reply arrived (scr filled, possibly kind ERR), -1 on a transport
 * error (err set, scr untouched).  The caller frees scr->text.
 */
static int
phone_post(struct phone *ph, const char *text, struct phone_screen *scr,
    char *err, size_t errlen)
{
	struct httpc_resp r;
	struct sbuf body;
	char *e;
	long t0;
	int rc;

	free(ph->last_text);
	ph->last_text = xstrdup(text);

	sbuf_init(&body);
	e = httpc_escape(ph->sid);
	sbuf_addf(&body, "sessionId=%s", e);
	free(e);
	e = httpc_escape(ph->code);
	sbuf_addf(&body, "&serviceCode=%s", e);
	free(e);
	e = httpc_escape(ph->msisdn);
	sbuf_addf(&body, "&phoneNumber=%s", e);
	free(e);
	e = httpc_escape(ph->network);
	sbuf_addf(&body, "&networkCode=%s", e);
	free(e);
	e = httpc_escape(text);
	sbuf_addf(&body, "&text=%s", e);
	free(e);

	t0 = phone_now_ms();
	rc = httpc_request("POST", ph->url,
	    "application/x-www-form-urlencoded", body.s, body.len,
	    PHONE_TIMEOUT_MS, &r, err, errlen);
	sbuf_free(&body);
	if (rc == -1)
		return -1;
	memset(scr, 0, sizeof(*scr));
	scr->ms = phone_now_ms() - t0;
	phone_parse_reply(&r, scr);
	httpc_resp_free(&r);
	return 0;
}

/*
 * Performs one action: ACT_DIAL starts a new session and sends "";
 * ACT_SEND appends arg to the history; ACT_RAW sends arg as the whole
 * text and makes it the history; ACT_REPEAT re-sends the last request.
 * A send or raw before any dial starts a session first.  Returns as
 * phone_post(), or -1 with err set when there is nothing to repeat.
 */
static int
phone_do(struct phone *ph, enum phone_act act, const char *arg,
    struct phone_screen *scr, char *err, size_t errlen)
{
	char *text;
	int rc;

	if (act == ACT_DIAL || (ph->sid == NULL && act != ACT_REPEAT))
		phone_session_new(ph);
	switch (act) {
	case ACT_DIAL:
		return phone_post(ph, "", scr, err, errlen);
	case ACT_SEND:
		if (ph->ninputs > 0)
			sbuf_addc(&ph->hist, '*');
		sbuf_add(&ph->hist, arg);
		ph->ninputs++;
		return phone_post(ph, ph->hist.s, scr, err, errlen);
	case ACT_RAW:
		sbuf_truncate(&ph->hist, 0);
		sbuf_add(&ph->hist, arg);
		ph->ninputs = arg[0] != '\0';
		return phone_post(ph, ph->hist.s, scr, err, errlen);
	case ACT_REPEAT:
		if (ph->last_text == NULL) {
			snprintf(err, errlen, "nothing to repeat yet");
			return -1;
		}
		text = xstrdup(ph->last_text);
		rc = phone_post(ph, text, scr, err, errlen);
		free(text);
		return rc;
	}
	return -1;
}

/* Prints each line of s with prefix pfx. */
static void
phone_print_lines(const char *pfx, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		printf("%s%.*s\n", pfx, (int)(nl - s), s);
		s = nl + 1;
	}
	printf("%s%s\n", pfx, s);
}

/*
 * Prints a screen and its status line.  Returns 0 when it is a CON/END
 * screen within budget, -1 when it is a gateway error, not valid UTF-8, or
 * over budget (each with a warning line starting "!!").
 */
static int
phone_show(const struct phone *ph, const struct phone_screen *scr)
{
	enum text_enc enc;
	size_t units, budget;
	const char *kind = scr->kind == PHONE_CON ? "CON" : "END";
	int rc = 0;

	if (scr->kind == PHONE_ERR) {
		printf("!! gateway error: %s\n", scr->text);
		return -1;
	}
	phone_print_lines("  | ", scr->text);
	if (text_measure(scr->text, &enc, &units) == -1) {
		printf("  [%s | invalid UTF-8]\n", kind);
		printf("!! screen is not valid UTF-8\n");
		return -1;
	}
	budget = enc == TEXT_GSM7 ? ph->gsm_budget : ph->ucs_budget;
	printf("  [%s | %zu/%zu %s %s]\n", kind, units, budget,
	    enc == TEXT_GSM7 ? "septets" : "units", text_enc_name(enc));
	if (units > budget) {
		printf("!! screen over budget: %zu %s %s, %zu too many\n",
		    units, enc == TEXT_GSM7 ? "septets" : "units",
		    text_enc_name(enc), units - budget);
		rc = -1;
	}
	if (scr->ms >= PHONE_SLOW_MS)
		printf("!! reply took %ld ms; gateways give up after 5-15 s\n",
		    scr->ms);
	return rc;
}

/*
 * Reads one line from stdin without its line end into *line (reused
 * buffer, caller frees), echoing it when stdin is not a terminal.
 * Returns 0, or -1 on EOF.
 */
static int
phone_getline(char **line, size_t *cap)
{
	ssize_t n;

	fflush(stdout);
	if ((n = getline(line, cap, stdin)) == -1)
		return -1;
	while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
		(*line)[--n] = '\0';
	/* From a pipe nothing echoes the input: print it for the record. */
	if (!isatty(STDIN_FILENO))
		printf("%s\n", *line);
	return 0;
}

static int
phone_interactive(struct phone *ph)
{
	struct phone_screen scr;
	char err[256], *line = NULL;
	size_t cap = 0;
	int rc = PHONE_EXIT_OK;
	enum phone_act act = ACT_DIAL;
	const char *arg = NULL;

	printf("idline phone: %s, type /quit to hang up\n", ph->url);
	for (;;) {
		if (act == ACT_DIAL)
			printf("Dialling %s as %s ...\n", ph->code, ph->msisdn);
		if (phone_do(ph, act, arg, &scr, err, sizeof(err)) == -1) {
			printf("!! transport error: %s\n", err);
			rc = PHONE_EXIT_USAGE;
			break;
		}
		phone_show(ph, &scr);
		if (scr.kind == PHONE_CON) {
			free(scr.text);
			printf("> ");
			if (phone_getline(&line, &cap) == -1) {
				printf("\n");
				break;
			}
			if (strcmp(line, "/quit") == 0)
				break;
			act = ACT_SEND;
			arg = line;
			continue;
		}
		free(scr.text);
		printf(scr.kind == PHONE_END ? "-- session ended\n" :
		    "-- session dropped\n");
		printf("dial again? [y/N] ");
		if (phone_getline(&line, &cap) == -1) {
			printf("\n");
			break;
		}
		if (strcasecmp(line, "y") != 0 && strcasecmp(line, "yes") != 0)
			break;
		act = ACT_DIAL;
		arg = NULL;
	}
	free(line);
	return rc;
}

/* Reads a YAML boolean scalar; returns 0, or -1 if n is not one. */
static int
phone_bool(const struct yml_node *n, int *v)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	size_t i;

	if (n->type != YML_SCALAR)
		return -1;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(n->value, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(n->value, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	return -1;
}

/* 1 when n is a scalar or a sequence of scalars. */
static int
phone_strings_ok(const struct yml_node *n)
{
	size_t i;

	if (n->type == YML_SCALAR)
		return 1;
	if (n->type != YML_SEQ)
		return 0;
	for (i = 0; i < n->n; i++)
		if (n->items[i]->type != YML_SCALAR)
			return 0;
	return 1;
}

static int
phone_key_known(const char *key, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (strcmp(key, *keys) == 0)
			return 1;
	return 0;
}

/*
 * Parses step idx (0-based) from map n into st.  Returns 0, or -1 with
 * "file:line: reason" in err.
 */
static int
phone_parse_step(const char *file, const struct yml_node *n, size_t idx,
    struct phone_step *st, char *err, size_t errlen)
{
	const struct yml_node *v;
	const char *s, *key = NULL, *want = NULL;
	int b, nact = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->line = n->line;
	st->end = -1;
	if (n->type != YML_MAP) {
		snprintf(err, errlen, "%s:%d: step %zu is not a map", file,
		    n->line, idx + 1);
		return -1;
	}
	for (i = 0; i < n->n; i++) {
		if (!phone_key_known(n->keys[i], phone_step_keys)) {
			snprintf(err, errlen, "%s:%d: step %zu: unknown key "
			    "'%s'", file, n->key_lines[i], idx + 1,
			    n->keys[i]);
			return -1;
		}
	}
	st->act = ACT_DIAL;
	if ((v = yml_get(n, key = "dial")) != NULL) {
		if (phone_bool(v, &b) == -1)
			goto badbool;
		nact += b;
	}
	if ((v = yml_get(n, key = "repeat")) != NULL) {
		if (phone_bool(v, &b) == -1)
			goto badbool;
		if (b) {
			st->act = ACT_REPEAT;
			nact++;
		}
	}
	if ((v = yml_get(n, key = "send")) != NULL) {
		if ((st->arg = yml_str(n, "send")) == NULL)
			goto badstr;
		st->act = ACT_SEND;
		nact++;
	}
	if ((v = yml_get(n, key = "raw")) != NULL) {
		if ((st->arg = yml_str(n, "raw")) == NULL)
			goto badstr;
		st->act = ACT_RAW;
		nact++;
	}
	if (nact > 1) {
		snprintf(err, errlen, "%s:%d: step %zu: use only one of "
		    "dial, send, raw, repeat", file, n->line, idx + 1);
		return -1;
	}
	if (nact == 0 && idx > 0) {
		snprintf(err, errlen, "%s:%d: step %zu: needs dial: true, "
		    "send, raw or repeat: true", file, n->line, idx + 1);
		return -1;
	}
	if (st->act == ACT_REPEAT && idx == 0) {
		snprintf(err, errlen, "%s:%d: step 1: nothing to repeat",
		    file, n->line);
		return -1;
	}
	if ((v = yml_get(n, key = "session")) != NULL) {
		if ((s = yml_str(n, "session")) == NULL)
			goto badstr;
		if (strcmp(s, "new") == 0)
			st->newsess = 1;
		else if (strcmp(s, "keep") != 0) {
			snprintf(err, errlen, "%s:%d: step %zu: session must "
			    "be keep or new", file, v->line, idx + 1);
			return -1;
		}
		if (st->newsess && st->act == ACT_REPEAT) {
			snprintf(err, errlen, "%s:%d: step %zu: repeat "
			    "cannot start a new session", file, v->line,
			    idx + 1);
			return -1;
		}
	}
	if ((v = yml_get(n, key = "end")) != NULL) {
		if (phone_bool(v, &b) == -1)
			goto badbool;
		st->end = b;
	}
	if ((v = yml_get(n, key = "expect")) != NULL) {
		if (!phone_strings_ok(v))
			goto badlist;
		st->expect = v;
	}
	if ((v = yml_get(n, key = "absent")) != NULL) {
		if (!phone_strings_ok(v))
			goto badlist;
		st->absent = v;
	}
	return 0;
badbool:
	want = "true or false";
	goto bad;
badstr:
	want = "a string";
	goto bad;
badlist:
	want = "a string or a list of strings";
bad:
	snprintf(err, errlen, "%s:%d: step %zu: %s: must be %s", file,
	    v->line, idx + 1, key, want);
	return -1;
}

/*
 * Validates the script tree and fills *steps (allocated, caller frees)
 * and the handset overrides (pointers into the tree).  Returns 0, or -1
 * with "file:line: reason" in err.
 */
static int
phone_parse_script(const char *file, const struct yml_node *root,
    struct phone *ph, struct phone_step **steps, size_t *nsteps, char *err,
    size_t errlen)
{
	const struct yml_node *seq;
	struct phone_step *st = NULL;
	const char *s;
	size_t i;

	*steps = NULL;
	*nsteps = 0;
	if (root->type != YML_MAP) {
		snprintf(err, errlen, "%s:%d: a script is a map with steps:",
		    file, root->line);
		return -1;
	}
	for (i = 0; i < root->n; i++) {
		if (!phone_key_known(root->keys[i], phone_root_keys)) {
			snprintf(err, errlen, "%s:%d: unknown key '%s'", file,
			    root->key_lines[i], root->keys[i]);
			return -1;
		}
		if (strcmp(root->keys[i], "steps") != 0 &&
		    root->items[i]->type != YML_SCALAR) {
			snprintf(err, errlen, "%s:%d: '%s' must be a string",
			    file, root->key_lines[i], root->keys[i]);
			return -1;
		}
	}
	if ((s = yml_str(root, "msisdn")) != NULL)
		ph->msisdn = s;
	if ((s = yml_str(root, "code")) != NULL)
		ph->code = s;
	if ((s = yml_str(root, "network")) != NULL)
		ph->network = s;
	seq = yml_get(root, "steps");
	if (seq == NULL || seq->type != YML_SEQ || seq->n == 0) {
		snprintf(err, errlen, "%s:%d: steps: must be a non-empty "
		    "list", file, seq ? seq->line : root->line);
		return -1;
	}
	st = xcalloc(seq->n, sizeof(*st));
	for (i = 0; i < seq->n; i++)
		if (phone_parse_step(file, seq->items[i], i, &st[i], err,
		    errlen) == -1)
			goto fail;
	*steps = st;
	*nsteps = seq->n;
	return 0;
fail:
	free(st);
	return -1;
}

/*
 * Checks a shown screen against step k's expectations (sidx 0-based).
 * Prints every mismatch and returns 0 when all hold, -1 otherwise.
 */
static int
phone_check(const char *file, size_t sidx, const struct phone_step *st,
    const struct phone_screen *scr)
{
	const struct yml_node *lists[2] = { st->expect, st->absent };
	const struct yml_node *one;
	size_t i, j, n;
	int fails = 0, found;

	for (j = 0; j < 2; j++) {
		if (lists[j] == NULL)
			continue;
		n = lists[j]->type == YML_SCALAR ? 1 : lists[j]->n;
		for (i = 0; i < n; i++) {
			one = lists[j]->type == YML_SCALAR ? lists[j] :
			    lists[j]->items[i];
			found = strstr(scr->text, one->value) != NULL;
			if (found == (j == 0))
				continue;
			printf("!! FAIL step %zu (%s:%d): %s \"%s\"\n",
			    sidx + 1, file, st->line, j == 0 ?
			    "expected" : "must not contain", one->value);
			fails++;
		}
	}
	if (st->end != -1 && st->end != (scr->kind == PHONE_END)) {
		printf("!! FAIL step %zu (%s:%d): expected %s, got %s\n",
		    sidx + 1, file, st->line, st->end ? "END" : "CON",
		    scr->kind == PHONE_END ? "END" : "CON");
		fails++;
	}
	return fails ? -1 : 0;
}

static int
phone_script(struct phone *ph, const char *file)
{
	struct yml_node *root = NULL;
	struct phone_step *steps = NULL, *st;
	struct phone_screen scr;
	char err[512];
	size_t n = 0, i;
	int rc = PHONE_EXIT_USAGE, bad;

	if (yml_load_file(file, &root, err, sizeof(err)) == -1 ||
	    phone_parse_script(file, root, ph, &steps, &n, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "idline phone: %s\n", err);
		goto done;
	}
	printf("script %s: %zu steps, %s dials %s at %s\n", file, n,
	    ph->msisdn, ph->code, ph->url);
	for (i = 0; i < n; i++) {
		st = &steps[i];
		if (st->newsess)
			phone_session_new(ph);
		switch (st->act) {
		case ACT_DIAL:
			printf("-- step %zu (%s:%d): dial %s\n", i + 1, file,
			    st->line, ph->code);
			break;
		case ACT_SEND:
			printf("-- step %zu (%s:%d): send \"%s\"\n", i + 1,
			    file, st->line, st->arg);
			break;
		case ACT_RAW:
			printf("-- step %zu (%s:%d): raw text \"%s\"\n", i + 1,
			    file, st->line, st->arg);
			break;
		case ACT_REPEAT:
			printf("-- step %zu (%s:%d): repeat text \"%s\"\n",
			    i + 1, file, st->line,
			    ph->last_text ? ph->last_text : "");
			break;
		}
		if (phone_do(ph, st->act, st->arg, &scr, err,
		    sizeof(err)) == -1) {
			printf("!! transport error at step %zu (%s:%d): %s\n",
			    i + 1, file, st->line, err);
			printf("script FAILED at step %zu (%s:%d)\n", i + 1,
			    file, st->line);
			goto done;
		}
		bad = phone_show(ph, &scr) == -1;
		if (!bad && phone_check(file, i, st, &scr) == -1) {
			printf("screen received at step %zu:\n", i + 1);
			phone_print_lines("  > ", scr.text);
			bad = 1;
		}
		free(scr.text);
		if (bad) {
			printf("script FAILED at step %zu (%s:%d)\n", i + 1,
			    file, st->line);
			rc = PHONE_EXIT_FAIL;
			goto done;
		}
	}
	printf("script OK: %zu steps\n", n);
	rc = PHONE_EXIT_OK;
done:
	free(steps);
	yml_free(root);
	return rc;
}

int
phone_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url",	required_argument,	NULL, 'u' },
		{ "msisdn",	required_argument,	NULL, 'm' },
		{ "code",	required_argument,	NULL, 'c' },
		{ "script",	required_argument,	NULL, 's' },
		{ "budget",	required_argument,	NULL, 'b' },
		{ "network",	required_argument,	NULL, 'n' },
		{ "config",	required_argument,	NULL, 'C' },
		{ "db",		required_argument,	NULL, 'D' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct phone ph;
	const char *script = NULL;
	int ch, rc;

	memset(&ph, 0, sizeof(ph));
	sbuf_init(&ph.hist);
	ph.url = PHONE_URL;
	ph.msisdn = PHONE_MSISDN;
	ph.code = PHONE_CODE;
	ph.network = PHONE_NETWORK;
	ph.gsm_budget = PHONE_GSM;
	ph.ucs_budget = PHONE_UCS;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			ph.url = optarg;
			break;
		case 'm':
			ph.msisdn = optarg;
			break;
		case 'c':
			ph.code = optarg;
			break;
		case 's':
			script = optarg;
			break;
		case 'b':
			if (phone_budget_parse(optarg, &ph.gsm_budget,
			    &ph.ucs_budget) == -1) {
				fprintf(stderr, "idline phone: --budget wants "
				    "GSM/UCS, e.g. 182/80\n");
				return PHONE_EXIT_USAGE;
			}
			break;
		case 'n':
			ph.network = optarg;
			break;
		case 'C':
		case 'D':
			break;		/* accepted by every subcommand */
		case 'h':
			phone_usage(stdout);
			return PHONE_EXIT_OK;
		default:
			phone_usage(stderr);
			return PHONE_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "idline phone: unexpected argument '%s'\n",
		    argv[optind]);
		phone_usage(stderr);
		return PHONE_EXIT_USAGE;
	}
	if (*ph.url == '\0' || *ph.msisdn == '\0' || *ph.code == '\0') {
		fprintf(stderr, "idline phone: --url, --msisdn and --code "
		    "must not be empty\n");
		return PHONE_EXIT_USAGE;
	}
	/* Reference-counted by curl, so harmless if main did it too. */
	if (httpc_init() == -1) {
		fprintf(stderr, "idline phone: cannot initialise HTTP\n");
		return PHONE_EXIT_USAGE;
	}
	rc = script ? phone_script(&ph, script) : phone_interactive(&ph);
	fflush(stdout);
	httpc_cleanup();
	phone_free(&ph);
	return rc;
}
