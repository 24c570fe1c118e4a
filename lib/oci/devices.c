/* /dev: the default devices, linux.devices, and the standard links.  mknod when allowed, else
 * (user namespace) the host's device bound onto an empty file, as rootless runtimes do. */
#include "../internal.h"
#include "mount-api.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static const struct oci_device defaults[] = {
	{ .type = 'c', .path = "/dev/null", .major = 1, .minor = 3 },
	{ .type = 'c', .path = "/dev/zero", .major = 1, .minor = 5 },
	{ .type = 'c', .path = "/dev/full", .major = 1, .minor = 7 },
	{ .type = 'c', .path = "/dev/random", .major = 1, .minor = 8 },
	{ .type = 'c', .path = "/dev/urandom", .major = 1, .minor = 9 },
	{ .type = 'c', .path = "/dev/tty", .major = 5, .minor = 0 },
};

static mode_t type_bits(char t)
{
	switch (t) {
	case 'c':
	case 'u':
		return S_IFCHR;
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	}
	return 0;
}

int oci_devices_validate(const struct oci_config *c, struct nsset_error *err)
{
	char clean[PATH_MAX];
	for (size_t i = 0; i < c->n_devices; i++) {
		const struct oci_device *d = &c->devices[i];
		if (!d->path || oci_path_clean(d->path, clean, sizeof(clean)) < 0 ||
		    !strcmp(clean, "/"))
			return nsset_fail(err, EINVAL,
					  "linux.devices[%zu].path: must be an absolute path inside the container",
					  i);
		if (!type_bits(d->type))
			return nsset_fail(err, EINVAL, "linux.devices[%zu].type: must be c, b, u or p", i);
		if (d->type != 'p' && (d->major < 0 || d->minor < 0 || d->major > 0xfff ||
				       d->minor > 0xfffff))
			return nsset_fail(err, EINVAL,
					  "linux.devices[%zu]: major and minor must be within 0..4095 and 0..1048575",
					  i);
	}
	return 0;
}

/* Split PATH into its (cleaned) parent and last component. */
static int split(const char *path, char *parent, size_t psize, char *name, size_t nsize)
{
	char clean[PATH_MAX];
	int r = oci_path_clean(path, clean, sizeof(clean));
	if (r < 0)
		return r;
	char *slash = strrchr(clean, '/');
	if (!slash[1])
		return -EINVAL;
	nsset_strcpy(name, nsize, slash + 1);
	*slash = '\0';
	nsset_strcpy(parent, psize, clean[0] ? clean : "/");
	return 0;
}

/* The host's node of device D, to bind: the same path if it is that device, else udev's
 * /dev/char/MAJ:MIN or /dev/block/MAJ:MIN. */
