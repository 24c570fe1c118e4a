/* nsset's init, after tini: pid 1 of a new pid namespace (or a child subreaper without one).
 *
 * It starts the command as its child, reaps every zombie (orphans re-parented to it included),
 * forwards SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGWINCH to the command, and when the
 * command exits, exits with the command's status (128+N when it was killed by signal N), which
 * makes the kernel kill everything else in the namespace (the seeds' zap_pid_ns_processes).  A holder init (hold) stays after the command,
 * idle and reaping, until SIGTERM.  When the command has the terminal and stops (^Z), the init
 * tells the caller (nsset_spawn_wait), which stops in turn, as a shell expects of a job.
 */
#include "internal.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The command is gone: exit with its status.  As pid 1, exiting is what kills every other
 * process of the namespace: the kernel's zap_pid_ns_processes() sends them SIGKILL and waits
 * for them all before this init can be reaped, so when the caller sees the status nothing is
 * left inside. */
__attribute__((noreturn)) static void finish(const struct nsset_child_ctx *c, int code)
{
	(void)c;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	_exit(code);
}

void nsset__init(const struct nsset_child_ctx *c)
{
	const struct nsset_spawn *o = c->opts;
	struct nsset_error err = { 0 };
	sigset_t set;
	pid_t cmd = 0;
	bool hold = o->hold;

	nsset_forward_signals(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	prctl(PR_SET_NAME, "nsset-init");
	if (!c->pid_ns)
		prctl(PR_SET_CHILD_SUBREAPER, 1);

	/* In the caller's memory, nothing in the namespaces may reach it (spawn.c). */
	if (c->shared)
		prctl(PR_SET_DUMPABLE, 0);
	if (o->argv || o->child_main) {
		/* vfork when the child only execs: no copy of the init's memory to make and drop. */
		cmd = o->argv ? vfork() : fork();
		if (cmd < 0) {
			nsset_fail_errno(&err, errno, "cannot start the command");
			nsset__child_fail(c, &err, false, 125);
		}
		if (cmd == 0)
			nsset__child_exec(c); /* reports an exec failure on the channel itself */
	}
	/* The parent sees EOF once the command has exec'd and this copy is closed. */
	close(c->sock);
	/* Nothing of the caller's stays open in a long-lived init (a holder above all): a pipe or
	 * lock it inherited would otherwise be held as long as it lives. */
	if (c->events > 3)
		syscall(SYS_close_range, 3u, (unsigned)c->events - 1, 0u);
	syscall(SYS_close_range, c->events >= 3 ? (unsigned)c->events + 1 : 3u, ~0u, 0u);

	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			if (cmd > 0)
				kill(cmd, si.si_signo);
			else if (si.si_signo == SIGTERM)
				finish(c, 0);
			continue;
		}
		pid_t p;
		int st;
		while ((p = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
			if (WIFSTOPPED(st)) {
				/* ^Z: the caller stops in turn and continues the command later. */
				if (p == cmd && c->events >= 0)
					send(c->events, "S", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
				continue;
			}
			if (p == cmd) {
				cmd = 0;
				if (!hold)
					finish(c, nsset_status_code(st));
			}
		}
	}
}
