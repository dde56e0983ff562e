/*
 * check_httpc: httpc against a throwaway HTTP server.
 *
 * An unchecked fixture forks a tiny HTTP/1.0-style server on an ephemeral
 * 127.0.0.1 port (one child process per connection, so a slow answer does
 * not hold up the next test) and kills it by PID afterwards.  Paths:
 *   /hello          200 "hello"
 *   /meta           200 with an X-Kannel-Meta-Data header in odd case
 *   /echo           200 "<method>|<content-type>|<body>"
 *   /sink           200 "<bytes of body received>", any size
 *   /status/404     404 "nope"
 *   /big/N          N bytes of 'x' with Content-Length
 *   /stream/N       N bytes of 'x', no Content-Length, closed at the end
 *   /slow           answers after 3 s
 *   /close          closes without answering
 *   /empty          204, no body
 *   /continue       "100 Continue" carrying a meta header, then 200
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "httpc.h"

#define MIB	(1024 * 1024)

static pid_t	srv_pid = -1;
static int	srv_port;
static char	base[64];

static void	srv_start(void);
static void	srv_stop(void);
static void	srv_loop(int);
static void	srv_conn(int);
static void	srv_write(int, const char *, size_t);
static void	srv_fill(int, size_t);
static long	now_ms(void);
static char	*url(const char *);
static Suite	*httpc_suite(void);

static void
srv_write(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

static void
srv_fill(int fd, size_t n)
{
	char buf[8192];
	size_t k;

	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		srv_write(fd, buf, k);
		n -= k;
	}
}

/* Reads one request (headers plus Content-Length body) and answers it. */
static void
srv_conn(int fd)
{
	static char req[65536];
	char path[256], method[16], ct[128] = "", out[512], *hend, *p, *body;
	size_t len = 0, clen = 0, need;
	ssize_t r;
	int n;

	for (;;) {
		if (len == sizeof(req) - 1)
			return;
		if ((r = read(fd, req + len, sizeof(req) - 1 - len)) <= 0)
			return;
		len += (size_t)r;
		req[len] = '\0';
		if ((hend = strstr(req, "\r\n\r\n")) != NULL)
			break;
	}
	if (sscanf(req, "%15s %255s", method, path) != 2)
		return;
	for (p = strstr(req, "\r\n"); p != NULL && p < hend;
	    p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, "Content-Length:", 15) == 0)
			clen = strtoul(p + 17, NULL, 10);
		if (strncasecmp(p + 2, "Content-Type:", 13) == 0)
			sscanf(p + 15, " %127[^\r]", ct);
	}
	body = hend + 4;
	need = (size_t)(body - req) + clen;
	if (strcmp(path, "/sink") == 0) {
		/* Counts a body of any size; no "100 Continue" is sent. */
		for (len -= (size_t)(body - req); len < clen; len += (size_t)r)
			if ((r = read(fd, req, sizeof(req))) <= 0)
				return;
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Connection: close\r\n\r\n%zu", len);
		srv_write(fd, out, (size_t)n);
		return;
	}
	if (need >= sizeof(req))
		return;
	while (len < need) {
		if ((r = read(fd, req + len, need - len)) <= 0)
			return;
		len += (size_t)r;
	}
	req[need] = '\0';

	if (strcmp(path, "/hello") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
		srv_write(fd, out, (size_t)n);
	} else if (strcmp(path, "/meta") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "x-KANNEL-meta-DATA:  ?smpp?ussd_service_op=02 \r\n"
		    "Content-Length: 2\r\nConnection: close\r\n\r\nok");
		srv_write(fd, out, (size_t)n);
	} else if (strcmp(path, "/echo") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s|%s|",
		    strlen(method) + strlen(ct) + 2 + clen, method, ct);
		srv_write(fd, out, (size_t)n);
		srv_write(fd, body, clen);
	} else if (strcmp(path, "/status/404") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 404 Not Found\r\n"
		    "Content-Length: 4\r\nConnection: close\r\n\r\nnope");
		srv_write(fd, out, (size_t)n);
	} else if (strncmp(path, "/big/", 5) == 0) {
		need = strtoul(path + 5, NULL, 10);
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", need);
		srv_write(fd, out, (size_t)n);
		srv_fill(fd, need);
	} else if (strncmp(path, "/stream/", 8) == 0) {
		need = strtoul(path + 8, NULL, 10);
		n = snprintf(out, sizeof(out), "HTTP/1.0 200 OK\r\n"
		    "Connection: close\r\n\r\n");
		srv_write(fd, out, (size_t)n);
		srv_fill(fd, need);
	} else if (strcmp(path, "/slow") == 0) {
		sleep(3);
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: 4\r\nConnection: close\r\n\r\nslow");
		srv_write(fd, out, (size_t)n);
	} else if (strcmp(path, "/empty") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 204 No Content\r\n"
		    "Connection: close\r\n\r\n");
		srv_write(fd, out, (size_t)n);
	} else if (strcmp(path, "/continue") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 100 Continue\r\n"
		    "X-Kannel-Meta-Data: interim\r\n\r\n"
		    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Connection: close\r\n\r\nfinal");
		srv_write(fd, out, (size_t)n);
	}
	/* /close and anything unknown: hang up without a word. */
}

