/* The container's root filesystem, in the container's child process: propagation, the root
 * bound onto itself, mounts[], /dev, pivot_root; then masked and read-only paths, a read-only
 * root and rootfsPropagation. */
#include "../internal.h"
#include "mount-api.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

static int paths_validate(char **paths, size_t n, const char *field, struct nsset_error *err)
{
	char clean[PATH_MAX];
	for (size_t i = 0; i < n; i++) {
		int r = paths[i] ? oci_path_clean(paths[i], clean, sizeof(clean)) : -EINVAL;
		if (r == -EXDEV)
			return nsset_fail(err, EINVAL, "%s[%zu]: '..' leads outside the root filesystem in '%s'",
					  field, i, paths[i]);
		if (r < 0)
			return nsset_fail(err, EINVAL, "%s[%zu]: must be an absolute path", field, i);
	}
	return 0;
}

int oci_rootfs_validate(const struct oci_config *c, struct nsset_error *err)
{
	int r = oci_mounts_validate(c, err);
	if (r == 0)
		r = oci_sysctl_validate(c, err);
	if (r == 0)
		r = oci_devices_validate(c, err);
	if (r == 0)
		r = paths_validate(c->masked_paths, c->n_masked_paths, "linux.maskedPaths", err);
	if (r == 0)
		r = paths_validate(c->readonly_paths, c->n_readonly_paths, "linux.readonlyPaths", err);
	if (r == 0 && c->rootfs_propagation) {
		unsigned long t = oci_propagation_type(c->rootfs_propagation);
		if (!t || (t & (t - 1)))
			r = nsset_fail(err, EINVAL, "linux.rootfsPropagation: one of shared, slave, private, unbindable (or r*)");
	}
	if (r == 0 && (c->hostname || c->domainname) && !((c->ns_new | c->ns_join) & NSSET_UTS))
		r = nsset_fail(err, EINVAL, "%s: needs a uts namespace in linux.namespaces",
			       c->hostname ? "hostname" : "domainname");
	if (r == 0 && (!c->root_path || c->root_path[0] != '/'))
		r = nsset_fail(err, EINVAL, "root.path: must resolve to an absolute path");
	/* Everything here would otherwise happen to the host's mounts. */
	if (r == 0 && !(c->ns_new & NSSET_MNT))
		r = nsset_fail(err, EINVAL, "linux.namespaces: the root filesystem needs a new mount namespace%s",
			       (c->ns_join & NSSET_MNT) ? " (not one joined by path)" : "");
	return r;
}

/* Make the mount holding PATH private (pivot_root refuses a shared parent, and a mount under a
 * shared parent would propagate to the host): walk up with ".." until the mount id changes. */
static int parent_mount_private(const char *path, struct nsset_error *err)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statx sx, up;
	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_INO, &sx) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return nsset_fail_errno(err, e, "root.path: %s", path);
	}
	for (int depth = 0; depth < 4096; depth++) {
		int parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0 || statx(parent, "", AT_EMPTY_PATH, STATX_MNT_ID | STATX_INO, &up) < 0) {
			int e = errno;
			if (parent >= 0)
				close(parent);
			close(fd);
			return nsset_fail_errno(err, e, "root.path: cannot walk up from %s", path);
		}
		bool top = up.stx_mnt_id != sx.stx_mnt_id ||
			   (up.stx_ino == sx.stx_ino && up.stx_dev_major == sx.stx_dev_major &&
			    up.stx_dev_minor == sx.stx_dev_minor);
		if (top) {
			close(parent);
			break;
		}
		close(fd);
		fd = parent;
		sx = up;
	}
	int r = oci_tree_set_propagation(fd, MS_PRIVATE, "root.path", err);
	close(fd);
	return r;
}

/* Is the mount point MP (absolute, cleaned) ROOT itself, under it, or one of its ancestors? */
static bool on_root_path(const char *mp, const char *root)
{
	size_t m = strlen(mp), r = strlen(root);
	if (!strcmp(mp, "/") || !strcmp(mp, root))
		return true;
	if (m < r) /* an ancestor of the root */
		return !strncmp(root, mp, m) && root[m] == '/';
	return !strncmp(mp, root, r) && mp[r] == '/'; /* under it */
}

