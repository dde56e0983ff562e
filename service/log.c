/*
 * log: logfmt lines on stderr with PII masking helpers (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"

static enum log_level log_level = LOG_LVL_INFO;
static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

int
log_level_parse(const char *name, enum log_level *lvl)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcasecmp(name, log_names[i]) == 0) {
			*lvl = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_msg(enum log_level lvl, const char *event, const char *fmt, ...)
{
	char line[1024], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;

	if (lvl > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "ts=%s.%03ldZ level=%s event=%s ",
	    ts, now.tv_nsec / 1000000, log_names[lvl], event);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so threads do not interleave within a line. */
	fprintf(stderr, "%s\n", line);
}

const char *
log_mask_msisdn(const char *m, char *buf, size_t n)
{
	size_t len, i;

	if (n == 0)
		return buf;
	if (m == NULL || *m == '\0') {
		snprintf(buf, n, "-");
		return buf;
	}
	len = strlen(m);
	if (len + 1 > n)
		len = n - 1;
	for (i = 0; i < len; i++)
		buf[i] = (i < 4 || i + 2 >= len) ? m[i] : '*';
	if (len <= 6)
		for (i = 1; i < len; i++)
			buf[i] = '*';
	buf[len] = '\0';
	return buf;
}

const char *
log_mask_ref(const char *ref, char *buf, size_t n)
{
	size_t len;

	if (ref == NULL || *ref == '\0') {
		snprintf(buf, n, "-");
		return buf;
	}
	len = strlen(ref);
	snprintf(buf, n, "***%s", len > 4 ? ref + len - 4 : "");
	return buf;
}
