/* config.mounts[]: validation, and each mount made inside the root filesystem (destination
 * resolved in the root, the mount configured detached, then attached to the resolved fd). */
#include "../internal.h"
#include "oci/cgroup_internal.h"
#include "mount-api.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool oci_mount_is_bind(const struct oci_mount *m)
{
	return (m->flags & MS_BIND) || !m->type || !strcmp(m->type, "bind") ||
	       !strcmp(m->type, "rbind");
}

static bool is_recursive_bind(const struct oci_mount *m)
{
	return (m->flags & MS_REC) || (m->type && !strcmp(m->type, "rbind"));
}

/* A filesystem type the kernel knows (/proc/filesystems). */
static bool kernel_has_fs(const char *type)
{
	if (!*type || strlen(type) > 64)
		return false;
	for (const char *p = type; *p; p++)
		if (!(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.'))
			return false;
	FILE *f = fopen("/proc/filesystems", "re");
	char line[256];
	bool found = false;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		const char *name = strchr(line, '\t');
		found = name && !strcmp(name + 1, type);
	}
	fclose(f);
	if (!found) {
		/* not registered yet: a module may load on demand (fsopen creates nothing) */
		int fd = fsopen(type, FSOPEN_CLOEXEC);
		found = fd >= 0 || errno != ENODEV;
		if (fd >= 0)
			close(fd);
	}
	return found;
}

static int one_propagation(unsigned long p)
{
	unsigned long t = oci_propagation_type(p);
	return t && (t & (t - 1)) ? -1 : 0;
}

int oci_mounts_validate(const struct oci_config *c, struct nsset_error *err)
{
	static const char *known[] = { "bind", "rbind", "none", "proc", "sysfs", "tmpfs",
				       "devpts", "mqueue", "cgroup", "cgroup2" };
	char clean[PATH_MAX];
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct oci_mount *m = &c->mounts[i];
		if (!m->destination || !*m->destination)
			return nsset_fail(err, EINVAL, "mounts[%zu].destination: required", i);
		int r = oci_path_clean(m->destination, clean, sizeof(clean));
		if (r == -EINVAL)
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].destination: must be an absolute path, not '%s'",
					  i, m->destination);
		if (r == -EXDEV)
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].destination: '..' leads outside the root filesystem in '%s'",
					  i, m->destination);
		if (r < 0)
			return nsset_fail(err, EINVAL, "mounts[%zu].destination: path too long", i);
		if (!strcmp(clean, "/"))
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].destination: cannot mount over the container's root '/'", i);
		if (!m->type && !(m->flags & MS_BIND))
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].type: required unless options has bind or rbind", i);
		if (m->type) {
			bool ok = false;
			for (size_t k = 0; k < NSSET_ARRAY_SIZE(known) && !ok; k++)
				ok = !strcmp(m->type, known[k]);
			if (!ok && !kernel_has_fs(m->type))
				return nsset_fail(err, EINVAL,
						  "mounts[%zu].type: unknown filesystem type '%s'", i,
						  m->type);
			if (!strcmp(m->type, "none") && !(m->flags & MS_BIND))
				return nsset_fail(err, EINVAL,
						  "mounts[%zu].type: 'none' needs the bind or rbind option", i);
		}
		if (oci_mount_is_bind(m) && (!m->source || !*m->source))
			return nsset_fail(err, EINVAL, "mounts[%zu].source: required for a bind mount", i);
		if (one_propagation(m->propagation) < 0)
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].options: more than one propagation type", i);
		if (m->idmap && !oci_mount_is_bind(m) && strcmp(m->type, "tmpfs"))
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].options: idmap needs a bind mount (or tmpfs)", i);
		if (m->idmap && !((c->ns_new | c->ns_join) & NSSET_USER))
			return nsset_fail(err, EINVAL,
					  "mounts[%zu].options: idmap needs a user namespace in linux.namespaces", i);
	}
	return 0;
}

bool oci_mounts_have(const struct oci_config *c, const char *dest)
{
	char clean[PATH_MAX];
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].destination &&
		    oci_path_clean(c->mounts[i].destination, clean, sizeof(clean)) == 0 &&
		    !strcmp(clean, dest))
			return true;
	return false;
}

/* The bind source on the host: absolute, or relative to the bundle. */
static int bind_source(const struct oci_config *c, size_t i, char *out, size_t size,
		       struct nsset_error *err)
{
	const char *src = c->mounts[i].source;
	int n;
	if (src[0] == '/' || !c->bundle)
		n = snprintf(out, size, "%s", src);
	else
		n = snprintf(out, size, "%s/%s", c->bundle, src);
	if (n < 0 || (size_t)n >= size)
		return nsset_fail(err, ENAMETOOLONG, "mounts[%zu].source: path too long", i);
	return 0;
}

