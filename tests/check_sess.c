/*
 * check_sess: unit tests for service/sess.c.
 *
 * "core" covers the history diff of history-style gateways (table-driven),
 * the session table (get/create/put, TTL expiry, the bound), variables,
 * list items and resume records.  "limits" covers odd histories, a full
 * table, stale resume records and a concurrency smoke test: threads
 * hammering distinct and shared keys while the per-session lock must keep
 * every hop of one session serial.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sess.h"
#include "xmem.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NTHREADS	8
#define NITER		2000

struct diff_case {
	const char	*seen;
	const char	*text;
	enum sess_diff	 want;
	const char	*newest;	/* NULL when none is returned */
};

static const struct diff_case diff_tab[] = {
	{ "", "1", SESS_DIFF_NEXT, "1" },
	{ "1", "1", SESS_DIFF_SAME, NULL },
	{ "1", "1*2", SESS_DIFF_NEXT, "2" },
	{ "1*2", "1", SESS_DIFF_STALE, NULL },
	{ "1*2", "", SESS_DIFF_STALE, NULL },
	{ "1", "1**", SESS_DIFF_NEXT, "*" },
	{ "1*2", "1*3", SESS_DIFF_OTHER, "3" },
	{ "1", "12", SESS_DIFF_OTHER, "12" },
	{ "1*2", "1*2*", SESS_DIFF_NEXT, "" },
	{ "", "", SESS_DIFF_SAME, NULL },
	/* Longer histories. */
	{ "1*2*123456789*01011990", "1*2*123456789*01011990*3",
	    SESS_DIFF_NEXT, "3" },
	{ "1*2*123456789*01011990", "1*2*123456789*01011990",
	    SESS_DIFF_SAME, NULL },
	{ "1*2*123456789*01011990", "1*2*123456789", SESS_DIFF_STALE, NULL },
	{ "1*2*123456789*01011990", "1*2", SESS_DIFF_STALE, NULL },
	{ "1*2*123456789*01011990", "1*2*98*4", SESS_DIFF_OTHER, "4" },
	{ "4*98*98", "4*98*98*98", SESS_DIFF_NEXT, "98" },
	{ "4*98*98*98", "4*98*98", SESS_DIFF_STALE, NULL },
	{ "1*00", "1*00*0", SESS_DIFF_NEXT, "0" },
	{ "1*2*3*4*5*6*7*8*9*10*11*12", "1*2*3*4*5*6*7*8*9*10*11*12*13",
	    SESS_DIFF_NEXT, "13" },
	/* Prefix that is not a whole hop. */
	{ "12", "1", SESS_DIFF_OTHER, "1" },
	{ "1*23", "1*2", SESS_DIFF_OTHER, "2" },
	{ "1*2", "1*23", SESS_DIFF_OTHER, "23" },
	{ "1", "2", SESS_DIFF_OTHER, "2" },
	/* Two hops at once: by the contract newest is all past seen. */
	{ "1", "1*2*3", SESS_DIFF_NEXT, "2*3" },
	/* Star inputs. */
	{ "1**", "1***", SESS_DIFF_NEXT, "" },
	{ "*", "**", SESS_DIFF_NEXT, "" },
};

/* Shared by the concurrency threads. */
struct hammer {
	struct sess_table	*t;
	int			 id;
	int			 inside;	/* threads inside shared */
	int			 overlap;	/* times two were inside */
	int			 nulls;
	pthread_mutex_t		 mu;
};

static struct sess_var *find_var(struct sess *, const char *);
static void	*hammer_run(void *);
static Suite	*sess_suite(void);

static struct sess_var *
find_var(struct sess *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0)
			return &s->vars[i];
	return NULL;
}

/* --- core ----------------------------------------------------------- */

START_TEST(test_diff)
{
	const struct diff_case *c = &diff_tab[_i];
	char *newest = (char *)"junk";
	enum sess_diff d;

	d = sess_diff_history(c->seen, c->text, &newest);
	ck_assert_msg(d == c->want, "(\"%s\", \"%s\"): %d, want %d", c->seen,
	    c->text, d, c->want);
	if (c->newest == NULL)
		ck_assert_ptr_null(newest);
	else {
		ck_assert_ptr_nonnull(newest);
		ck_assert_str_eq(newest, c->newest);
	}
	free(newest);
}
END_TEST

