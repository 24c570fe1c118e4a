/* create: the container process, from clone3 to the exec of its command (the runtime's side
 * is create.c, the messages create_proto.h, the whole sequence at the top of create.c). */
#include "oci/cgroup_internal.h"
#include "oci/cloned_binary.h"
#include "oci/create_proto.h"
#include "oci/engine.h"
#include "oci/caps.h"
#include "oci/process.h"
#include "oci/seccomp.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "oci/rootfs.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define KEYCTL_JOIN_SESSION_KEYRING 1

int oci_sync_send(int sock, int type, int code, int pid, const char *text)
{
	struct msg m = { .type = type, .code = code, .pid = pid };
	if (text)
		snprintf(m.text, sizeof(m.text), "%s", text);
	size_t len = offsetof(struct msg, text) + strlen(m.text) + 1;
	return send(sock, &m, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

ssize_t oci_sync_recv(int sock, struct msg *m)
{
	ssize_t n;
	int resets = 0;
	memset(m, 0, sizeof(*m));
	/* A peer that exits with messages of ours unread (a child that fails before it reads
	 * its mount trees) leaves ECONNRESET on our socket, and the kernel reports it before the
	 * messages queued for us (the child's error among them): once, then they come. */
	do
		n = recv(sock, m, sizeof(*m), 0);
	while (n < 0 && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)));
	if (n > 0 && (size_t)n < offsetof(struct msg, text))
		return -EPROTO;
	m->text[sizeof(m->text) - 1] = '\0';
	return n < 0 ? -errno : n;
}

void oci_pin_elsewhere(pid_t pid, int avoid, const cpu_set_t *allowed)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (i != avoid && CPU_ISSET(i, allowed)) {
			CPU_SET(i, &one);
			sched_setaffinity(pid, sizeof(one), &one);
			return;
		}
	}
}

/* ---- the container process ---------------------------------------------------------------- */

static __attribute__((noreturn)) void child_fail(struct child_ctx *x, struct nsset_error *err)
{
	oci_sync_send(x->sock, MSG_ERROR, err->code ? err->code : -EIO, 0, err->msg);
	_exit(1);
}

static void child_wait_go(struct child_ctx *x, struct msg *m)
{
	ssize_t n = oci_sync_recv(x->sock, m);
	if (n <= 0 || m->type != MSG_GO)
		_exit(1); /* the runtime is gone */
}

static void child_join(struct child_ctx *x, struct nsset_error *err)
{
	/* The user namespace first: the others then check our capabilities in it. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < x->n_join; i++) {
			bool user = x->join_kind[i] == NSSET_USER;
			if (user != (pass == 0))
				continue;
			const struct nsset_kind *k = nsset_kind_by_flag(x->join_kind[i]);
			if (setns(x->join_fd[i], k->clone_flag) < 0) {
				nsset_fail_errno(err, errno, "cannot join the %s namespace", k->long_name);
				child_fail(x, err);
			}
		}
	}
}

static void clear_cloexec(int from, int to)
{
	for (int fd = from; fd < to; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
}

static unsigned listen_fds(void)
{
	const char *s = getenv("LISTEN_FDS");
	if (!s)
		return 0;
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	return *end == '\0' && n < 1024 ? (unsigned)n : 0;
}

/* Join the container's cgroup by writing "0" to each v1 hierarchy's `tasks`: moving the
 * calling thread alone skips the global cgroup_threadgroup_rwsem, whose write side (taken for
 * a pid written to cgroup.procs) waits for an RCU grace period, 10-15 ms here.  The v2
 * hierarchy was joined by clone3 (CLONE_INTO_CGROUP), else through cgroup.procs. */
static void child_join_cgroup(struct child_ctx *x, struct nsset_error *err)
{
	for (size_t i = 0; x->cg && i < x->cg->n; i++) {
		const struct oci_cgroup_hier *h = &x->cg->h[i];
		if (h->v2 && x->into_cgroup)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", h->dir, h->v2 ? "cgroup.procs" : "tasks");
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			nsset_fail_errno(err, errno, "cannot join the cgroup %s", h->dir);
			child_fail(x, err);
		}
		close(fd);
	}
}

/* Whether the child waits for the runtime's GO after clone3: to have its uid/gid maps written,
 * or to learn its pid (as the host sees it) for the hooks it runs.  Otherwise it goes straight
 * on: no round trip on the way to exec. */