static int open_dest(int rootfd, const char *dest, int create, const char *what,
		     struct nsset_error *err)
{
	int fd = oci_open_in_root(rootfd, dest, create);
	if (fd < 0)
		return nsset_fail_errno(err, fd, "%s.destination: cannot resolve %s inside the root",
					what, dest);
	return fd;
}

/* Attach a detached tree: flags, attach, propagation.  FRESH: a new filesystem from
 * oci_fs_new(), whose fsmount() already set exactly the attributes of m->flags (a fresh mount
 * has nothing to clear), so no mount_setattr() is needed. */
static int finish(const struct oci_mount *m, int tree, int dstfd, bool flags_recursive,
		  bool fresh, const char *what, struct nsset_error *err)
{
	int r = fresh ? 0 : oci_tree_set_flags(tree, flags_recursive, m->flags, m->clear, what, err);
	if (r == 0)
		r = oci_tree_attach(tree, dstfd, what, err);
	if (r == 0)
		r = oci_tree_set_propagation(tree, m->propagation, what, err);
	return r;
}

static int userns_fd_of(const struct oci_rootfs_opts *o, bool *opened)
{
	*opened = false;
	if (o && o->userns_fd > 0)
		return o->userns_fd;
	int fd = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	*opened = fd >= 0;
	return fd < 0 ? -errno : fd;
}

static int do_idmap(const struct oci_mount *m, int tree, const struct oci_rootfs_opts *o,
		    const char *what, struct nsset_error *err)
{
	bool opened;
	int ufd = userns_fd_of(o, &opened);
	if (ufd < 0)
		return nsset_fail_errno(err, ufd, "%s: cannot open the user namespace", what);
	int r = oci_tree_idmap(tree, ufd, m->recursive_idmap, what, err);
	if (opened)
		close(ufd);
	return r;
}

static int mount_bind(const struct oci_config *c, size_t i, int rootfd,
		      const struct oci_rootfs_opts *o, const char *what, struct nsset_error *err)
{
	const struct oci_mount *m = &c->mounts[i];
	char src[PATH_MAX];
	struct stat st;
	int r = bind_source(c, i, src, sizeof(src), err);
	if (r < 0)
		return r;
	if (stat(src, &st) < 0)
		return nsset_fail_errno(err, errno, "%s.source: %s", what, src);
	int dst = open_dest(rootfd, m->destination, S_ISDIR(st.st_mode) ? 'd' : 'f', what, err);
	if (dst < 0)
		return dst;
	bool given = o && o->mount_fds && o->mount_fds[i] >= 0;
	int tree = given ? o->mount_fds[i] : oci_tree_clone(AT_FDCWD, src, is_recursive_bind(m), what, err);
	if (tree < 0) {
		close(dst);
		return tree;
	}
	r = 0;
	if (m->idmap && !given)
		r = do_idmap(m, tree, o, what, err);
	if (r == 0)
		r = finish(m, tree, dst, false, false, what, err);
	if (!given)
		close(tree);
	close(dst);
	return r;
}

/* A host path bound where a filesystem could not be mounted (user namespace without its own
 * network / ipc namespace: sysfs, mqueue), as crun does. */
static int bind_host(const struct oci_mount *m, const char *host, int dst, const char *what,
		     struct nsset_error *err)
{
	int tree = oci_tree_clone(AT_FDCWD, host, true, what, err);
	if (tree < 0)
		return tree;
	int r = finish(m, tree, dst, true, false, what, err); /* ro etc. on the submounts too */
	close(tree);
	return r;
}

/* Remove "gid=N" from a devpts option string (a user namespace may not map gid 5). */
static void drop_gid(const char *in, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	char *copy = strdup(in ? in : "");
	if (!copy)
		return;
	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "gid=", 4))
			continue;
		int n = snprintf(out + len, size - len, "%s%s", len ? "," : "", o);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	free(copy);
}

const char *oci_devpts_data(const struct oci_mount *m, char *buf, size_t size)
{
	/* a usable /dev/ptmx -> pts/ptmx needs ptmxmode (the kernel's default is 000) */
	snprintf(buf, size, "%s%s%s", m->data ? m->data : "", m->data && *m->data ? "," : "",
		 "newinstance,ptmxmode=0666");
	return m->data && strstr(m->data, "ptmxmode=") ? m->data : buf;
}

static int mount_fs(const struct oci_mount *m, const char *type, const char *data, int dst,
		    const struct oci_rootfs_opts *o, const char *what, struct nsset_error *err)
{
	int tree = oci_fs_new(type, m->source, data, m->flags, what, err);
	if (tree < 0)
		return tree;
	int r = 0;
	if (m->idmap)
		r = do_idmap(m, tree, o, what, err);
	if (r == 0)
		r = finish(m, tree, dst, false, true, what, err);
	close(tree);
	return r;
}

