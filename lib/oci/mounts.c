/* config.mounts[]: validation, and each mount made inside the root filesystem (destination
 * resolved in the root, the mount configured detached, then attached to the resolved fd). */
#include "../internal.h"
#include "oci/cgroup_internal.h"
#include "mount-api.h"

#include <dirent.h>
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

/* ---- cgroup ---- */

#define MAX_HIER 32

struct hier {
	char name[64];         /* cpu, memory, unified, systemd */
	char type[16];         /* cgroup / cgroup2 */
	char opts[256];        /* super options without rw/ro */
	char *src;             /* the container's own cgroup in it, on the host (malloc'd) */
};

/* The entries of the host's /sys/fs/cgroup: the hierarchies' directories, the links. */
struct cgroup_dir {
	DIR *dir;
	char dirs[MAX_HIER][64];
	size_t n_dirs;
	char links[MAX_HIER][64];
	size_t n_links;
	bool complete;  /* every directory and link fitted */
};

static void cgroup_dir_scan(struct cgroup_dir *d)
{
	d->n_dirs = d->n_links = 0;
	d->complete = true;
	d->dir = opendir("/sys/fs/cgroup");
	struct dirent *e;
	while (d->dir && (e = readdir(d->dir))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		bool dir = e->d_type == DT_DIR, link = e->d_type == DT_LNK || e->d_type == DT_UNKNOWN;
		size_t *n = dir ? &d->n_dirs : &d->n_links;
		if (!dir && !link)
			continue;
		if (*n == MAX_HIER || strlen(e->d_name) >= 64) {
			d->complete = false;
			continue;
		}
		strcpy(dir ? d->dirs[(*n)++] : d->links[(*n)++], e->d_name);
	}
	if (!d->dir)
		d->complete = false;
}

/* The hierarchies from the runtime's own record of the container's cgroup (made before the
 * container process, no /proc/self/mountinfo to read): only when every directory of the host's
 * /sys/fs/cgroup is one of them, mounted there, so that the result is the one the mount
 * table gives. */
static void hier_free(struct hier *h, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free(h[i].src);
	*n = 0;
}

static bool runtime_hierarchies(const struct oci_cgroup *cg, const struct cgroup_dir *d,
				struct hier *h, size_t *n)
{
	*n = 0;
	if (!d->complete || cg->n != d->n_dirs || cg->n > MAX_HIER)
		return false;
	for (size_t i = 0; i < cg->n; i++) {
		const struct oci_cgroup_hier *x = &cg->h[i];
		const char *name = x->mount + 15;
		if (strncmp(x->mount, "/sys/fs/cgroup/", 15) || !*name || strchr(name, '/') ||
		    strlen(name) >= sizeof(h->name) || strlen(x->controllers) >= sizeof(h->opts))
			goto no;
		bool listed = false;
		for (size_t k = 0; k < d->n_dirs && !listed; k++)
			listed = !strcmp(d->dirs[k], name);
		for (size_t k = 0; k < *n && listed; k++)
			listed = strcmp(h[k].name, name) != 0; /* each once */
		if (!listed)
			goto no;
		struct hier *y = &h[*n];
		strcpy(y->name, name);
		strcpy(y->type, x->v2 ? "cgroup2" : "cgroup");
		strcpy(y->opts, x->v2 ? "" : x->controllers);
		if (!(y->src = strdup(x->dir)))
			goto no;
		(*n)++;
	}
	if (*n > 0)
		return true;
no:
	hier_free(h, n);
	return false;
}

