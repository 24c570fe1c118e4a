/* The registry of named sets: where it is, names, metadata, temporaries, lookup, listing and
 * release.  Making a set is in bind.c.  The layout is documented in docs/registry.md. */
#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- names and paths ------------------------------------------------------------------- */

int nsset_name_check(const char *name, struct nsset_error *err)
{
	if (!name || !*name)
		return nsset_fail(err, EINVAL, "a set's name cannot be empty");
	size_t len = strlen(name);
	if (len > NSSET_NAME_MAX)
		return nsset_fail(err, EINVAL, "a set's name is at most %d bytes (this one has %zu)",
				  NSSET_NAME_MAX, len);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return nsset_fail(err, EINVAL, "'%s' is not a valid set name", name);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return nsset_fail(err, EINVAL,
					  "invalid character in set name (allowed: A-Z a-z 0-9 _ . -)");
	return 0;
}

int reg_path(const char *override, char *buf, size_t size, struct nsset_error *err)
{
	int n;
	if (override && *override) {
		if (override[0] == '/') {
			n = snprintf(buf, size, "%s", override);
		} else {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof(cwd)))
				return nsset_fail_errno(err, errno, "cannot resolve registry %s", override);
			n = snprintf(buf, size, "%s/%s", cwd, override);
		}
	} else if (geteuid() == 0) {
		n = snprintf(buf, size, "/run/nsset/sets");
	} else {
		const char *xdg = getenv("XDG_RUNTIME_DIR");
		if (xdg && xdg[0] == '/')
			n = snprintf(buf, size, "%s/nsset/sets", xdg);
		else
			n = snprintf(buf, size, "/run/user/%u/nsset/sets", (unsigned)geteuid());
	}
	if (n < 0 || (size_t)n >= size)
		return nsset_fail(err, ENAMETOOLONG, "registry path too long");
	/* No trailing slashes: paths are joined with '/'. */
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

int nsset_registry_path(const char *override, char *buf, size_t size, struct nsset_error *err)
{
	return reg_path(override, buf, size, err);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int reg_open(const char *path, bool create, struct nsset_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT || !create) {
		if (fd < 0 && errno == ENOENT)
			return nsset_fail(err, ENOENT, "no such set (registry %s does not exist)", path);
		if (fd < 0)
			return nsset_fail_errno(err, errno == EACCES ? EPERM : errno,
						"cannot open registry %s", path);
		return fd;
	}
	int r = mkdir_p(path, geteuid() == 0 ? 0755 : 0700);
	if (r < 0)
		return nsset_fail_errno(err, -r, "cannot create registry %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot open registry %s", path);
	return fd;
}

/* ---- test points ----------------------------------------------------------------------- */

#if NSSET_BUILD_TEST_HOOKS
void reg_test_point(const char *step)
{
	static const char *at = (const char *)1;
	if (at == (const char *)1)
		at = getenv("NSSET_TEST_KILL_AT");
	if (at && strcmp(at, step) == 0)
		raise(SIGKILL);
}
#endif

/* ---- metadata -------------------------------------------------------------------------- */

size_t reg_kind_index(const struct nsset_kind *k)
{
	return (size_t)(k - nsset_kinds(NULL));
}

int reg_meta_write(int setfd, const struct reg_meta *m, struct nsset_error *err)
{
	char buf[4096], kinds[128];
	size_t n;
	const struct nsset_kind *ks = nsset_kinds(&n);

	nsset_flags_format(m->kinds, kinds, sizeof(kinds));
	int len = snprintf(buf, sizeof(buf),
			   "version=1\nkinds=%s\nowner=%u\ncreated=%" PRId64 "\nholder=%d\n"
			   "holder_owned=%d\norigin=%d\nkeeper=%d\nnetns_link=%s\n",
			   kinds, (unsigned)m->owner, m->created, (int)m->holder,
			   m->holder_owned ? 1 : 0, (int)m->origin, (int)m->keeper, m->netns_link);
	for (size_t i = 0; i < n && len > 0 && (size_t)len < sizeof(buf); i++) {
		if (!(m->kinds & ks[i].flag))
			continue;
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "id.%s=%" PRIu64 "\n",
				ks[i].name, m->ids[i]);
		if (m->keeper > 0 && (size_t)len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, "fd.%s=%d\n",
					ks[i].name, m->keeper_fds[i]);
	}
	if (len < 0 || (size_t)len >= sizeof(buf))
		return nsset_fail(err, ENOSPC, "metadata too long");

	/* Written to a temporary name, then renamed: a reader sees all of it or none. */
	int fd = openat(setfd, REG_META ".new", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot write metadata");
	ssize_t w = write(fd, buf, (size_t)len);
	int saved = errno;
	close(fd);
	if (w != len)
		return nsset_fail_errno(err, w < 0 ? saved : EIO, "cannot write metadata");
	if (renameat(setfd, REG_META ".new", setfd, REG_META) < 0)
		return nsset_fail_errno(err, errno, "cannot write metadata");
	return 0;
}