static void
srv_loop(int ls)
{
	int fd;

	/* Check's parent handlers (inherited here) would kill the whole
	 * process group on SIGTERM. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	for (;;) {
		if ((fd = accept(ls, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (fork() == 0) {
			close(ls);
			srv_conn(fd);
			shutdown(fd, SHUT_WR);
			close(fd);
			_exit(0);
		}
		close(fd);
	}
}

static void
srv_start(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int ls, one = 1;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(ls, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 64), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sa, &sl), 0);
	srv_port = ntohs(sa.sin_port);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", srv_port);
	fflush(NULL);
	if ((srv_pid = fork()) == 0)
		srv_loop(ls);
	ck_assert_int_gt(srv_pid, 0);
	close(ls);
	ck_assert_int_eq(httpc_init(), 0);
}

static void
srv_stop(void)
{
	if (srv_pid > 0) {
		kill(srv_pid, SIGTERM);
		waitpid(srv_pid, NULL, 0);
		srv_pid = -1;
	}
	httpc_cleanup();
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns base + path in a static buffer. */
static char *
url(const char *path)
{
	static char u[256];

	snprintf(u, sizeof(u), "%s%s", base, path);
	return u;
}

START_TEST(test_get_hello)
{
	struct httpc_resp r;
	char err[128];

	ck_assert_int_eq(httpc_request("GET", url("/hello"), NULL, NULL, 0,
	    5000, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 5);
	ck_assert_str_eq(r.body, "hello");
	ck_assert_ptr_null(r.kannel_meta);
	httpc_resp_free(&r);
	ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(test_meta_header)
{
	struct httpc_resp r;
	char err[128];

	ck_assert_int_eq(httpc_request("GET", url("/meta"), NULL, NULL, 0,
	    5000, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ok");
	ck_assert_ptr_nonnull(r.kannel_meta);
	ck_assert_str_eq(r.kannel_meta, "?smpp?ussd_service_op=02");
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_meta_interim_dropped)
{
	struct httpc_resp r;
	char err[128];

	ck_assert_int_eq(httpc_request("GET", url("/continue"), NULL, NULL,
	    0, 5000, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "final");
	ck_assert_ptr_null(r.kannel_meta);
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_post_echo)
{
	struct httpc_resp r;
	char err[128];
	const char *form = "text=1%2A2&phoneNumber=%2B256700000001";

	ck_assert_int_eq(httpc_request("POST", url("/echo"),
	    "application/x-www-form-urlencoded", form, strlen(form), 5000,
	    &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "POST|application/x-www-form-urlencoded|"
	    "text=1%2A2&phoneNumber=%2B256700000001");
	httpc_resp_free(&r);
}
END_TEST

/*
 * A large body must not wait for a "100 Continue" that a small peer never
 * sends (curl asks for one above a size threshold, then stalls 1 s).
 */
START_TEST(test_post_large_no_expect_stall)
{
	struct httpc_resp r;
	char err[128], *body, want[32];
	size_t n = 2 * MIB;
	long t0;

	body = malloc(n);
	memset(body, 'a', n);
	snprintf(want, sizeof(want), "%zu", n);
	t0 = now_ms();
	ck_assert_int_eq(httpc_request("POST", url("/sink"), "text/plain",
	    body, n, 5000, &r, err, sizeof(err)), 0);
	ck_assert_int_lt(now_ms() - t0, 900);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, want);
	httpc_resp_free(&r);
	free(body);
}
END_TEST

START_TEST(test_status_404)
{
	struct httpc_resp r;
	char err[128];

	ck_assert_int_eq(httpc_request("GET", url("/status/404"), NULL, NULL,
	    0, 5000, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "nope");
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_empty_body)
{
	struct httpc_resp r;
	char err[128];

	ck_assert_int_eq(httpc_request("GET", url("/empty"), NULL, NULL, 0,
	    5000, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_ptr_nonnull(r.body);
	ck_assert_str_eq(r.body, "");
	ck_assert_uint_eq(r.len, 0);
	httpc_resp_free(&r);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} esc_cases[] = {
	{ "", "" },
	{ "abcXYZ019", "abcXYZ019" },
	{ "-._~", "-._~" },
	{ "*123#", "%2A123%23" },
	{ "+256 700", "%2B256%20700" },
	{ "a&b=c/d?e%f", "a%26b%3Dc%2Fd%3Fe%25f" },
	{ "Français", "Fran%C3%A7ais" },
	{ "\x7f\x01\xff", "%7F%01%FF" },
	{ "1*2*0712345678", "1%2A2%2A0712345678" },
};

START_TEST(test_escape_table)
{
	char *s = httpc_escape(esc_cases[_i].in);

	ck_assert_str_eq(s, esc_cases[_i].out);
	free(s);
}
END_TEST

/* Exactly the limit is fine, one byte more is an error (both ways of
 * sending a body: declared length and close-delimited stream). */
START_TEST(test_body_limit)
{
	static const char *const ok[] = { "/big/1048576", "/stream/1048576" };
	static const char *const bad[] = { "/big/1048577",
	    "/stream/1048577" };
	struct httpc_resp r;
	char err[128];
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(httpc_request("GET", url(ok[i]), NULL, NULL,
		    0, 10000, &r, err, sizeof(err)), 0);
		ck_assert_uint_eq(r.len, MIB);
		ck_assert_uint_eq(strlen(r.body), MIB);
		httpc_resp_free(&r);

		err[0] = '\0';
		ck_assert_int_eq(httpc_request("GET", url(bad[i]), NULL, NULL,
		    0, 10000, &r, err, sizeof(err)), -1);
		ck_assert_ptr_null(r.body);
		ck_assert_ptr_nonnull(strstr(err, "over"));
		httpc_resp_free(&r);
	}
}
END_TEST

START_TEST(test_timeout)
{
	struct httpc_resp r;
	char err[128] = "";
	long t0 = now_ms(), dt;

	ck_assert_int_eq(httpc_request("GET", url("/slow"), NULL, NULL, 0,
	    300, &r, err, sizeof(err)), -1);
	dt = now_ms() - t0;
	ck_assert_int_ge(dt, 250);
	ck_assert_int_lt(dt, 2000);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_null(r.body);
	ck_assert_str_ne(err, "");
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_hangup)
{
	struct httpc_resp r;
	char err[128] = "";

	ck_assert_int_eq(httpc_request("GET", url("/close"), NULL, NULL, 0,
	    5000, &r, err, sizeof(err)), -1);
	ck_assert_str_ne(err, "");
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_refused)
{
	struct httpc_resp r;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char err[128] = "", u[64];
	int s;

	/* A port that was just free and has no listener. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(s, (struct sockaddr *)&sa, &sl);
	close(s);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
	ck_assert_int_eq(httpc_request("GET", u, NULL, NULL, 0, 2000, &r,
	    err, sizeof(err)), -1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_ne(err, "");
	httpc_resp_free(&r);
}
END_TEST

START_TEST(test_bad_args)
{
	struct httpc_resp r;
	char err[128] = "";

	ck_assert_int_eq(httpc_request("PUT", url("/hello"), NULL, NULL, 0,
	    1000, &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "PUT"));
	ck_assert_int_eq(httpc_request(NULL, url("/hello"), NULL, NULL, 0,
	    1000, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(httpc_request("GET", NULL, NULL, NULL, 0, 1000, &r,
	    err, sizeof(err)), -1);
	/* Only http and https. */
	ck_assert_int_eq(httpc_request("GET", "file:///etc/passwd", NULL,
	    NULL, 0, 1000, &r, err, sizeof(err)), -1);
	ck_assert_ptr_null(r.body);
	httpc_resp_free(&r);
	httpc_resp_free(&r);
	httpc_resp_free(NULL);
}
END_TEST

START_TEST(test_escape_null)
{
	char *s = httpc_escape(NULL);

	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

static Suite *
httpc_suite(void)
{
	Suite *s = suite_create("httpc");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_add_unchecked_fixture(core, srv_start, srv_stop);
	tcase_add_test(core, test_get_hello);
	tcase_add_test(core, test_meta_header);
	tcase_add_test(core, test_meta_interim_dropped);
	tcase_add_test(core, test_post_echo);
	tcase_add_test(core, test_post_large_no_expect_stall);
	tcase_add_test(core, test_status_404);
	tcase_add_test(core, test_empty_body);
	tcase_add_loop_test(core, test_escape_table, 0,
	    (int)(sizeof(esc_cases) / sizeof(esc_cases[0])));
	suite_add_tcase(s, core);

	tcase_add_unchecked_fixture(limits, srv_start, srv_stop);
	tcase_set_timeout(limits, 30);
	tcase_add_test(limits, test_body_limit);
	tcase_add_test(limits, test_timeout);
	tcase_add_test(limits, test_hangup);
	tcase_add_test(limits, test_refused);
	tcase_add_test(limits, test_bad_args);
	tcase_add_test(limits, test_escape_null);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(httpc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
