/* Internal helpers shared by the library's files.  Not installed. */
#ifndef NSSET_INTERNAL_H
#define NSSET_INTERNAL_H

#include "config.h"
#include "nsset.h"

#include <errno.h>
#include <stdarg.h>

/* Record an error: err->code = -abs(code), err->msg = the formatted cause.  Returns -abs(code)
 * so that callers can write `return nsset_fail(err, ENOENT, "no such set");`. */
int nsset_fail(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like nsset_fail, with ": strerror(code)" appended. */
int nsset_fail_errno(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nsset_error_clear(struct nsset_error *err);

#define NSSET_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