int reg_meta_read(int setfd, struct reg_meta *m, struct nsset_error *err)
{
	char buf[4096];
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		m->keeper_fds[i] = -1;
	int fd = openat(setfd, REG_META, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot read the set's metadata");
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	int saved = errno;
	close(fd);
	if (len < 0)
		return nsset_fail_errno(err, saved, "cannot read the set's metadata");
	buf[len] = '\0';

	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		const char *key = line, *val = eq + 1;
		if (strcmp(key, "kinds") == 0) {
			if (*val && nsset_flags_parse(val, &m->kinds, NULL) < 0)
				return nsset_fail(err, EINVAL, "bad metadata: kinds=%s", val);
		} else if (strcmp(key, "owner") == 0) {
			m->owner = (uid_t)strtoul(val, NULL, 10);
		} else if (strcmp(key, "created") == 0) {
			m->created = strtoll(val, NULL, 10);
		} else if (strcmp(key, "holder") == 0) {
			m->holder = (pid_t)strtol(val, NULL, 10);
		} else if (strcmp(key, "holder_owned") == 0) {
			m->holder_owned = strcmp(val, "1") == 0;
		} else if (strcmp(key, "origin") == 0) {
			m->origin = (pid_t)strtol(val, NULL, 10);
		} else if (strcmp(key, "keeper") == 0) {
			m->keeper = (pid_t)strtol(val, NULL, 10);
		} else if (strcmp(key, "netns_link") == 0) {
			snprintf(m->netns_link, sizeof(m->netns_link), "%s", val);
		} else if (strncmp(key, "id.", 3) == 0 || strncmp(key, "fd.", 3) == 0) {
			const struct nsset_kind *k = nsset_kind_by_name(key + 3);
			if (!k)
				continue;
			if (key[0] == 'i')
				m->ids[reg_kind_index(k)] = strtoull(val, NULL, 10);
			else
				m->keeper_fds[reg_kind_index(k)] = (int)strtol(val, NULL, 10);
		}
	}
	return 0;
}

/* ---- temporaries and taking a set apart ------------------------------------------------ */

int reg_mktemp(int regfd, const char *prefix, const char *name, char *entry, size_t size,
	       struct nsset_error *err)
{
	for (int tries = 0; tries < 100; tries++) {
		unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL) ^
			     (unsigned)random() ^ (unsigned)tries;
		snprintf(entry, size, "%s%s.%08x", prefix, name, r);
		if (mkdirat(regfd, entry, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			return nsset_fail_errno(err, errno, "cannot make a directory in the registry");
		}
		int fd = openat(regfd, entry, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX) < 0) {
			int saved = errno;
			if (fd >= 0)
				close(fd);
			unlinkat(regfd, entry, AT_REMOVEDIR);
			return nsset_fail_errno(err, saved, "cannot lock %s", entry);
		}
		return fd;
	}
	return nsset_fail(err, EEXIST, "cannot make a temporary directory in the registry");
}

/* Stop a process we started (keeper, holder init), after checking it is still that one. */
static void stop_checked(pid_t pid, nsset_flags_t kinds, const uint64_t ids[])
{
	int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return;
	if (reg_pid_has(pid, kinds, ids))
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	close(pidfd);
}

