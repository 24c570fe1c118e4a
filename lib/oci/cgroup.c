/* The container's cgroup in every hierarchy: layout, paths, create, remove, saved form.  The
 * processes (add, list, freeze, kill) are in cgroup_procs.c, the resource files in
 * cgroup_resources.c. */
#include "internal.h"
#include "oci/cgroup_internal.h"
#include "oci/readall.h"
#include "oci/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *oci_cgroup_layout_name(enum oci_cgroup_layout l)
{
	switch (l) {
	case OCI_CGROUP_V1: return "v1";
	case OCI_CGROUP_V2: return "v2";
	case OCI_CGROUP_HYBRID: return "hybrid";
	default: return "none";
	}
}

void oci_cgroup_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int oci_cgroup_write(const char *dir, const char *file, const char *value, const char *what,
		     struct nsset_error *err)
{
	char path[4096];
	NSSET_CONCAT(path, sizeof(path), dir, "/", file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "%s: cannot open %s", what, path);
	size_t len = strlen(value);
	ssize_t w = write(fd, value, len);
	int e = errno;
	close(fd);
	if (w < 0 || (size_t)w != len)
		return nsset_fail_errno(err, w < 0 ? e : EIO, "%s: cannot write '%s' to %s", what, value, path);
	return 0;
}

int oci_cgroup_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[4096];
	NSSET_CONCAT(path, sizeof(path), dir, "/", file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t r = read(fd, buf, size - 1);
	int e = errno;
	close(fd);
	if (r < 0)
		return -e;
	buf[r] = '\0';
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = '\0';
	return (int)r;
}

/* ---- paths -------------------------------------------------------------------------------- */

int oci_cgroup_path_check(const char *cgroups_path, const char *id, char *buf, size_t size,
			  struct nsset_error *err)
{
	char tmp[4096];
	const char *in = cgroups_path;

	if (!in) {
		if (!id || !id[0] || strchr(id, '/'))
			return nsset_fail(err, EINVAL, "linux.cgroupsPath: no path and no usable container id");
		/* One level, as runc's default: no parent shared by the containers to make and
		 * remove with the first and the last of them (two mkdirs and rmdirs more per
		 * hierarchy, ≈0.5 ms a run, when one container at a time runs). */
		NSSET_CONCAT(tmp, sizeof(tmp), "/nsset-", id);
		in = tmp;
	}
	size_t o = 0;
	bool absolute = in[0] == '/';
	if (absolute)
		buf[o++] = '/';
	const char *p = in;
	int components = 0;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return nsset_fail(err, EINVAL, "linux.cgroupsPath: '%s': '.' and '..' are not allowed", in);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return nsset_fail(err, EINVAL, "linux.cgroupsPath: control characters are not allowed");
		if (o + len + 2 > size)
			return nsset_fail(err, ENAMETOOLONG, "linux.cgroupsPath: too long");
		if (components++ > 0)
			buf[o++] = '/';
		memcpy(buf + o, p, len);
		o += len;
		p = end;
	}
	buf[o] = '\0';
	if (components == 0)
		return nsset_fail(err, EINVAL, "linux.cgroupsPath: '%s' names the root cgroup", in);
	return 0;
}

/* ---- hierarchies -------------------------------------------------------------------------- */

struct mnt {
	char *point, *root, *opts;
	bool v2;
};

/* The first N space-separated fields of S, cut in place (the last one at its newline too);
 * how many there were. */
static int split_fields(char *s, char **f, int n)
{
	int k = 0;
	while (k < n) {
		s += strspn(s, " \n");
		if (!*s)
			break;
		f[k++] = s;
		s += strcspn(s, " \n");
		if (*s)
			*s++ = '\0';
	}
	return k;
}

/* A whole /proc file in one buffer (one read of a page, then the end, for these): NULL and
 * errno on failure. */
