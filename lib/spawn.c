/* A child in new namespaces: clone3 with a pidfd, id maps written by the parent before the
 * child goes on, and an error channel that brings a failure in the child back as errno +
 * message.
 *
 *   parent                                  child (new namespaces)
 *   socketpair(SEQPACKET)
 *   clone3(CLONE_NEW* | CLONE_PIDFD)  ───►  PR_SET_PDEATHSIG; wait for "go"
 *   write uid_map, gid_map
 *   send "go"                         ───►  set-up (propagation, hostname, root, proc, cwd, lo)
 *                                            child_setup(); exec (or init, or child_main)
 *   recv: EOF = went on               ◄───  a report {errno, message} on failure, then _exit
 */
#include "internal.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

void nsset_forward_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/* ---- child side ---- */

void nsset__child_fail(const struct nsset_child_ctx *c, const struct nsset_error *err, bool exec,
		       int status)
{
	struct nsset_report rep = { .code = err->code ? err->code : -EIO, .exec = exec };
	memcpy(rep.msg, err->msg, sizeof(rep.msg));
	rep.msg[sizeof(rep.msg) - 1] = '\0';
	size_t len = offsetof(struct nsset_report, msg) + strlen(rep.msg) + 1;
	if (send(c->sock, &rep, len, MSG_NOSIGNAL) < 0) {
		/* nobody to tell */
	}
	_exit(status);
}