START_TEST(test_get_create_put)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s, *s2;
	int created = -1;

	ck_assert_ptr_null(sess_get(t, "at:1", 0, &created));
	ck_assert_int_eq(created, 0);
	ck_assert_uint_eq(sess_count(t), 0);
	s = sess_get(t, "at:1", 1, &created);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(created, 1);
	ck_assert_str_eq(s->key, "at:1");
	ck_assert_int_eq(s->state, -1);
	ck_assert_uint_eq(s->depth, 0);
	ck_assert_uint_eq(s->nvars, 0);
	ck_assert_ptr_null(s->resume);
	ck_assert_int_eq(s->refs, 1);
	s->page = 7;
	sess_put(t, s);
	ck_assert_uint_eq(sess_count(t), 1);
	s2 = sess_get(t, "at:1", 1, &created);
	ck_assert_ptr_eq(s2, s);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(s2->page, 7);
	sess_put(t, s2);
	s2 = sess_get(t, "at:1", 0, NULL);
	ck_assert_ptr_eq(s2, s);
	sess_put(t, s2);
	s2 = sess_get(t, "at:2", 1, &created);
	ck_assert_ptr_ne(s2, s);
	ck_assert_int_eq(created, 1);
	sess_put(t, s2);
	ck_assert_uint_eq(sess_count(t), 2);
	sess_put(t, NULL);
	sess_table_free(t);
}
END_TEST

START_TEST(test_ttl)
{
	struct sess_table *t = sess_table_new(10, 1, 60);
	struct sess *s;
	int created;

	s = sess_get(t, "k:1", 1, &created);
	sess_set(s, "a", "b", 0);
	sess_put(t, s);
	/* Not idle long enough. */
	ck_assert_uint_eq(sess_expire(t, time(NULL)), 0);
	sleep(2);
	s = sess_get(t, "k:1", 1, &created);
	ck_assert_int_eq(created, 1);
	ck_assert_ptr_null(sess_var(s, "a"));
	sess_put(t, s);
	ck_assert_uint_eq(sess_count(t), 1);
	/* sess_expire with an explicit now. */
	ck_assert_uint_eq(sess_expire(t, time(NULL) + 10), 1);
	ck_assert_uint_eq(sess_count(t), 0);
	sess_table_free(t);
}
END_TEST

/* A session held by someone never expires under them. */
START_TEST(test_ttl_held)
{
	struct sess_table *t = sess_table_new(10, 1, 60);
	struct sess *s;
	int created;

	s = sess_get(t, "k:1", 1, &created);
	ck_assert_uint_eq(sess_expire(t, time(NULL) + 100), 0);
	ck_assert_uint_eq(sess_count(t), 1);
	sess_put(t, s);
	ck_assert_uint_eq(sess_expire(t, time(NULL) + 100), 1);
	sess_table_free(t);
}
END_TEST

START_TEST(test_bound)
{
	struct sess_table *t = sess_table_new(3, 1, 60);
	struct sess *s;
	char key[16];
	int i, created;

	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "k:%d", i);
		s = sess_get(t, key, 1, &created);
		ck_assert_ptr_nonnull(s);
		sess_put(t, s);
	}
	ck_assert_uint_eq(sess_count(t), 3);
	ck_assert_ptr_null(sess_get(t, "k:new", 1, &created));
	ck_assert_int_eq(created, 0);
	/* Existing ones are still found. */
	s = sess_get(t, "k:1", 1, &created);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(created, 0);
	sess_put(t, s);
	/* Once they are idle past the TTL there is room again. */
	sleep(2);
	s = sess_get(t, "k:new", 1, &created);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(created, 1);
	sess_put(t, s);
	ck_assert_uint_le(sess_count(t), 3);
	sess_table_free(t);
}
END_TEST

