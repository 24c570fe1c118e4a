/* Making a named set: bind the namespaces of a process into the registry (the seeds' bind_ns).
 *
 * The set is built in a locked temporary directory ~tmp.NAME.XXXXXX of the registry (one file
 * per kind, bind-mounted from /proc/PID/ns/KIND, and the metadata), then renamed into place
 * with RENAME_NOREPLACE: the name appears whole or not at all, and of concurrent binds of one
 * name exactly one wins.  A temporary left by a killed nsset is unlocked; the next command
 * takes it apart (registry.c).  An unprivileged caller cannot mount in the initial mount
 * namespace: its namespaces are held by a keeper process (descriptors kept open) and the
 * set's files are symlinks to /proc/KEEPER/fd/N. */
#include "registry.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The registry must not propagate its mounts into other mount namespaces (a namespace that
 * holds a mount of itself is never freed): when the mount it lives on is shared, bind it onto
 * itself and make that private, as iproute2 does for /run/netns. */
static bool mount_is_shared(const char *path, bool *is_root)
{
	struct statx stx;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return false;
	*is_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return false;
	char line[4096];
	bool shared = false;
	while (fgets(line, sizeof(line), f)) {
		if (strtoull(line, NULL, 10) != stx.stx_mnt_id)
			continue;
		char *sep = strstr(line, " - ");
		if (sep)
			*sep = '\0';
		shared = strstr(line, " shared:") != NULL;
		break;
	}
	fclose(f);
	return shared;
}

static int registry_private(const char *path, int regfd, struct nsset_error *err)
{
	bool is_root = false;
	if (!mount_is_shared(path, &is_root))
		return 0;
	int lock = openat(regfd, REG_MNTLOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		if (lock >= 0)
			close(lock);
		return nsset_fail_errno(err, errno, "cannot lock registry %s", path);
	}
	int r = 0;
	if (mount_is_shared(path, &is_root)) {
		if (!is_root && mount(path, path, NULL, MS_BIND, NULL) < 0)
			r = nsset_fail_errno(err, errno, "cannot bind registry %s onto itself", path);
		else if (mount(NULL, path, NULL, MS_PRIVATE, NULL) < 0)
			r = nsset_fail_errno(err, errno, "cannot make registry %s private", path);
	}
	close(lock);
	return r;
}

/* The keeper: holds the namespace descriptors open, nothing else.  It goes on only once the
 * parent writes 'c' (commit) to the pipe; if the parent dies first it exits. */
