/* Internal helpers shared by the library's files.  Not installed. */
#ifndef NSSET_INTERNAL_H
#define NSSET_INTERNAL_H

#include "config.h"
#include "nsset.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>

/* Record an error: err->code = -abs(code), err->msg = the formatted cause.  Returns -abs(code)
 * so that callers can write `return nsset_fail(err, ENOENT, "no such set");`. */
int nsset_fail(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like nsset_fail, with ": strerror(code)" appended. */
int nsset_fail_errno(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nsset_error_clear(struct nsset_error *err);

#define NSSET_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* (names.c) SRC into DST[SIZE], cut to fit and terminated (SIZE > 0); returns strlen(SRC). */
size_t nsset_strcpy(char *dst, size_t size, const char *src);
/* V in decimal at P, not terminated; returns the end (P has room for 20 bytes). */
char *nsset_put_uint(char *p, uint64_t v);
/* "PREFIX[I]" into OUT[SIZE], cut to fit: "mounts[3]", "linux.devices[0]". */
void nsset_index_name(char *out, size_t size, const char *prefix, size_t i);
/* PARTS[0..N) one after the other into OUT[SIZE], cut to fit and terminated as snprintf with
 * "%s%s..." would; returns the whole length.  NSSET_CONCAT(out, size, "a", b, "/c"). */
size_t nsset_concat(char *out, size_t size, const char *const *parts, size_t n);
#define NSSET_CONCAT(out, size, ...)                                                         \
	nsset_concat((out), (size), (const char *const[]){ __VA_ARGS__ },                     \
		     sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* ---- the child side of nsset_spawn (spawn.c, setup.c, init.c) ---- */

/* What the child sends back on the error channel when something fails (nothing is sent on
 * success: the channel is O_CLOEXEC and the parent sees EOF once the command exec'd). */
struct nsset_report {
	int code;            /* negative errno */
	bool exec;           /* the command itself could not be run (127/126) */
	char msg[NSSET_ERRMSG_MAX];
};

/* Everything the child needs, prepared by the parent before the clone. */
struct nsset_child_ctx {
	const struct nsset_spawn *opts;
	int sock;            /* the child's end of the channel */
	int tty;             /* the terminal (fd 0, 1 or 2) whose foreground the caller's process
				group owns and the command takes, or -1 */
	bool pid_ns;         /* the child is pid 1 of a new pid namespace */
	bool wait_go;        /* the parent writes the id maps: wait for its "go" */
	bool self_maps;      /* the child writes its own maps (self_uid, self_gid) */
	struct nsset_idmap self_uid, self_gid;
	int events;          /* the init tells the parent the command stopped ('S'), or -1 */
	bool shared;         /* the init runs in the caller's memory (spawn.c): non-dumpable */
};

/* Act as if the kernel had no clone3 (unit tests of the fallback). */
extern bool nsset__no_clone3;

/* Write the caller's own single-id maps into its new user namespace (/proc/self, setgroups
 * "deny" first, as an unprivileged process must). */
int nsset__idmap_write_self(const struct nsset_idmap *uid, const struct nsset_idmap *gid,
			    struct nsset_error *err);

/* Send err (or a report of the exec failure) to the parent, then _exit(status). */
__attribute__((noreturn)) void nsset__child_fail(const struct nsset_child_ctx *c,
						  const struct nsset_error *err, bool exec, int status);
/* The run set-up in the child: propagation, hostname, root, proc, cwd, loopback. */
int nsset__child_setup(const struct nsset_spawn *opts, struct nsset_error *err);
/* Run the command (exec argv, or child_main) in the current process; never returns. */
__attribute__((noreturn)) void nsset__child_exec(const struct nsset_child_ctx *c);
/* Be nsset's init: start the command as a child and supervise it; never returns. */
__attribute__((noreturn)) void nsset__init(const struct nsset_child_ctx *c);

#endif