/* A keeper holds descriptors: check that its fd N still is the namespace. */
static bool keeper_holds(const struct reg_meta *m)
{
	size_t n;
	const struct nsset_kind *ks = nsset_kinds(&n);
	int pidfd = pidfd_open(m->keeper, 0);
	if (pidfd < 0)
		return false;
	bool ok = false;
	for (size_t i = 0; i < n; i++) {
		if (!(m->kinds & ks[i].flag) || m->keeper_fds[i] < 0)
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)m->keeper, m->keeper_fds[i]);
		ok = stat(path, &st) == 0 && (uint64_t)st.st_ino == m->ids[i];
		break;
	}
	if (ok && pidfd_send_signal(pidfd, 0, NULL, 0) < 0)
		ok = false;
	close(pidfd);
	return ok;
}

void reg_netns_tmp(const char *entry, char *buf, size_t size)
{
	snprintf(buf, size, REG_NETNS "/.nsset%s", entry);
}

int reg_dismantle(const char *regpath, int regfd, const char *entry, struct nsset_error *err)
{
	struct reg_meta m;
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	char path[PATH_MAX];
	int setfd = openat(regfd, entry, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (setfd < 0)
		return nsset_fail_errno(err, errno, "cannot open %s", entry);
	bool have_meta = reg_meta_read(setfd, &m, NULL) == 0;

	if (have_meta && m.netns_link[0]) {
		/* Only our own link: the file there must still be the set's network namespace, or
		 * the empty file we made for it (the same inode as our temporary name: a kill came
		 * before the mount).  The temporary name is ours in any case. */
		const struct nsset_kind *net = nsset_kind_by_name("net");
		char tmp[PATH_MAX];
		struct stat st, tst;
		reg_netns_tmp(entry, tmp, sizeof(tmp));
		bool have_tmp = lstat(tmp, &tst) == 0;
		if (net && stat(m.netns_link, &st) == 0) {
			if ((uint64_t)st.st_ino == m.ids[reg_kind_index(net)]) {
				umount2(m.netns_link, MNT_DETACH | UMOUNT_NOFOLLOW);
				unlink(m.netns_link);
			} else if (have_tmp && st.st_dev == tst.st_dev && st.st_ino == tst.st_ino) {
				unlink(m.netns_link);
			}
		}
		if (have_tmp)
			unlink(tmp);
	}
	if (have_meta && m.keeper > 0 && keeper_holds(&m)) {
		int pidfd = pidfd_open(m.keeper, 0);
		if (pidfd >= 0) {
			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			close(pidfd);
		}
	}
	if (have_meta && m.holder_owned && m.holder > 1 && (m.kinds & NSSET_PID)) {
		/* nsset's idle init holds the pid namespace; stopping it kills everything in it,
		 * so it is stopped only when it is alone there, else once it is (linger.c). */
		const struct nsset_kind *pid = nsset_kind_by_name("pid");
		uint64_t ino = m.ids[reg_kind_index(pid)];
		if (reg_count_in_pidns(ino, 2) <= 1)
			stop_checked(m.holder, NSSET_PID, m.ids);
		else if (reg_pid_has(m.holder, NSSET_PID, m.ids))
			reg_holder_linger(m.holder, ino, m.ids);
	}
	for (size_t i = 0; i < nk; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", regpath, entry, ks[i].name);
		umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlinkat(setfd, ks[i].name, 0);
	}
	unlinkat(setfd, REG_META, 0);
	unlinkat(setfd, REG_META ".new", 0);
	close(setfd);
	if (unlinkat(regfd, entry, AT_REMOVEDIR) < 0)
		return nsset_fail_errno(err, errno, "cannot remove %s/%s", regpath, entry);
	return 0;
}

int reg_lock(int regfd, int how)
{
	int fd = openat(regfd, REG_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, how) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

void reg_cleanup_stale(const char *regpath, int regfd)
{
	/* Every command that makes or releases a set holds the lock shared: with it exclusive,
	 * no temporary has a living owner. */
	int lock = reg_lock(regfd, LOCK_EX | LOCK_NB);
	if (lock < 0)
		return;
	/* A descriptor of its own: a dup would share the directory offset. */
	int fd = openat(regfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		close(lock);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, REG_TMP, strlen(REG_TMP)) == 0 ||
		    strncmp(e->d_name, REG_REL, strlen(REG_REL)) == 0)
			reg_dismantle(regpath, regfd, e->d_name, NULL);
	}
	closedir(d);
	close(lock);
}