void nsset__child_exec(const struct nsset_child_ctx *c)
{
	const struct nsset_spawn *o = c->opts;
	struct nsset_error err = { 0 };
	sigset_t none;

	if (o->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (c->tty >= 0 && setpgid(0, 0) == 0) {
		/* From a background group tcsetpgrp would stop us with SIGTTOU: block it. */
		sigset_t ttou, old;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, &old);
		tcsetpgrp(c->tty, getpgrp());
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (!o->argv) {
		close(c->sock);
		_exit(o->child_main ? o->child_main(o->arg) : 0);
	}
	/* Nothing of nsset's but 0, 1, 2 (and the preserved ones) reaches the command. */
	for (unsigned int fd = 3; fd < 3 + o->preserve_fds; fd++)
		if ((int)fd != c->sock)
			fcntl((int)fd, F_SETFD, 0);
	if (syscall(SYS_close_range, 3 + o->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3 + (int)o->preserve_fds; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	extern char **environ;
	execvpe(o->argv[0], o->argv, o->envp ? o->envp : environ);
	int e = errno;
	if (e == ENOENT)
		nsset_fail(&err, e, "%s: command not found", o->argv[0]);
	else
		nsset_fail_errno(&err, e, "cannot execute %s", o->argv[0]);
	nsset__child_fail(c, &err, true, e == ENOENT ? 127 : 126);
}

#if NSSET_BUILD_USER_NS
/* With explicit maps that map 0, become root inside (the caller's own id may be unmapped). */
static int become_root(const struct nsset_spawn *o, struct nsset_error *err)
{
	bool uid0 = false, gid0 = false;
	for (size_t i = 0; i < o->n_uid_map; i++)
		uid0 |= o->uid_map[i].inner == 0;
	for (size_t i = 0; i < o->n_gid_map; i++)
		gid0 |= o->gid_map[i].inner == 0;
	if (gid0 && getegid() != 0 && setresgid(0, 0, 0) < 0)
		return nsset_fail_errno(err, errno, "cannot become group 0 in the user namespace");
	if (uid0 && geteuid() != 0 && setresuid(0, 0, 0) < 0)
		return nsset_fail_errno(err, errno, "cannot become user 0 in the user namespace");
	return 0;
}
#endif

__attribute__((noreturn)) static void child(struct nsset_child_ctx *c)
{
	const struct nsset_spawn *o = c->opts;
	struct nsset_error err = { 0 };
	char go;

	if (o->die_with_parent)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (c->wait_go) {
		/* Wait until the parent wrote the maps; EOF means it died or gave up. */
		ssize_t n;
		while ((n = recv(c->sock, &go, 1, 0)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(125);
	} else if (o->die_with_parent && recv(c->sock, &go, 1, MSG_DONTWAIT) == 0) {
		_exit(125); /* the parent died before PR_SET_PDEATHSIG took */
	}
#if NSSET_BUILD_USER_NS
	if (c->self_maps && nsset__idmap_write_self(&c->self_uid, &c->self_gid, &err) < 0)
		nsset__child_fail(c, &err, false, 125);
#endif
	/* Keep the channel clear of the descriptors the command is given. */
	if (o->preserve_fds && c->sock < 3 + (int)o->preserve_fds) {
		int fd = fcntl(c->sock, F_DUPFD_CLOEXEC, 3 + (int)o->preserve_fds);
		if (fd >= 0) {
			close(c->sock);
			c->sock = fd;
		}
	}
#if NSSET_BUILD_USER_NS
	if ((o->flags & NSSET_USER) && !o->map_root && become_root(o, &err) < 0)
		nsset__child_fail(c, &err, false, 125);
#endif
	if (nsset__child_setup(o, &err) < 0)
		nsset__child_fail(c, &err, false, 125);
	if (o->child_setup) {
		int r = o->child_setup(o->arg, &err);
		if (r < 0) {
			if (!err.code)
				nsset_fail_errno(&err, r, "child set-up failed");
			nsset__child_fail(c, &err, false, 125);
		}
	}
	if (o->init || o->hold)
		nsset__init(c);
	nsset__child_exec(c);
}

/* ---- the init of nsset_spawn_wait: in the caller's memory ----
 *
 * The init that nsset_spawn_wait starts to run a command (no child_setup, child_main or
 * holder) shares the caller's memory (CLONE_VM) instead of getting a copy of it: no page
 * tables to copy, no copy-on-write faults in either process, no address space to tear down
 * when it exits (-0.17 ms of 2.7, bench/run-vs-unshare.sh).  This is valid because until the
 * init is reaped, neither side runs anything but system calls and libc code that neither
 * allocates nor uses stdio: the caller only waits (wait_loop), the init sets up, vforks the
 * command and waits.  (They share errno too: only the text of an error message could be
 * mixed up, never a decision.)  The init runs on a stack of its own, which holds its context
 * too (the caller's frames move on meanwhile), and is made non-dumpable before the command
 * starts (nsset__init), so that nothing in the namespaces can ptrace or read it, and so reach
 * the caller's memory; the caller gets its dumpable flag back once the init is reaped.
 * Not under AddressSanitizer, which knows nothing of that stack: there, as with a time
 * namespace (which glibc's clone() cannot ask for) or without clone's pidfd, the init is a
 * copy as every other child is. */
#define SHARED_STACK (256u << 10)

struct shared {
	struct nsset_child_ctx c;
	int close_fds[2]; /* the caller's ends of the channels */
	char *base;       /* the mapping, guard page included */
	size_t size;
	int dumpable;     /* the caller's flag before, to give back */
};

static bool can_share(const struct nsset_spawn *o, bool wait)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)o, (void)wait;
	return false;
#else
	return wait && o->init && !o->hold && o->argv && !o->child_setup && !o->child_main &&
	       !(o->flags & NSSET_TIME) && !nsset__no_clone3;
#endif
}

static int shared_child(void *arg)
{
	struct shared *sh = arg;
	for (size_t i = 0; i < 2; i++)
		if (sh->close_fds[i] >= 0)
			close(sh->close_fds[i]);
	child(&sh->c);
}

/* A stack for the init, with a guard page below it and its context at the top. */
static struct shared *shared_alloc(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, SHARED_STACK + page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, page, PROT_NONE) < 0) {
		munmap(base, SHARED_STACK + page);
		return NULL;
	}
	struct shared *sh = (struct shared *)(base + SHARED_STACK + page - sizeof(struct shared));
	sh = (struct shared *)((uintptr_t)sh & ~(uintptr_t)63);
	sh->base = base;
	sh->size = SHARED_STACK + page;
	return sh;
}

/* Only once the init is reaped (or was never started). */
static void shared_free(struct shared *sh)
{
	if (!sh)
		return;
	if (sh->dumpable == 1)
		prctl(PR_SET_DUMPABLE, 1);
	munmap(sh->base, sh->size);
}

static pid_t clone_shared(struct shared *sh, const struct nsset_child_ctx *c, int sock,
			  const int ev[2], int parent_sock, int *pidfd)
{
	sh->c = *c;
	sh->c.sock = sock;
	sh->c.events = ev[1];
	sh->c.shared = true;
	sh->close_fds[0] = parent_sock;
	sh->close_fds[1] = ev[0];
	sh->dumpable = prctl(PR_GET_DUMPABLE);
	int flags = (int)nsset_flags_to_clone(c->opts->flags) | CLONE_VM | CLONE_PIDFD | SIGCHLD;
	return clone(shared_child, sh, flags, sh, pidfd);
}

/* ---- parent side ---- */

bool nsset__no_clone3;

static pid_t do_clone(uint64_t flags, int *pidfd)
{
	struct clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		.exit_signal = SIGCHLD,
	};
	long pid = -1;
	errno = ENOSYS;
	if (!nsset__no_clone3)
		pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid >= 0 || errno != ENOSYS)
		return (pid_t)pid;
	/* No clone3 (before Linux 5.3): clone as fork, no pidfd; CLONE_NEWTIME needs clone3. */
	*pidfd = -1;
	if (flags & CLONE_NEWTIME) {
		errno = ENOSYS;
		return -1;
	}
	return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
}