static char *slurp(const char *path)
{
	struct nsset_error e = { 0 };
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	int r = oci_read_fd(fd, path, &buf, NULL, &e);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	return buf;
}

/* The next line of *CUR (NUL-terminated in place, without its newline), or NULL at the end. */
static char *next_line(char **cur)
{
	char *line = *cur;
	if (!*line)
		return NULL;
	char *nl = strchrnul(line, '\n');
	*cur = *nl ? nl + 1 : nl;
	*nl = '\0';
	return line;
}

static int read_mounts(struct mnt **out, size_t *n)
{
	char *all = slurp("/proc/self/mountinfo"), *cur = all, *line;
	*out = NULL;
	*n = 0;
	if (!all)
		return -errno;
	while ((line = next_line(&cur))) {
		/* "ID PARENT MAJ:MIN ROOT POINT OPTIONS... - FSTYPE SOURCE SUPER-OPTIONS" */
		char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		char *after = sep + 3, *f_[3], *b_[5];
		if (split_fields(after, f_, 3) < 3 || split_fields(line, b_, 5) < 5)
			continue;
		const char *fstype = f_[0], *opts = f_[2];
		char *root = b_[3], *point = b_[4];
		bool v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		oci_mountinfo_unescape(root);
		oci_mountinfo_unescape(point);
		struct mnt *m = realloc(*out, (*n + 1) * sizeof(**out));
		if (!m)
			break;
		*out = m;
		m[*n] = (struct mnt){ strdup(point), strdup(root), strdup(opts), v2 };
		(*n)++;
	}
	free(all);
	return 0;
}

static void free_mounts(struct mnt *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].point);
		free(m[i].root);
		free(m[i].opts);
	}
	free(m);
}

/* Is the LEN bytes at TOK one of the comma-separated tokens of LIST? */
static bool has_token_n(const char *list, const char *tok, size_t len)
{
	for (const char *p = list; p && *p;) {
		const char *end = strchrnul(p, ',');
		if ((size_t)(end - p) == len && strncmp(p, tok, len) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static bool has_token(const char *list, const char *tok)
{
	return has_token_n(list, tok, strlen(tok));
}

/* Every (non-empty) token of NEED is one of HAVE's. */
static bool all_tokens(const char *need, const char *have)
{
	for (const char *p = need; *p;) {
		const char *end = strchrnul(p, ',');
		if (end > p && !has_token_n(have, p, (size_t)(end - p)))
			return false;
		p = *end ? end + 1 : end;
	}
	return true;
}

struct own {
	char *controllers; /* "" for v2 */
	char *path;
};

/* /proc/self/cgroup: the hierarchies this process is in and where. */
static int read_own(struct own **out, size_t *n)
{
	char *all = slurp("/proc/self/cgroup"), *cur = all, *line;
	*out = NULL;
	*n = 0;
	if (!all)
		return -errno;
	while ((line = next_line(&cur))) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		struct own *o = realloc(*out, (*n + 1) * sizeof(**out));
		if (!o)
			break;
		*out = o;
		o[*n] = (struct own){ strdup(c1 + 1), strdup(c2 + 1) };
		(*n)++;
	}
	free(all);
	return 0;
}

void oci_cgroup_free(struct oci_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		free(cg->h[i].mount);
		free(cg->h[i].controllers);
		free(cg->h[i].dir);
	}
	free(cg->h);
	free(cg->path);
	free(cg);
}

static enum oci_cgroup_layout layout_of(const struct oci_cgroup *cg)
{
	bool v1 = false, v2 = false;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].v2)
			v2 = true;
		else
			v1 = true;
	}
	return v1 && v2 ? OCI_CGROUP_HYBRID : v1 ? OCI_CGROUP_V1 : v2 ? OCI_CGROUP_V2 : OCI_CGROUP_NONE;
}

/* The end of discover and load: a cgroup without a hierarchy fails with code and why; else
 * it is the caller's (*out) and no longer *cg. */
