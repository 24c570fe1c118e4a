/* The container's /dev made by the runtime: the config's tmpfs on /dev with the default and
 * configured devices, /dev/console and the standard links, and its tmpfs and devpts submounts
 * (/dev/pts, /dev/shm: the config's, or the default ones) in place, built detached while the
 * container process joins its cgroup.  The container process attaches it, skips the submounts
 * that came with it (oci_dev_tree_covers) and makes no devices.
 *
 * Only where the result is the one the container process would make: no user namespace (mknod,
 * and the owners of the nodes), a writable tmpfs /dev without propagation option (which would
 * reach submounts made before it) and nothing else on /dev, every device directly in /dev.  A
 * submount comes along when it is a tmpfs or devpts directly in /dev, listed after /dev,
 * without propagation option, and nothing else is mounted on or under it; the others (mqueue,
 * whose filesystem is the IPC namespace's; binds) the container process mounts on top of the
 * tree, in the config's order as always.  A tree that cannot be made is dropped, not the
 * container: the container process makes /dev then, and reports what fails. */
#include "../internal.h"
#include "mount-api.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The name of PATH if it is directly in /dev ("/dev/NAME", cleaned), else NULL. */
static const char *in_dev(const char *path, char *buf)
{
	if (!path || oci_path_clean(path, buf, PATH_MAX) < 0 || strncmp(buf, "/dev/", 5) ||
	    !buf[5] || strchr(buf + 5, '/'))
		return NULL;
	return buf + 5;
}

static bool is_dev(const struct oci_mount *m)
{
	char clean[PATH_MAX];
	return m->destination && oci_path_clean(m->destination, clean, sizeof(clean)) == 0 &&
	       !strcmp(clean, "/dev");
}

/* Is anything but mounts[J] mounted on or under "/dev/NAME"? */
static bool other_on_or_under(const struct oci_config *c, size_t j, const char *name)
{
	char want[PATH_MAX], other[PATH_MAX];
	size_t n = (size_t)snprintf(want, sizeof(want), "/dev/%s", name);
	for (size_t k = 0; k < c->n_mounts; k++) {
		if (k == j || !c->mounts[k].destination ||
		    oci_path_clean(c->mounts[k].destination, other, sizeof(other)) < 0)
			continue;
		if (!strncmp(other, want, n) && (other[n] == '\0' || other[n] == '/'))
			return true;
	}
	return false;
}

/* Does mounts[J] come with the tree of the /dev mount mounts[I]? */
static bool submount(const struct oci_config *c, size_t i, size_t j)
{
	const struct oci_mount *m = &c->mounts[j];
	char buf[PATH_MAX];
	const char *name = in_dev(m->destination, buf);
	return j > i && name && m->type && !oci_mount_is_bind(m) && !m->idmap && !m->propagation &&
	       (!strcmp(m->type, "tmpfs") || !strcmp(m->type, "devpts")) &&
	       !other_on_or_under(c, j, name);
}

static bool wanted(const struct oci_config *c, size_t i)
{
	const struct oci_mount *m = &c->mounts[i];
	char buf[PATH_MAX];
	if (!m->type || strcmp(m->type, "tmpfs") || oci_mount_is_bind(m) || m->idmap ||
	    m->propagation || (m->flags & MS_RDONLY) || ((c->ns_new | c->ns_join) & NSSET_USER) ||
	    !is_dev(m))
		return false;
	for (size_t k = 0; k < c->n_mounts; k++)
		if (k != i && is_dev(&c->mounts[k]))
			return false;
	for (size_t k = 0; k < c->n_devices; k++)
		if (!in_dev(c->devices[k].path, buf))
			return false;
	return true;
}

long oci_dev_tree_index(const struct oci_config *c)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (is_dev(&c->mounts[i]))
			return wanted(c, i) ? (long)i : -1; /* (a second /dev: none wanted) */
	return -1;
}

bool oci_dev_tree_covers(const struct oci_config *c, const int *mount_fds, long dev, size_t j)
{
	return dev >= 0 && mount_fds && mount_fds[dev] >= 0 && submount(c, (size_t)dev, j);
}

/* A filesystem M mounted on NAME in the tree DEV (NAME made first). */
static int mount_in(int dev, const char *name, const struct oci_mount *m, const char *what,
		    struct nsset_error *err)
{
	char data[512];
	const char *d = strcmp(m->type, "devpts") ? m->data : oci_devpts_data(m, data, sizeof(data));
	if (mkdirat(dev, name, 0755) < 0 && errno != EEXIST)
		return nsset_fail_errno(err, errno, "%s: cannot create /dev/%s", what, name);
	int fs = oci_fs_new(m->type, m->source, d, m->flags, what, err);
	if (fs < 0)
		return fs;
	int r = oci_tree_attach_at(fs, dev, name, what, err);
	close(fs);
	return r;
}

int oci_dev_tree_nodes(const struct oci_config *c, size_t i)
{
	const struct oci_mount *m = &c->mounts[i];
	struct nsset_error err = { 0 };
	char what[32];
	nsset_index_name(what, sizeof(what), "mounts", i);
	int dev = oci_fs_new(m->type, m->source, m->data, m->flags, what, &err);
	if (dev < 0)
		return dev;
	int r = oci_devices_in_dev(c, dev, &err);
	if (r < 0) {
		close(dev);
		return r;
	}
	return dev;
}

int oci_dev_tree_finish(const struct oci_config *c, size_t i, int dev)
{
	struct nsset_error err = { 0 };
	char what[32], buf[PATH_MAX];
	int r = 0;
	for (size_t j = 0; r == 0 && j < c->n_mounts; j++) {
		nsset_index_name(what, sizeof(what), "mounts", j);
		if (submount(c, i, j))
			r = mount_in(dev, in_dev(c->mounts[j].destination, buf), &c->mounts[j], what, &err);
	}
	size_t n;
	const struct oci_mount *def = oci_devices_default_mounts(&n);
	for (size_t k = 0; r == 0 && k < n; k++)
		if (!oci_mounts_have(c, def[k].destination))
			r = mount_in(dev, in_dev(def[k].destination, buf), &def[k], "default mount", &err);
	if (r == 0)
		r = oci_devices_links(c, dev, &err);
	return r;
}