static void id_self(struct nsset_idmap *m, uint32_t id)
{
	m->inner = 0;
	m->outer = id;
	m->count = 1;
}

static int check_opts(const struct nsset_spawn *o, struct nsset_error *err)
{
	int r = nsset_flags_check(o->flags, err);
	if (r < 0)
		return r;
	if (o->hostname && !(o->flags & NSSET_UTS))
		return nsset_fail(err, EINVAL, "a hostname needs a new UTS namespace");
	if (o->root && !(o->flags & NSSET_MNT))
		return nsset_fail(err, EINVAL, "a new root needs a new mount namespace");
	if (o->mount_proc && !(o->flags & NSSET_MNT))
		return nsset_fail(err, EINVAL, "mounting proc needs a new mount namespace");
	if ((o->map_root || o->n_uid_map || o->n_gid_map) && !(o->flags & NSSET_USER))
		return nsset_fail(err, EINVAL, "id maps need a new user namespace");
	if (!o->argv && !o->child_main && !o->hold)
		return nsset_fail(err, EINVAL, "nothing to run (no command, no child_main, no hold)");
	if (o->argv && !o->argv[0])
		return nsset_fail(err, EINVAL, "empty command");
	if ((r = nsset_idmaps_check(o->uid_map, o->n_uid_map, err)) < 0 ||
	    (r = nsset_idmaps_check(o->gid_map, o->n_gid_map, err)) < 0)
		return r;
	return 0;
}