/* --no-pivot: the host's mounts stay in the namespace under a moved root (chroot), where a
 * process that escapes the chroot would find them.  Detach every one that is neither the root
 * filesystem, under it, nor an ancestor of it (those hold it up), as runc does before its
 * MS_MOVE; private first, so that nothing propagates to the host's peers. */
static int detach_outside(const char *root, struct nsset_error *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, point[PATH_MAX];
	size_t cap = 0;
	if (!f)
		return nsset_fail_errno(err, errno, "--no-pivot: cannot read /proc/self/mountinfo");
	char (*todo)[PATH_MAX] = NULL;
	size_t n = 0;
	int r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1)
			continue;
		oci_mountinfo_unescape(point);
		if (on_root_path(point, root))
			continue;
		char (*more)[PATH_MAX] = realloc(todo, (n + 1) * sizeof(*todo));
		if (!more) {
			r = nsset_fail(err, ENOMEM, "out of memory");
			break;
		}
		todo = more;
		snprintf(todo[n++], PATH_MAX, "%s", point);
	}
	free(line);
	fclose(f);
	/* Deepest last in mountinfo order: a parent's detach takes its children along. */
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (mount(NULL, todo[i], NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    umount2(todo[i], MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
			if (errno == EINVAL || errno == ENOENT)
				continue; /* gone with a parent, or no longer a mount point */
			r = nsset_fail_errno(err, errno, "--no-pivot: cannot detach the host's %s", todo[i]);
		}
	}
	free(todo);
	return r;
}

/* ALL_PRIVATE: every mount of the namespace was made private beforehand (the default
 * rootfsPropagation), so the old root needs no MS_SLAVE pass before it is detached. */
static int do_pivot(int rootfd, const char *root, bool no_pivot, bool all_private,
		    struct nsset_error *err)
{
	char clean[PATH_MAX];
	int r;
	if (no_pivot && !realpath(root, clean))
		return nsset_fail_errno(err, errno, "root.path: %s", root);
	if (no_pivot && (r = detach_outside(clean, err)) < 0)
		return r;
	if (fchdir(rootfd) < 0)
		return nsset_fail_errno(err, errno, "root.path: cannot enter the root filesystem");
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return nsset_fail_errno(err, errno, "root.path: cannot move the root to / (--no-pivot)");
		if (chroot(".") < 0)
			return nsset_fail_errno(err, errno, "root.path: chroot");
		if (chdir("/") < 0)
			return nsset_fail_errno(err, errno, "root.path: chdir /");
		return 0;
	}
	int old = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (old < 0)
		return nsset_fail_errno(err, errno, "cannot open the old root");
	r = 0;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		r = nsset_fail_errno(err, errno, "root.path: pivot_root");
	/* The old root is now stacked under ".": detach it, without propagating to the host. */
	else if (fchdir(old) < 0)
		r = nsset_fail_errno(err, errno, "cannot enter the old root");
	else if (!all_private && mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		r = nsset_fail_errno(err, errno, "cannot make the old root a slave");
	else if (umount2(".", MNT_DETACH) < 0)
		r = nsset_fail_errno(err, errno, "cannot detach the old root");
	else if (chdir("/") < 0)
		r = nsset_fail_errno(err, errno, "chdir /");
	close(old);
	return r;
}

int oci_rootfs_prepare_opts(const struct oci_config *c, const struct oci_rootfs_opts *o,
			    struct nsset_error *err)
{
	int r = oci_rootfs_validate(c, err);
	if (r < 0)
		return r;
	const char *root = c->root_path;

