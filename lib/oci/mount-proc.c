/* The container's /proc made by the runtime: a proc filesystem of the container's pid
 * namespace (fsconfig "pidns"), with the config's maskedPaths and readonlyPaths under it
 * already in place, built detached while the container process makes its namespaces.  The
 * container process attaches it and leaves those paths alone (oci_proc_tree_covers).
 *
 * Only where the result is the one the container process would make: no user namespace (its
 * proc would belong to it), no sysctl (written into /proc/sys before the paths are made
 * read-only), and no other mount on or under the proc mount's destination.  Anything the
 * runtime cannot do the same way (a path through a symlink, an error) is left to the
 * container process: the tree is dropped, not the container. */
#include "../internal.h"
#include "mount-api.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

/* PATH (cleaned) relative to the cleaned destination DEST when strictly under it, else NULL. */
static const char *under(const char *path, const char *dest)
{
	size_t n = strlen(dest);
	if (n <= 1 || strncmp(path, dest, n) || path[n] != '/' || !path[n + 1])
		return NULL;
	return path + n + 1;
}

static bool clean(const char *in, char *out)
{
	return in && oci_path_clean(in, out, PATH_MAX) == 0;
}

bool oci_proc_tree_wanted(const struct oci_config *c, size_t i)
{
	const struct oci_mount *m = &c->mounts[i];
	char dest[PATH_MAX], other[PATH_MAX];
	if (!m->type || strcmp(m->type, "proc") || oci_mount_is_bind(m) || m->idmap ||
	    ((c->ns_new | c->ns_join) & NSSET_USER) || c->n_sysctl || !clean(m->destination, dest) ||
	    !strcmp(dest, "/"))
		return false;
	for (size_t j = 0; j < c->n_mounts; j++) {
		if (j == i)
			continue;
		if (!clean(c->mounts[j].destination, other) || !strcmp(other, dest) ||
		    under(other, dest))
			return false;
	}
	return true;
}

bool oci_proc_tree_covers(const struct oci_config *c, const int *mount_fds, const char *path)
{
	char p[PATH_MAX], dest[PATH_MAX];
	if (!mount_fds || !clean(path, p))
		return false;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (mount_fds[i] >= 0 && c->mounts[i].type && !strcmp(c->mounts[i].type, "proc") &&
		    clean(c->mounts[i].destination, dest) && under(p, dest))
			return true;
	return false;
}

/* REL inside the detached tree TREE, no symlink followed: an O_PATH fd, or -errno. */
static int open_beneath(int tree, const char *rel)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, tree, rel, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

/* A tmpfs of our own holding a "null" device (1:3), whose binds mask files as the container's
 * /dev/null does (not the host's devtmpfs, which would show in the container's mountinfo). */
static int null_fs(struct nsset_error *err)
{
	int fs = oci_fs_new("tmpfs", "tmpfs", "size=0,mode=0755", MS_NOSUID | MS_NOEXEC, "/proc", err);
	if (fs >= 0 && mknodat(fs, "null", S_IFCHR | 0666, makedev(1, 3)) < 0) {
		close(fs);
		return -errno;
	}
	return fs;
}

/* Mask or make read-only REL in TREE as rootfs.c's mask_path / readonly_path do after
 * pivot_root (a file gets a null device, a directory an empty read-only tmpfs shared by all).
 * 0 when done or when REL does not exist, negative when the container process must do it. */
static int mask(int tree, const char *rel, bool readonly, int *empty, int *null,
		struct nsset_error *err)
{
	int fd = open_beneath(tree, rel);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	struct stat st;
	int r, t;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (readonly)
		t = oci_tree_clone_flags(fd, "", true, MS_RDONLY, 0, "/proc", err);
	else if (S_ISDIR(st.st_mode) && *empty >= 0)
		t = oci_tree_clone(*empty, "", false, "/proc", err);
	else if (S_ISDIR(st.st_mode))
		t = oci_fs_new("tmpfs", "tmpfs", "size=0,mode=0555",
			       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "/proc", err);
	else if (*null >= 0 || (*null = null_fs(err)) >= 0)
		t = oci_tree_clone(*null, "null", false, "/proc", err);
	else
		t = *null;
	if (t < 0) {
		r = t;
		goto out;
	}
	r = oci_tree_attach(t, fd, "/proc", err);
	if (r == 0 && !readonly && S_ISDIR(st.st_mode) && *empty < 0)
		*empty = t;
	else
		close(t);
out:
	close(fd);
	return r;
}

int oci_proc_tree(const struct oci_config *c, size_t i, int pidns_fd, int devfd)
{
	const struct oci_mount *m = &c->mounts[i];
	struct nsset_error err = { 0 };
	char dest[PATH_MAX], p[PATH_MAX];
	/* the container's own /dev/null when /dev is ours too (as the container process masks
	 * with its /dev/null), else a tmpfs of our own (whose detach on close costs an RCU grace
	 * period) */
	int empty = -1, null = devfd, r = 0;
	if (!clean(m->destination, dest))
		return -EINVAL;
	int tree = oci_fs_new_pidns("proc", m->source, m->data, m->flags, pidns_fd, "/proc", &err);
	if (tree < 0)
		return tree;
	for (size_t k = 0; r == 0 && k < c->n_masked_paths; k++) {
		const char *rel = clean(c->masked_paths[k], p) ? under(p, dest) : NULL;
		if (rel)
			r = mask(tree, rel, false, &empty, &null, &err);
	}
	for (size_t k = 0; r == 0 && k < c->n_readonly_paths; k++) {
		const char *rel = clean(c->readonly_paths[k], p) ? under(p, dest) : NULL;
		if (rel)
			r = mask(tree, rel, true, &empty, &null, &err);
	}
	if (empty >= 0)
		close(empty);
	if (null >= 0 && null != devfd)
		close(null);
	if (r < 0) {
		close(tree);
		return r;
	}
	return tree;
}
