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

/* ---- named namespace sets (the seeds' bind_ns): registry, bind, enter, list, release ------ */
/*
 * A set is a directory REGISTRY/NAME/ holding one file per namespace kind (a bind mount of
 * /proc/PID/ns/KIND, or for an unprivileged owner a symlink to a descriptor kept open by a
 * tiny keeper process) and a metadata file.  docs/registry.md describes the layout.
 * REGISTRY is /run/nsset/sets for root, $XDG_RUNTIME_DIR/nsset/sets (else
 * /run/user/UID/nsset/sets) for others; every function takes an override (NULL: the default).
 */

#define NSSET_NAME_MAX  64   /* bytes in a set's name */
#define NSSET_KINDS_MAX 8    /* rows of the kinds table; ids[] below are indexed like it */

/* A valid name: 1..64 bytes of [A-Za-z0-9_.-], not "." or "..".  -EINVAL otherwise. */
int nsset_name_check(const char *name, struct nsset_error *err);
/* The registry directory in use (override, else the caller's default) into buf. */
int nsset_registry_path(const char *override, char *buf, size_t size, struct nsset_error *err);

struct nsset_bind_opts {
	const char *registry;  /* NULL: the default registry */
	nsset_flags_t kinds;   /* 0: every kind the process has */
	bool netns_link;       /* also bind the network namespace at /run/netns/NAME */
	pid_t holder;          /* 0: the init of the process's pid namespace (found in /proc) */
	bool holder_owned;     /* the holder is nsset's idle init: release stops it */
};

/* Name the namespaces of process pid.  Atomic: the set appears whole or not at all.
 * -EINVAL bad name or kinds, -EBUSY name taken, -ESRCH no such process, -EPERM not allowed. */
int nsset_bind(const char *name, pid_t pid, const struct nsset_bind_opts *opts,
	       struct nsset_error *err);

/* Unmount and remove a set, stop its holder (when nsset started it and nothing else lives in
 * its pid namespace).  Processes inside keep running.  -ENOENT for an unknown name. */
int nsset_release(const char *registry, const char *name, struct nsset_error *err);

struct nsset_set_info {
	char name[NSSET_NAME_MAX + 1];  /* "" for the host set */
	bool host;                      /* pid 1's namespaces (the seeds' host set, id 0) */
	nsset_flags_t kinds;
	uint64_t ids[NSSET_KINDS_MAX];  /* namespace inode numbers, indexed like nsset_kinds() */
	pid_t holder;                   /* init of the set's pid namespace, 0 without one */
	bool holder_alive;
	bool holder_owned;              /* nsset's own idle init */
	pid_t origin;                   /* the process that was bound */
	pid_t keeper;                   /* >0: namespaces held by a keeper process, not mounts */
	uid_t owner;
	int64_t created;                /* seconds since the epoch */
	unsigned nprocs;                /* processes in every namespace of the set (nsset_sets_list) */
	bool netns_link;                /* also at /run/netns/NAME */
};

/* One set by name (-ENOENT unknown). */
int nsset_set_get(const char *registry, const char *name, struct nsset_set_info *info,
		  struct nsset_error *err);
/* The host set first (pid 1's namespaces), then every set of the registry sorted by name,
 * with nprocs counted; free(*sets) afterwards. */
int nsset_sets_list(const char *registry, struct nsset_set_info **sets, size_t *n,
		    struct nsset_error *err);

/* Join all (kinds == 0) or the selected namespaces of a named set or of a process, all or
 * nothing: on failure the caller is in none of them.  Namespaces the caller already shares
 * are skipped.  After a mount namespace, root and cwd are the set's.  A pid namespace applies
 * to the caller's next child (see nsset_exec).  *joined receives what was joined (may be NULL).
 * -ENOENT unknown set, -ESRCH no such process, -EPERM not allowed. */
int nsset_enter(const char *registry, const char *name, nsset_flags_t kinds,
		nsset_flags_t *joined, struct nsset_error *err);
int nsset_enter_pid(pid_t pid, nsset_flags_t kinds, nsset_flags_t *joined,
		    struct nsset_error *err);

/* Run argv (PATH lookup) with no descriptor but 0, 1, 2 and 3..3+preserve_fds-1.  Without
 * fork it replaces the caller (returns only on failure).  With fork (after joining a pid
 * namespace) it waits, forwarding SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
 * SIGWINCH, and returns the command's exit status (128+N when killed by signal N).
 * A command that cannot be run: -ENOENT (exit 127), -EACCES/-ENOEXEC (126). */
int nsset_exec(char *const argv[], unsigned preserve_fds, bool fork_first,
	       struct nsset_error *err);

/* Every namespace on the system (seen from /proc and from nsfs bind mounts), like lsns. */
struct nsset_ns_info {
	const struct nsset_kind *kind;
	uint64_t id;                   /* inode number */
	uint64_t userns;               /* owning user namespace (NS_GET_USERNS), 0 unknown */
	uint64_t parent;               /* pid and user namespaces: NS_GET_PARENT, 0 none/unknown */
	unsigned nprocs;
	pid_t pid;                     /* lowest pid inside, 0 when held only by a mount */
	char command[64];
	char set[NSSET_NAME_MAX + 1];  /* the set of the registry holding it, "" none */
	char mount[256];               /* a bind mount holding it, "" none */
	bool host;                     /* one of pid 1's namespaces (the seeds' host set) */
};

int nsset_namespaces_list(const char *registry, struct nsset_ns_info **list, size_t *n,
			  struct nsset_error *err);

const char *nsset_version(void);

#ifdef __cplusplus
}
#endif
#endif /* NSSET_H */
