/* Internals shared by the lifecycle files (container.c, create.c, start.c, exec.c). */
#ifndef NSSET_OCI_ENGINE_H
#define NSSET_OCI_ENGINE_H

#include "internal.h"
#include "oci/config.h"
#include "oci/container.h"
#include "oci/state.h"

#include "oci/cgroup.h"
#include "oci/hooks.h"
#include "oci/process.h"

/* One container opened for an operation: its directory (locked), state and config. */
struct oci_ctr {
	const char *root;
	int dirfd;                   /* locked */
	struct oci_state st;
	struct oci_config *config;   /* NULL until oci_ctr_config() */
	struct oci_cgroup *cg;       /* NULL when none (or not loaded) */
};

int oci_ctr_open(const char *root, const char *id, struct oci_ctr *c, struct nsset_error *err);
/* Load the config.json copy kept in the state directory. */
int oci_ctr_config(struct oci_ctr *c, struct nsset_error *err);
/* Load the cgroup from the state; 0 with c->cg NULL when the container has none. */
int oci_ctr_cgroup(struct oci_ctr *c, struct nsset_error *err);
enum oci_status oci_ctr_status(struct oci_ctr *c);
/* oci_delete, with the container's config already parsed (NULL: read the state's copy). */
int oci_ctr_delete(const char *root, const char *id, bool force, struct oci_config *config,
		   struct nsset_error *err);
/* run's delete once it has reaped the container's process PID (started at START, its state's
 * startTime): nothing to kill or wait for when its cgroup is empty.  A state of another
 * process (deleted by someone else and made again) is left alone; none at all is 0. */
int oci_ctr_delete_reaped(const char *root, const char *id, pid_t pid, unsigned long long start,
			  struct oci_config *config, struct nsset_error *err);
void oci_ctr_close(struct oci_ctr *c);

/* pidfd of the container process, checked against its start time; -ESRCH when it is gone. */
int oci_ctr_pidfd(const struct oci_state *st);

/* Run the hooks of one kind with the state JSON; poststart/poststop failures are warnings. */
enum oci_hook_stage { HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
		      HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP };
int oci_run_hooks(const struct oci_config *cfg, const struct oci_state *st, enum oci_status status,
		  enum oci_hook_stage stage, struct nsset_error *err);
bool oci_has_hooks(const struct oci_config *cfg, enum oci_hook_stage stage);

/* Tear a container down: SIGKILL its processes, wait, poststop hooks, cgroup, state.  Used by
 * delete and by a failed create. */
int oci_ctr_destroy(struct oci_ctr *c, struct nsset_error *err);

/* Warnings the library cannot print (poststop hook failures, ...): the CLI installs a printer. */
void oci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void oci_set_warn(void (*fn)(const char *msg));

/* The RFC 3339 time now, into buf. */
void oci_now(char *buf, size_t size);
/* The same for SEC.NSEC seconds since the epoch (UTC, "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ"). */
void oci_format_time(long long sec, long nsec, char *buf, size_t size);
/* Write "PID" to path (atomically). */
int oci_write_pid_file(const char *path, pid_t pid, struct nsset_error *err);
/* Open the pty master in the calling process's mount namespace (/dev/ptmx), set the size,
 * make the peer the controlling terminal on 0, 1, 2, and send the master over sock. */
int oci_console_setup(int sock, unsigned rows, unsigned cols, struct nsset_error *err);
/* Connect to a unix socket path (the console socket). */
int oci_unix_connect(const char *path, struct nsset_error *err);
/* args[0] found on PATH from env (the container's), into buf; args[0] itself when it has a
 * slash; -ENOENT when not found. */
int oci_find_exe(const char *cmd, char *const *env, char *buf, size_t size);

#endif