	/* rprivate by default; rslave / rshared as asked (like runc: with rshared, a bind of a
	 * host's shared mount stays in its peer group, for bidirectional volumes).  Our own mounts
	 * all land under the root, made private below, so none reaches the host. */
	unsigned long prop = oci_propagation_type(c->rootfs_propagation);
	unsigned long start = (prop == MS_SLAVE || prop == MS_SHARED) ? prop : MS_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | start, NULL) < 0)
		return nsset_fail_errno(err, errno, "cannot set the propagation of the mounts");
	if (start == MS_SHARED && (r = parent_mount_private(root, err)) < 0)
		return r;
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nsset_fail_errno(err, errno, "root.path: cannot bind %s onto itself", root);
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nsset_fail_errno(err, errno, "root.path: %s", root);

	const int *fds = o ? o->mount_fds : NULL;
	long dev = fds ? oci_dev_tree_index(c) : -1; /* /dev may come from the runtime */
	for (size_t i = 0; r == 0 && i < c->n_mounts; i++) {
		struct oci_tree_stream *t = o && o->mount_fds ? o->trees : NULL;
		/* the runtime's trees, made while we made the mounts before this one */
		while (r == 0 && t && t->sock >= 0 && t->seen < (long)i &&
		       oci_rootfs_may_take_tree(c, i)) {
			bool last = false;
			r = oci_rootfs_trees_recv(t->sock, c, (int *)o->mount_fds, i, &t->seen, &last, err);
			if (last)
				t->sock = -1;
		}
		/* (a submount of the runtime's /dev came with it) */
		if (r == 0 && !oci_dev_tree_covers(c, fds, dev, i))
			r = oci_mount_one(c, i, rootfd, o, err);
	}
	if (r == 0 && !(dev >= 0 && fds[dev] >= 0)) /* else /dev came whole */
		r = oci_devices_create(c, rootfd, err);
	if (r == 0)
		r = do_pivot(rootfd, root, o && o->no_pivot, start == MS_PRIVATE, err);
	close(rootfd);
	return r;
}

int oci_rootfs_prepare(const struct oci_config *c, struct nsset_error *err)
{
	return oci_rootfs_prepare_opts(c, NULL, err);
}

/* A masked directory gets an empty read-only tmpfs; the first one made is cloned for the
 * others (*EMPTY: its fd, -1 until then), so that one superblock serves them all. */
