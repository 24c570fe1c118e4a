/* create, start, run: the container's process and its way to `start`.
 *
 *   nsset create (runtime)                         container process (clone3, CLONE_NEWPID,
 *                                                  CLONE_NEWUSER, CLONE_NEWTIME as asked)
 *   config, validate, reserve id (mkdir, lock),
 *   plan the cgroup; with a v2 hierarchy: state
 *   "creating" naming it, its directory;
 *   exec.fifo (open O_RDONLY|O_NONBLOCK: the
 *   child inherits it), join a pid namespace
 *   by path (setns)
 *   clone3(CLONE_INTO_CGROUP v2)            ───►   setns(paths: user first), unshare the other
 *                                                  new namespaces (mount, net, ipc, uts): the
 *                                                  costly ones are made here, while the runtime
 *                                                  goes on; [with a user namespace joined by
 *   [MSG_PID: adopt the forked process]     ◄───   path: unshare(CLONE_NEWPID), fork, report];
 *   state with the pid (the first one where        run: nsset-dmz's memfd
 *   nothing was written before), the v1
 *   cgroup directories (the state again if
 *   it changed), resources with a user
 *   namespace; its uid/gid maps
 *   send GO {pid, join the cgroup, apply    ───►   join the v1 cgroups ("0" to tasks),
 *   the resources}                                 write linux.resources (no user ns), new
 *                                                  cgroup ns, uid/gid 0 in a new user ns
 *   mount trees, in mount order: /proc      ───►   (received as the mounts need them)
 *   (pid ns, masked and read-only paths),
 *   /dev (devices, links, pts, shm), cgroup
 *   v1 /sys/fs/cgroup, idmapped binds
 *   (mount-fds.c); the config.json copy
 *   prestart + createRuntime hooks          ◄───   NS (only when there are such hooks)
 *   send GO                                 ───►   session keyring, createContainer hooks,
 *                                                  rootfs (mounts, devices, pivot_root, sysctl,
 *                                                  masked/ro paths), console (pty master sent
 *                                                  over --console-socket), cwd, fds, process
 *                                                  (rlimits, user, caps, nnp, seccomp)
 *   state "created", --pid-file; exit       ◄───   READY; then poll(exec.fifo) until `start`
 *   nsset start: open exec.fifo O_WRONLY,   ───►   read the byte; startContainer hooks; execve
 *   write a byte, unlink it; poststart hooks
 *
 * A failure in the child comes back as ERROR {errno, message}; the runtime then kills the child
 * and removes the cgroup and the state.  If the runtime dies, the child's next read of the sync
 * socket sees EOF and it exits: a killed `create` leaves at most state + cgroup, which
 * `delete --force` removes. */
#include "oci/cgroup_internal.h"
#include "oci/cloned_binary.h"
#include "oci/create_proto.h"
#include "oci/netdev.h"
#include "registry.h"
#include "oci/engine.h"
#include "oci/seccomp.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "oci/rootfs.h"

/* ---- the runtime side --------------------------------------------------------------------- */

struct created {
	pid_t pid;
	int pidfd;
};

static int open_joins(const struct oci_config *c, struct child_ctx *x, int *pid_fd,
		      struct nsset_error *err)
{
	*pid_fd = -1;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		const struct oci_namespace *ns = &c->namespaces[i];
		if (!ns->path)
			continue;
		const struct nsset_kind *k = nsset_kind_by_flag(ns->kind);
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return nsset_fail_errno(err, errno, "linux.namespaces[%zu].path: cannot open %s",
						i, ns->path);
		/* It must be a namespace of the right kind. */
		int type = ioctl(fd, NS_GET_NSTYPE);
		if (type != k->clone_flag) {
			close(fd);
			return nsset_fail(err, EINVAL, "linux.namespaces[%zu].path: %s is not a %s namespace",
					  i, ns->path, k->long_name);
		}
		if (ns->kind == NSSET_PID) {
			*pid_fd = fd;
			continue;
		}
		x->join_fd[x->n_join] = fd;
		x->join_kind[x->n_join++] = ns->kind;
	}
	return 0;
}

