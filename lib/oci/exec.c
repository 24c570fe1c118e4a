/* exec: a new process in a running container.
 *
 *   nsset exec                 intermediate (fork)                 the process (clone3, CLONE_PARENT:
 *                                                                    nsset exec's child)
 *   lock, state, config,
 *   pidfd of the container,
 *   unlock
 *   fork ─────────────────►    join the cgroup,
 *                              setns(pidfd, every namespace
 *                              that differs from ours)
 *                              clone3(CLONE_PARENT) ───────────►  (inside the pid namespace)
 *   recv {pid}         ◄────   send {pid}; _exit                   console, cwd, fds, process
 *   recv: EOF = exec'd ◄──────────────────────────────────────────  (user, caps, nnp, seccomp);
 *   --pid-file; wait (or --detach)                                 execve; ERROR on failure
 */
#include "oci/engine.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct report {
	int code;                    /* 0: pid report; < 0: an error */
	int pid;
	char msg[NSSET_ERRMSG_MAX];
};

static void report(int sock, int code, int pid, const char *msg)
{
	struct report r = { .code = code, .pid = pid };
	if (msg)
		snprintf(r.msg, sizeof(r.msg), "%s", msg);
	if (send(sock, &r, offsetof(struct report, msg) + strlen(r.msg) + 1, MSG_NOSIGNAL) < 0) {
		/* nobody to tell */
	}
}

/* The kinds whose namespace differs between us and pid. */
static int ns_to_join(pid_t pid)
{
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	int flags = 0;
	for (size_t i = 0; i < n; i++) {
		char a[64], b[64];
		struct stat sa, sb;
		snprintf(a, sizeof(a), "/proc/self/ns/%s", k[i].name);
		snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)pid, k[i].name);
		if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
			continue;
		if (sa.st_ino != sb.st_ino || sa.st_dev != sb.st_dev)
			flags |= k[i].clone_flag;
	}
	return flags;
}

struct exec_ctx {
	const struct oci_exec_opts *o;
	const struct oci_config *c;
	struct oci_process *p;
	struct oci_cgroup *cg;
	int pidfd;
	int ns;
	int sock;
	int console;
};

static __attribute__((noreturn)) void process_main(struct exec_ctx *x)
{
	struct nsset_error err = { 0 };
	char exe[4096];
	if (x->p->terminal && x->console >= 0) {
		if (oci_console_setup(x->console, x->p->console_height, x->p->console_width, &err) < 0)
			goto fail;
		close(x->console);
	} else if (x->o->detach) {
		setsid();
	}
	if (chdir(x->p->cwd) < 0) {
		nsset_fail_errno(&err, errno, "cannot change to %s", x->p->cwd);
		goto fail;
	}
	int r = oci_find_exe(x->p->args[0], x->p->env, exe, sizeof(exe));
	if (r < 0) {
		nsset_fail(&err, r, "%s: %s", x->p->args[0],
			   r == -ENOENT ? "executable file not found in $PATH" : "permission denied");
		goto fail;
	}
	unsigned keep = x->o->preserve_fds;
	for (unsigned fd = 3; fd < 3 + keep; fd++) {
		int fl = fcntl((int)fd, F_GETFD);
		if (fl >= 0)
			fcntl((int)fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	syscall(SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC);
	if (oci_process_apply(x->c, x->p, &err) < 0)
		goto fail;
	execve(exe, x->p->args, x->p->env ? x->p->env : (char *[]){ NULL });
	nsset_fail_errno(&err, errno, "cannot execute %s", x->p->args[0]);
fail:
	report(x->sock, err.code ? err.code : -EIO, 0, err.msg);
	_exit(127);
}

static __attribute__((noreturn)) void intermediate_main(struct exec_ctx *x)
{
	struct nsset_error err = { 0 };
	/* execCPUAffinity: its initial CPUs until the cgroup is joined, then its final ones (a
	 * cpuset cgroup resets them as it is joined). */
	if (x->p->has_affinity_initial &&
	    oci_process_set_affinity(&x->p->affinity_initial, "initial", &err) < 0)
		goto fail;
	if (x->cg && oci_cgroup_add_pid(x->cg, getpid(), &err) < 0)
		goto fail;
	if (x->p->has_affinity_final && oci_process_set_affinity(&x->p->affinity_final, "final", &err) < 0)
		goto fail;
	if (x->ns && setns(x->pidfd, x->ns) < 0) {
		nsset_fail_errno(&err, errno, "cannot join the container's namespaces");
		goto fail;
	}
	struct clone_args ca = { .flags = CLONE_PARENT };
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		nsset_fail_errno(&err, errno, "cannot create the process (clone3)");
		goto fail;
	}
	if (pid == 0)
		process_main(x);
	report(x->sock, 0, pid, NULL);
	_exit(0);
fail:
	report(x->sock, err.code ? err.code : -EIO, 0, err.msg);
	_exit(1);
}

/* "K=V" entries of add override those of base with the same K. */
static char **merge_env(char **base, char **add, size_t n_add)
{
	size_t nb = 0;
	while (base && base[nb])
		nb++;
	char **out = calloc(nb + n_add + 1, sizeof(char *));
	if (!out)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < nb; i++) {
		size_t kl = strcspn(base[i], "=");
		bool replaced = false;
		for (size_t j = 0; j < n_add; j++)
			if (strncmp(add[j], base[i], kl) == 0 && add[j][kl] == '=')
				replaced = true;
		if (!replaced)
			out[n++] = base[i];
	}
	for (size_t j = 0; j < n_add; j++)
		out[n++] = add[j];
	out[n] = NULL;
	return out;
}