static pid_t keeper_start(const int fds[], size_t nfds, int *commit_fd, struct nsset_error *err)
{
	int p[2], q[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsset_fail_errno(err, errno, "cannot make a pipe");
	if (pipe2(q, O_CLOEXEC) < 0) {
		int saved = errno;
		close(p[0]);
		close(p[1]);
		return nsset_fail_errno(err, saved, "cannot make a pipe");
	}
	/* A grandchild, so that it is nobody's child: not the caller's (nor, after an exec, its
	 * command's, whose `wait` would wait for it). */
	pid_t mid = fork();
	if (mid < 0) {
		int saved = errno;
		close(p[0]);
		close(p[1]);
		close(q[0]);
		close(q[1]);
		return nsset_fail_errno(err, saved, "cannot start the keeper");
	}
	if (mid == 0) {
		pid_t pid = fork();
		if (pid != 0)
			_exit(pid > 0 ? 0 : 1);
		/* Drop every inherited descriptor (the registry lock among them) before telling the
		 * parent it runs: a kill of the parent after that leaves no lock held by us. */
		int maxfd = p[0] > q[1] ? p[0] : q[1];
		for (size_t i = 0; i < nfds; i++)
			if (fds[i] > maxfd)
				maxfd = fds[i];
		for (int fd = 3; fd <= maxfd; fd++) {
			bool keep = fd == p[0] || fd == q[1];
			for (size_t i = 0; i < nfds && !keep; i++)
				keep = fds[i] == fd;
			if (!keep)
				close(fd);
		}
		close_range((unsigned)maxfd + 1, ~0U, 0);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		setsid();
		if (chdir("/") < 0)
			_exit(1);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		prctl(PR_SET_NAME, "nsset-keeper", 0, 0, 0);
		pid = getpid();
		if (write(q[1], &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
			_exit(1);
		close(q[1]);
		char c = 0;
		if (read(p[0], &c, 1) != 1 || c != 'c')
			_exit(0);
		close(p[0]);
		for (;;)
			pause();
	}
	close(p[0]);
	close(q[1]);
	pid_t pid = 0;
	ssize_t got = read(q[0], &pid, sizeof(pid));
	close(q[0]);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof(pid) || pid <= 0) {
		close(p[1]);
		return nsset_fail(err, ECHILD, "cannot start the keeper");
	}
	*commit_fd = p[1];
	return pid;
}

/* /run/netns/NAME, bound to the network namespace, for `ip netns`.  The file is made under a
 * temporary name derived from the set's temporary entry (recorded in its meta before), then
 * hard-linked to NAME (atomic: EBUSY when taken), mounted on, and the temporary name removed.
 * A kill at any point leaves only files the clean-up can tell are ours (reg_dismantle). */
static int netns_link_make(const char *name, const char *entry, int netfd, char *out,
			   size_t size, struct nsset_error *err)
{
	char src[64], tmp[PATH_MAX];
	int r = 0;
	snprintf(out, size, REG_NETNS "/%s", name);
	reg_netns_tmp(entry, tmp, sizeof(tmp));
	if (mkdir(REG_NETNS, 0755) < 0 && errno != EEXIST)
		return nsset_fail_errno(err, errno, "cannot make " REG_NETNS);
	int fd = open(tmp, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot make %s", tmp);
	close(fd);
	if (link(tmp, out) < 0) {
		r = errno == EEXIST ? nsset_fail(err, EBUSY, "a network namespace named %s exists in "
						 REG_NETNS, name)
				    : nsset_fail_errno(err, errno, "cannot make %s", out);
		unlink(tmp);
		return r;
	}
	reg_test_point("netns-file");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", netfd);
	if (mount(src, out, NULL, MS_BIND, NULL) < 0) {
		r = nsset_fail_errno(err, errno, "cannot bind the network namespace at %s", out);
		unlink(out);
	}
	unlink(tmp);
	return r;
}

/* Open /proc/PID/ns/KIND for every kind asked for (0: every kind the process has). */
static int open_ns(pid_t pid, int pidfd, nsset_flags_t want, bool all, bool mounts,
		   int fds[], struct reg_meta *m, struct nsset_error *err)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	uint64_t own_mnt = reg_proc_ns_ino(getpid(), "mnt");
	for (size_t i = 0; i < nk; i++) {
		if (!(want & ks[i].flag))
			continue;
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ks[i].name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && all && pidfd_send_signal(pidfd, 0, NULL, 0) == 0)
				continue; /* the kernel lacks this kind */
			if (errno == ENOENT)
				return nsset_fail(err, ESRCH, "no such process");
			if (errno == EACCES || errno == EPERM)
				return nsset_fail(err, EPERM,
						  "cannot reach the namespaces of pid %d: permission denied",
						  (int)pid);
			return nsset_fail_errno(err, errno, "cannot open %s", path);
		}
		struct stat st;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return nsset_fail_errno(err, errno, "cannot stat %s", path);
		}
		/* The kernel cannot keep a mount namespace by a mount inside itself. */
		if (mounts && ks[i].flag == NSSET_MNT && (uint64_t)st.st_ino == own_mnt) {
			close(fd);
			if (all)
				continue;
			return nsset_fail(err, EINVAL,
					  "pid %d is in nsset's own mount namespace, which cannot be "
					  "held by a mount inside itself", (int)pid);
		}
		fds[i] = fd;
		m->ids[i] = (uint64_t)st.st_ino;
		m->kinds |= ks[i].flag;
	}
	/* The process is still the one we meant: what we opened was its. */
	if (pidfd_send_signal(pidfd, 0, NULL, 0) < 0)
		return nsset_fail(err, ESRCH, "no such process");
	if (!m->kinds)
		return nsset_fail(err, EINVAL, "no namespace to bind");
	return 0;
}

int nsset_bind(const char *name, pid_t pid, const struct nsset_bind_opts *opts,
	       struct nsset_error *err)
{
	return reg_bind(name, pid, opts, NULL, NULL, err);
}

int reg_bind(const char *name, pid_t pid, const struct nsset_bind_opts *opts,
	     int (*before_commit)(void *arg, struct nsset_error *err), void *arg,
	     struct nsset_error *err)
{
	static const struct nsset_bind_opts defaults;
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	char regpath[PATH_MAX], entry[NAME_MAX], path[PATH_MAX + 64];
	int fds[NSSET_KINDS_MAX];
	int pidfd = -1, regfd = -1, tmpfd = -1, commit_fd = -1, lockfd = -1;
	bool made_tmp = false;
	struct reg_meta m;
	int r;

	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		fds[i] = -1;
	memset(&m, 0, sizeof(m));
	if (!opts)
		opts = &defaults;
	if ((r = nsset_name_check(name, err)) < 0)
		return r;
	nsset_flags_t want = opts->kinds ? opts->kinds : nsset_flags_built();
	if ((r = nsset_flags_check(want, err)) < 0)
		return r;
	if (opts->netns_link && !(want & NSSET_NET))
		return nsset_fail(err, EINVAL, "a netns link needs the network namespace");
	if (pid <= 0)
		return nsset_fail(err, ESRCH, "no such process");
	bool mounts = geteuid() == 0;

	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return nsset_fail(err, errno == ESRCH ? ESRCH : errno, "no such process");
	if ((r = open_ns(pid, pidfd, want, opts->kinds == 0, mounts, fds, &m, err)) < 0)
		goto out;
	if (opts->netns_link && !(m.kinds & NSSET_NET)) {
		r = nsset_fail(err, EINVAL, "a netns link needs the network namespace");
		goto out;
	}
	if (m.kinds & NSSET_PID) {
		m.holder = opts->holder ? opts->holder : reg_pidns_init(pid);
		m.holder_owned = opts->holder && opts->holder_owned;
		if (m.holder <= 0) {
			r = nsset_fail(err, ESRCH, "the init of pid %d's pid namespace is gone", (int)pid);
			goto out;
		}
	}
	m.origin = pid;
	m.owner = geteuid();
	m.created = (int64_t)time(NULL);