/* The hierarchies mounted on the host under /sys/fs/cgroup/NAME. */
static int host_hierarchies(struct hier *h, size_t max, size_t *n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	*n = 0;
	if (!f)
		return -errno;
	while (*n < max && fgets(line, sizeof(line), f)) {
		char mp[PATH_MAX], fstype[64], super[512];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2)
			continue;
		if (strncmp(mp, "/sys/fs/cgroup/", 15) || strchr(mp + 15, '/') || !mp[15])
			continue;
		if ((strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")) || strlen(mp + 15) >= 64)
			continue;
		struct hier *x = &h[(*n)++];
		x->src = NULL;
		snprintf(x->name, sizeof(x->name), "%.63s", mp + 15);
		snprintf(x->type, sizeof(x->type), "%.15s", fstype);
		x->opts[0] = '\0';
		size_t len = 0;
		for (char *save = NULL, *o = strtok_r(super, ",", &save); o;
		     o = strtok_r(NULL, ",", &save)) {
			if (!strcmp(o, "rw") || !strcmp(o, "ro") || !strncmp(o, "release_agent=", 14))
				continue;
			int k = snprintf(x->opts + len, sizeof(x->opts) - len, "%s%s", len ? "," : "", o);
			if (k > 0 && (size_t)k < sizeof(x->opts) - len)
				len += (size_t)k;
		}
	}
	fclose(f);
	return 0;
}

/* This process's cgroup in hierarchy H, from the text of /proc/self/cgroup ("/" if unknown). */
static void own_cgroup(const struct hier *h, const char *self, char *out, size_t size)
{
	char line[4096];
	snprintf(out, size, "/");
	for (const char *p = self; *p;) {
		const char *e = strchrnul(p, '\n');
		size_t n = (size_t)(e - p) < sizeof(line) ? (size_t)(e - p) : sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = *e ? e + 1 : e;
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool match;
		if (!strcmp(h->type, "cgroup2")) {
			match = !*ctrls;
		} else {
			/* every controller of the line is in the super options (which may carry
			 * more: xattr...) */
			char opts[300], copy[256];
			snprintf(opts, sizeof(opts), ",%s,", h->opts);
			snprintf(copy, sizeof(copy), "%s", ctrls);
			match = *ctrls;
			for (char *sv = NULL, *t = strtok_r(copy, ",", &sv); t && match;
			     t = strtok_r(NULL, ",", &sv)) {
				char needle[300];
				snprintf(needle, sizeof(needle), ",%s,", t);
				match = strstr(opts, needle);
			}
		}
		if (match) {
			snprintf(out, size, "%s", path);
			return;
		}
	}
}

static int cgroup_hierarchy(const struct oci_config *c, const struct oci_mount *m,
			    const struct hier *h, int tmpfd, const char *what,
			    struct nsset_error *err)
{
	if (mkdirat(tmpfd, h->name, 0755) < 0 && errno != EEXIST)
		return nsset_fail_errno(err, errno, "%s: cannot create %s", what, h->name);
	unsigned long flags = (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)) |
			      MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int tree = -1;
	struct nsset_error ignored = { 0 };
	/* With a cgroup namespace, a fresh mount shows the namespace's own view (fsmount sets
	 * the flags). */
	if ((c->ns_new | c->ns_join) & NSSET_CGROUP)
		tree = oci_fs_new(h->type, h->type, !strcmp(h->type, "cgroup") ? h->opts : NULL,
				  flags, what, &ignored);
	if (tree < 0) {
		/* Otherwise (or when refused): bind this process's own cgroup, read-only. */
		tree = oci_tree_clone_flags(AT_FDCWD, h->src, false, flags, 0, what, err);
		if (tree < 0)
			return tree;
	}
	/* the directory was just made in our own new tmpfs: attach on its name directly */
	int r = oci_tree_attach_at(tree, tmpfd, h->name, what, err);
	close(tree);
	return r;
}

/* The host's /sys/fs/cgroup/CONTROLLER -> HIERARCHY links (cpu -> cpu,cpuacct) copied into
 * TMPFD: a readlink only for the links named after a controller of one of the hierarchies. */
static int cgroup_links(const struct hier *h, size_t n, const struct cgroup_dir *d, int tmpfd,
			const char *what, struct nsset_error *err)
{
	int r = 0;
	for (size_t k = 0; r == 0 && d->dir && k < d->n_links; k++) {
		const char *name = d->links[k];
		bool controller = false;
		for (size_t i = 0; i < n && !controller; i++) {
			char copy[256];
			snprintf(copy, sizeof(copy), "%s", h[i].opts);
			for (char *sv = NULL, *t = strtok_r(copy, ",", &sv); t && !controller;
			     t = strtok_r(NULL, ",", &sv))
				controller = !strcmp(t, name);
		}
		if (!controller)
			continue;
		char link[PATH_MAX];
		ssize_t l = readlinkat(dirfd(d->dir), name, link, sizeof(link) - 1);
		if (l <= 0)
			continue;
		link[l] = '\0';
		if (symlinkat(link, tmpfd, name) < 0 && errno != EEXIST)
			r = nsset_fail_errno(err, errno, "%s: cannot link %s", what, name);
	}
	return r;
}

