/* Entering a set: join all or some namespaces of a named set or of a process, all or nothing.
 *
 * Every namespace is opened and checked first.  Where a living process is in every namespace
 * to join (the set's holder, the bound process, or the pid given), setns(pidfd, flags) joins
 * them at once: the kernel commits all or none.  Otherwise the namespace files are joined one
 * by one: as root the user namespace last (joining it drops privilege over the others), as an
 * unprivileged owner first (it grants the privilege to join the others); as a joined namespace
 * cannot always be left again, the sequence is first tried in a throwaway child.  After a mount namespace, root and cwd are the
 * set's (its process's root and cwd where it has one), never the caller's. */
#include "registry.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct target {
	nsset_flags_t join;               /* what to join (shared kinds removed) */
	int fds[NSSET_KINDS_MAX];         /* namespace files */
	uint64_t ids[NSSET_KINDS_MAX];
	pid_t member;                     /* a living process in every namespace to join */
	int pidfd;                        /* its pidfd */
	int rootfd, cwdfd;                /* its root and cwd (when joining its mount namespace) */
	bool shared_skipped;              /* skip_shared() done: join has only what differs */
};

static void target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		t->fds[i] = -1;
	t->pidfd = t->rootfd = t->cwdfd = -1;
}

static void target_put(struct target *t)
{
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		if (t->fds[i] >= 0)
			close(t->fds[i]);
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->rootfd >= 0)
		close(t->rootfd);
	if (t->cwdfd >= 0)
		close(t->cwdfd);
}

/* Drop the kinds the caller already shares with the target (joining one's own user
 * namespace is an error; the others would be no-ops). */
static void skip_shared(struct target *t)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	if (t->shared_skipped)
		return; /* once is enough: the caller's namespaces do not change meanwhile */
	t->shared_skipped = true;
	for (size_t i = 0; i < nk; i++) {
		if (!(t->join & ks[i].flag))
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/ns/%s%s", ks[i].name,
			 ks[i].flag == NSSET_PID ? "_for_children" : "");
		if (stat(path, &st) == 0 && (uint64_t)st.st_ino == t->ids[i])
			t->join &= ~ks[i].flag;
	}
}

static int setns_err(struct nsset_error *err, int e, const char *what)
{
	if (e == EPERM || e == EACCES)
		return nsset_fail(err, EPERM, "not allowed to join the %s namespace", what);
	return nsset_fail_errno(err, e, "cannot join the %s namespace", what);
}

/* Join the namespace files in order; on failure undo what can be undone. */
static int join_fds(const struct target *t, bool user_first, struct nsset_error *err)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	const struct nsset_kind *order[NSSET_KINDS_MAX];
	int saved[NSSET_KINDS_MAX];
	size_t n = 0, done = 0;
	int r = 0;

	const struct nsset_kind *user = nsset_kind_by_flag(NSSET_USER);
	if (user_first && (t->join & NSSET_USER))
		order[n++] = user;
	for (size_t i = 0; i < nk; i++)
		if ((t->join & ks[i].flag) && ks[i].flag != NSSET_USER)
			order[n++] = &ks[i];
	if (!user_first && (t->join & NSSET_USER))
		order[n++] = user;

	for (size_t i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/ns/%s%s", order[i]->name,
			 order[i]->flag == NSSET_PID ? "_for_children" : "");
		saved[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int oldcwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (; done < n; done++) {
		size_t i = reg_kind_index(order[done]);
		if (setns(t->fds[i], order[done]->clone_flag) < 0) {
			r = setns_err(err, errno, order[done]->long_name);
			break;
		}
	}
	if (r < 0) {
		while (done-- > 0)
			if (saved[done] >= 0)
				setns(saved[done], order[done]->clone_flag);
		if (oldroot >= 0 && fchdir(oldroot) == 0 && chroot(".") == 0 && oldcwd >= 0)
			(void)!fchdir(oldcwd);
	}
	for (size_t i = 0; i < n; i++)
		if (saved[i] >= 0)
			close(saved[i]);
	if (oldroot >= 0)
		close(oldroot);
	if (oldcwd >= 0)
		close(oldcwd);
	return r;
}

