/* The create protocol between the runtime (create.c) and the container process it clones
 * (create_child.c): messages over a SOCK_SEQPACKET pair, and what the child is told.  The
 * sequence is drawn at the top of create.c. */
#ifndef NSSET_OCI_CREATE_PROTO_H
#define NSSET_OCI_CREATE_PROTO_H

#include "oci/engine.h"

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

enum { MSG_GO = 1, MSG_NS, MSG_READY, MSG_ERROR, MSG_EXEC_ERROR /* from lib/oci/dmz/dmz.c */,
       MSG_PID };
enum { GO_JOIN_CGROUP = 1,  /* MSG_GO's code: the cgroup is made, join it */
       GO_MOUNT_TREES = 2,  /* a message of mount trees follows (oci_rootfs_trees_send) */
       GO_APPLY_RESOURCES = 4 }; /* then write linux.resources into it (oci_cgroup_apply) */

struct msg {
	int type;
	int code;
	int pid;
	char text[NSSET_ERRMSG_MAX];
};

struct child_ctx {
	const struct oci_config *c;
	const struct oci_create_opts *o;
	int sock;
	int fifo;                    /* -1 with start_now */
	int console;                 /* -1 without a console socket */
	struct oci_cgroup *cg;       /* NULL without a cgroup */
	int listener;                /* seccomp listenerPath, connected by the runtime, or -1 */
	bool use_dmz;                /* run: exec the command through nsset-dmz (oci_dmz_usable) */
	int dmz;                     /* its sealed memfd, made by the child before GO, or -1 */
	bool into_cgroup;            /* clone3 put us into the v2 cgroup (CLONE_INTO_CGROUP) */
	bool needs_go;               /* wait for the runtime's GO before the cgroup and the rest */
	int unshare_flags;           /* the new namespaces the child makes itself (CLONE_NEW*) */
	bool spread;                 /* started on another CPU than the runtime's (see spread_child) */
	int runtime_cpu;             /* the runtime's CPU at clone3 */
	cpu_set_t cpus;              /* the CPUs allowed before, given back at GO */
	int pid_flags;               /* CLONE_NEWPID (+ CLONE_NEWTIME) to make after joining a user
				      * namespace by path, in a process forked for them, or 0 */
	int join_fd[8];              /* per kind (table order), -1 = none; pid is joined by the parent */
	nsset_flags_t join_kind[8];
	size_t n_join;
};

int oci_sync_send(int sock, int type, int code, int pid, const char *text);
/* 0 on EOF, the length otherwise, -errno. */
ssize_t oci_sync_recv(int sock, struct msg *m);
/* Whether the child waits for the runtime's GO whatever its cgroup: for its maps, its pid as
 * the host sees it (hooks), the seccomp agent's state or idmapped mounts. */
bool oci_child_needs_go(const struct oci_config *c);
/* Pin PID (0: the caller) to the first CPU of ALLOWED other than AVOID, if there is one. */
void oci_pin_elsewhere(pid_t pid, int avoid, const cpu_set_t *allowed);
/* The container process: never returns (execs the command, or exits 1 after an ERROR). */
__attribute__((noreturn)) void oci_child_main(struct child_ctx *x);

#endif