/* The hierarchies from the mount table, and this process's cgroup in each. */
static int mountinfo_hierarchies(struct hier *h, size_t *n, const char *what,
				 struct nsset_error *err)
{
	int r = host_hierarchies(h, MAX_HIER, n);
	if (r < 0)
		return nsset_fail_errno(err, r, "%s: cannot read /proc/self/mountinfo", what);
	char self[8192];
	self[0] = '\0';
	int sfd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (sfd >= 0) {
		ssize_t k = read(sfd, self, sizeof(self) - 1);
		self[k > 0 ? k : 0] = '\0';
		close(sfd);
	}
	for (size_t i = 0; i < *n; i++) {
		char own[PATH_MAX / 2];
		own_cgroup(&h[i], self, own, sizeof(own));
		if (asprintf(&h[i].src, "/sys/fs/cgroup/%s%s", h[i].name, own) < 0) {
			h[i].src = NULL;
			return nsset_fail(err, ENOMEM, "%s: out of memory", what);
		}
	}
	return 0;
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
	/* v1 or hybrid: a tmpfs holding one directory per host hierarchy, and the symlinks. */
	struct hier h[MAX_HIER];
	struct cgroup_dir d[1];
	size_t n = 0;
	int r = 0, tmp = -1;
	cgroup_dir_scan(d);
	/* Without a cgroup namespace (whose fresh mounts take the mount table's options), what
	 * the runtime found when it made the cgroup will do. */
	if (!(o && o->cgroup && !((c->ns_new | c->ns_join) & NSSET_CGROUP) &&
	      runtime_hierarchies(o->cgroup, d, h, &n)) &&
	    (r = mountinfo_hierarchies(h, &n, what, err)) < 0)
		goto out;
	tmp = oci_fs_new("tmpfs", "tmpfs", "mode=755",
			 (m->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, what, err);
	if (tmp < 0) {
		r = tmp;
		goto out;
	}
	r = oci_tree_attach(tmp, dst, what, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = cgroup_hierarchy(c, m, &h[i], tmp, what, err);
	if (r == 0)
		r = cgroup_links(h, n, d, tmp, what, err);
	if (r == 0 && (m->flags & MS_RDONLY))
		r = oci_tree_set_flags(tmp, false, MS_RDONLY, 0, what, err);
	if (r == 0)
		r = oci_tree_set_propagation(tmp, m->propagation, what, err);
out:
	if (tmp >= 0)
		close(tmp);
	if (d->dir)
		closedir(d->dir);
	hier_free(h, &n);
	return r;
}

int oci_mount_one(const struct oci_config *c, size_t i, int rootfd,
		  const struct oci_rootfs_opts *o, struct nsset_error *err)
{
	const struct oci_mount *m = &c->mounts[i];
	char what[32];
	snprintf(what, sizeof(what), "mounts[%zu]", i);
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
		/* a usable /dev/ptmx -> pts/ptmx needs ptmxmode (the kernel's default is 000) */
		char data[512];
		snprintf(data, sizeof(data), "%s%s%s", m->data ? m->data : "",
			 m->data && *m->data ? "," : "", "newinstance,ptmxmode=0666");
		const char *d = m->data && strstr(m->data, "ptmxmode=") ? m->data : data;
		struct nsset_error first = { 0 };
		r = mount_fs(m, type, d, dst, o, what, &first);
		if (r == -EINVAL && strstr(d, "gid=")) {
			char nogid[512];
			drop_gid(d, nogid, sizeof(nogid));
			r = mount_fs(m, type, nogid, dst, o, what, err);
		} else if (r < 0 && err) {
			*err = first;
		}
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
		snprintf(what, sizeof(what), "mounts[%zu]", i);
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
