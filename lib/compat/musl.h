/* What musl (1.2.3, Debian 12) lacks of the glibc 2.36 interfaces nsset uses: the new mount API,
 * statx, renameat2, close_range, the pidfd calls (sys/pidfd.h beside this file) and
 * sigabbrev_np.  Force-included (-include) in every file of a build against musl, which
 * meson detects (no __GLIBC__); a glibc build never sees it.  The constants and structures
 * come from the kernel's headers, the calls are their system calls. */
#ifndef NSSET_COMPAT_MUSL_H
#define NSSET_COMPAT_MUSL_H

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/stat.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

/* musl's open() follows an O_CLOEXEC with an fcntl(F_SETFD) for kernels before 2.6.23; its
 * openat() does not. */
#define open(...) openat(AT_FDCWD, __VA_ARGS__)

static inline int fsopen(const char *fsname, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fsname, flags);
}

static inline int fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int move_mount(int from_dirfd, const char *from_path, int to_dirfd,
			     const char *to_path, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

static inline int open_tree(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

static inline int mount_setattr(int dirfd, const char *path, unsigned int flags,
				struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, attr, size);
}

static inline int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
	return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
}

static inline int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
			    unsigned int flags)
{
	return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

static inline int close_range(unsigned int first, unsigned int last, int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* The abbreviation of a signal number without "SIG" (glibc's sigabbrev_np), NULL if none. */
static inline const char *sigabbrev_np(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT",   [SIGILL] = "ILL",
		[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",     [SIGFPE] = "FPE",
		[SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV",   [SIGUSR2] = "USR2",
		[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",   [SIGSTKFLT] = "STKFLT",
		[SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP",   [SIGTSTP] = "TSTP",
		[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",     [SIGXCPU] = "XCPU",
		[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",   [SIGWINCH] = "WINCH",
		[SIGIO] = "IO",     [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
	};
	return sig > 0 && (size_t)sig < sizeof(names) / sizeof(names[0]) ? names[sig] : NULL;
}

#endif
