/* libnsset: Linux namespace sets, after the 2006-2007 namespace design threads.
 *
 * Every function returns 0 (or a non-negative value where documented) on success and a
 * negative errno on failure.  Functions that can fail take a `struct nsset_error *` (may be
 * NULL) and fill it with the errno and a message naming the cause; the library never prints
 * and never exits.
 */
#ifndef NSSET_H
#define NSSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------------------------ */

#define NSSET_ERRMSG_MAX 512

struct nsset_error {
	int code;                    /* negative errno, 0 when no error was recorded */
	char msg[NSSET_ERRMSG_MAX];  /* the cause, e.g. "no such set" */
};

/* ---- kinds and flags (the seeds' NS_* values, 64-bit: "we will run out of flag bits") ---- */

typedef uint64_t nsset_flags_t;

#define NSSET_MNT    ((nsset_flags_t)0x01)
#define NSSET_UTS    ((nsset_flags_t)0x02)
#define NSSET_IPC    ((nsset_flags_t)0x04)
#define NSSET_PID    ((nsset_flags_t)0x08)
#define NSSET_NET    ((nsset_flags_t)0x10)
#define NSSET_USER   ((nsset_flags_t)0x20)
#define NSSET_CGROUP ((nsset_flags_t)0x40)
#define NSSET_TIME   ((nsset_flags_t)0x80)
#define NSSET_ALL    ((nsset_flags_t)0xff)

struct nsset_kind {
	const char *name;       /* "mnt", "uts", ...: also the /proc/PID/ns file name */
	const char *long_name;  /* "mount", "UTS", ... for messages */
	const char *option;     /* the meson option that builds it, e.g. "mnt_ns" */
	nsset_flags_t flag;     /* NSSET_* */
	int clone_flag;         /* CLONE_NEW* */
	bool built;             /* compiled into this build */
};

/* The table of kinds, in flag order; *n receives its length. */
const struct nsset_kind *nsset_kinds(size_t *n);
/* Look a kind up by name ("mnt", "uts", "ipc", "pid", "net", "user", "cgroup", "time"),
 * by flag (exactly one bit) or by CLONE_NEW* flag.  NULL when there is none. */
const struct nsset_kind *nsset_kind_by_name(const char *name);
const struct nsset_kind *nsset_kind_by_flag(nsset_flags_t flag);
const struct nsset_kind *nsset_kind_by_clone_flag(int clone_flag);

/* The kinds this build has. */
nsset_flags_t nsset_flags_built(void);
/* Check flags: any bit outside NSSET_ALL, or a kind compiled out, is -EINVAL. */
int nsset_flags_check(nsset_flags_t flags, struct nsset_error *err);
/* The CLONE_NEW* flags for flags (flags must have passed nsset_flags_check). */
int nsset_flags_to_clone(nsset_flags_t flags);
/* Parse "mnt,uts,pid" (or "all") into flags; -EINVAL on an unknown name. */
int nsset_flags_parse(const char *list, nsset_flags_t *flags, struct nsset_error *err);
/* Format flags as "mnt,uts,pid" into buf. */
int nsset_flags_format(nsset_flags_t flags, char *buf, size_t size);

/* The seeds' unshare_ns(): give the caller new namespaces of the selected kinds, all or
 * nothing.  On failure nothing about the caller has changed. */
int nsset_unshare(nsset_flags_t flags, struct nsset_error *err);

const char *nsset_version(void);

#ifdef __cplusplus
}
#endif
#endif /* NSSET_H */