/* Try the whole sequence in a child, so that a failure leaves the caller untouched. */
static int join_probe(const struct target *t, bool user_first, struct nsset_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsset_fail_errno(err, errno, "cannot make a pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return nsset_fail_errno(err, errno, "cannot fork");
	}
	if (pid == 0) {
		struct nsset_error e = { 0, "" };
		close(p[0]);
		int r = join_fds(t, user_first, &e);
		if (r < 0 && write(p[1], &e, sizeof(e)) < 0)
			_exit(2);
		_exit(r < 0 ? 1 : 0);
	}
	close(p[1]);
	struct nsset_error e = { 0, "" };
	ssize_t got = read(p[0], &e, sizeof(e));
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got == (ssize_t)sizeof(e) && e.code < 0) {
		if (err)
			*err = e;
		return e.code;
	}
	return nsset_fail(err, EPERM, "cannot join the namespaces");
}

/* In a newly joined user namespace, become its root where it has one (as nsenter does). */
static void become_root(void)
{
	(void)!setgroups(0, NULL);
	(void)!setresgid(0, 0, 0);
	(void)!setresuid(0, 0, 0);
}

static int join(struct target *t, nsset_flags_t *joined, struct nsset_error *err)
{
	int r;
	skip_shared(t);
	if (joined)
		*joined = t->join;
	if (!t->join)
		return 0;

	if ((t->join & NSSET_MNT) && t->member > 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/root", (int)t->member);
		t->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)t->member);
		t->cwdfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (t->rootfd < 0)
			return nsset_fail_errno(err, errno == EACCES ? EPERM : errno,
						"cannot open the root of pid %d", (int)t->member);
	}
	reg_test_point("enter-checked");

	bool have_fds = false;
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		have_fds |= t->fds[i] >= 0;
	if (t->member > 0) {
		if (setns(t->pidfd, nsset_flags_to_clone(t->join)) < 0) {
			int e = errno;
			if (e == ESRCH && have_fds) {
				/* It exited meanwhile (or was a zombie, which keeps its user namespace):
				 * join the set's files instead. */
				t->member = 0;
				return join(t, joined, err);
			}
			if (e == EPERM || e == EACCES)
				return nsset_fail(err, EPERM, "not allowed to join the namespaces of pid %d",
						  (int)t->member);
			return nsset_fail_errno(err, e, "cannot join the namespaces of pid %d",
						(int)t->member);
		}
	} else {
		/* A joined namespace cannot always be left again (a user namespace; or one owned by
		 * the caller's user namespace's ancestors, once in a child user namespace): try the
		 * whole sequence in a throwaway child first, then do it for real. */
		bool user_first = geteuid() != 0;
		if ((t->join & (t->join - 1)) && (r = join_probe(t, user_first, err)) < 0)
			return r;
		if ((r = join_fds(t, user_first, err)) < 0)
			return r;
	}

	if (t->join & NSSET_USER)
		become_root();
	if (t->join & NSSET_MNT) {
		/* Root and cwd: the set's own (setns already put both at its mount root). */
		if (t->rootfd >= 0 && fchdir(t->rootfd) == 0 && chroot(".") == 0) {
			if (t->cwdfd < 0 || fchdir(t->cwdfd) < 0)
				(void)!chdir("/");
		} else if (chdir("/") < 0) {
			return nsset_fail_errno(err, errno, "cannot change to the set's root");
		}
	}
	return 0;
}

static int open_set_ns(int setfd, const struct reg_meta *m, struct target *t,
		       struct nsset_error *err)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	for (size_t i = 0; i < nk; i++) {
		if (!(t->join & ks[i].flag))
			continue;
		int fd = openat(setfd, ks[i].name, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0 || (uint64_t)st.st_ino != m->ids[i]) {
			if (fd >= 0)
				close(fd);
			return nsset_fail(err, ENOENT, "the set's %s namespace is no longer held%s",
					  ks[i].long_name, m->keeper ? " (its keeper is gone)" : "");
		}
		t->fds[i] = fd;
		t->ids[i] = m->ids[i];
	}
	return 0;
}

/* A living process in every namespace to join gives the atomic setns(pidfd). */
static void find_member(struct target *t, const struct reg_meta *m)
{
	pid_t cand[2] = { m->holder, m->origin };
	for (size_t c = 0; c < 2; c++) {
		if (cand[c] <= 0)
			continue;
		int pidfd = pidfd_open(cand[c], 0);
		if (pidfd < 0)
			continue;
		if (reg_pidfd_has(pidfd, cand[c], t->join, t->ids)) {
			t->member = cand[c];
			t->pidfd = pidfd;
			return;
		}
		close(pidfd);
	}
}