static bool host_node(const struct oci_device *d, const char *parent, const char *name,
		      char *out, size_t size)
{
	struct stat st;
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	snprintf(out, size, "%s/%s", strcmp(parent, "/") ? parent : "", name);
	if (stat(out, &st) == 0 && (st.st_mode & S_IFMT) == type_bits(d->type) && st.st_rdev == dev)
		return true;
	snprintf(out, size, "/dev/%s/%lld:%lld", d->type == 'b' ? "block" : "char",
		 (long long)d->major, (long long)d->minor);
	if (stat(out, &st) == 0 && (st.st_mode & S_IFMT) == type_bits(d->type) && st.st_rdev == dev)
		return true;
	/* no udev: look through the host's /dev */
	DIR *dir = opendir("/dev");
	struct dirent *e;
	bool found = false;
	while (dir && !found && (e = readdir(dir))) {
		found = fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			(st.st_mode & S_IFMT) == type_bits(d->type) && st.st_rdev == dev;
		if (found)
			snprintf(out, size, "/dev/%s", e->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* The parent directory of the last device made, kept open for the next one (they are all in
 * /dev, usually). */
struct dir_cache {
	char path[PATH_MAX];
	int fd;
};

static int cached_dir(int rootfd, struct dir_cache *dc, const char *parent)
{
	if (dc->fd >= 0 && !strcmp(dc->path, parent))
		return dc->fd;
	int fd = oci_open_in_root(rootfd, parent, 'd');
	if (fd < 0)
		return fd;
	if (dc->fd >= 0)
		close(dc->fd);
	dc->fd = fd;
	nsset_strcpy(dc->path, sizeof(dc->path), parent);
	return fd;
}

/* D as NAME in DIR, the directory PARENT inside the root.  The caller has set the umask to 0. */
static int make_device_in(const struct oci_device *d, int dir, const char *parent,
			  const char *name, bool configured, const char *what,
			  struct nsset_error *err)
{
	mode_t mode = (d->has_mode ? d->file_mode : 0666) & 07777;
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	struct stat st = { 0 };
	int r = 0;
	bool fresh = false;
	/* mknod first: the node is usually missing (a new /dev tmpfs) */
	int mk = mknodat(dir, name, type_bits(d->type) | mode, dev);
	int mkerr = errno;
	if (mk < 0 && mkerr == EEXIST && fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if ((st.st_mode & S_IFMT) == type_bits(d->type) && st.st_rdev == dev)
			goto attrs; /* already there (a rootfs /dev, or made earlier) */
		if (S_ISDIR(st.st_mode) || configured) {
			/* config-linux.md: an existing file that is not the device is an error */
			r = nsset_fail(err, EEXIST, "%s: %s exists and is not the requested device", what,
				       d->path);
			goto out;
		}
		if (unlinkat(dir, name, 0) < 0) {
			r = nsset_fail_errno(err, errno, "%s: cannot replace %s", what, d->path);
			goto out;
		}
		mk = mknodat(dir, name, type_bits(d->type) | mode, dev);
		mkerr = errno;
	}
	if (mk < 0 && (mkerr == EPERM || mkerr == EACCES) && d->type != 'p') {
		/* No mknod here (user namespace): bind the host's node onto an empty file. */
		int f = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
		if (f < 0) {
			r = nsset_fail_errno(err, errno, "%s: cannot create %s", what, d->path);
			goto out;
		}
		close(f);
		int target = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (target < 0) {
			r = nsset_fail_errno(err, errno, "%s: cannot open %s", what, d->path);
			goto out;
		}
		char host[PATH_MAX + NAME_MAX + 2];
		int tree = host_node(d, parent, name, host, sizeof(host))
				   ? oci_tree_clone(AT_FDCWD, host, false, what, err)
				   : nsset_fail(err, ENOENT,
						"%s: no mknod here, and no host node of %c %lld:%lld to bind",
						what, d->type, (long long)d->major, (long long)d->minor);
		if (tree >= 0) {
			r = oci_tree_attach(tree, target, what, err);
			close(tree);
		} else {
			r = tree;
		}
		close(target);
		goto out; /* the host's owner and mode stay */
	}
	if (mk < 0) {
		r = nsset_fail_errno(err, mkerr, "%s: cannot create the device %s", what, d->path);
		goto out;
	}
	fresh = true; /* made with the mode (umask 0) */
attrs:
	if (d->has_uid || d->has_gid) {
		if (fchownat(dir, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
			     AT_SYMLINK_NOFOLLOW) < 0)
			r = nsset_fail_errno(err, errno, "%s: cannot chown %s", what, d->path);
	}
	if (r == 0 && !fresh && d->has_mode && (st.st_mode & 07777) != mode &&
	    fchmodat(dir, name, mode, 0) < 0)
		r = nsset_fail_errno(err, errno, "%s: cannot chmod %s", what, d->path);
out:
	return r;
}

/* The caller has set the umask to 0. */
static int make_device(const struct oci_device *d, int rootfd, struct dir_cache *dc,
		       bool configured, const char *what, struct nsset_error *err)
{
	char parent[PATH_MAX], name[NAME_MAX + 1];
	if (split(d->path, parent, sizeof(parent), name, sizeof(name)) < 0)
		return nsset_fail(err, EINVAL, "%s.path: invalid path '%s'", what, d->path);
	int dir = cached_dir(rootfd, dc, parent);
	if (dir < 0)
		return nsset_fail_errno(err, dir, "%s: cannot resolve %s inside the root", what, parent);
	return make_device_in(d, dir, parent, name, configured, what, err);
}

static bool configured(const struct oci_config *c, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX];
	if (oci_path_clean(path, a, sizeof(a)) < 0)
		return false;
	for (size_t i = 0; i < c->n_devices; i++)
		if (oci_path_clean(c->devices[i].path, b, sizeof(b)) == 0 && !strcmp(a, b))
			return true;
	return false;
}

/* The I-th device to make, the defaults first, then linux.devices; NULL for a default the
 * config names itself.  WHAT: its name in messages; *CONF: one of the config's. */
static const struct oci_device *nth_device(const struct oci_config *c, size_t i, bool *conf,
					   char *what, size_t size)
{
	size_t nd = NSSET_ARRAY_SIZE(defaults);
	*conf = i >= nd;
	if (*conf) {
		nsset_index_name(what, size, "linux.devices", i - nd);
		return &c->devices[i - nd];
	}
	NSSET_CONCAT(what, size, "default device ", defaults[i].path);
	return configured(c, defaults[i].path) ? NULL : &defaults[i];
}

static int link_in_dev(int devfd, const char *target, const char *name, bool replace,
		       struct nsset_error *err)
{
	/* the link first: /dev is usually a new tmpfs */
	if (symlinkat(target, devfd, name) == 0)
		return 0;
	if (errno != EEXIST)
		return nsset_fail_errno(err, errno, "cannot link /dev/%s -> %s", name, target);
	struct stat st;
	if (!replace || fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(st.st_mode) ||
	    S_ISDIR(st.st_mode))
		return 0;
	if (unlinkat(devfd, name, 0) < 0)
		return nsset_fail_errno(err, errno, "cannot replace /dev/%s", name);
	if (symlinkat(target, devfd, name) < 0 && errno != EEXIST)
		return nsset_fail_errno(err, errno, "cannot link /dev/%s -> %s", name, target);
	return 0;
}

/* /dev bound from somewhere (privileged containers bind the host's): leave it alone, as runc
 * does, or the links and nodes made here would land in the host's /dev. */
static bool dev_is_bound(const struct oci_config *c)
{
	char clean[PATH_MAX];
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct oci_mount *m = &c->mounts[i];
		if (oci_mount_is_bind(m) && m->destination &&
		    oci_path_clean(m->destination, clean, sizeof(clean)) == 0 && !strcmp(clean, "/dev"))
			return true;
	}
	return false;
}

/* /dev/pts and /dev/shm, when the config does not mount them. */
static const struct oci_mount default_mounts[] = {
	{ .destination = "/dev/pts", .type = "devpts", .source = "devpts",
	  .flags = MS_NOSUID | MS_NOEXEC, .data = "newinstance,ptmxmode=0666,mode=0620,gid=5" },
	{ .destination = "/dev/shm", .type = "tmpfs", .source = "shm",
	  .flags = MS_NOSUID | MS_NOEXEC | MS_NODEV, .data = "mode=1777,size=65536k" },
};

const struct oci_mount *oci_devices_default_mounts(size_t *n)
{
	*n = NSSET_ARRAY_SIZE(default_mounts);
	return default_mounts;
}

int oci_devices_in_dev(const struct oci_config *c, int dev, struct nsset_error *err)
{
	char what[48], name[NAME_MAX + 1], parent[PATH_MAX];
	int r = 0;
	bool conf;
	mode_t old_umask = umask(0); /* the modes asked for, exactly */
	for (size_t i = 0; r == 0 && i < NSSET_ARRAY_SIZE(defaults) + c->n_devices; i++) {
		const struct oci_device *d = nth_device(c, i, &conf, what, sizeof(what));
		if (!d)
			continue;
		if (split(d->path, parent, sizeof(parent), name, sizeof(name)) < 0 || strcmp(parent, "/dev"))
			r = nsset_fail(err, EINVAL, "%s.path: not directly in /dev: '%s'", what, d->path);
		else
			r = make_device_in(d, dev, parent, name, conf, what, err);
	}
	umask(old_umask);
	return r;
}

int oci_devices_links(const struct oci_config *c, int dev, struct nsset_error *err)
{
	int r = 0;
	/* The mount point of the terminal (oci_rootfs_bind_console), made now: the root may be
	 * read-only by the time the console is set up. */
	if (c->has_process && c->process.terminal) {
		int f = openat(dev, "console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (f >= 0)
			close(f);
		else if (errno != EEXIST && errno != ELOOP)
			r = nsset_fail_errno(err, errno, "cannot create /dev/console");
	}
	if (r == 0)
		r = link_in_dev(dev, "pts/ptmx", "ptmx", true, err);
	if (r == 0)
		r = link_in_dev(dev, "/proc/self/fd", "fd", false, err);
	if (r == 0)
		r = link_in_dev(dev, "/proc/self/fd/0", "stdin", false, err);
	if (r == 0)
		r = link_in_dev(dev, "/proc/self/fd/1", "stdout", false, err);
	if (r == 0)
		r = link_in_dev(dev, "/proc/self/fd/2", "stderr", false, err);
	return r;
}

int oci_devices_create(const struct oci_config *c, int rootfd, struct nsset_error *err)
{
	int r = 0;
	if (dev_is_bound(c))
		return 0;
	char what[48];
	bool conf;
	struct dir_cache dc = { .fd = -1 };
	mode_t old_umask = umask(0); /* the modes asked for, exactly */
	for (size_t i = 0; r == 0 && i < NSSET_ARRAY_SIZE(defaults) + c->n_devices; i++) {
		const struct oci_device *d = nth_device(c, i, &conf, what, sizeof(what));
		if (d)
			r = make_device(d, rootfd, &dc, conf, what, err);
	}
	umask(old_umask);
	if (r < 0) {
		if (dc.fd >= 0)
			close(dc.fd);
		return r;
	}

	int dev = dc.fd >= 0 && !strcmp(dc.path, "/dev") ? dc.fd : oci_open_in_root(rootfd, "/dev", 'd');
	if (dev != dc.fd && dc.fd >= 0)
		close(dc.fd);
	if (dev < 0)
		return nsset_fail_errno(err, dev, "cannot resolve /dev inside the root");
	static const char *dirs[] = { "pts", "shm" };
	for (size_t i = 0; r == 0 && i < NSSET_ARRAY_SIZE(dirs); i++) {
		char full[16];
		snprintf(full, sizeof(full), "/dev/%s", dirs[i]);
		if (oci_mounts_have(c, full))
			continue; /* its mount made it */
		if (mkdirat(dev, dirs[i], 0755) < 0 && errno != EEXIST)
			r = nsset_fail_errno(err, errno, "cannot create /dev/%s", dirs[i]);
	}
	for (size_t i = 0; r == 0 && i < NSSET_ARRAY_SIZE(default_mounts); i++) {
		const struct oci_mount *m = &default_mounts[i];
		if (oci_mounts_have(c, m->destination))
			continue;
		struct oci_config one = { .mounts = (struct oci_mount *)m, .n_mounts = 1,
					  .bundle = c->bundle, .ns_new = c->ns_new, .ns_join = c->ns_join };
		r = oci_mount_one(&one, 0, rootfd, NULL, err);
		if (r < 0) {
			char msg[NSSET_ERRMSG_MAX];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			const char *tail = strchr(msg, ':');
			nsset_fail(err, r, "default mount %s%s", m->destination, tail ? tail : "");
		}
	}
	if (r == 0)
		r = oci_devices_links(c, dev, err);
	close(dev);
	return r;
}