static int mask_path(int rootfd, const char *path, size_t i, int *empty, struct nsset_error *err)
{
	char what[64];
	nsset_index_name(what, sizeof(what), "linux.maskedPaths", i);
	int fd = oci_open_in_root(rootfd, path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return nsset_fail_errno(err, fd, "%s: cannot resolve %s", what, path);
	struct stat st;
	int r, tree;
	if (fstat(fd, &st) < 0) {
		r = nsset_fail_errno(err, errno, "%s: %s", what, path);
		goto out;
	}
	if (S_ISDIR(st.st_mode) && *empty >= 0)
		tree = oci_tree_clone(*empty, "", false, what, err);
	else if (S_ISDIR(st.st_mode))
		tree = oci_fs_new("tmpfs", "tmpfs", "size=0,mode=0555", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, what, err);
	else
		tree = oci_tree_clone(AT_FDCWD, "/dev/null", false, what, err);
	if (tree < 0) {
		r = tree;
		goto out;
	}
	r = oci_tree_attach(tree, fd, what, err);
	if (r == 0 && S_ISDIR(st.st_mode) && *empty < 0)
		*empty = tree; /* still names the mount, now attached */
	else
		close(tree);
out:
	close(fd);
	return r;
}

static int readonly_path(int rootfd, const char *path, size_t i, struct nsset_error *err)
{
	char what[64];
	nsset_index_name(what, sizeof(what), "linux.readonlyPaths", i);
	int fd = oci_open_in_root(rootfd, path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return nsset_fail_errno(err, fd, "%s: cannot resolve %s", what, path);
	int r = oci_tree_clone_flags(fd, "", true, MS_RDONLY, 0, what, err);
	if (r >= 0) {
		int tree = r;
		r = oci_tree_attach(tree, fd, what, err);
		close(tree);
	}
	close(fd);
	return r;
}

/* The empty tmpfs of a masked directory under a /proc the runtime made, for the masked
 * directories left to us (mask_path's *empty: one superblock less to make and tear down), or
 * -1.  Nothing else is mounted on or under that /proc (oci_proc_tree_wanted), so a read-only
 * tmpfs directory at one of its masked paths is the runtime's empty one (a masked file is a
 * bind of /dev's null device, a tmpfs too, and read-only with a read-only /dev). */
static int empty_of_proc_tree(const struct oci_config *c, const int *given, int rootfd)
{
	bool left = false;
	for (size_t i = 0; i < c->n_masked_paths && !left; i++)
		left = !oci_proc_tree_covers(c, given, c->masked_paths[i]);
	for (size_t i = 0; left && i < c->n_masked_paths; i++) {
		if (!oci_proc_tree_covers(c, given, c->masked_paths[i]))
			continue;
		int fd = oci_open_in_root(rootfd, c->masked_paths[i], 0);
		struct statfs sfs;
		struct stat st;
		if (fd >= 0 && fstatfs(fd, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC &&
		    (sfs.f_flags & ST_RDONLY) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -1;
}

int oci_rootfs_finalize(const struct oci_config *c, struct nsset_error *err)
{
	return oci_rootfs_finalize_opts(c, NULL, err);
}

int oci_rootfs_finalize_opts(const struct oci_config *c, const struct oci_rootfs_opts *o,
			     struct nsset_error *err)
{
	const int *given = o ? o->mount_fds : NULL;
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nsset_fail_errno(err, errno, "cannot open /");
	int r = 0, empty = empty_of_proc_tree(c, given, rootfd);
	/* (those under a /proc the runtime made are in place already) */
	for (size_t i = 0; r == 0 && i < c->n_masked_paths; i++)
		if (!oci_proc_tree_covers(c, given, c->masked_paths[i]))
			r = mask_path(rootfd, c->masked_paths[i], i, &empty, err);
	if (empty >= 0)
		close(empty);
	for (size_t i = 0; r == 0 && i < c->n_readonly_paths; i++)
		if (!oci_proc_tree_covers(c, given, c->readonly_paths[i]))
			r = readonly_path(rootfd, c->readonly_paths[i], i, err);
	if (r == 0 && c->root_readonly)
		r = oci_tree_set_flags(rootfd, false, MS_RDONLY, 0, "root.readonly", err);
	if (r == 0 && c->rootfs_propagation) {
		r = oci_tree_set_propagation(rootfd, c->rootfs_propagation, "linux.rootfsPropagation", err);
		/* a mount's own propagation option wins over the recursive root one */
		for (size_t i = 0; r == 0 && i < c->n_mounts; i++) {
			if (!c->mounts[i].propagation)
				continue;
			char what[32];
			nsset_index_name(what, sizeof(what), "mounts", i);
			int fd = oci_open_in_root(rootfd, c->mounts[i].destination, 0);
			if (fd < 0) {
				r = nsset_fail_errno(err, fd, "%s.destination: cannot resolve %s", what,
						     c->mounts[i].destination);
				break;
			}
			r = oci_tree_set_propagation(fd, c->mounts[i].propagation, what, err);
			close(fd);
		}
	}
	close(rootfd);
	return r;
}

int oci_rootfs_setup(const struct oci_config *c, const struct oci_rootfs_opts *o,
		     struct nsset_error *err)
{
	int r = oci_rootfs_prepare_opts(c, o, err);
	if (r == 0)
		r = oci_set_hostname(c, err);
	if (r == 0)
		r = oci_sysctl_apply(c, err);
	if (r == 0)
		r = oci_rootfs_finalize_opts(c, o, err);
	return r;
}

int oci_rootfs_bind_console(int pty_fd, struct nsset_error *err)
{
	int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nsset_fail_errno(err, errno, "cannot open /");
	int r = oci_open_in_root(rootfd, "/dev/console", 'f');
	close(rootfd);
	if (r < 0)
		return nsset_fail_errno(err, r, "cannot create /dev/console");
	int target = r;
	r = oci_tree_clone(pty_fd, "", false, "/dev/console", err);
	if (r >= 0) {
		int tree = r;
		r = oci_tree_attach(tree, target, "/dev/console", err);
		close(tree);
	}
	close(target);
	return r;
}