	if ((r = reg_path(opts->registry, regpath, sizeof(regpath), err)) < 0)
		goto out;
	if ((regfd = reg_open(regpath, true, err)) < 0) {
		r = regfd;
		goto out;
	}
	reg_cleanup_stale(regpath, regfd);
	if ((lockfd = reg_lock(regfd, LOCK_SH)) < 0) {
		r = nsset_fail_errno(err, -lockfd, "cannot lock registry %s", regpath);
		goto out;
	}
	if (faccessat(regfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		r = nsset_fail(err, EBUSY, "a set named %s exists", name);
		goto out;
	}
	if (mounts && (r = registry_private(regpath, regfd, err)) < 0)
		goto out;

	if ((tmpfd = reg_mktemp(regfd, REG_TMP, name, entry, sizeof(entry), err)) < 0) {
		r = tmpfd;
		goto out;
	}
	made_tmp = true;
	reg_test_point("tmpdir");

	if (!mounts) {
		m.keeper = keeper_start(fds, nk, &commit_fd, err);
		if (m.keeper < 0) {
			r = m.keeper;
			m.keeper = 0;
			goto out;
		}
	}
	for (size_t i = 0; i < nk; i++) {
		m.keeper_fds[i] = m.keeper ? fds[i] : -1;
		if (fds[i] < 0)
			continue;
		if (m.keeper) {
			char target[64];
			snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)m.keeper, fds[i]);
			if (symlinkat(target, tmpfd, ks[i].name) < 0) {
				r = nsset_fail_errno(err, errno, "cannot make %s/%s", entry, ks[i].name);
				goto out;
			}
		} else {
			char src[64];
			int f = openat(tmpfd, ks[i].name, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
			if (f < 0) {
				r = nsset_fail_errno(err, errno, "cannot make %s/%s", entry, ks[i].name);
				goto out;
			}
			close(f);
			snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
			if (snprintf(path, sizeof(path), "%s/%s/%s", regpath, entry, ks[i].name) >=
			    (int)sizeof(path)) {
				r = nsset_fail(err, ENAMETOOLONG, "registry path too long");
				goto out;
			}
			if (mount(src, path, NULL, MS_BIND, NULL) < 0) {
				r = nsset_fail_errno(err, errno, "cannot hold the %s namespace",
						     ks[i].long_name);
				goto out;
			}
		}
		char step[32];
		snprintf(step, sizeof(step), "hold-%s", ks[i].name);
		reg_test_point(step);
	}
	if (opts->netns_link)
		snprintf(m.netns_link, sizeof(m.netns_link), REG_NETNS "/%s", name);
	if ((r = reg_meta_write(tmpfd, &m, err)) < 0)
		goto out;
	reg_test_point("meta");
	if (opts->netns_link) {
		const struct nsset_kind *net = nsset_kind_by_flag(NSSET_NET);
		if ((r = netns_link_make(name, entry, fds[reg_kind_index(net)], path,
					   sizeof(path), err)) < 0) {
			m.netns_link[0] = '\0';
			reg_meta_write(tmpfd, &m, NULL);
			goto out;
		}
		reg_test_point("netns-link");
	}
	if (commit_fd >= 0) {
		if (write(commit_fd, "c", 1) != 1) {
			r = nsset_fail_errno(err, errno, "cannot start the keeper");
			goto out;
		}
		reg_test_point("keeper");
	}
	if (before_commit && (r = before_commit(arg, err)) < 0)
		goto out;
	reg_test_point("committing");
	if (renameat2(regfd, entry, regfd, name, RENAME_NOREPLACE) < 0) {
		r = errno == EEXIST ? nsset_fail(err, EBUSY, "a set named %s exists", name)
				    : nsset_fail_errno(err, errno, "cannot add the set to the registry");
		goto out;
	}
	made_tmp = false;
	reg_test_point("renamed");
	r = 0;
out:
	if (commit_fd >= 0)
		close(commit_fd);
	if (made_tmp) {
		/* A failed bind leaves nothing: take the temporary apart (the lock is ours). */
		reg_dismantle(regpath, regfd, entry, NULL);
	}
	if (tmpfd >= 0)
		close(tmpfd);
	if (lockfd >= 0)
		close(lockfd);
	if (regfd >= 0)
		close(regfd);
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (pidfd >= 0)
		close(pidfd);
	return r;
}
