/* The container process's identity and limits: user, umask, rlimits, noNewPrivileges,
 * oomScoreAdj, personality, capabilities and seccomp, applied in the right order.
 *
 * The engine calls oci_process_apply in the container's init (or the exec'd process) after the
 * namespaces are joined and the root filesystem is set up, right before execve. */
#ifndef NSSET_OCI_PROCESS_H
#define NSSET_OCI_PROCESS_H

#include "nsset.h"
#include "oci/config.h"

/* "RLIMIT_NOFILE" etc. -> RLIMIT_* value, for config.c; -EINVAL when unknown. */
int oci_rlimit_from_name(const char *name, int *out);
const char *oci_rlimit_name(int resource);

/* setgroups(additionalGids), setresgid(gid), setresuid(uid). */
int oci_process_set_user(const struct oci_user *u, struct nsset_error *err);
/* setrlimit for each; a limit above this process's hard limit without CAP_SYS_RESOURCE fails
 * (before any is set) with a message naming the limit and both values. */
int oci_process_set_rlimits(const struct oci_process *p, struct nsset_error *err);
int oci_process_set_oom_score_adj(int adj, struct nsset_error *err);
int oci_process_set_personality(unsigned long persona, struct nsset_error *err);
int oci_process_set_no_new_privs(struct nsset_error *err);

/* process_sched.c: process.scheduler, process.ioPriority and (c not NULL) linux.memoryPolicy;
 * a CPU affinity (execCPUAffinity.initial or .final, what names it); the offsets of the time
 * namespace the caller just made by unshare (before anything enters it: the caller's exec). */
int oci_process_set_sched(const struct oci_config *c, const struct oci_process *p,
			  struct nsset_error *err);
int oci_process_set_affinity(const struct oci_mask *m, const char *what, struct nsset_error *err);
int oci_time_offsets_write(const struct oci_config *c, struct nsset_error *err);

struct oci_process_opts {
	/* For SCMP_ACT_NOTIFY with seccomp.listenerPath: a socket already connected to the
	 * listener (connect it with oci_seccomp_listener_connect before pivot_root, since the
	 * path is a host path), or -1 to connect to listenerPath here. */
	int listener_fd;
	/* The container state JSON sent with the notify fd; NULL sends a minimal one. */
	const char *state_json;
	/* Out: the seccomp notify fd (when the profile uses SCMP_ACT_NOTIFY and has no
	 * listenerPath); -1 otherwise.  NULL = close it. */
	int *notify_fd;
	/* The bounding set was dropped already (oci_caps_drop_bounding). */
	bool bounding_done;
};

/* Everything, in order: scheduler, I/O priority and memory policy, oom_score_adj, rlimits, personality, umask, (seccomp here when
 * noNewPrivileges is false: loading it then needs CAP_SYS_ADMIN, which the caps may drop),
 * bounding set + keepcaps, setgroups/setresgid/setresuid, capabilities, no_new_privs,
 * seccomp last (when noNewPrivileges is true).  c may be NULL (exec with no config: no
 * personality, no seccomp).  On failure, err names the step. */
int oci_process_apply(const struct oci_config *c, const struct oci_process *p, struct nsset_error *err);
int oci_process_apply_opts(const struct oci_config *c, const struct oci_process *p,
			   const struct oci_process_opts *o, struct nsset_error *err);

#endif
