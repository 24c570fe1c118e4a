/* The cgroup v1 (or hybrid) /sys/fs/cgroup of a container: a tmpfs holding one directory per
 * host hierarchy, the container's own cgroup bound on each (or, with a cgroup namespace, a
 * fresh mount of the hierarchy), and the host's controller links (cpu -> cpu,cpuacct).  Built
 * detached: by the runtime while the container process makes its namespaces (when no user or
 * cgroup namespace is involved, oci_rootfs_runtime_trees), else by the container process. */
#include "../internal.h"
#include "oci/cgroup_internal.h"
#include "mount-api.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>



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

/* A directory of the host's /sys/fs/cgroup on which a cgroup hierarchy is mounted. */
static bool is_hierarchy(const char *name)
{
	struct statfs sfs;
	char path[128];
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", name);
	return statfs(path, &sfs) == 0 &&
	       (sfs.f_type == CGROUP_SUPER_MAGIC || sfs.f_type == CGROUP2_SUPER_MAGIC);
}

static bool runtime_hierarchies(const struct oci_cgroup *cg, const struct cgroup_dir *d,
				struct hier *h, size_t *n)
{
	*n = 0;
	if (!d->complete || cg->n > d->n_dirs || cg->n > MAX_HIER)
		return false;
	/* every other directory there must be an empty mount point (a hierarchy unmounted, as
	 * the unified one of a hybrid host made v1-only): one with a hierarchy on it is missing
	 * from the record */
	for (size_t k = 0; k < d->n_dirs && cg->n < d->n_dirs; k++) {
		bool known = false;
		for (size_t i = 0; i < cg->n && !known; i++)
			known = !strncmp(cg->h[i].mount, "/sys/fs/cgroup/", 15) &&
				!strcmp(cg->h[i].mount + 15, d->dirs[k]);
		if (!known && is_hierarchy(d->dirs[k]))
			return false;
	}
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

int oci_cgroup_v1_tree(const struct oci_config *c, const struct oci_mount *m,
		       const struct oci_cgroup *cg, const char *what, struct nsset_error *err)
{
	struct hier h[MAX_HIER];
	struct cgroup_dir d[1];
	size_t n = 0;
	int r = 0, tmp = -1;
	cgroup_dir_scan(d);
	/* Without a cgroup namespace (whose fresh mounts take the mount table's options), what
	 * the runtime found when it made the cgroup will do. */
	if (!(cg && !((c->ns_new | c->ns_join) & NSSET_CGROUP) && runtime_hierarchies(cg, d, h, &n)) &&
	    (r = mountinfo_hierarchies(h, &n, what, err)) < 0)
		goto out;
	tmp = oci_fs_new("tmpfs", "tmpfs", "mode=755",
			 (m->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, what, err);
	if (tmp < 0) {
		r = tmp;
		goto out;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = cgroup_hierarchy(c, m, &h[i], tmp, what, err);
	if (r == 0)
		r = cgroup_links(h, n, d, tmp, what, err);
	if (r == 0 && (m->flags & MS_RDONLY))
		r = oci_tree_set_flags(tmp, false, MS_RDONLY, 0, what, err);
out:
	if (r < 0 && tmp >= 0)
		close(tmp);
	if (d->dir)
		closedir(d->dir);
	hier_free(h, &n);
	return r < 0 ? r : tmp;
}