START_TEST(test_vars)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "k", 1, NULL);
	char name[16];
	int i;

	ck_assert_ptr_null(sess_var(s, "ref"));
	sess_set(s, "ref", "123456", 0);
	sess_set(s, "dob", "01012000", 1);
	ck_assert_str_eq(sess_var(s, "ref"), "123456");
	ck_assert_str_eq(sess_var(s, "dob"), "01012000");
	ck_assert_int_eq(find_var(s, "dob")->secret, 1);
	ck_assert_int_eq(find_var(s, "ref")->secret, 0);
	ck_assert_uint_eq(s->nvars, 2);
	/* Replacing keeps one entry and updates the secret flag. */
	sess_set(s, "ref", "654321", 1);
	ck_assert_uint_eq(s->nvars, 2);
	ck_assert_str_eq(sess_var(s, "ref"), "654321");
	ck_assert_int_eq(find_var(s, "ref")->secret, 1);
	sess_set(s, "ref", "", 0);
	ck_assert_str_eq(sess_var(s, "ref"), "");
	ck_assert_int_eq(find_var(s, "ref")->secret, 0);
	sess_unset(s, "ref");
	ck_assert_ptr_null(sess_var(s, "ref"));
	ck_assert_str_eq(sess_var(s, "dob"), "01012000");
	ck_assert_uint_eq(s->nvars, 1);
	sess_unset(s, "nosuch");
	ck_assert_uint_eq(s->nvars, 1);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		sess_set(s, name, name, i % 2);
	}
	ck_assert_uint_eq(s->nvars, 51);
	ck_assert_str_eq(sess_var(s, "v37"), "v37");
	sess_unset(s, "v0");
	ck_assert_str_eq(sess_var(s, "v49"), "v49");
	sess_clear_vars(s);
	ck_assert_uint_eq(s->nvars, 0);
	ck_assert_ptr_null(sess_var(s, "dob"));
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

START_TEST(test_items)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "k", 1, NULL);

	sess_add_item(s, "Office North", "N1");
	sess_add_item(s, "Office South", "S1");
	ck_assert_uint_eq(s->nitems, 2);
	ck_assert_str_eq(s->items[1].label, "Office South");
	ck_assert_str_eq(s->items[1].value, "S1");
	sess_clear_items(s);
	ck_assert_uint_eq(s->nitems, 0);
	ck_assert_ptr_null(s->items);
	sess_add_item(s, "x", "y");
	sess_put(t, s);			/* freed with the table */
	sess_table_free(t);
}
END_TEST

START_TEST(test_resume)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "at:1", 1, NULL), *s2;
	struct sess_snap *snap;

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	snprintf(s->lang, sizeof(s->lang), "fr");
	s->state = 5;
	s->depth = 2;
	s->stack[0] = 0;
	s->stack[1] = 3;
	s->page = 2;
	s->invalid = 1;
	sess_set(s, "ref", "123456", 0);
	sess_set(s, "dob", "01012000", 1);
	sess_set(s, "office", "HQ", 0);
	sess_resume_save(t, s);
	/* The record is a copy: later changes do not touch it. */
	sess_set(s, "ref", "999999", 0);
	s->state = 9;
	sess_put(t, s);

	ck_assert_ptr_null(sess_resume_take(t, "+256700000002", time(NULL)));
	snap = sess_resume_take(t, "+256700000001", time(NULL));
	ck_assert_ptr_nonnull(snap);
	ck_assert_int_eq(snap->state, 5);
	ck_assert_uint_eq(snap->depth, 2);
	ck_assert_int_eq(snap->stack[1], 3);
	ck_assert_str_eq(snap->lang, "fr");
	ck_assert_uint_eq(snap->nvars, 2);
	/* Taken: a second take finds nothing. */
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001", time(NULL)));

	s2 = sess_get(t, "at:2", 1, NULL);
	snprintf(s2->lang, sizeof(s2->lang), "en");
	sess_set(s2, "junk", "1", 0);
	s2->page = 4;
	s2->invalid = 2;
	sess_restore(s2, snap);
	ck_assert_int_eq(s2->state, 5);
	ck_assert_uint_eq(s2->depth, 2);
	ck_assert_int_eq(s2->stack[1], 3);
	ck_assert_str_eq(s2->lang, "fr");
	ck_assert_int_eq(s2->page, 0);
	ck_assert_int_eq(s2->invalid, 0);
	ck_assert_str_eq(sess_var(s2, "ref"), "123456");
	ck_assert_str_eq(sess_var(s2, "office"), "HQ");
	ck_assert_ptr_null(sess_var(s2, "dob"));	/* secret: dropped */
	ck_assert_ptr_null(sess_var(s2, "junk"));
	sess_snap_free(snap);
	sess_put(t, s2);
	sess_table_free(t);
}
END_TEST