static void close_joins(struct child_ctx *x)
{
	for (size_t i = 0; i < x->n_join; i++)
		close(x->join_fd[i]);
	x->n_join = 0;
}

/* The mount trees the runtime makes for the child (oci_rootfs_runtime_trees): the idmapped
 * binds (to the user namespace the config joins by path, else the child's new one, its maps
 * written) and a cgroup v1 /sys/fs/cgroup (CG: the cgroup the child joins).  *fds (c->n_mounts
 * entries, -1 where none) to send and close, or a negative errno. */
static int make_trees(const struct oci_config *c, pid_t pid, const struct oci_cgroup *cg,
		      int **fds, struct nsset_error *err)
{
	int ufd = -1, r;
	if (oci_rootfs_needs_idmap_fds(c)) {
		char path[64];
		const char *p = NULL;
		for (size_t i = 0; i < c->n_namespaces; i++)
			if (c->namespaces[i].kind == NSSET_USER && c->namespaces[i].path)
				p = c->namespaces[i].path;
		if (!p) {
			snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
			p = path;
		}
		if ((ufd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
			return nsset_fail_errno(err, errno, "cannot open the user namespace %s", p);
	}
	if (!(*fds = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(int)))) {
		r = nsset_fail(err, ENOMEM, "out of memory");
	} else if ((r = oci_rootfs_runtime_trees(c, cg, ufd, *fds, err)) < 0) {
		free(*fds);
		*fds = NULL;
	}
	if (ufd >= 0)
		close(ufd);
	return r < 0 ? r : 0;
}

struct flush_to {
	int sock;
	const struct oci_config *c;
};

/* The first early trees, sent as soon as they are made (more follow). */
static void flush_trees(void *arg, int *fds)
{
	struct flush_to *f = arg;
	struct nsset_error ignored = { 0 };
	oci_rootfs_trees_send(f->sock, f->c, fds, false, &ignored);
	oci_rootfs_close_fds(fds, f->c->n_mounts);
}

/* The proc and /dev trees (oci_rootfs_early_trees) for the child's pid namespace, the first
 * ones sent on SOCK as they are made: how many are left (0 when none could be made: the child
 * makes them), with *fds (c->n_mounts entries, -1 where none) to send and close; -ENOMEM
 * without *fds. */
static int early_trees(int sock, const struct oci_config *c, pid_t pid, int **fds)
{
	char path[64];
	struct flush_to f = { sock, c };
	if (!(*fds = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(int))))
		return -ENOMEM;
	for (size_t i = 0; i < c->n_mounts; i++)
		(*fds)[i] = -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	int n = ns >= 0 ? oci_rootfs_early_trees(c, ns, *fds, flush_trees, &f) : 0;
	if (ns >= 0)
		close(ns);
	return n;
}

/* Send the trees *FDS to the child (more follow unless LAST), then close and free them.  A
 * child gone meanwhile (EPIPE) left its message on the socket: the caller reads it next. */
static void send_trees(int sock, const struct oci_config *c, int **fds, bool last)
{
	struct nsset_error ignored = { 0 };
	oci_rootfs_trees_send(sock, c, *fds, last, &ignored);
	oci_rootfs_close_fds(*fds, c->n_mounts);
	free(*fds);
	*fds = NULL;
}

/* Write the maps of the child's new user namespace. */
static int write_maps(const struct oci_config *c, pid_t pid, struct nsset_error *err)
{
	struct nsset_idmap u[340], g[340];
	for (size_t i = 0; i < c->n_uid_mappings; i++)
		u[i] = (struct nsset_idmap){ c->uid_mappings[i].container_id, c->uid_mappings[i].host_id,
					     c->uid_mappings[i].size };
	for (size_t i = 0; i < c->n_gid_mappings; i++)
		g[i] = (struct nsset_idmap){ c->gid_mappings[i].container_id, c->gid_mappings[i].host_id,
					     c->gid_mappings[i].size };
	return nsset_idmaps_write(pid, u, c->n_uid_mappings, g, c->n_gid_mappings, err);
}