bool oci_child_needs_go(const struct oci_config *c)
{
	return (c->ns_new & NSSET_USER) || oci_has_hooks(c, HOOK_CREATE_CONTAINER) ||
	       (c->seccomp && c->seccomp->listener_path && oci_seccomp_uses_notify(c->seccomp)) ||
	       oci_has_hooks(c, HOOK_START_CONTAINER) || oci_rootfs_needs_idmap_fds(c);
}

/* Whether the child tells the runtime its namespaces are made (MSG_NS) and waits: for the
 * prestart and createRuntime hooks, and for the network devices the runtime moves in. */
static bool reports_namespaces(const struct oci_config *c)
{
	return oci_has_hooks(c, HOOK_PRESTART) || oci_has_hooks(c, HOOK_CREATE_RUNTIME) ||
	       c->n_net_devices > 0;
}

__attribute__((noreturn)) void oci_child_main(struct child_ctx *x)
{
	const struct oci_config *c = x->c;
	const struct oci_process *p = &c->process;
	struct nsset_error err = { 0 };
	struct msg m = { .type = 0 };
	char exe[4096];
	int r;

	/* Woken on the runtime's CPU (the scheduler's choice when the others are busy, with the
	 * teardown of an earlier container say): over to another one at once, before the runtime
	 * moves us (spread_child), which it can do only once it runs again. */
	if (x->spread && sched_getcpu() == x->runtime_cpu)
		oci_pin_elsewhere(0, x->runtime_cpu, &x->cpus);
	/* Until the command runs (through nsset-dmz), no one without CAP_SYS_PTRACE may open our
	 * /proc/PID/exe (the host's nsset): execve makes the process dumpable again. */
	if (x->use_dmz)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* The namespaces joined by path (a user namespace first), then the new ones other than
	 * pid, user and time (made by clone3): made here, they belong to a joined user namespace,
	 * and the costly ones (network) are made while the runtime makes the cgroup. */
	child_join(x, &err);
	if (x->unshare_flags && unshare(x->unshare_flags) < 0) {
		nsset_fail_errno(&err, errno, "cannot make the new namespaces");
		child_fail(x, &err);
	}
	if ((x->unshare_flags & CLONE_NEWTIME) && c->has_time_offsets &&
	    oci_time_offsets_write(c, &err) < 0)
		child_fail(x, &err);
	if (x->pid_flags) {
		/* A pid namespace owned by the joined user namespace (its /proc can be mounted
		 * there): only our children enter it.  The child goes on as the container process;
		 * we report its pid and leave it to the runtime (a subreaper). */
		if (unshare(x->pid_flags) < 0) {
			nsset_fail_errno(&err, errno, "cannot make the pid namespace");
			child_fail(x, &err);
		}
		/* (before the fork: the child enters the time namespace) */
		if ((x->pid_flags & CLONE_NEWTIME) && c->has_time_offsets &&
		    oci_time_offsets_write(c, &err) < 0)
			child_fail(x, &err);
		pid_t pid = fork();
		if (pid < 0) {
			nsset_fail_errno(&err, errno, "cannot fork the container process");
			child_fail(x, &err);
		}
		if (pid > 0) {
			oci_sync_send(x->sock, MSG_PID, 0, pid, NULL);
			_exit(0);
		}
	}
	pid_t host_pid = 0;
	int *tree_fds = NULL;
	struct oci_tree_stream trees = { .sock = -1, .seen = -1 };
	/* nsset-dmz's sealed memfd: made here, where we would wait for GO anyway. */
	if (x->use_dmz && (x->dmz = oci_dmz_open(&err)) < 0)
		child_fail(x, &err);
	/* The bounding set, dropped while we would wait for GO anyway (41 prctl, each a new set
	 * of credentials, off the container's way to its exec): it limits only what an exec
	 * gets, and no exec of ours comes before the command's here (no createContainer hook),
	 * nor a user namespace entered or made after this point, which would reset it. */
	bool bounding_done = false;
	if (x->needs_go && p->has_caps && !((c->ns_new | c->ns_join) & NSSET_USER) &&
	    !oci_has_hooks(c, HOOK_CREATE_CONTAINER)) {
		if (oci_caps_drop_bounding(&p->caps, &err) < 0)
			child_fail(x, &err);
		bounding_done = true;
	}
	if (x->needs_go) {
		child_wait_go(x, &m);
		host_pid = m.pid;
		if (x->spread)
			sched_setaffinity(0, sizeof(x->cpus), &x->cpus);
		if (!(m.code & GO_JOIN_CGROUP))
			x->cg = NULL;
	}
	child_join_cgroup(x, &err);
	if (x->needs_go && (m.code & GO_APPLY_RESOURCES) && x->cg &&
	    oci_cgroup_apply(x->cg, &c->resources, &err) < 0)
		child_fail(x, &err);
	if (x->needs_go && (m.code & GO_MOUNT_TREES)) {
		/* The trees the runtime makes (proc, a cgroup v1 /sys/fs/cgroup, idmapped binds),
		 * one per mount, -1 where none: received before the first mount that may take one
		 * (oci_rootfs_prepare_opts), or all now, when hooks' messages come first. */
		tree_fds = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(int));
		if (!tree_fds) {
			nsset_fail(&err, ENOMEM, "out of memory");
			child_fail(x, &err);
		}
		for (size_t i = 0; i < c->n_mounts; i++)
			tree_fds[i] = -1;
		trees.sock = x->sock;
		while (reports_namespaces(c) &&
		       trees.sock >= 0) {
			bool last = false;
			if (oci_rootfs_trees_recv(x->sock, c, tree_fds, 0, &trees.seen, &last, &err) < 0)
				child_fail(x, &err);
			if (last)
				trees.sock = -1;
		}
	}
	if ((c->ns_new & NSSET_CGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		nsset_fail_errno(&err, errno, "cannot make the cgroup namespace");
		child_fail(x, &err);
	}
	if (c->ns_new & NSSET_USER) {
		/* Become root of the new user namespace where root is mapped. */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			/* left as is: the process's own user comes later */
		}
	}
	if (reports_namespaces(c)) {
		oci_sync_send(x->sock, MSG_NS, 0, 0, NULL);
		child_wait_go(x, &m);
	}
	if (!x->o->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS && errno != EACCES && errno != EPERM) {
		nsset_fail_errno(&err, errno, "cannot join a new session keyring");
		child_fail(x, &err);
	}
	if (oci_has_hooks(c, HOOK_CREATE_CONTAINER)) {
		struct oci_state st = { .pid = host_pid, .bundle = c->bundle };
		snprintf(st.id, sizeof(st.id), "%s", x->o->id);
		if (oci_run_hooks(c, &st, OCI_CREATING, HOOK_CREATE_CONTAINER, &err) < 0)
			child_fail(x, &err);
	}

	/* The cgroup v1 tree of /sys/fs/cgroup from the runtime's record of the container's
	 * cgroup, not from a new read of /proc/self/mountinfo and /proc/self/cgroup. */
	struct oci_rootfs_opts ro = { .no_pivot = x->o->no_pivot, .userns_fd = -1,
				      .mount_fds = tree_fds, .trees = &trees,
				      .cgroup = x->cg };
	if (oci_rootfs_setup(c, &ro, &err) < 0)
		child_fail(x, &err);
	if (tree_fds) {
		oci_rootfs_close_fds(tree_fds, c->n_mounts);
		free(tree_fds);
	}
	if (p->terminal && x->console >= 0) {
		if (oci_console_setup(x->console, p->console_height, p->console_width, &err) < 0)
			child_fail(x, &err);
		close(x->console);
		/* /dev/console is the container's pty (runtime-linux.md), its stdin now. */
		if (oci_rootfs_bind_console(0, &err) < 0)
			child_fail(x, &err);
	} else if (x->console >= 0) {
		close(x->console);
	} else {
		/* No terminal: a session of its own all the same, like runc. */
		if (!x->o->foreground)
			setsid();
	}
	if (chdir(p->cwd) < 0) {
		nsset_fail_errno(&err, errno, "process.cwd: cannot change to %s", p->cwd);
		child_fail(x, &err);
	}
	r = oci_find_exe(p->args[0], p->env, exe, sizeof(exe));
	if (r < 0) {
		nsset_fail(&err, r, "process.args[0]: %s: %s", p->args[0],
			   r == -ENOENT ? "executable file not found in $PATH" : "permission denied");
		child_fail(x, &err);
	}
	/* fds 3 .. 3+N-1 (--preserve-fds, LISTEN_FDS) reach the process; nothing else of ours. */
	unsigned keep = x->o->preserve_fds + listen_fds();
	if (keep)
		clear_cloexec(3, 3 + (int)keep);
	syscall(SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC);

	struct oci_process_opts po = { .listener_fd = x->listener, .bounding_done = bounding_done };
	char *state_json = NULL;
	if (x->listener >= 0) {
		/* The container's state for the seccomp agent (config-linux.md), pid as the
		 * runtime sees it. */
		struct oci_state st = { .pid = host_pid, .bundle = c->bundle,
					.annotations = c->annotations };
		snprintf(st.id, sizeof(st.id), "%s", x->o->id);
		po.state_json = state_json = oci_state_json(&st, OCI_CREATING);
	}
	if (oci_process_apply_opts(c, p, &po, &err) < 0)
		child_fail(x, &err);
	free(state_json);
	if (x->fifo >= 0) {
		oci_sync_send(x->sock, MSG_READY, 0, 0, NULL);
		/* Wait for `start`: it opens exec.fifo for writing and writes one byte.  Until then
		 * no writer has ever opened it, so poll does not report a hang-up. */
		close(x->sock);
		x->sock = -1;
		struct pollfd pf = { .fd = x->fifo, .events = POLLIN };
		char b;
		for (;;) {
			int pr = poll(&pf, 1, -1);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr < 0)
				_exit(1);
			ssize_t n = read(x->fifo, &b, 1);
			if (n == 1)
				break;
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				_exit(1);
		}
		close(x->fifo);
	}
	/* run: straight on; the runtime sees EOF on the sync socket at the exec. */
	if (oci_has_hooks(c, HOOK_START_CONTAINER)) {
		struct oci_state st = { .pid = host_pid, .bundle = c->bundle };
		snprintf(st.id, sizeof(st.id), "%s", x->o->id);
		if (oci_run_hooks(c, &st, OCI_RUNNING, HOOK_START_CONTAINER, &err) < 0) {
			if (x->sock >= 0)
				child_fail(x, &err);
			_exit(1);
		}
	}
	char **env = p->env ? p->env : (char *[]){ NULL };
	unsigned nlisten = listen_fds();
	if (nlisten) {
		/* Socket activation (LISTEN_FDS in our environment): the process gets the fds and
		 * the variables, LISTEN_PID being its own pid (1 in a new pid namespace). */
		size_t n = 0;
		while (env[n])
			n++;
		char **e2 = calloc(n + 3, sizeof(char *));
		static char fds_var[32], pid_var[32];
		snprintf(fds_var, sizeof(fds_var), "LISTEN_FDS=%u", nlisten);
		snprintf(pid_var, sizeof(pid_var), "LISTEN_PID=%d", (int)getpid()); /* as execve keeps it */
		size_t k = 0;
		for (size_t i = 0; e2 && i < n; i++)
			if (strncmp(env[i], "LISTEN_FDS=", 11) && strncmp(env[i], "LISTEN_PID=", 11))
				e2[k++] = env[i];
		if (e2) {
			e2[k++] = fds_var;
			e2[k++] = pid_var;
			env = e2;
		}
	}
	if (x->dmz >= 0) {
		/* nsset-dmz execs the command (argv: path, sync socket, the command's argv), with
		 * our socket open so that it can report a failed execve. */
		size_t n = 0;
		while (p->args[n])
			n++;
		char **dargv = calloc(n + 3, sizeof(char *));
		char sockfd[16];
		snprintf(sockfd, sizeof(sockfd), "%d", x->sock);
		if (dargv) {
			dargv[0] = exe;
			dargv[1] = sockfd;
			memcpy(dargv + 2, p->args, (n + 1) * sizeof(char *));
			if (x->sock >= 0)
				fcntl(x->sock, F_SETFD, 0);
			syscall(SYS_execveat, x->dmz, "", dargv, env, AT_EMPTY_PATH);
			if (x->sock >= 0)
				fcntl(x->sock, F_SETFD, FD_CLOEXEC);
		}
		nsset_fail_errno(&err, dargv ? errno : ENOMEM, "cannot execute nsset-dmz for %s", p->args[0]);
	} else {
		execve(exe, p->args, env);
		nsset_fail_errno(&err, errno, "cannot execute %s", p->args[0]);
	}
	if (x->sock >= 0)
		child_fail(x, &err);
	dprintf(2, "nsset: %s\n", err.msg);
	_exit(127);
}
