/* Errors: a negative errno and a message naming the cause. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int fill(struct nsset_error *err, int code, bool with_errno, const char *fmt, va_list ap)
{
	code = -abs(code);
	if (!err)
		return code;
	err->code = code;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(-code));
	return code;
}

int nsset_fail(struct nsset_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = fill(err, code, false, fmt, ap);
	va_end(ap);
	return code;
}

int nsset_fail_errno(struct nsset_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = fill(err, code, true, fmt, ap);
	va_end(ap);
	return code;
}

void nsset_error_clear(struct nsset_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *nsset_version(void)
{
	return NSSET_VERSION;
}