/* The config as it was at create (the text parsed, not the bundle's file read again):
 * delete, exec and ps read it back from the state. */
static int keep_config(const struct oci_config *c, int dirfd, struct nsset_error *err)
{
	return oci_state_put_file(dirfd, "config.json", c->json, strlen(c->json), err);
}

/* Rootless, as runc and crun: without cgroupsPath or resources, a cgroup we may not make is
 * done without. */
static bool cgroup_optional(const struct oci_config *c, int r)
{
	return geteuid() != 0 && !c->cgroups_path && !c->has_resources &&
	       (r == -EACCES || r == -EPERM || r == -EROFS);
}

static void drop_cgroup(struct oci_ctr *ctr)
{
	if (ctr->cg) {
		oci_cgroup_remove_made(ctr->cg, NULL);
		oci_cgroup_free(ctr->cg);
	}
	ctr->cg = NULL;
	free(ctr->st.cgroup);
	ctr->st.cgroup = NULL;
}

/* linux.resources written by the container process, once it has joined the cgroup and while
 * it waits for the runtime's mount trees, rather than by the runtime on its way to GO: where
 * the container process is root of the host (no user namespace). */
static bool resources_by_child(const struct oci_config *c)
{
	return !((c->ns_new | c->ns_join) & NSSET_USER);
}

/* The cgroup's v1 directories (the v2 one was made before clone3), its resources (unless the
 * child writes them) and its new form in the state.  *join: whether the child is to join it. */
static int make_cgroup(const struct oci_config *c, struct oci_ctr *ctr, bool into_v2, bool *join,
		       struct nsset_error *err)
{
	*join = false;
	if (!ctr->cg)
		return 0;
	int r = oci_cgroup_make(ctr->cg, OCI_CGROUP_PART_V1, err);
	if (r < 0) {
		if (into_v2 || !cgroup_optional(c, r))
			return r;
		drop_cgroup(ctr);
		nsset_error_clear(err);
		return 0;
	}
	free(ctr->st.cgroup);
	ctr->st.cgroup = NULL;
	if ((r = oci_cgroup_save(ctr->cg, &ctr->st.cgroup, err)) < 0)
		return r;
	if (c->has_resources && !resources_by_child(c) &&
	    (r = oci_cgroup_apply(ctr->cg, &c->resources, err)) < 0)
		return r;
	*join = true;
	return 0;
}

/* Start the child on another CPU than ours.  Both now work at once (we on the cgroup, it on its
 * namespaces, the network one above all), but the scheduler places a new process on its
 * parent's CPU whenever the other CPUs have work too, as they do right after a container's
 * deferred teardown, and the child then waits for us to block at GO; about 0.4 ms a create
 * on two CPUs (README, "Benchmark").  The child takes its CPUs back at GO. */
static void spread_child(pid_t pid, const cpu_set_t *allowed)
{
	oci_pin_elsewhere(pid, sched_getcpu(), allowed);
}

static bool joins_user_ns(const struct oci_config *c)
{
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (c->namespaces[i].kind == NSSET_USER && c->namespaces[i].path)
			return true;
	return false;
}

/* The child made the pid namespace after joining a user namespace and forked the container
 * process into it: reap the child, and take the container process (ours now, as a subreaper)
 * in its place.  On failure *pid and *pidfd still name what is left to kill. */