static int hand_over(struct oci_cgroup **cg, struct oci_cgroup **out, int code, const char *why,
		     struct nsset_error *err)
{
	if ((*cg)->n == 0)
		return nsset_fail(err, code, "%s", why);
	(*cg)->layout = layout_of(*cg);
	*out = *cg;
	*cg = NULL;
	return 0;
}

/* The hierarchies, with dir = where path goes in each. */
static int discover(const char *path, struct oci_cgroup **out, struct nsset_error *err)
{
	struct mnt *m;
	struct own *own;
	size_t nm, no;
	int r;

	if ((r = read_mounts(&m, &nm)) < 0)
		return nsset_fail_errno(err, -r, "cannot read /proc/self/mountinfo");
	if ((r = read_own(&own, &no)) < 0) {
		free_mounts(m, nm);
		return nsset_fail_errno(err, -r, "cannot read /proc/self/cgroup");
	}
	struct oci_cgroup *cg = calloc(1, sizeof(*cg));
	if (!cg || !(cg->path = strdup(path)) || !(cg->h = calloc(no ? no : 1, sizeof(*cg->h)))) {
		r = nsset_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < no; i++) {
		bool v2 = own[i].controllers[0] == '\0';
		struct mnt *found = NULL;
		for (size_t j = 0; j < nm && !found; j++) {
			if (m[j].v2 != v2)
				continue;
			if (!v2 && !all_tokens(own[i].controllers, m[j].opts))
				continue;
			/* A mount of a sub-cgroup (a bind mount, or a cgroup namespace's view) is
			 * fine only if our own cgroup is inside it. */
			size_t rl = strlen(m[j].root);
			if (strcmp(m[j].root, "/") != 0 &&
			    (strncmp(own[i].path, m[j].root, rl) != 0 ||
			     (own[i].path[rl] != '/' && own[i].path[rl] != '\0')))
				continue;
			found = &m[j];
		}
		if (!found)
			continue; /* a hierarchy that is not mounted here: nothing to do in it */
		struct oci_cgroup_hier *h = &cg->h[cg->n];
		char dir[4096], ctl[1024] = "";
		const char *ownrel = own[i].path + (strcmp(found->root, "/") ? strlen(found->root) : 0);
		if (path[0] == '/')
			NSSET_CONCAT(dir, sizeof(dir), found->point, path);
		else
			NSSET_CONCAT(dir, sizeof(dir), found->point, ownrel[0] == '/' ? "" : "/",
				     strcmp(ownrel, "/") ? ownrel : "", "/", path);
		if (v2)
			oci_cgroup_read(found->point, "cgroup.controllers", ctl, sizeof(ctl));
		for (char *c = ctl; *c; c++)
			if (*c == ' ')
				*c = ',';
		h->mount = strdup(found->point);
		h->controllers = strdup(v2 ? ctl : own[i].controllers);
		h->v2 = v2;
		h->dir = strdup(dir);
		cg->n++;
		if (!h->mount || !h->controllers || !h->dir) {
			r = nsset_fail(err, ENOMEM, "out of memory");
			goto out;
		}
	}
	r = hand_over(&cg, out, ENOENT, "no cgroup hierarchy is mounted", err);
out:
	oci_cgroup_free(cg);
	free_mounts(m, nm);
	for (size_t i = 0; i < no; i++) {
		free(own[i].controllers);
		free(own[i].path);
	}
	free(own);
	return r;
}

int oci_cgroup_detect(enum oci_cgroup_layout *out, struct nsset_error *err)
{
	struct oci_cgroup *cg;
	int r = discover("/", &cg, err);
	if (r < 0)
		return r;
	*out = cg->layout;
	oci_cgroup_free(cg);
	return 0;
}