/* ---- lookup, listing ------------------------------------------------------------------- */

void reg_info_fill(struct nsset_set_info *info, const char *name, const struct reg_meta *m)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	info->kinds = m->kinds;
	memcpy(info->ids, m->ids, sizeof(info->ids));
	info->holder = m->holder;
	info->holder_owned = m->holder_owned;
	info->origin = m->origin;
	info->keeper = m->keeper;
	info->owner = m->owner;
	info->created = m->created;
	info->netns_link = m->netns_link[0] != '\0';
	if (m->holder > 0) {
		const struct nsset_kind *pid = nsset_kind_by_name("pid");
		info->holder_alive = reg_pid_has(m->holder, pid->flag, m->ids);
	}
}

static int set_get_at(int regfd, const char *name, struct nsset_set_info *info,
		      struct nsset_error *err)
{
	struct reg_meta m;
	int setfd = openat(regfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (setfd < 0)
		return errno == ENOENT ? nsset_fail(err, ENOENT, "no such set")
				       : nsset_fail_errno(err, errno, "cannot open the set");
	int r = reg_meta_read(setfd, &m, err);
	close(setfd);
	if (r < 0)
		return r;
	reg_info_fill(info, name, &m);
	return 0;
}

int nsset_set_get(const char *registry, const char *name, struct nsset_set_info *info,
		  struct nsset_error *err)
{
	char path[PATH_MAX];
	int r = nsset_name_check(name, err);
	if (r < 0)
		return r;
	if ((r = reg_path(registry, path, sizeof(path), err)) < 0)
		return r;
	int regfd = reg_open(path, false, err);
	if (regfd < 0)
		return regfd == -ENOENT ? nsset_fail(err, ENOENT, "no such set") : regfd;
	r = set_get_at(regfd, name, info, err);
	close(regfd);
	return r;
}

static int cmp_sets(const void *a, const void *b)
{
	return strcmp(((const struct nsset_set_info *)a)->name,
		      ((const struct nsset_set_info *)b)->name);
}

/* Count, for every set, the processes that are in all of its namespaces: one pass over /proc. */
static void count_procs(struct nsset_set_info *sets, size_t nsets)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	nsset_flags_t want = 0;
	for (size_t s = 0; s < nsets; s++)
		want |= sets[s].kinds;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
		uint64_t ids[NSSET_KINDS_MAX] = { 0 };
		for (size_t i = 0; i < nk; i++)
			if (want & ks[i].flag)
				ids[i] = reg_proc_ns_ino(pid, ks[i].name);
		for (size_t s = 0; s < nsets; s++) {
			bool in = sets[s].kinds != 0;
			for (size_t i = 0; i < nk && in; i++)
				if (sets[s].kinds & ks[i].flag)
					in = ids[i] == sets[s].ids[i];
			if (in)
				sets[s].nprocs++;
		}
	}
	closedir(d);
}

static int64_t boot_time(void)
{
	char buf[8192];
	if (reg_read_file("/proc/stat", buf, sizeof(buf)) <= 0)
		return 0;
	char *p = strstr(buf, "\nbtime ");
	return p ? strtoll(p + 7, NULL, 10) : 0;
}

/* The host set: pid 1's namespaces. */
static void host_fill(struct nsset_set_info *h)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	memset(h, 0, sizeof(*h));
	h->host = true;
	h->holder = 1;
	h->holder_alive = true;
	h->created = boot_time();
	for (size_t i = 0; i < nk; i++)
		if ((h->ids[i] = reg_host_ns_ino(ks[i].name)))
			h->kinds |= ks[i].flag;
}

