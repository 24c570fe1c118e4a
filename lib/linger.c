/* After `release`, a set's pid namespace may still hold processes besides nsset's holder init,
 * and stopping an init kills everything in its namespace.  So the holder stays, and a small
 * watcher (nobody's child, no terminal, no descriptor of the caller's) waits until the holder is
 * alone in its namespace, then stops it and exits. */
#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WATCH_MAX 64

/* pidfds of (up to WATCH_MAX) processes of pid namespace ino other than holder. */
static size_t others(uint64_t ino, pid_t holder, struct pollfd *fds)
{
	DIR *d = opendir("/proc");
	size_t n = 0;
	struct dirent *e;
	if (!d)
		return 0;
	while (n < WATCH_MAX && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
		if (pid == holder || reg_proc_ns_ino(pid, "pid") != ino)
			continue;
		int fd = pidfd_open(pid, 0);
		if (fd >= 0)
			fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	closedir(d);
	return n;
}

__attribute__((noreturn)) static void watch(pid_t holder, uint64_t ino, const uint64_t ids[])
{
	struct pollfd fds[WATCH_MAX + 1];
	int hfd = pidfd_open(holder, 0);
	if (hfd < 0)
		_exit(0);
	for (;;) {
		size_t n = others(ino, holder, fds);
		if (n == 0) {
			if (reg_pidfd_has(hfd, holder, NSSET_PID, ids))
				pidfd_send_signal(hfd, SIGKILL, NULL, 0);
			_exit(0);
		}
		fds[n] = (struct pollfd){ .fd = hfd, .events = POLLIN };
		/* Wake when one of them exits, or now and then for newcomers. */
		int r = poll(fds, n + 1, 1000);
		bool holder_gone = r > 0 && fds[n].revents;
		for (size_t i = 0; i < n; i++)
			close(fds[i].fd);
		if (holder_gone)
			_exit(0);
	}
}

void reg_holder_linger(pid_t holder, uint64_t pidns_ino, const uint64_t ids[])
{
	pid_t mid = fork();
	if (mid < 0)
		return;
	if (mid > 0) {
		while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
			;
		return;
	}
	/* A grandchild: not the caller's to reap. */
	if (fork() != 0)
		_exit(0);
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	close_range(3, ~0U, 0);
	if (chdir("/") < 0)
		_exit(1);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	prctl(PR_SET_NAME, "nsset-linger", 0, 0, 0);
	watch(holder, pidns_ino, ids);
}