struct oci_cgroup_hier *oci_cgroup_hier_for(struct oci_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && has_token(cg->h[i].controllers, controller))
			return &cg->h[i];
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && has_token(cg->h[i].controllers, controller))
			return &cg->h[i];
	return NULL;
}

const char *oci_cgroup_dir(const struct oci_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (controller[0] == '\0' ? cg->h[i].v2 : (!cg->h[i].v2 && has_token(cg->h[i].controllers, controller)))
			return cg->h[i].dir;
	}
	return NULL;
}

const char *oci_cgroup_path(const struct oci_cgroup *cg)
{
	return cg->path;
}

/* ---- create / remove ---------------------------------------------------------------------- */

/* A new v1 cpuset has no cpus nor mems: nothing can join it (ENOSPC) until they are copied from
 * its parent.  The parent may be just as empty, made an instant ago by another runtime that has
 * not copied its own yet: fill it first, up to the first ancestor that has them (the root). */
static void copy_cpuset(const char *dir, bool made)
{
	char parent[4096], buf[256];
	nsset_strcpy(parent, sizeof(parent), dir);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return;
	*slash = '\0';
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < 2; i++) {
		/* MADE (by our mkdir): empty, or a copy already (cgroup.clone_children), which the
		 * same values written again leave as it is.  Else values of its own are kept. */
		if (!made && oci_cgroup_read(dir, files[i], buf, sizeof(buf)) != 0)
			continue; /* already set (or no such file) */
		int r = oci_cgroup_read(parent, files[i], buf, sizeof(buf));
		if (r == 0) {
			copy_cpuset(parent, false);
			r = oci_cgroup_read(parent, files[i], buf, sizeof(buf));
		}
		if (r > 0)
			oci_cgroup_write(dir, files[i], buf, "cpuset", NULL);
	}
}

static bool space_list_has(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	return false;
}

static void enable_v2_controllers(const char *mount, const char *dir)
{
	/* Pure v2: the parents must delegate the controllers the container's files need. */
	char cur[4096], avail[1024], want[1024];
	size_t ml = strlen(mount);
	nsset_strcpy(cur, sizeof(cur), mount);
	for (;;) {
		if (oci_cgroup_read(cur, "cgroup.controllers", avail, sizeof(avail)) > 0) {
			want[0] = '\0';
			static const char *const ctl[] = { "cpu", "cpuset", "memory", "pids", "io" };
			for (size_t i = 0; i < NSSET_ARRAY_SIZE(ctl); i++) {
				if (space_list_has(avail, ctl[i])) {
					strcat(want, want[0] ? " +" : "+");
					strcat(want, ctl[i]);
				}
			}
			if (want[0])
				oci_cgroup_write(cur, "cgroup.subtree_control", want, "cgroup", NULL);
		}
		const char *next = strchr(dir + strlen(cur) + 1, '/');
		if (strlen(cur) >= strlen(dir) || !next)
			break;
		size_t len = (size_t)(next - dir);
		if (len <= ml)
			break;
		memcpy(cur, dir, len);
		cur[len] = '\0';
	}
}

int oci_cgroup_v2_enable(struct oci_cgroup *cg, const char *controller, const char *what,
			 struct nsset_error *err)
{
	struct oci_cgroup_hier *h = NULL;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			h = &cg->h[i];
	if (!h)
		return nsset_fail(err, EOPNOTSUPP, "%s: no cgroup v2 hierarchy on this host", what);
	if (!has_token(h->controllers, controller))
		return nsset_fail(err, EOPNOTSUPP, "%s: no %s controller on cgroup v2 here (%s/cgroup.controllers: \"%s\")",
				  what, controller, h->mount, h->controllers);
	char cur[4096], sub[1024], plus[64];
	const char *p = h->dir + strlen(h->mount), *next;
	nsset_strcpy(cur, sizeof(cur), h->mount);
	snprintf(plus, sizeof(plus), "+%s", controller);
	for (;;) {
		next = strchr(p + 1, '/');
		if (oci_cgroup_read(cur, "cgroup.subtree_control", sub, sizeof(sub)) < 0 ||
		    !space_list_has(sub, controller)) {
			int r = oci_cgroup_write(cur, "cgroup.subtree_control", plus, what, err);
			if (r < 0)
				return r;
		}
		if (!next || strlen(cur) + (size_t)(next - p) >= sizeof(cur))
			return 0;
		strncat(cur, p, (size_t)(next - p));
		p = next;
	}
}

