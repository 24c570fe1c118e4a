/* Printing errors: the only place that writes nsset's own messages. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

struct cli_global cli_global;

static void vprint(FILE *f, const char *verb, const char *object, const char *fmt, va_list ap)
{
	fprintf(f, "nsset: %s%s%s: ", verb, object ? " " : "", object ? object : "");
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void cli_error(const char *verb, const char *object, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(stderr, verb, object, fmt, ap);
	va_end(ap);
}

int cli_fail(const char *verb, const char *object, const struct nsset_error *err)
{
	cli_error(verb, object, "%s", err && err->msg[0] ? err->msg : "failed");
	return 1;
}