int nsset_enter(const char *registry, const char *name, nsset_flags_t kinds,
		nsset_flags_t *joined, struct nsset_error *err)
{
	char path[PATH_MAX];
	struct reg_meta m;
	struct target t;
	int r;

	if (joined)
		*joined = 0;
	if ((r = nsset_name_check(name, err)) < 0)
		return r;
	if ((r = nsset_flags_check(kinds, err)) < 0)
		return r;
	if ((r = reg_path(registry, path, sizeof(path), err)) < 0)
		return r;
	size_t len = strlen(path);
	if (len + 1 + strlen(name) >= sizeof(path))
		return nsset_fail(err, ENAMETOOLONG, "registry path too long");
	path[len] = '/';
	strcpy(path + len + 1, name);
	int setfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (setfd < 0) {
		if (errno == ENOTDIR && access(path, F_OK) < 0 && errno == ENOTDIR) {
			path[len] = '\0';
			return nsset_fail(err, ENOENT, "no such set (the registry %s is not a "
					  "directory)", path);
		}
		if (errno == ENOENT || errno == ENOTDIR)
			return nsset_fail(err, ENOENT, "no such set");
		if (errno == EACCES)
			return nsset_fail(err, EPERM, "permission denied (not your registry)");
		return nsset_fail_errno(err, errno, "cannot open %s", path);
	}
	target_init(&t);
	if ((r = reg_meta_read(setfd, &m, err)) < 0)
		goto out;
	if (geteuid() != 0 && m.owner != geteuid()) {
		r = nsset_fail(err, EPERM, "the set belongs to uid %u; only it and root may enter it",
			       (unsigned)m.owner);
		goto out;
	}
	if (kinds & ~m.kinds) {
		char buf[128];
		nsset_flags_format(kinds & ~m.kinds, buf, sizeof(buf));
		r = nsset_fail(err, EINVAL, "the set has no %s namespace", buf);
		goto out;
	}
	t.join = kinds ? kinds : m.kinds;
	if ((r = open_set_ns(setfd, &m, &t, err)) < 0)
		goto out;
	skip_shared(&t);
	find_member(&t, &m);
	/* A member in the set's pid namespace is running: it has an init.  Else ask the holder. */
	if ((t.join & NSSET_PID) && t.member <= 0 && !reg_pid_has(m.holder, NSSET_PID, m.ids)) {
		r = nsset_fail(err, ESRCH, "the init of the set's pid namespace (pid %d) is gone: it "
			       "accepts no new process", (int)m.holder);
		goto out;
	}
	r = join(&t, joined, err);
out:
	target_put(&t);
	close(setfd);
	return r;
}

int nsset_enter_pid(pid_t pid, nsset_flags_t kinds, nsset_flags_t *joined,
		    struct nsset_error *err)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	struct target t;
	int r;

	if (joined)
		*joined = 0;
	if ((r = nsset_flags_check(kinds, err)) < 0)
		return r;
	if (pid <= 0)
		return nsset_fail(err, ESRCH, "no such process");
	target_init(&t);
	t.pidfd = pidfd_open(pid, 0);
	if (t.pidfd < 0)
		return nsset_fail(err, errno, "no such process");
	nsset_flags_t want = kinds ? kinds : nsset_flags_built();
	for (size_t i = 0; i < nk; i++) {
		if (!(want & ks[i].flag))
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ks[i].name);
		if (stat(path, &st) < 0) {
			if (errno == ENOENT && !kinds)
				continue;
			r = errno == EACCES ? nsset_fail(err, EPERM, "permission denied")
					    : nsset_fail_errno(err, errno, "cannot open %s", path);
			goto out;
		}
		t.ids[i] = (uint64_t)st.st_ino;
		t.join |= ks[i].flag;
	}
	if (pidfd_send_signal(t.pidfd, 0, NULL, 0) < 0) {
		r = nsset_fail(err, ESRCH, "no such process");
		goto out;
	}
	t.member = pid;
	r = join(&t, joined, err);
out:
	target_put(&t);
	return r;
}
