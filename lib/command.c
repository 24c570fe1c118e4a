/* Running the command of `enter`: exec it, or (after joining a pid namespace, whose first
 * member must be a new process) spawn it, wait, forward signals and pass its status on. */
#include "internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* No descriptor but 0, 1, 2 and the preserved ones reaches the command. */
static int close_others(unsigned preserve_fds, struct nsset_error *err)
{
	unsigned first = 3 + preserve_fds;
	if (close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return nsset_fail_errno(err, errno, "cannot close descriptors");
	for (unsigned fd = 3; fd < first; fd++) {
		int flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0)
			fcntl((int)fd, F_SETFD, flags & ~FD_CLOEXEC);
	}
	return 0;
}

static int exec_err(struct nsset_error *err, int e, const char *cmd)
{
	if (e == ENOENT)
		return nsset_fail(err, ENOENT, "%s: command not found", cmd);
	return nsset_fail_errno(err, e, "cannot run %s", cmd);
}

int nsset_exec(char *const argv[], unsigned preserve_fds, bool fork_first,
	       struct nsset_error *err)
{
	if (!argv || !argv[0])
		return nsset_fail(err, EINVAL, "no command");
	int r = close_others(preserve_fds, err);
	if (r < 0)
		return r;
	if (!fork_first) {
		execvp(argv[0], argv);
		return exec_err(err, errno, argv[0]);
	}

	sigset_t fwd, old;
	nsset_forward_signals(&fwd);
	sigaddset(&fwd, SIGCHLD);
	sigprocmask(SIG_BLOCK, &fwd, &old);

	/* nsset installs no handler (it waits with sigwaitinfo): the command gets the caller's
	 * dispositions as exec gives them, and the caller's signal mask.  It dies with nsset
	 * (PR_SET_PDEATHSIG, kept across exec), so a SIGKILL of nsset leaves nothing in the set:
	 * while nsset lives it is outside the command's pid namespace and getppid() is 0; after
	 * its death the set's init is the parent. */
	volatile int exec_errno = 0;
	pid_t child = vfork();
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != 0)
			_exit(128 + SIGKILL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[0], argv);
		exec_errno = errno;
		_exit(127);
	}
	if (child < 0 || exec_errno) {
		int e = child < 0 ? errno : exec_errno;
		if (child > 0)
			while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
				;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return child < 0 ? nsset_fail_errno(err, e, "cannot fork") : exec_err(err, e, argv[0]);
	}

	int status = 0;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&fwd, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		pid_t w = waitpid(child, &status, WNOHANG);
		if (w == child)
			break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return nsset_status_code(status);
}
