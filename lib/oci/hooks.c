/* Hooks: run one program with the container state on its stdin, within its timeout. */
#include "internal.h"
#include "oci/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const kind_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_kind_name(enum oci_hook_kind kind)
{
	return (unsigned)kind < OCI_HOOK_KINDS ? kind_names[kind] : "?";
}

const struct oci_hook *oci_hooks_of(const struct oci_hooks *h, enum oci_hook_kind kind, size_t *n)
{
	switch (kind) {
	case OCI_HOOK_PRESTART: *n = h->n_prestart; return h->prestart;
	case OCI_HOOK_CREATE_RUNTIME: *n = h->n_create_runtime; return h->create_runtime;
	case OCI_HOOK_CREATE_CONTAINER: *n = h->n_create_container; return h->create_container;
	case OCI_HOOK_START_CONTAINER: *n = h->n_start_container; return h->start_container;
	case OCI_HOOK_POSTSTART: *n = h->n_poststart; return h->poststart;
	case OCI_HOOK_POSTSTOP: *n = h->n_poststop; return h->poststop;
	default: *n = 0; return NULL;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The state goes into a pipe before the hook starts: no writer blocked on a hook that does
 * not read, and no SIGPIPE for the runtime if it exits early. */
static int state_pipe(const char *state, int *rfd, const char *what, const char *path,
		      struct nsset_error *err)
{
	int p[2];
	size_t len = state ? strlen(state) : 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return nsset_fail_errno(err, errno, "%s hook %s: pipe", what, path);
	if (len > 65536 && fcntl(p[1], F_SETPIPE_SZ, (int)len) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return nsset_fail_errno(err, e, "%s hook %s: the state (%zu bytes) does not fit in a pipe",
					what, path, len);
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(p[1], state + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(p[0]);
			close(p[1]);
			return nsset_fail_errno(err, e, "%s hook %s: cannot write the state", what, path);
		}
		off += (size_t)w;
	}
	close(p[1]);
	*rfd = p[0];
	return 0;
}

int oci_hook_run(enum oci_hook_kind kind, const struct oci_hook *hook, const char *state_json,
		 struct nsset_error *err)
{
	const char *what = oci_hook_kind_name(kind);
	const char *path = hook->path ? hook->path : "(null)";
	struct stat st;
	int in = -1, errp[2], r;

	if (!hook->path || hook->path[0] != '/')
		return nsset_fail(err, EINVAL, "%s hook %s: the path must be absolute", what, path);
	if (stat(path, &st) != 0)
		return nsset_fail_errno(err, errno, "%s hook %s", what, path);
	if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0)
		return nsset_fail(err, EACCES, "%s hook %s: not an executable file", what, path);
	if (hook->timeout < 0)
		return nsset_fail(err, EINVAL, "%s hook %s: timeout %d must be positive", what, path,
				  hook->timeout);
	if ((r = state_pipe(state_json, &in, what, path, err)) < 0)
		return r;
	if (pipe2(errp, O_CLOEXEC) != 0) {
		r = nsset_fail_errno(err, errno, "%s hook %s: pipe", what, path);
		close(in);
		return r;
	}

	char *const default_args[] = { (char *)path, NULL };
	char *const empty_env[] = { NULL };
	char *const *args = hook->args && hook->args[0] ? hook->args : default_args;
	char *const *env = hook->env ? hook->env : empty_env;

	pid_t pid = fork();
	if (pid < 0) {
		r = nsset_fail_errno(err, errno, "%s hook %s: fork", what, path);
		close(in);
		close(errp[0]);
		close(errp[1]);
		return r;
	}
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		setpgid(0, 0);
		if (in == 0 ? fcntl(0, F_SETFD, 0) < 0 : dup2(in, 0) < 0)
			goto child_fail;
		execve(path, args, env);
child_fail:;
		int e = errno;
		(void)!write(errp[1], &e, sizeof(e));
		_exit(127);
	}
	setpgid(pid, pid); /* both sides: no race with the kill below */
	close(in);
	close(errp[1]);

	int e = 0;
	ssize_t got = read(errp[0], &e, sizeof(e)); /* EOF at exec */
	close(errp[0]);
	if (got == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		return nsset_fail_errno(err, e, "%s hook %s: cannot execute it", what, path);
	}

	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int64_t deadline = hook->timeout > 0 ? now_ms() + (int64_t)hook->timeout * 1000 : -1;
	bool timed_out = false;
	for (;;) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			if (pidfd >= 0)
				close(pidfd);
			if (timed_out)
				return nsset_fail(err, ETIMEDOUT, "%s hook %s: timed out after %d s (killed)",
						  what, path, hook->timeout);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return 0;
			if (WIFEXITED(status))
				return nsset_fail(err, EIO, "%s hook %s: exited with status %d", what, path,
						  WEXITSTATUS(status));
			return nsset_fail(err, EIO, "%s hook %s: killed by signal %d (%s)", what, path,
					  WTERMSIG(status), strsignal(WTERMSIG(status)));
		}
		if (w < 0 && errno != EINTR) {
			r = nsset_fail_errno(err, errno, "%s hook %s: waitpid", what, path);
			if (pidfd >= 0)
				close(pidfd);
			return r;
		}
		int wait_ms = -1;
		if (deadline >= 0 && !timed_out) {
			int64_t left = deadline - now_ms();
			if (left <= 0) {
				timed_out = true;
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				continue;
			}
			wait_ms = left > 1000 ? 1000 : (int)left;
		}
		if (pidfd >= 0) {
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
			poll(&pfd, 1, wait_ms);
		} else {
			usleep(10000);
		}
	}
}

int oci_hooks_run(const struct oci_hooks *hooks, enum oci_hook_kind kind, const char *state_json,
		  struct nsset_error *err)
{
	size_t n;
	const struct oci_hook *h = oci_hooks_of(hooks, kind, &n);
	for (size_t i = 0; i < n; i++) {
		int r = oci_hook_run(kind, &h[i], state_json, err);
		if (r < 0)
			return r;
	}
	return 0;
}