/* rmdir dir and what is below it (deepest first), retrying on EBUSY while the processes exit. */
static int remove_tree(const char *dir)
{
	/* The common case first: no child cgroup and no process left, one rmdir.  A cgroup with
	 * children or processes answers EBUSY; then the children are removed and it is retried. */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY && errno != ENOTEMPTY)
		return -errno;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[4096];
		NSSET_CONCAT(sub, sizeof(sub), dir, "/", e->d_name);
		int s = remove_tree(sub);
		if (s < 0 && r == 0)
			r = s;
	}
	closedir(d);
	if (r < 0)
		return r;
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		oci_cgroup_sleep_ms(10);
	}
	return -EBUSY;
}

/* Returns true when the direct parent was removed. */
static bool remove_parents(struct oci_cgroup_hier *h)
{
	char p[4096];
	nsset_strcpy(p, sizeof(p), h->dir);
	for (int i = 1; i < h->created; i++) {
		char *slash = strrchr(p, '/');
		if (!slash || (size_t)(slash - p) <= strlen(h->mount))
			return i > 1;
		*slash = '\0';
		if (rmdir(p) != 0)
			return i > 1; /* not empty: another container is using it */
	}
	return h->created > 1;
}

static int remove_dirs(struct oci_cgroup *cg, bool made_only, struct nsset_error *err)
{
	int r = 0;
	for (size_t i = 0; i < cg->n; i++) {
		if (made_only && cg->h[i].created <= 0)
			continue;
		int s = remove_tree(cg->h[i].dir);
		if (s < 0) {
			if (r == 0)
				r = nsset_fail_errno(err, -s, "cannot remove the cgroup %s%s", cg->h[i].dir,
						     s == -EBUSY ? " (processes are left in it)" : "");
			continue;
		}
		remove_parents(&cg->h[i]);
		cg->h[i].created = 0;
	}
	return r;
}

int oci_cgroup_remove_if_empty(struct oci_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct oci_cgroup_hier *h = &cg->h[i];
		if (rmdir(h->dir) < 0 && errno != ENOENT)
			return -errno;
		remove_parents(h);
		h->created = 0;
	}
	return 0;
}

int oci_cgroup_remove(struct oci_cgroup *cg, struct nsset_error *err)
{
	return remove_dirs(cg, false, err);
}

int oci_cgroup_remove_made(struct oci_cgroup *cg, struct nsset_error *err)
{
	return remove_dirs(cg, true, err);
}