START_TEST(test_resume_replace_drop)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "at:1", 1, NULL);
	struct sess_snap *snap;

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	s->state = 1;
	sess_resume_save(t, s);
	s->state = 2;
	sess_resume_save(t, s);		/* replaces the first */
	snap = sess_resume_take(t, "+256700000001", time(NULL));
	ck_assert_ptr_nonnull(snap);
	ck_assert_int_eq(snap->state, 2);
	sess_snap_free(snap);
	sess_resume_save(t, s);
	sess_resume_drop(t, "+256700000001");
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001", time(NULL)));
	sess_resume_drop(t, "+256700000001");	/* nothing to drop */
	/* Without a phone number nothing is saved. */
	s->msisdn[0] = '\0';
	sess_resume_save(t, s);
	ck_assert_ptr_null(sess_resume_take(t, "", time(NULL)));
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

/* A session with its own resume offer frees it with the table. */
START_TEST(test_resume_owned)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "at:1", 1, NULL);

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	sess_set(s, "a", "b", 0);
	sess_resume_save(t, s);
	s->resume = sess_resume_take(t, "+256700000001", time(NULL));
	ck_assert_ptr_nonnull(s->resume);
	sess_resume_save(t, s);		/* left in the table */
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

/* --- limits --------------------------------------------------------- */