static int adopt_grandchild(int sock, pid_t *pid, int *pidfd, struct nsset_error *err)
{
	struct msg m;
	ssize_t n = oci_sync_recv(sock, &m);
	if (n <= 0 || m.type != MSG_PID || m.pid <= 0) {
		if (n > 0 && m.type == MSG_ERROR)
			return nsset_fail(err, m.code, "%s", m.text);
		return nsset_fail(err, EIO, "the container process exited during create");
	}
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(*pidfd);
	*pid = m.pid;
	*pidfd = (int)syscall(SYS_pidfd_open, m.pid, 0);
	if (*pidfd < 0) {
		int e = errno;
		kill(m.pid, SIGKILL); /* our child now: its pid is not reused before we reap it */
		return nsset_fail_errno(err, e, "cannot open the container process %d", (int)m.pid);
	}
	return 0;
}

/* Whether a state written before make_cgroup still tells delete all it needs of the cgroup:
 * the same hierarchies, and no parent level made by us (a leaf is removed whoever made it). */
static bool cgroup_state_kept(const struct oci_ctr *ctr, bool planned)
{
	if (planned != (ctr->cg != NULL))
		return false;
	for (size_t i = 0; ctr->cg && i < ctr->cg->n; i++)
		if (ctr->cg->h[i].created > 1)
			return false;
	return true;
}

/* STATE_WRITTEN: create() wrote the state before making the v2 directory; otherwise nothing
 * of the cgroup exists yet and the first state is written here, after clone3 (one write less
 * on the way to it), before any directory is made. */