int oci_exec(const struct oci_exec_opts *o, struct nsset_error *err)
{
	struct oci_ctr c;
	struct oci_process fp = { 0 }, p;
	char **env = NULL;
	int r = oci_ctr_open(o->root, o->id, &c, err), sv[2] = { -1, -1 }, pidfd = -1, console = -1;
	if (r < 0)
		return r;
	enum oci_status s = oci_ctr_status(&c);
	if (s != OCI_RUNNING) {
		r = nsset_fail(err, EINVAL, "container is not running (%s)", oci_status_name(s));
		goto out;
	}
	if ((r = oci_ctr_config(&c, err)) < 0 || (r = oci_ctr_cgroup(&c, err)) < 0)
		goto out;
	/* The process: --process FILE, or the container's with other args. */
	if (o->process_file) {
		if ((r = oci_process_parse_file(o->process_file, &fp, err)) < 0)
			goto out;
		p = fp;
	} else {
		p = c.config->process;
		if (!o->args || !o->args[0]) {
			r = nsset_fail(err, EINVAL, "no command (give ARGS or --process FILE)");
			goto out;
		}
		p.args = o->args;
		p.terminal = o->tty;
	}
	if (o->tty)
		p.terminal = true;
	if (o->cwd)
		p.cwd = (char *)o->cwd;
	if (o->has_user) {
		p.user.uid = o->uid;
		p.user.gid = o->has_gid ? o->gid : 0;
		p.user.n_additional_gids = 0;
	}
	if (o->no_new_privs)
		p.no_new_privileges = true;
	if (o->add_caps) {
		p.has_caps = true;
		p.caps.bounding |= o->add_caps;
		p.caps.effective |= o->add_caps;
		p.caps.permitted |= o->add_caps;
		/* Ambient needs inheritable; runc adds both only when there are inheritable ones. */
		if (p.caps.inheritable) {
			p.caps.inheritable |= o->add_caps;
			p.caps.ambient |= o->add_caps;
		}
	}
	if (o->n_env) {
		if (!(env = merge_env(p.env, o->env, o->n_env))) {
			r = nsset_fail(err, ENOMEM, "out of memory");
			goto out;
		}
		p.env = env;
	}
	if (p.terminal) {
		if (!o->console_socket) {
			r = nsset_fail(err, EINVAL, "a terminal needs --console-socket");
			goto out;
		}
		if ((console = oci_unix_connect(o->console_socket, err)) < 0) {
			r = console;
			goto out;
		}
	}
	if ((pidfd = oci_ctr_pidfd(&c.st)) < 0) {
		r = nsset_fail(err, ESRCH, "the container process is gone");
		goto out;
	}
	int ns = ns_to_join(c.st.pid);
	/* An exec may last: the container's lock is for the operations that change it. */
	close(c.dirfd);
	c.dirfd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = nsset_fail_errno(err, errno, "socketpair");
		goto out;
	}
	struct exec_ctx x = { .o = o, .c = c.config, .p = &p, .cg = c.cg, .pidfd = pidfd, .ns = ns,
			      .sock = sv[1], .console = console };
	pid_t mid = fork();
	if (mid < 0) {
		r = nsset_fail_errno(err, errno, "fork");
		goto out;
	}
	if (mid == 0) {
		close(sv[0]);
		intermediate_main(&x);
	}
	close(sv[1]);
	sv[1] = -1;
	if (console >= 0)
		close(console);
	console = -1;
	struct report rep;
	ssize_t n = recv(sv[0], &rep, sizeof(rep), 0);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n <= 0 || rep.code < 0) {
		r = nsset_fail(err, n > 0 ? rep.code : EIO, "%s",
			       n > 0 ? rep.msg : "cannot join the container");
		goto out;
	}
	pid_t pid = rep.pid;
	n = recv(sv[0], &rep, sizeof(rep), 0);
	if (n > 0 && rep.code < 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		r = nsset_fail(err, rep.code, "%s", rep.msg);
		goto out;
	}
	if (o->pid_file && (r = oci_write_pid_file(o->pid_file, pid, err)) < 0)
		goto out;
	if (o->detach) {
		r = 0;
		goto out;
	}
	struct nsset_child child = { .pid = pid, .pidfd = (int)syscall(SYS_pidfd_open, pid, 0) };
	r = nsset_child_wait(&child, err);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (console >= 0)
		close(console);
	if (pidfd >= 0)
		close(pidfd);
	free(env);
	oci_process_clear(&fp);
	oci_ctr_close(&c);
	return r;
}