static int mount_cgroup(const struct oci_config *c, const struct oci_mount *m, int dst,
			const struct oci_rootfs_opts *o, const char *what, struct nsset_error *err)
{
	struct statfs sfs;
	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		struct oci_mount v2 = *m;
		if (!((c->ns_new | c->ns_join) & NSSET_CGROUP))
			return bind_host(m, "/sys/fs/cgroup", dst, what, err);
		v2.source = "cgroup2";
		return mount_fs(&v2, "cgroup2", NULL, dst, o, what, err);
	}
	/* v1 or hybrid: a tmpfs holding one directory per host hierarchy, and the symlinks,
	 * made by the runtime (mount_fds) or here. */
	size_t i = (size_t)(m - c->mounts);
	int tree = o && o->mount_fds && o->mount_fds[i] >= 0
			   ? o->mount_fds[i]
			   : oci_cgroup_v1_tree(c, m, o ? o->cgroup : NULL, what, err);
	if (tree < 0)
		return tree;
	int r = oci_tree_attach(tree, dst, what, err);
	if (r == 0)
		r = oci_tree_set_propagation(tree, m->propagation, what, err);
	if (!(o && o->mount_fds && o->mount_fds[i] >= 0))
		close(tree);
	return r;
}

int oci_mount_one(const struct oci_config *c, size_t i, int rootfd,
		  const struct oci_rootfs_opts *o, struct nsset_error *err)
{
	const struct oci_mount *m = &c->mounts[i];
	char what[32];
	nsset_index_name(what, sizeof(what), "mounts", i);
	if (oci_mount_is_bind(m))
		return mount_bind(c, i, rootfd, o, what, err);

	int dst = open_dest(rootfd, m->destination, 'd', what, err);
	if (dst < 0)
		return dst;
	const char *type = m->type;
	int r;
	if (!strcmp(type, "cgroup")) {
		r = mount_cgroup(c, m, dst, o, what, err);
	} else if (!strcmp(type, "sysfs") || !strcmp(type, "mqueue")) {
		struct nsset_error first = { 0 };
		r = mount_fs(m, type, m->data, dst, o, what, &first);
		if (r == -EPERM) { /* user namespace without its own net / ipc namespace */
			const char *host = !strcmp(type, "sysfs") ? "/sys" : "/dev/mqueue";
			struct nsset_error second = { 0 };
			r = bind_host(m, host, dst, what, &second);
			if (r < 0 && err)
				nsset_fail(err, r, "%s (and binding the host's %s instead failed: %s)",
					   first.msg, host, second.msg);
		} else if (r < 0 && err) {
			*err = first;
		}
	} else if (!strcmp(type, "devpts")) {
		char data[512];
		const char *d = oci_devpts_data(m, data, sizeof(data));
		struct nsset_error first = { 0 };
		r = mount_fs(m, type, d, dst, o, what, &first);
		if (r == -EINVAL && strstr(d, "gid=")) {
			char nogid[512];
			drop_gid(d, nogid, sizeof(nogid));
			r = mount_fs(m, type, nogid, dst, o, what, err);
		} else if (r < 0 && err) {
			*err = first;
		}
	} else if ((!strcmp(type, "proc") || !strcmp(type, "tmpfs")) && o && o->mount_fds &&
		   o->mount_fds[i] >= 0) {
		/* the runtime's: proc with its masked and read-only paths in place (mount-proc.c),
		 * /dev with its devices, links and submounts (mount-dev.c) */
		r = finish(m, o->mount_fds[i], dst, false, true, what, err);
	} else {
		r = mount_fs(m, type, m->data, dst, o, what, err);
	}
	close(dst);
	return r;
}

int oci_rootfs_open_idmapped(const struct oci_config *c, int userns_fd, int *fds,
			     struct nsset_error *err)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		fds[i] = -1;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct oci_mount *m = &c->mounts[i];
		if (!m->idmap || !oci_mount_is_bind(m))
			continue;
		char what[32], src[PATH_MAX];
		nsset_index_name(what, sizeof(what), "mounts", i);
		int r = bind_source(c, i, src, sizeof(src), err);
		if (r == 0)
			r = fds[i] = oci_tree_clone(AT_FDCWD, src, is_recursive_bind(m), what, err);
		if (r >= 0)
			r = oci_tree_idmap(fds[i], userns_fd, m->recursive_idmap, what, err);
		if (r < 0) {
			oci_rootfs_close_fds(fds, c->n_mounts);
			return r;
		}
	}
	return 0;
}

void oci_rootfs_close_fds(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}
