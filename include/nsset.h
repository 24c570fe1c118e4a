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
#include <signal.h>
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

/* Record an error (err may be NULL): err->code = -abs(code), err->msg = the formatted cause;
 * returns -abs(code).  For callbacks such as nsset_spawn's child_setup. */
int nsset_fail(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with ": strerror(code)" appended. */
int nsset_fail_errno(struct nsset_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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
	char letter;            /* the command line's short option (util-linux's): 'm', 'u', ... */
	const char *option_long;/* and its long option without "--": "mount", "uts", ... */
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
 * nothing: one unshare(2) call; with NSSET_MNT the mounts are then made recursively private
 * (like unshare(1)), which is checked to be possible before anything is created.  On failure
 * nothing about the caller has changed.  NSSET_PID and NSSET_TIME apply to the caller's
 * children (its first child becomes pid 1), not to the caller.  NSSET_USER needs a
 * single-threaded caller (else -EINVAL, nothing changed). */
int nsset_unshare(nsset_flags_t flags, struct nsset_error *err);

/* ---- uid/gid maps ------------------------------------------------------------------------ */

/* One range of a user namespace's uid_map or gid_map: ids inner..inner+count-1 inside are
 * outer..outer+count-1 outside (the order of /proc/PID/uid_map). */
struct nsset_idmap {
	uint32_t inner, outer, count;
};

#define NSSET_IDMAP_MAX 340  /* the kernel's limit of lines in uid_map/gid_map */

/* A growable list of ranges.  Zero-initialise; nsset_idmaps_free releases it. */
struct nsset_idmaps {
	struct nsset_idmap *v;
	size_t n;
};

/* Parse "INNER:OUTER:COUNT[,INNER:OUTER:COUNT...]" and append the ranges to maps (so a
 * repeated option adds ranges).  -EINVAL on a malformed range, a zero count, an id past
 * 4294967294, or a range that overlaps another one inside or outside (checked against those
 * already in maps); maps is then unchanged. */
int nsset_idmaps_parse(struct nsset_idmaps *maps, const char *spec, struct nsset_error *err);
/* Append one range, with the same checks. */
int nsset_idmaps_add(struct nsset_idmaps *maps, struct nsset_idmap range, struct nsset_error *err);
/* Check a whole list: no empty range, no overflow, no overlap, at most NSSET_IDMAP_MAX. */
int nsset_idmaps_check(const struct nsset_idmap *v, size_t n, struct nsset_error *err);
void nsset_idmaps_free(struct nsset_idmaps *maps);

/* Write the maps of the user namespace of process pid (which must not have maps yet).  Either
 * list may be empty (that map is left unwritten).  Writes /proc/PID/uid_map and gid_map
 * directly when the caller may (privileged, or an unprivileged caller mapping exactly its own
 * uid/gid, in which case "deny" goes to /proc/PID/setgroups first); otherwise runs the setuid
 * helpers newuidmap/newgidmap (package uidmap), which check /etc/subuid and /etc/subgid. */
int nsset_idmaps_write(pid_t pid, const struct nsset_idmap *uid, size_t nuid,
		       const struct nsset_idmap *gid, size_t ngid, struct nsset_error *err);

/* ---- spawning a process in new namespaces ------------------------------------------------ */

/* Called in the child after the new namespaces exist, the id maps are written and the run
 * set-up below (hostname, root, proc, cwd, loopback) is done, just before exec (or before the
 * init starts, or before child_main).  Return 0 to go on, or a negative errno after filling err
 * (nsset_spawn then fails in the parent with that error and message). */
typedef int (*nsset_child_setup_fn)(void *arg, struct nsset_error *err);
/* The body of a child that does not exec: its return value is its exit status. */
typedef int (*nsset_child_main_fn)(void *arg);

struct nsset_spawn {
	nsset_flags_t flags;       /* the kinds to create (checked with nsset_flags_check) */

	/* User namespace maps (with NSSET_USER).  map_root: map the caller's uid and gid to 0
	 * inside (like unshare -r); uid_map/gid_map: explicit ranges.  A single own-id map
	 * (map_root, or one INNER:own-id:1 range for both) is written by the child itself, which
	 * needs /proc/PID/setgroups "deny" (as unshare -r); other maps are written by the parent
	 * before the child goes on (directly when privileged, else with newuidmap/newgidmap).
	 * With maps that map uid/gid 0, the child becomes 0 inside before the set-up. */
	bool map_root;
	const struct nsset_idmap *uid_map;
	size_t n_uid_map;
	const struct nsset_idmap *gid_map;
	size_t n_gid_map;

	/* What `nsset run` does in the child (all optional; mounts first, then the hostname,
	 * the working directory and the loopback): */
	const char *hostname;      /* sethostname (needs NSSET_UTS) */
	const char *root;          /* pivot_root into this directory (needs NSSET_MNT) */
	bool mount_proc;           /* mount a fresh proc on /proc (needs NSSET_MNT) */
	const char *cwd;           /* chdir here (after root; "/" by default when root is set) */
	/* With NSSET_MNT, mounts are made recursively private first (like unshare(1)), and with
	 * NSSET_NET the loopback interface is brought up; both always. */

	nsset_child_setup_fn child_setup;  /* optional, see above */
	void *arg;                 /* for child_setup and child_main */

	/* What the child runs: argv (found on PATH, envp or environ), else child_main, else
	 * nothing: only valid with `hold` (an idle holder). */
	char *const *argv;
	char *const *envp;
	nsset_child_main_fn child_main;

	/* init: nsset's init is the child and runs the command as its own child: with NSSET_PID
	 * it is pid 1 of the new namespace (reaps every zombie, forwards SIGTERM SIGINT SIGHUP
	 * SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH to the command, exits with the command's status or
	 * 128+N, and kills whatever is left in the namespace when the command exits); without
	 * NSSET_PID it is a child subreaper that does the same except the final kill.
	 * hold: the init stays after the command exits (or when there is no command), idle and
	 * reaping, until it gets SIGTERM (it then exits 0; with NSSET_PID the kernel kills the
	 * rest of the namespace).  hold implies init. */
	bool init;
	bool hold;

	/* The child (the init, or the command itself) gets SIGKILL when the calling thread exits,
	 * so nothing started survives the caller (with NSSET_PID the whole namespace dies with
	 * its init; without it, only the child is tied to the caller). */
	bool die_with_parent;

	/* Descriptors 3 .. 3+preserve_fds-1 reach the command; every other one but 0, 1, 2 is
	 * closed at exec. */
	unsigned int preserve_fds;

	/* If the caller's process group is the foreground of its terminal (the first of fd 0,
	 * 1, 2 that is one), the command gets its own process group and the terminal's
	 * foreground (like tini), so interactive shells work and the signals the terminal sends
	 * go to the command only.  Set no_tty_foreground to keep the command in the caller's
	 * process group. */
	bool no_tty_foreground;
};

struct nsset_child {
	pid_t pid;                 /* in the caller's pid namespace; 0 when none */
	int pidfd;                 /* O_CLOEXEC pidfd of the child, -1 when none */
	bool exec_failed;          /* nsset_spawn failed because the command could not be run:
				      -ENOENT (not found, exit status 127) or another errno (126) */
	int tty;                   /* the terminal (fd) whose foreground the command took, given
				      back by nsset_child_wait; -1 when none */
};

/* Start a child as described by opts.  Returns 0 once the child has gone on: it exec'd the
 * command, or (init without a command, child_main) finished its set-up.  On failure, whatever
 * was started has been killed and reaped, child->pid is 0, and err says what failed in the
 * child or the parent ("cannot set the hostname to x: Operation not permitted").  The start-up
 * is kept on the caller's current CPU (each hand-off is then a local wake-up); every process
 * gets the caller's CPU mask back before it runs the command, child_main or the init loop.
 * pid/time namespaces apply to the child as with clone3; the caller's own namespaces never change.
 * Uses clone3 with CLONE_PIDFD, or clone where the kernel lacks clone3 (no time namespaces
 * then). */
int nsset_spawn(const struct nsset_spawn *opts, struct nsset_child *child,
		struct nsset_error *err);

/* Wait for the child to exit, forwarding SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 and
 * SIGWINCH sent to the caller meanwhile.  Returns its status the way a shell reports it
 * (exit code, or 128+N when killed by signal N) and releases child; negative errno on error. */
int nsset_child_wait(struct nsset_child *child, struct nsset_error *err);

/* A wait(2) status as a shell reports it: the exit code, or 128+N when killed by signal N. */
int nsset_status_code(int wait_status);

/* nsset_spawn then nsset_child_wait in one call, with one round trip less: returns the
 * child's status as nsset_child_wait does, or the error nsset_spawn would have returned
 * (child->exec_failed set the same way).  What `nsset run` does. */
int nsset_spawn_wait(const struct nsset_spawn *opts, struct nsset_child *child,
		     struct nsset_error *err);

/* Send a signal to the child (through its pidfd). */
int nsset_child_kill(const struct nsset_child *child, int sig, struct nsset_error *err);

/* Close the pidfd without waiting (the child stays the caller's child). */
void nsset_child_release(struct nsset_child *child);

/* The signals nsset's init and nsset_child_wait forward, as a set. */
void nsset_forward_signals(sigset_t *set);

/* ---- pieces of the run set-up, for callers that build their own child ----------------- */

/* Bring up the loopback interface of the caller's network namespace (netlink; -EINVAL when
 * network namespaces are not built in). */
int nsset_loopback_up(struct nsset_error *err);

const char *nsset_version(void);

#ifdef __cplusplus
}
#endif
#endif /* NSSET_H */