int oci_cgroup_count_procs(const struct oci_cgroup *cg)
{
	char path[4096], buf[4096];
	int n = 0;
	if (cg->n == 0)
		return 0;
	NSSET_CONCAT(path, sizeof(path), cg->h[0].dir, "/cgroup.procs");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	ssize_t k;
	while ((k = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < k; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

static int mkdir_levels(struct oci_cgroup_hier *h, struct nsset_error *err)
{
	/* The levels below the base (the hierarchy's root, or our own cgroup for a relative
	 * path) that do not exist yet, top down.  A parent removed by another container's
	 * delete between two mkdirs is made again. */
	char p[4096];
	size_t len = strlen(h->dir);
	int tries = 0;
again:
	h->created = 0;
	/* The common cases in one mkdir each: the parent exists (the directory is made), or the
	 * directory itself does (nothing to make).  Otherwise, below, the walk up. */
	if (mkdir(h->dir, 0755) == 0) {
		h->created = 1;
		if (!h->v2 && has_token(h->controllers, "cpuset"))
			copy_cpuset(h->dir, true);
		goto made;
	}
	if (errno == EEXIST) {
		/* made by someone else (another runtime, the same id): maybe not filled yet */
		if (!h->v2 && has_token(h->controllers, "cpuset"))
			copy_cpuset(h->dir, false);
		goto made;
	}
	if (errno != ENOENT)
		return nsset_fail_errno(err, errno, "cannot make the cgroup %s", h->dir);
	nsset_strcpy(p, sizeof(p), h->dir);
	/* Walk up to the deepest ancestor that exists, making it on the way when its own parent
	 * does (a mkdir per level instead of an access: /a of /a/<id> in one call). */
	size_t existing = len, mount_len = strlen(h->mount);
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash || (size_t)(slash - p) < mount_len)
			return nsset_fail(err, ENOENT, "cgroup hierarchy %s is gone", h->mount);
		*slash = '\0';
		existing = (size_t)(slash - p);
		if (existing == mount_len)
			break; /* the hierarchy's root */
		if (mkdir(p, 0755) == 0) {
			h->created++;
			if (!h->v2 && has_token(h->controllers, "cpuset"))
				copy_cpuset(p, true);
			break;
		}
		if (errno == EEXIST)
			break;
		if (errno != ENOENT)
			return nsset_fail_errno(err, errno, "cannot make the cgroup %s", p);
	}
	while (existing < len) {
		const char *next = strchr(h->dir + existing + 1, '/');
		size_t upto = next ? (size_t)(next - h->dir) : len;
		memcpy(p, h->dir, upto);
		p[upto] = '\0';
		bool made = mkdir(p, 0755) == 0;
		if (!made) {
			int e = errno;
			if (e == ENOENT && tries++ < 5) {
				remove_parents(h);
				goto again;
			}
			if (e != EEXIST)
				return nsset_fail_errno(err, e, "cannot make the cgroup %s", p);
		} else {
			h->created++;
		}
		if (!h->v2 && has_token(h->controllers, "cpuset"))
			copy_cpuset(p, made);
		existing = upto;
	}
made:
	if (h->v2)
		enable_v2_controllers(h->mount, h->dir);
	return 0;
}

int oci_cgroup_plan(const char *cgroups_path, const char *id, struct oci_cgroup **out,
		    struct nsset_error *err)
{
	char path[4096];
	int r;

	if ((r = oci_cgroup_path_check(cgroups_path, id, path, sizeof(path), err)) < 0)
		return r;
	return discover(path, out, err);
}

int oci_cgroup_make(struct oci_cgroup *cg, enum oci_cgroup_part part, struct nsset_error *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		if ((part == OCI_CGROUP_PART_V1 && cg->h[i].v2) || (part == OCI_CGROUP_PART_V2 && !cg->h[i].v2))
			continue;
		int r = mkdir_levels(&cg->h[i], err);
		if (r < 0) {
			/* Undo: only what this call made. */
			for (size_t j = 0; j <= i; j++) {
				if ((part == OCI_CGROUP_PART_V1 && cg->h[j].v2) ||
				    (part == OCI_CGROUP_PART_V2 && !cg->h[j].v2))
					continue;
				if (cg->h[j].created > 0 && rmdir(cg->h[j].dir) == 0)
					remove_parents(&cg->h[j]);
				cg->h[j].created = 0;
			}
			return r;
		}
	}
	return 0;
}

int oci_cgroup_create(const char *cgroups_path, const char *id, struct oci_cgroup **out,
		      struct nsset_error *err)
{
	struct oci_cgroup *cg;
	int r = oci_cgroup_plan(cgroups_path, id, &cg, err);
	if (r < 0)
		return r;
	if ((r = oci_cgroup_make(cg, OCI_CGROUP_PART_ALL, err)) < 0) {
		oci_cgroup_free(cg);
		return r;
	}
	*out = cg;
	return 0;
}