/* Something failed: kill and reap the child, forget it. */
static void fail_child(struct nsset_child *out)
{
	kill(out->pid, SIGKILL);
	while (waitpid(out->pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (out->pidfd >= 0)
		close(out->pidfd);
	out->pid = 0;
	out->pidfd = -1;
}

/* The first of fd 0, 1, 2 that is a terminal whose foreground is the caller's process group
 * (in a pid namespace the child could not tell: an outside group reads as 0), or -1. */
static int foreground_tty(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			return tcgetpgrp(fd) == getpgrp() ? fd : -1;
	return -1;
}

/* Single own-id maps (map_root, or INNER:own-id:1 for both) the child writes itself, which
 * saves a round trip with the parent; others the parent writes (it may need privilege over
 * its own user namespace, or newuidmap). */
static void plan_maps(const struct nsset_spawn *o, struct nsset_child_ctx *c)
{
	if (!(o->flags & NSSET_USER))
		return;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (o->map_root) {
		id_self(&c->self_uid, uid);
		id_self(&c->self_gid, gid);
		c->self_maps = true;
	} else if (o->n_uid_map == 1 && o->n_gid_map == 1 && o->uid_map[0].count == 1 &&
		   o->gid_map[0].count == 1 && o->uid_map[0].outer == uid &&
		   o->gid_map[0].outer == gid) {
		c->self_uid = o->uid_map[0];
		c->self_gid = o->gid_map[0];
		c->self_maps = true;
	} else {
		c->wait_go = o->n_uid_map || o->n_gid_map;
	}
}

/* Create the child; on success *sock is the parent's end of the channel (child->pid set).
 * With events (not NULL), *events is where an init reports that the command stopped, or -1. */
static int start(const struct nsset_spawn *opts, struct nsset_child *out, int *sock,
		 int *events, struct shared **shp, struct nsset_error *err)
{
	struct nsset_child_ctx c = { .opts = opts, .events = -1 };
	int sv[2], ev[2] = { -1, -1 }, pidfd = -1, r;

	out->pid = 0;
	out->pidfd = -1;
	out->exec_failed = false;
	out->took_tty = false;
	out->tty_fd = -1;
	if ((r = check_opts(opts, err)) < 0)
		return r;
	c.tty = opts->no_tty_foreground || !opts->argv ? -1 : foreground_tty();
	c.pid_ns = (opts->flags & NSSET_PID) != 0;
	plan_maps(opts, &c);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return nsset_fail_errno(err, errno, "cannot create a socket pair");
	if (events && c.tty >= 0 && (opts->init || opts->hold) &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ev) < 0) {
		r = nsset_fail_errno(err, errno, "cannot create a socket pair");
		close(sv[0]);
		close(sv[1]);
		return r;
	}

	fflush(NULL); /* nothing buffered gets written twice */
	struct shared *sh = shp && can_share(opts, events != NULL) ? shared_alloc() : NULL;
	pid_t pid = -1;
	if (sh && (pid = clone_shared(sh, &c, sv[1], ev, sv[0], &pidfd)) < 0 &&
	    (errno == EINVAL || errno == ENOSYS)) {
		shared_free(sh); /* no CLONE_PIDFD with clone (before Linux 5.2): a copy then */
		sh = NULL;
	}
	if (!sh)
		pid = do_clone((uint64_t)nsset_flags_to_clone(opts->flags), &pidfd);
	if (pid < 0) {
		r = nsset_fail_errno(err, errno, "cannot create the namespaces");
		shared_free(sh);
		close(sv[0]);
		close(sv[1]);
		if (ev[0] >= 0) {
			close(ev[0]);
			close(ev[1]);
		}
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		c.sock = sv[1];
		if (ev[0] >= 0) {
			close(ev[0]);
			c.events = ev[1];
		}
		child(&c);
	}
	close(sv[1]);
	if (ev[1] >= 0)
		close(ev[1]);
	if (events)
		*events = ev[0];
	out->pid = pid;
	out->pidfd = pidfd;
	out->took_tty = c.tty >= 0;
	out->tty_fd = c.tty;

	if (c.wait_go) {
		if ((r = nsset_idmaps_write(pid, opts->uid_map, opts->n_uid_map, opts->gid_map,
					    opts->n_gid_map, err)) < 0)
			goto kill;
		char go = 1;
		if (send(sv[0], &go, 1, MSG_NOSIGNAL) != 1) {
			r = nsset_fail_errno(err, errno, "the child is gone");
			goto kill;
		}
	}
	*sock = sv[0];
	if (shp)
		*shp = sh;
	return 0;
kill:
	close(sv[0]);
	if (ev[0] >= 0)
		close(ev[0]);
	fail_child(out);
	shared_free(sh);
	return r;
}

/* Read the child's report: 0 on EOF (it went on), -EAGAIN when nothing is there yet (only
 * with MSG_DONTWAIT), or the child's error. */
static int read_report(int sock, int flags, struct nsset_child *out, struct nsset_error *err)
{
	struct nsset_report rep;
	ssize_t n;
	while ((n = recv(sock, &rep, sizeof(rep), flags)) < 0 && errno == EINTR)
		;
	if (n < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (n < 0)
		return nsset_fail_errno(err, errno, "cannot read from the child");
	if (n == 0)
		return 0;
	if ((size_t)n <= offsetof(struct nsset_report, msg))
		return nsset_fail(err, EIO, "garbled report from the child");
	rep.msg[sizeof(rep.msg) - 1] = '\0';
	out->exec_failed = rep.exec;
	return nsset_fail(err, rep.code ? rep.code : EIO, "%s", rep.msg);
}

int nsset_spawn(const struct nsset_spawn *opts, struct nsset_child *out, struct nsset_error *err)
{
	int sock, r;
	if ((r = start(opts, out, &sock, NULL, NULL, err)) < 0)
		return r;
	r = read_report(sock, 0, out, err);
	close(sock);
	if (r < 0)
		fail_child(out);
	return r;
}

int nsset_child_kill(const struct nsset_child *child, int sig, struct nsset_error *err)
{
	long r;
	if (child->pidfd >= 0)
		r = syscall(SYS_pidfd_send_signal, child->pidfd, sig, NULL, 0);
	else if (child->pid > 0)
		r = kill(child->pid, sig);
	else
		return nsset_fail(err, ESRCH, "no child");
	if (r < 0)
		return nsset_fail_errno(err, errno, "cannot signal process %d", (int)child->pid);
	return 0;
}

void nsset_child_release(struct nsset_child *child)
{
	if (child->pidfd >= 0)
		close(child->pidfd);
	child->pidfd = -1;
	child->pid = 0;
}

int nsset_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* The command, which has the terminal, stopped (^Z): take the terminal back and stop as a job
 * does, so that the caller's shell regains control; once continued, continue the command,
 * giving it the terminal again if we are in the foreground (fg), not if not (bg). */
static void job_stopped(const struct nsset_child *child)
{
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	pid_t job = tcgetpgrp(child->tty_fd);
	if (job > 0 && job != getpgrp()) {
		tcsetpgrp(child->tty_fd, getpgrp());
		raise(SIGTSTP); /* stops here until SIGCONT (discarded in an orphaned group) */
		if (tcgetpgrp(child->tty_fd) == getpgrp())
			tcsetpgrp(child->tty_fd, job);
		kill(-job, SIGCONT);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Wait for the child to exit, forwarding signals; with sock >= 0, also watch the child's
 * channel and fail (killing the child) on a report; with events >= 0, the init's reports of a
 * stopped command.  Returns the shell status. */
static int wait_loop(struct nsset_child *child, int sock, int events, struct nsset_error *err)
{
	sigset_t set, old;
	int status = 0, r;

	if (child->pid <= 0)
		return nsset_fail(err, ECHILD, "no child to wait for");
	nsset_forward_signals(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		r = nsset_fail_errno(err, errno, "cannot create a signalfd");
		goto out;
	}
	for (;;) {
		pid_t p = waitpid(child->pid, &status, WNOHANG | (child->took_tty ? WUNTRACED : 0));
		if (p == child->pid && WIFSTOPPED(status)) {
			job_stopped(child);
			continue;
		}
		if (p == child->pid)
			break;
		if (p < 0 && errno != EINTR) {
			r = nsset_fail_errno(err, errno, "cannot wait for process %d", (int)child->pid);
			goto out;
		}
		struct pollfd fds[3] = { { .fd = sfd, .events = POLLIN }, { .fd = sock, .events = POLLIN },
					 { .fd = events, .events = POLLIN } };
		if (poll(fds, 3, -1) < 0)
			continue;
		if (events >= 0 && (fds[2].revents & (POLLIN | POLLHUP))) {
			char e;
			if (recv(events, &e, 1, MSG_DONTWAIT) == 1 && e == 'S')
				job_stopped(child);
			else if (!(fds[2].revents & POLLIN))
				events = -1; /* the init is gone */
		}
		if (sock >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
			r = read_report(sock, MSG_DONTWAIT, child, err);
			if (r < 0 && r != -EAGAIN) {
				fail_child(child);
				goto out;
			}
			if (r == 0)
				sock = -1; /* EOF: the child went on */
		}
		struct signalfd_siginfo si;
		if (!(fds[0].revents & POLLIN) || read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			continue;
		if ((int)si.ssi_signo != SIGCHLD)
			nsset_child_kill(child, (int)si.ssi_signo, NULL);
	}
	r = nsset_status_code(status);
	/* Take the terminal back if the command had it. */
	if (child->took_tty) {
		sigset_t ttou;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, NULL);
		pid_t fg = tcgetpgrp(child->tty_fd);
		if (fg > 0 && fg != getpgrp() && kill(-fg, 0) < 0 && errno == ESRCH)
			tcsetpgrp(child->tty_fd, getpgrp());
	}
	nsset_child_release(child);
out:
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int nsset_child_wait(struct nsset_child *child, struct nsset_error *err)
{
	return wait_loop(child, -1, -1, err);
}

int nsset_spawn_wait(const struct nsset_spawn *opts, struct nsset_child *child,
		     struct nsset_error *err)
{
	struct shared *sh = NULL;
	int sock, events, r;
	if ((r = start(opts, child, &sock, &events, &sh, err)) < 0)
		return r;
	/* Not waiting for the exec saves a round trip: a failure before it is in the channel
	 * when the child has exited.  A holder does not exit: watch its channel meanwhile. */
	r = wait_loop(child, opts->hold ? sock : -1, events, err);
	if (events >= 0)
		close(events);
	if (r >= 0) {
		int rep = read_report(sock, MSG_DONTWAIT, child, err);
		if (rep < 0 && rep != -EAGAIN)
			r = rep;
	}
	close(sock);
	if (sh) {
		if (child->pid > 0)
			fail_child(child); /* the wait failed: the init must be gone before its stack */
		shared_free(sh);
	}
	return r;
}