int nsset_sets_list(const char *registry, struct nsset_set_info **out, size_t *nout,
		    struct nsset_error *err)
{
	char path[PATH_MAX];
	*out = NULL;
	*nout = 0;
	int r = reg_path(registry, path, sizeof(path), err);
	if (r < 0)
		return r;
	int regfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (regfd < 0 && errno != ENOENT)
		return nsset_fail_errno(err, errno, "cannot open registry %s", path);
	if (regfd < 0) { /* no registry yet: the host set alone */
		struct nsset_set_info *host = malloc(sizeof(*host));
		if (!host)
			return nsset_fail(err, ENOMEM, "out of memory");
		host_fill(host);
		count_procs(host, 1);
		*out = host;
		*nout = 1;
		return 0;
	}
	if (access(path, W_OK) == 0)
		reg_cleanup_stale(path, regfd);
	int dfd = openat(regfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		r = nsset_fail_errno(err, errno, "cannot read registry %s", path);
		if (dfd >= 0)
			close(dfd);
		close(regfd);
		return r;
	}
	size_t n = 1, cap = 16;
	struct nsset_set_info *sets = malloc(cap * sizeof(*sets));
	struct dirent *e;
	if (!sets) {
		closedir(d);
		close(regfd);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	host_fill(&sets[0]);
	while ((e = readdir(d))) {
		if (nsset_name_check(e->d_name, NULL) < 0)
			continue; /* temporaries, the lock file */
		if (n == cap) {
			cap *= 2;
			struct nsset_set_info *grown = realloc(sets, cap * sizeof(*sets));
			if (!grown) {
				free(sets);
				closedir(d);
				close(regfd);
				return nsset_fail(err, ENOMEM, "out of memory");
			}
			sets = grown;
		}
		if (set_get_at(regfd, e->d_name, &sets[n], NULL) == 0)
			n++;
	}
	closedir(d);
	close(regfd);
	qsort(sets + 1, n - 1, sizeof(*sets), cmp_sets);
	count_procs(sets, n);
	*out = sets;
	*nout = n;
	return 0;
}

/* ---- release --------------------------------------------------------------------------- */

int nsset_release(const char *registry, const char *name, struct nsset_error *err)
{
	char path[PATH_MAX], entry[NAME_MAX];
	int r = nsset_name_check(name, err);
	if (r < 0)
		return r;
	if ((r = reg_path(registry, path, sizeof(path), err)) < 0)
		return r;
	int regfd = reg_open(path, false, err);
	if (regfd < 0)
		return regfd == -ENOENT ? nsset_fail(err, ENOENT, "no such set") : regfd;
	reg_cleanup_stale(path, regfd);
	int lock = reg_lock(regfd, LOCK_SH);
	int setfd = -1;
	if (lock < 0 && lock != -EACCES) {
		r = nsset_fail_errno(err, -lock, "cannot lock registry %s", path);
		goto out;
	}

	setfd = openat(regfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (setfd < 0) {
		r = errno == ENOENT ? nsset_fail(err, ENOENT, "no such set")
				    : nsset_fail_errno(err, errno == EACCES ? EPERM : errno,
						       "cannot open the set");
		goto out;
	}
	struct stat st;
	if (fstat(setfd, &st) == 0 && geteuid() != 0 && st.st_uid != geteuid()) {
		r = nsset_fail(err, EPERM, "the set belongs to uid %u", (unsigned)st.st_uid);
		goto out_set;
	}
	/* Lock it, then move it out of sight: from here on nobody finds it by name, and a killed
	 * release leaves a ~rel. temporary that the next command takes apart. */
	if (flock(setfd, LOCK_EX) < 0) {
		r = nsset_fail_errno(err, errno, "cannot lock the set");
		goto out_set;
	}
	for (int tries = 0;; tries++) {
		snprintf(entry, sizeof(entry), REG_REL "%s.%08x", name,
			 (unsigned)random() ^ (unsigned)getpid() ^ (unsigned)tries);
		if (renameat2(regfd, name, regfd, entry, RENAME_NOREPLACE) == 0)
			break;
		if (errno == EEXIST && tries < 100)
			continue;
		r = errno == ENOENT ? nsset_fail(err, ENOENT, "no such set")
				    : nsset_fail_errno(err, errno == EACCES ? EPERM : errno,
						       "cannot release the set");
		goto out_set;
	}
	reg_test_point("release-renamed");
	r = reg_dismantle(path, regfd, entry, err);
out_set:
	close(setfd);
out:
	if (lock >= 0)
		close(lock);
	close(regfd);
	return r;
}
