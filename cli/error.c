/* Printing errors: the only place that writes nsset's own messages.  With --log FILE they also
 * go to FILE, as text or (--log-format json) as the lines conmon and containerd read:
 * {"level":"error","msg":"...","time":"2024-01-01T00:00:00.000000000Z"}. */
#include "cli.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cli_global cli_global;

static void json_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
}

static void log_line(const char *level, const char *msg)
{
	if (!cli_global.log || !*cli_global.log)
		return;
	int fd = open(cli_global.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (cli_global.log_format && strcmp(cli_global.log_format, "json") == 0) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
		json_escape(f, msg);
		fprintf(f, "\",\"time\":\"%s.%09ldZ\"}\n", when, ts.tv_nsec);
	} else {
		fprintf(f, "%s.%09ldZ %s: %s\n", when, ts.tv_nsec, level, msg);
	}
	fclose(f);
}

void cli_error(const char *verb, const char *object, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "nsset: %s%s%s: ", verb, object ? " " : "", object ? object : "");
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", msg);
	log_line("error", msg);
}

void cli_debug(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!cli_global.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli_global.log && *cli_global.log)
		log_line("debug", msg);
	else
		fprintf(stderr, "nsset: debug: %s\n", msg);
}

void cli_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "nsset: warning: %s\n", msg);
	log_line("warning", msg);
}

int cli_fail(const char *verb, const char *object, const struct nsset_error *err)
{
	cli_error(verb, object, "%s", err && err->msg[0] ? err->msg : "failed");
	return 1;
}