static int spawn(const struct oci_create_opts *o, const struct oci_config *c, struct oci_ctr *ctr,
		 int fifo, bool state_written, struct created *out, struct nsset_error *err)
{
	struct child_ctx x = { .c = c, .o = o, .fifo = fifo, .console = -1, .sock = -1, .listener = -1,
			       .dmz = -1 };
	int sv[2] = { -1, -1 }, pid_join = -1, pidfd = -1, cgfd = -1, r;
	int *trees = NULL;
	pid_t pid = -1;

	out->pid = 0;
	out->pidfd = -1;
	if ((r = open_joins(c, &x, &pid_join, err)) < 0)
		goto fail;
	if (c->process.terminal && o->console_socket) {
		if ((x.console = oci_unix_connect(o->console_socket, err)) < 0) {
			r = x.console;
			goto fail;
		}
	} else if (c->process.terminal && !o->foreground) {
		r = nsset_fail(err, EINVAL, "process.terminal is true: --console-socket is required");
		goto fail;
	}
	/* seccomp listenerPath is a host path: connect before the child leaves the host's root. */
	if (c->seccomp && c->seccomp->listener_path && oci_seccomp_uses_notify(c->seccomp) &&
	    (x.listener = oci_seccomp_listener_connect(c->seccomp->listener_path, err)) < 0) {
		r = x.listener;
		goto fail;
	}
	/* run: the container's init execs its command through nsset-dmz (CVE-2019-5736 without a
	 * re-exec of the runtime; the CLI skipped oci_ensure_cloned_binary). */
	if (o->start_now && oci_dmz_usable(c)) {
		/* (its memfd is made by the child while it waits for GO, off our way to clone3) */
		x.use_dmz = true;
		/* We run the host's nsset until the container is deleted: out of a new pid
		 * namespace's sight, and, should a container see the host's /proc (a bind mount),
		 * our /proc/PID/exe needs CAP_SYS_PTRACE like the init's. */
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = nsset_fail_errno(err, errno, "socketpair");
		goto fail;
	}
	if (pid_join >= 0 && setns(pid_join, CLONE_NEWPID) < 0) {
		r = nsset_fail_errno(err, errno, "cannot join the pid namespace %s", "of the config");
		goto fail;
	}
	/* clone3 makes the namespaces a process cannot enter by unshare (pid, time: only its
	 * children would) and the user namespace whose maps we write; the child the others. */
	nsset_flags_t by_clone = c->ns_new & (NSSET_PID | NSSET_USER | NSSET_TIME);
	/* A time namespace with offsets: the child makes it by unshare, writes the offsets
	 * before anything is in it, and its exec enters it (time_namespaces(7)). */
	nsset_flags_t time_later = c->has_time_offsets ? by_clone & NSSET_TIME : 0;
	by_clone &= ~time_later;
	if (joins_user_ns(c) && (by_clone & NSSET_PID)) {
		/* Owned by the joined user namespace: made by the child after it joined it. */
		x.pid_flags = nsset_flags_to_clone((by_clone & (NSSET_PID | NSSET_TIME)) | time_later);
		by_clone &= ~(NSSET_PID | NSSET_TIME);
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	}
	x.unshare_flags = nsset_flags_to_clone(c->ns_new & ~(by_clone | NSSET_CGROUP) &
					       ~(x.pid_flags ? NSSET_PID | NSSET_TIME : 0));
	x.needs_go = oci_child_needs_go(c) || ctr->cg;
	/* Only a child that waits for GO is moved: it takes its CPUs back there, after the
	 * runtime has moved it. */
	x.spread = x.needs_go && sched_getaffinity(0, sizeof(x.cpus), &x.cpus) == 0 &&
		   CPU_COUNT(&x.cpus) > 1;
	x.runtime_cpu = x.spread ? sched_getcpu() : -1;
	struct clone_args ca = {
		.flags = CLONE_PIDFD | (uint64_t)nsset_flags_to_clone(by_clone),
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	x.cg = ctr->cg;
	for (size_t i = 0; ctr->cg && i < ctr->cg->n; i++) {
		if (!ctr->cg->h[i].v2)
			continue;
		cgfd = open(ctr->cg->h[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd >= 0) {
			ca.flags |= CLONE_INTO_CGROUP;
			ca.cgroup = (uint64_t)cgfd;
			x.into_cgroup = true;
		}
	}
	/* The child's start time, for the state, from the clock around clone3 (without a
	 * read of /proc/PID/stat on our way to GO, mostly). */
	struct timespec before, after;
	clock_gettime(CLOCK_BOOTTIME, &before);
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && x.into_cgroup) {
		/* Not allowed there (a v2 cgroup with domain controllers and processes...): join
		 * through cgroup.procs in the child instead. */
		ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		x.into_cgroup = false;
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (cgfd >= 0)
		close(cgfd);
	if (pid < 0) {
		r = nsset_fail_errno(err, errno, "cannot create the container process (clone3)");
		goto fail;
	}
	if (pid == 0) {
		/* The lock is the open file description's: the child must not keep it. */
		close(ctr->dirfd);
		close(sv[0]);
		x.sock = sv[1];
		oci_child_main(&x);
	}
	clock_gettime(CLOCK_BOOTTIME, &after);
	close(sv[1]);
	sv[1] = -1;
	close_joins(&x);
	if (x.console >= 0)
		close(x.console);
	x.console = -1;
	if (x.listener >= 0)
		close(x.listener);
	x.listener = -1;

	if (x.pid_flags && (r = adopt_grandchild(sv[0], &pid, &pidfd, err)) < 0)
		goto kill;
	if (x.spread)
		spread_child(pid, &x.cpus);
	ctr->st.pid = pid;
	/* (a grandchild, adopted: made later, by the child) */
	ctr->st.start_time = x.pid_flags ? 0 : oci_start_time_between(&before, &after);
	if (ctr->st.start_time == 0)
		ctr->st.start_time = oci_proc_start_time(pid, NULL);
	if (o->start_now) {
		/* run: this is the container's state from now on (one write). */
		ctr->st.creator = 0;
		ctr->st.creator_start = 0;
		ctr->st.started = true;
	}
	/* While the child makes its namespaces: the rest of the cgroup, then the state (its pid,
	 * the cgroup as made), unless the state written before the directories says the same. */
	bool join_cg = false, planned = ctr->cg != NULL;
	if (!state_written && (r = oci_state_write(ctr->dirfd, &ctr->st, err)) < 0)
		goto kill;
	if ((r = make_cgroup(c, ctr, x.into_cgroup, &join_cg, err)) < 0)
		goto kill;
	/* (tests: a runtime killed here leaves its cgroup named in the state) */
	reg_test_point("oci-cgroup");
	if ((state_written || !cgroup_state_kept(ctr, planned)) &&
	    (r = oci_state_write(ctr->dirfd, &ctr->st, err)) < 0)
		goto kill;
	if (x.needs_go) {
		if ((c->ns_new & NSSET_USER) && (r = write_maps(c, pid, err)) < 0)
			goto kill;
		/* The trees after GO, while the child joins the cgroup and makes its first
		 * mounts: /proc first (its first mount), then the others. */
		bool early = oci_rootfs_wants_early_trees(c);
		bool late = oci_rootfs_needs_idmap_fds(c) || (join_cg && oci_rootfs_wants_cgroup_tree(c));
		int code = (join_cg ? GO_JOIN_CGROUP : 0) | (early || late ? GO_MOUNT_TREES : 0) |
			   (join_cg && c->has_resources && resources_by_child(c) ? GO_APPLY_RESOURCES : 0);
		/* Should the child have failed already, its message is read below. */
		r = oci_sync_send(sv[0], MSG_GO, code, pid, NULL);
		/* (tests: a runtime killed here leaves a child waiting for its trees) */
		reg_test_point("oci-trees");
		if (r == 0 && early) {
			/* none made: an empty message all the same (the child waits for one) */
			if (early_trees(sv[0], c, pid, &trees) < 0) {
				r = nsset_fail(err, ENOMEM, "out of memory");
				goto kill;
			}
			send_trees(sv[0], c, &trees, !late);
		}
		if (r == 0 && late) {
			if ((r = make_trees(c, pid, join_cg ? ctr->cg : NULL, &trees, err)) < 0)
				goto kill;
			send_trees(sv[0], c, &trees, true);
		}
		r = 0;
	}
	/* While the child makes its root filesystem. */
	if ((r = keep_config(c, ctr->dirfd, err)) < 0)
		goto kill;
	for (;;) {
		struct msg m;
		ssize_t n = oci_sync_recv(sv[0], &m);
		if (n == 0 && o->start_now)
			break; /* run: the process was executed */
		if (n <= 0) {
			r = nsset_fail(err, EIO, "the container process exited during create");
			goto kill;
		}
		if (m.type == MSG_ERROR) {
			r = nsset_fail(err, m.code, "%s", m.text);
			goto kill;
		}
		if (m.type == MSG_EXEC_ERROR) {
			r = nsset_fail_errno(err, m.code < 0 ? -m.code : EIO, "cannot execute %s",
					     c->process.args[0]);
			goto kill;
		}
		if (m.type == MSG_NS) {
			/* Its namespaces are made: the devices go in, then the hooks see them. */
			if ((r = oci_netdevs_move(c, pid, err)) < 0)
				goto kill;
			/* (tests: a runtime killed with the devices moved in) */
			if (c->n_net_devices)
				reg_test_point("oci-netdev");
			if ((r = oci_run_hooks(c, &ctr->st, OCI_CREATING, HOOK_PRESTART, err)) < 0 ||
			    (r = oci_run_hooks(c, &ctr->st, OCI_CREATING, HOOK_CREATE_RUNTIME, err)) < 0)
				goto kill;
			oci_sync_send(sv[0], MSG_GO, 0, pid, NULL);
			continue;
		}
		if (m.type == MSG_READY)
			break;
	}
	if (pid_join >= 0)
		close(pid_join);
	out->pid = pid;
	out->pidfd = pidfd;
	close(sv[0]);
	return 0;

kill:
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
fail:
	if (trees) {
		oci_rootfs_close_fds(trees, c->n_mounts);
		free(trees);
	}
	close_joins(&x);
	if (x.console >= 0)
		close(x.console);
	if (x.listener >= 0)
		close(x.listener);
	if (pid_join >= 0)
		close(pid_join);
	if (pidfd >= 0)
		close(pidfd);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return r;
}

static int create(const struct oci_create_opts *o, struct oci_config *c, struct oci_ctr *ctr,
		  struct created *out, struct nsset_error *err)
{
	char when[64];
	int r, fifo = -1;

	memset(ctr, 0, sizeof(*ctr));
	ctr->root = o->root;
	ctr->dirfd = -1;
	if (o->systemd_cgroup)
		return nsset_fail(err, ENOTSUP, "--systemd-cgroup: the systemd cgroup driver is not supported (use cgroupfs)");
	if ((r = oci_rootfs_validate(c, err)) < 0)
		return r;
	ctr->dirfd = oci_state_reserve(o->root, o->id, err);
	if (ctr->dirfd < 0)
		return ctr->dirfd;
	snprintf(ctr->st.id, sizeof(ctr->st.id), "%s", o->id);
	oci_now(when, sizeof(when));
	ctr->st.bundle = strdup(c->bundle);
	ctr->st.created = strdup(when);
	ctr->st.ns_new = c->ns_new;
	ctr->st.exit_status = -1;
	if (c->annotations) {
		size_t n = c->n_annotations;
		ctr->st.annotations = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; ctr->st.annotations && i < n; i++)
			ctr->st.annotations[i] = strdup(c->annotations[i]);
	}
	if (!ctr->st.bundle || !ctr->st.created) {
		r = nsset_fail(err, ENOMEM, "out of memory");
		goto undo;
	}
	/* The cgroup is planned and named in the state before any directory of it is made: a
	 * create killed at any point leaves what `delete --force` needs.  The v2 directory is
	 * made now, for clone3 to put the child straight into it; the rest while the child
	 * makes its namespaces. */
	if ((r = oci_cgroup_plan(c->cgroups_path, o->id, &ctr->cg, err)) < 0 ||
	    (r = oci_cgroup_save(ctr->cg, &ctr->st.cgroup, err)) < 0) {
		if (!cgroup_optional(c, r))
			goto undo;
		drop_cgroup(ctr);
		nsset_error_clear(err);
	}
	if (ctr->cg && !c->cgroups_path) {
		/* The default cgroup, /nsset-<id>, is the same for every --root: one with
		 * processes is another container's of the same id. */
		int n = oci_cgroup_count_procs(ctr->cg);
		if (n > 0) {
			r = nsset_fail(err, EBUSY, "the cgroup %s is in use (%d process%s): a container %s under another --root?",
				       oci_cgroup_path(ctr->cg), n, n == 1 ? "" : "es", o->id);
			goto undo;
		}
	}
	/* Named in the state before the v2 directory is made (the v1 ones: after clone3). */
	bool pre_clone = false;
	for (size_t i = 0; ctr->cg && i < ctr->cg->n; i++)
		pre_clone |= ctr->cg->h[i].v2;
	/* We, in the states written while we make it ("creating"): a state whose creator is gone
	 * is a create that died.  run's first state, written after clone3 when nothing is
	 * written before, is already the running container's. */
	if (!o->start_now || pre_clone) {
		ctr->st.creator = getpid();
		ctr->st.creator_start = oci_proc_start_time(getpid(), NULL);
	}
	if (pre_clone && (r = oci_state_write(ctr->dirfd, &ctr->st, err)) < 0)
		goto undo;
	if (ctr->cg && (r = oci_cgroup_make(ctr->cg, OCI_CGROUP_PART_V2, err)) < 0) {
		if (!cgroup_optional(c, r))
			goto undo;
		drop_cgroup(ctr);
		nsset_error_clear(err);
	}
	if (!o->start_now) {
		if (mkfifoat(ctr->dirfd, "exec.fifo", 0600) < 0) {
			r = nsset_fail_errno(err, errno, "cannot make exec.fifo");
			goto undo;
		}
		fifo = openat(ctr->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fifo < 0) {
			r = nsset_fail_errno(err, errno, "cannot open exec.fifo");
			goto undo;
		}
	}
	r = spawn(o, c, ctr, fifo, pre_clone, out, err);
	if (fifo >= 0)
		close(fifo);
	if (r < 0)
		goto undo;
	if (!o->start_now) {
		ctr->st.creator = 0;
		ctr->st.creator_start = 0;
		if ((r = oci_state_write(ctr->dirfd, &ctr->st, err)) < 0)
			goto undo_child;
	}
	if (o->pid_file && (r = oci_write_pid_file(o->pid_file, out->pid, err)) < 0)
		goto undo_child;
	return 0;

undo_child:
	syscall(SYS_pidfd_send_signal, out->pidfd, SIGKILL, NULL, 0);
	while (waitpid(out->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(out->pidfd);
	out->pidfd = -1;
undo:
	{
		struct nsset_error e2 = { 0 };
		ctr->st.pid = 0;
		ctr->st.started = false;
		if (ctr->cg)
			oci_cgroup_remove_made(ctr->cg, &e2);
		oci_state_remove(o->root, o->id, ctr->dirfd, &e2);
	}
	oci_ctr_close(ctr);
	return r;
}

int oci_create(const struct oci_create_opts *o, struct oci_config *c, pid_t *pid,
	       struct nsset_error *err)
{
	struct oci_ctr ctr;
	struct created cr;
	int r = create(o, c, &ctr, &cr, err);
	if (r < 0)
		return r;
	*pid = cr.pid;
	close(cr.pidfd);
	oci_ctr_close(&ctr);
	return 0;
}

int oci_start(const char *root, const char *id, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r < 0)
		return r;
	enum oci_status s = oci_ctr_status(&c);
	if (s != OCI_CREATED) {
		r = nsset_fail(err, EINVAL, "container is not in created state (%s)", oci_status_name(s));
		goto out;
	}
	int fd = openat(c.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = errno == ENXIO ? nsset_fail(err, ESRCH, "the container process is not waiting for start")
				   : nsset_fail_errno(err, errno, "cannot open exec.fifo");
		goto out;
	}
	ssize_t n = write(fd, "0", 1);
	int e = errno;
	close(fd);
	if (n != 1) {
		r = nsset_fail_errno(err, e, "cannot start the container process");
		goto out;
	}
	unlinkat(c.dirfd, "exec.fifo", 0);
	c.st.started = true;
	if ((r = oci_state_write(c.dirfd, &c.st, err)) < 0)
		goto out;
	if (oci_ctr_config(&c, NULL) == 0)
		oci_run_hooks(c.config, &c.st, OCI_RUNNING, HOOK_POSTSTART, NULL);
out:
	oci_ctr_close(&c);
	return r;
}

/* ---- run ---------------------------------------------------------------------------------- */

int oci_run(const struct oci_create_opts *o, struct oci_config *c, bool detach,
	    struct nsset_error *err)
{
	struct oci_create_opts ro = *o;
	struct oci_ctr ctr;
	struct created cr;
	ro.start_now = true;
	ro.foreground = !detach && !o->console_socket;
	int r = create(&ro, c, &ctr, &cr, err);
	if (r < 0)
		return r;
	/* The lock is for the operations that follow, not for the life of the container. */
	struct oci_state st = ctr.st;
	memset(&ctr.st, 0, sizeof(ctr.st));
	oci_ctr_close(&ctr);

	oci_run_hooks(c, &st, OCI_RUNNING, HOOK_POSTSTART, NULL);
	pid_t pid = st.pid;
	unsigned long long start = st.start_time;
	oci_state_clear(&st);
	if (detach) {
		close(cr.pidfd);
		return 0;
	}
	struct nsset_child child = { .pid = cr.pid, .pidfd = cr.pidfd };
	int status = nsset_child_wait(&child, err);
	struct nsset_error e2 = { 0 };
	if (oci_ctr_delete_reaped(o->root, o->id, pid, start, c, &e2) < 0 && status >= 0)
		oci_warn("delete %s: %s", o->id, e2.msg);
	return status;
}