START_TEST(test_resume_window)
{
	struct sess_table *t = sess_table_new(10, 60, 5);
	struct sess *s = sess_get(t, "at:1", 1, NULL);
	struct sess_snap *snap;
	time_t now;

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	s->state = 3;
	now = time(NULL);
	sess_resume_save(t, s);
	/* Inside the window (edge included). */
	snap = sess_resume_take(t, "+256700000001", now + 4);
	ck_assert_ptr_nonnull(snap);
	sess_snap_free(snap);
	/* Past the window: gone, and removed. */
	sess_resume_save(t, s);
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001", now + 7));
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001", now));
	/* Expiry sweeps stale records too. */
	sess_resume_save(t, s);
	sess_expire(t, now + 60);
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001", now));
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

/* A zero window keeps nothing for later. */
START_TEST(test_resume_zero_window)
{
	struct sess_table *t = sess_table_new(10, 60, 0);
	struct sess *s = sess_get(t, "at:1", 1, NULL);

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	sess_resume_save(t, s);
	ck_assert_ptr_null(sess_resume_take(t, "+256700000001",
	    time(NULL) + 1));
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

/* Resume records are bounded by the table's size too. */
START_TEST(test_resume_bound)
{
	struct sess_table *t = sess_table_new(2, 60, 60);
	struct sess *s = sess_get(t, "at:1", 1, NULL);
	struct sess_snap *snap;
	int i, found = 0;
	char m[32];

	for (i = 0; i < 5; i++) {
		snprintf(m, sizeof(m), "+25670000000%d", i % 10);
		memcpy(s->msisdn, m, strlen(m) + 1);
		sess_resume_save(t, s);
	}
	for (i = 0; i < 5; i++) {
		snprintf(m, sizeof(m), "+25670000000%d", i % 10);
		if ((snap = sess_resume_take(t, m, time(NULL))) != NULL)
			found++;
		sess_snap_free(snap);
	}
	ck_assert_int_eq(found, 2);
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

START_TEST(test_stack_copy)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	struct sess *s = sess_get(t, "at:1", 1, NULL);
	struct sess_snap *snap;
	int i;

	snprintf(s->msisdn, sizeof(s->msisdn), "+256700000001");
	for (i = 0; i < SESS_STACK; i++)
		s->stack[i] = 100 + i;
	s->depth = SESS_STACK;
	sess_resume_save(t, s);
	snap = sess_resume_take(t, s->msisdn, time(NULL));
	ck_assert_uint_eq(snap->depth, SESS_STACK);
	ck_assert_int_eq(snap->stack[SESS_STACK - 1], 100 + SESS_STACK - 1);
	ck_assert_uint_eq(snap->nvars, 0);
	ck_assert_ptr_null(snap->vars);
	sess_snap_free(snap);
	sess_snap_free(NULL);
	sess_put(t, s);
	sess_table_free(t);
}
END_TEST

START_TEST(test_long_keys)
{
	struct sess_table *t = sess_table_new(10, 60, 60);
	char *key = xmalloc(10001);
	struct sess *s;
	int created;

	memset(key, 'k', 10000);
	key[10000] = '\0';
	s = sess_get(t, key, 1, &created);
	ck_assert_int_eq(created, 1);
	sess_put(t, s);
	key[9999] = 'x';
	s = sess_get(t, key, 1, &created);
	ck_assert_int_eq(created, 1);
	sess_put(t, s);
	ck_assert_uint_eq(sess_count(t), 2);
	ck_assert_ptr_null(sess_get(t, "", 0, NULL));
	s = sess_get(t, "", 1, &created);
	ck_assert_int_eq(created, 1);
	sess_put(t, s);
	free(key);
	sess_table_free(t);
	sess_table_free(NULL);
}
END_TEST

/*
 * Each thread hammers its own keys and one shared key.  Inside the shared
 * session the thread checks it is alone (the per-session lock) and
 * increments a counter kept in the session's variables.
 */
static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	struct sess *s;
	char key[32], buf[32];
	const char *v;
	int i, id, created;

	pthread_mutex_lock(&h->mu);
	id = h->id++;
	pthread_mutex_unlock(&h->mu);
	for (i = 0; i < NITER; i++) {
		snprintf(key, sizeof(key), "own:%d:%d", id, i % 50);
		if ((s = sess_get(h->t, key, 1, &created)) == NULL) {
			__atomic_add_fetch(&h->nulls, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		snprintf(buf, sizeof(buf), "%d", i);
		sess_set(s, "i", buf, 0);
		sess_add_item(s, "l", "v");
		if (s->nitems > 3)
			sess_clear_items(s);
		sess_put(h->t, s);

		s = sess_get(h->t, "shared", 1, &created);
		if (s == NULL) {
			__atomic_add_fetch(&h->nulls, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		if (__atomic_add_fetch(&h->inside, 1, __ATOMIC_SEQ_CST) != 1)
			__atomic_add_fetch(&h->overlap, 1, __ATOMIC_SEQ_CST);
		v = sess_var(s, "n");
		snprintf(buf, sizeof(buf), "%d", v ? atoi(v) + 1 : 1);
		sess_set(s, "n", buf, 0);
		__atomic_sub_fetch(&h->inside, 1, __ATOMIC_SEQ_CST);
		sess_put(h->t, s);
		if (i % 100 == 0)
			sess_expire(h->t, time(NULL));
	}
	return NULL;
}

START_TEST(test_concurrency)
{
	struct hammer h;
	pthread_t th[NTHREADS];
	struct sess *s;
	int i;

	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	h.t = sess_table_new(NTHREADS * 50 + 10, 600, 60);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer_run, &h),
		    0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(h.overlap, 0);
	ck_assert_int_eq(h.nulls, 0);
	ck_assert_uint_eq(sess_count(h.t), NTHREADS * 50 + 1);
	s = sess_get(h.t, "shared", 0, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(atoi(sess_var(s, "n")), NTHREADS * NITER);
	ck_assert_int_eq(s->refs, 1);
	sess_put(h.t, s);
	sess_table_free(h.t);
	pthread_mutex_destroy(&h.mu);
}
END_TEST

/* A table too small for everyone: some gets fail, nothing breaks. */
START_TEST(test_concurrency_full)
{
	struct hammer h;
	pthread_t th[NTHREADS];
	int i;

	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	h.t = sess_table_new(20, 600, 60);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, hammer_run, &h),
		    0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(h.overlap, 0);
	ck_assert_int_gt(h.nulls, 0);
	ck_assert_uint_le(sess_count(h.t), 20);
	sess_table_free(h.t);
	pthread_mutex_destroy(&h.mu);
}
END_TEST

static Suite *
sess_suite(void)
{
	Suite *s = suite_create("sess");
	TCase *core = tcase_create("core");
	TCase *lim = tcase_create("limits");

	tcase_add_loop_test(core, test_diff, 0, NELEM(diff_tab));
	tcase_add_test(core, test_get_create_put);
	tcase_add_test(core, test_ttl);
	tcase_add_test(core, test_ttl_held);
	tcase_add_test(core, test_bound);
	tcase_add_test(core, test_vars);
	tcase_add_test(core, test_items);
	tcase_add_test(core, test_resume);
	tcase_add_test(core, test_resume_replace_drop);
	tcase_add_test(core, test_resume_owned);
	tcase_set_timeout(core, 30);
	suite_add_tcase(s, core);

	tcase_add_test(lim, test_resume_window);
	tcase_add_test(lim, test_resume_zero_window);
	tcase_add_test(lim, test_resume_bound);
	tcase_add_test(lim, test_stack_copy);
	tcase_add_test(lim, test_long_keys);
	tcase_add_test(lim, test_concurrency);
	tcase_add_test(lim, test_concurrency_full);
	tcase_set_timeout(lim, 60);
	suite_add_tcase(s, lim);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sess_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