/* ---- state -------------------------------------------------------------------------------- */

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

int oci_cgroup_save(const struct oci_cgroup *cg, char **out, struct nsset_error *err)
{
	size_t size = strlen(cg->path) + 2;
	for (size_t i = 0; i < cg->n; i++)
		size += strlen(cg->h[i].mount) + strlen(cg->h[i].controllers) + strlen(cg->h[i].dir) + 32;
	char *s = malloc(size), *p = s;
	if (!s)
		return nsset_fail(err, ENOMEM, "out of memory");
	/* "PATH\n", then per hierarchy "CREATED\tv1|v2\tCONTROLLERS|-\tMOUNT\tDIR\n" */
	p = put(p, cg->path);
	*p++ = '\n';
	for (size_t i = 0; i < cg->n; i++) {
		int created = cg->h[i].created;
		if (created < 0)
			*p++ = '-';
		p = nsset_put_uint(p, created < 0 ? 0u - (unsigned)created : (unsigned)created);
		p = put(p, cg->h[i].v2 ? "\tv2\t" : "\tv1\t");
		p = put(p, cg->h[i].controllers[0] ? cg->h[i].controllers : "-");
		*p++ = '\t';
		p = put(p, cg->h[i].mount);
		*p++ = '\t';
		p = put(p, cg->h[i].dir);
		*p++ = '\n';
	}
	*p = '\0';
	*out = s;
	return 0;
}

int oci_cgroup_load(const char *saved, struct oci_cgroup **out, struct nsset_error *err)
{
	char *copy = strdup(saved), *save = NULL;
	struct oci_cgroup *cg = calloc(1, sizeof(*cg));
	int r = -EINVAL;
	if (!copy || !cg) {
		r = nsset_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	char *line = strtok_r(copy, "\n", &save);
	char norm[4096];
	if (!line || oci_cgroup_path_check(line, NULL, norm, sizeof(norm), NULL) < 0 || strcmp(norm, line) != 0) {
		r = nsset_fail(err, EINVAL, "saved cgroup: bad path line");
		goto out;
	}
	cg->path = strdup(line);
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[5], *s2 = NULL;
		int k = 0;
		for (char *t = strtok_r(line, "\t", &s2); t && k < 5; t = strtok_r(NULL, "\t", &s2))
			f[k++] = t;
		size_t ml = k == 5 ? strlen(f[3]) : 0;
		if (k != 5 || (strcmp(f[1], "v1") && strcmp(f[1], "v2")) || f[3][0] != '/' ||
		    strncmp(f[4], f[3], ml) != 0 || f[4][ml] != '/' || strstr(f[4], "/../") ||
		    strstr(f[4], "/./") || (strlen(f[4]) >= 3 && strcmp(f[4] + strlen(f[4]) - 3, "/..") == 0)) {
			r = nsset_fail(err, EINVAL, "saved cgroup: bad hierarchy line");
			goto out;
		}
		struct oci_cgroup_hier *h = realloc(cg->h, (cg->n + 1) * sizeof(*h));
		if (!h) {
			r = nsset_fail(err, ENOMEM, "out of memory");
			goto out;
		}
		cg->h = h;
		h = &cg->h[cg->n++];
		*h = (struct oci_cgroup_hier){ strdup(f[3]), strdup(strcmp(f[2], "-") ? f[2] : ""),
					       strcmp(f[1], "v2") == 0, strdup(f[4]), atoi(f[0]) };
		if (!h->mount || !h->controllers || !h->dir) {
			r = nsset_fail(err, ENOMEM, "out of memory");
			goto out;
		}
	}
	r = hand_over(&cg, out, EINVAL, "saved cgroup: no hierarchy", err);
out:
	oci_cgroup_free(cg);
	free(copy);
	return r;
}
