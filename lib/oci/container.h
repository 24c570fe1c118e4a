/* The OCI lifecycle engine: create, start, state, kill, delete, run, exec, ps, pause/resume.
 *
 * Every operation on an existing container takes the container's lock (state.c) for its whole
 * duration, so concurrent operations on one container are serialised; an operation in the
 * wrong state fails with -EINVAL ("container is not in created state (running)") and changes
 * nothing.  Only cli/oci-*.c call these. */
#ifndef NSSET_OCI_CONTAINER_H
#define NSSET_OCI_CONTAINER_H

#include "nsset.h"
#include "oci/state.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct oci_create_opts {
	const char *root;            /* state root */
	const char *id;
	const char *bundle;          /* default "." */
	const char *pid_file;        /* write the container's pid here */
	const char *console_socket;  /* process.terminal: send the pty master here */
	bool no_pivot;               /* MS_MOVE + chroot instead of pivot_root */
	bool no_new_keyring;         /* keep the caller's session keyring */
	unsigned preserve_fds;       /* fds 3 .. 3+N-1 reach the process (plus LISTEN_FDS) */
	bool systemd_cgroup;         /* --systemd-cgroup (cgroupsPath "slice:prefix:name") */
	/* run: the process is this process's child; start it at once (no exec.fifo wait). */
	bool start_now;
	/* run without --detach and without a console socket: the terminal (if any) is ours. */
	bool foreground;
};

struct oci_info {                /* for list */
	pid_t pid;
	enum oci_status status;
	char bundle[1024];
	char created[64];
};

int oci_container_info(const char *root, const char *id, struct oci_info *info,
		       struct nsset_error *err);
/* The state JSON (state-schema.json), malloc'd. */
int oci_container_state(const char *root, const char *id, char **json, struct nsset_error *err);

/* create (c: the bundle's config, from oci_config_load): returns 0 with *pid the container's process, waiting for start (or started, with
 * start_now).  On failure nothing is left: no process, cgroup, mount or state. */
struct oci_config;
int oci_create(const struct oci_create_opts *o, struct oci_config *c, pid_t *pid,
	       struct nsset_error *err);
int oci_start(const char *root, const char *id, struct nsset_error *err);
/* Send sig to the container's process, or with all to every process of its cgroup. */
int oci_kill(const char *root, const char *id, int sig, bool all, struct nsset_error *err);
/* Remove a stopped (or, with force, any: killed first) container: poststop hooks, cgroup,
 * state.  Without force a container that is not stopped is -EBUSY. */
int oci_delete(const char *root, const char *id, bool force, struct nsset_error *err);
/* The processes of the container (its cgroup, or its pid alone without one). */
int oci_ps(const char *root, const char *id, pid_t **pids, size_t *n, struct nsset_error *err);
int oci_pause(const char *root, const char *id, bool pause, struct nsset_error *err);
/* events: the container's cgroup statistics (JSON, *stats malloc'd; oci_cgroup_stats), its OOM
 * kill count, and whether it has stopped. */
int oci_events_read(const char *root, const char *id, char **stats, uint64_t *oom_kills,
		    bool *stopped, struct nsset_error *err);
/* New resource limits on a created, running or paused container's cgroup (`update`): all of
 * them, or, should the kernel refuse one, none of memory, pids and cpu (oci_cgroup_update). */
struct oci_resources;
int oci_update(const char *root, const char *id, const struct oci_resources *res,
	       struct nsset_error *err);

/* run: create + start + wait.  Returns the exit status as a shell reports it (>= 0), after
 * deleting the container; with detach, returns 0 once started. */
int oci_run(const struct oci_create_opts *o, struct oci_config *c, bool detach,
	    struct nsset_error *err);

struct oci_exec_opts {
	const char *root, *id;
	const char *process_file;    /* --process FILE (a process object) */
	char **args;                 /* else the command */
	bool tty;
	const char *console_socket;
	const char *pid_file;
	const char *cwd;
	char **env;                  /* --env K=V, added to (or overriding) the process env */
	size_t n_env;
	bool has_user;
	uid_t uid;
	gid_t gid;
	bool has_gid;
	bool detach;
	unsigned preserve_fds;
	bool no_new_privs;           /* --no-new-privs */
	uint64_t add_caps;           /* --cap CAP_X...: added to bounding, effective, permitted
				      * (and inheritable + ambient when the process has
				      * inheritable ones), as runc */
};

/* exec: a new process in the container's namespaces and cgroup, with its capabilities,
 * seccomp and noNewPrivileges.  Returns the exit status (>= 0), or 0 with detach. */
int oci_exec(const struct oci_exec_opts *o, struct nsset_error *err);

/* Parse a signal: "KILL", "SIGKILL", "9"; -EINVAL when unknown. */
int oci_signal_parse(const char *s);

#endif
