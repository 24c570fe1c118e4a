/* Every namespace on the system, like lsns(8): from each process's /proc/PID/ns, from the nsfs
 * bind mounts of the mount table (namespaces held only by a registry or by ip netns), and from
 * the registry's sets (held by a keeper). */
#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

struct table {
	struct nsset_ns_info *v;
	size_t n, cap;
	size_t *slots;   /* open addressing: index + 1, 0 empty */
	size_t nslots;
};

static size_t hash(size_t kind, uint64_t id)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ull ^ kind;
	return (size_t)(h ^ (h >> 29));
}

static int grow(struct table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct nsset_ns_info *v = realloc(t->v, ncap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = ncap;
	size_t nslots = ncap * 2;
	size_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = hash(reg_kind_index(t->v[i].kind), t->v[i].id) % nslots;
		while (slots[h])
			h = (h + 1) % nslots;
		slots[h] = i + 1;
	}
	return 0;
}

/* The entry for (kind, id), made when missing; NULL on ENOMEM. */
static struct nsset_ns_info *lookup(struct table *t, const struct nsset_kind *k, uint64_t id)
{
	size_t ki = reg_kind_index(k);
	if (t->nslots) {
		size_t h = hash(ki, id) % t->nslots;
		while (t->slots[h]) {
			struct nsset_ns_info *e = &t->v[t->slots[h] - 1];
			if (e->kind == k && e->id == id)
				return e;
			h = (h + 1) % t->nslots;
		}
	}
	if (t->n == t->cap && grow(t) < 0)
		return NULL;
	struct nsset_ns_info *e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->id = id;
	size_t h = hash(ki, id) % t->nslots;
	while (t->slots[h])
		h = (h + 1) % t->nslots;
	t->slots[h] = ++t->n;
	return e;
}

static void read_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (reg_read_file(path, buf, size) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static int scan_procs(struct table *t)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
		for (size_t i = 0; i < nk; i++) {
			uint64_t id = reg_proc_ns_ino(pid, ks[i].name);
			if (!id)
				continue;
			struct nsset_ns_info *ns = lookup(t, &ks[i], id);
			if (!ns) {
				closedir(d);
				return -ENOMEM;
			}
			ns->nprocs++;
			if (!ns->pid || pid < ns->pid)
				ns->pid = pid;
		}
	}
	closedir(d);
	return 0;
}

/* nsfs bind mounts: "... ROOT MOUNTPOINT ... - nsfs nsfs rw", ROOT like "net:[4026532008]". */
static int scan_mounts(struct table *t)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - nsfs ");
		if (!sep)
			continue;
		char root[128], mnt[PATH_MAX];
		if (sscanf(line, "%*s %*s %*s %127s %4095s", root, mnt) != 2)
			continue;
		char *br = strchr(root, ':');
		if (!br || br[1] != '[')
			continue;
		*br = '\0';
		const struct nsset_kind *k = nsset_kind_by_name(root);
		if (!k)
			continue;
		struct nsset_ns_info *ns = lookup(t, k, strtoull(br + 2, NULL, 10));
		if (!ns) {
			fclose(f);
			return -ENOMEM;
		}
		if (!ns->mount[0])
			snprintf(ns->mount, sizeof(ns->mount), "%.255s", mnt);
	}
	fclose(f);
	return 0;
}

static int scan_registry(struct table *t, const char *registry)
{
	size_t nk, nsets = 0;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	struct nsset_set_info *sets = NULL;
	if (nsset_sets_list(registry, &sets, &nsets, NULL) < 0)
		return 0; /* an unreadable registry hides no namespace of the system */
	for (size_t s = 0; s < nsets; s++)
		for (size_t i = 0; i < nk; i++) {
			if (sets[s].host || !(sets[s].kinds & ks[i].flag))
				continue;
			struct nsset_ns_info *ns = lookup(t, &ks[i], sets[s].ids[i]);
			if (!ns) {
				free(sets);
				return -ENOMEM;
			}
			if (!ns->set[0])
				snprintf(ns->set, sizeof(ns->set), "%s", sets[s].name);
		}
	free(sets);
	return 0;
}

/* Open a namespace to ask the kernel about it: through a process, a mount or a set. */
static int open_ns(const struct nsset_ns_info *ns, const char *regpath)
{
	char path[PATH_MAX + 128];
	int fd = -1;
	if (ns->pid) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)ns->pid, ns->kind->name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 && ns->mount[0])
		fd = open(ns->mount, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && ns->set[0]) {
		snprintf(path, sizeof(path), "%s/%s/%s", regpath, ns->set, ns->kind->name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != ns->id) {
			close(fd);
			fd = -1;
		}
	}
	return fd;
}

static uint64_t ioctl_ino(int fd, unsigned long req)
{
	int r = ioctl(fd, req);
	if (r < 0)
		return 0;
	struct stat st;
	uint64_t ino = fstat(r, &st) == 0 ? (uint64_t)st.st_ino : 0;
	close(r);
	return ino;
}

static int cmp_ns(const void *a, const void *b)
{
	const struct nsset_ns_info *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int nsset_namespaces_list(const char *registry, struct nsset_ns_info **list, size_t *n,
			  struct nsset_error *err)
{
	struct table t = { 0 };
	char regpath[PATH_MAX];
	int r;
	*list = NULL;
	*n = 0;
	if ((r = reg_path(registry, regpath, sizeof(regpath), err)) < 0)
		return r;
	if ((r = scan_procs(&t)) < 0 || (r = scan_mounts(&t)) < 0 ||
	    (r = scan_registry(&t, registry)) < 0) {
		free(t.v);
		free(t.slots);
		return nsset_fail_errno(err, -r, "cannot list namespaces");
	}
	free(t.slots);
	for (size_t i = 0; i < t.n; i++) {
		struct nsset_ns_info *ns = &t.v[i];
		ns->host = reg_host_ns_ino(ns->kind->name) == ns->id;
		if (ns->pid)
			read_comm(ns->pid, ns->command, sizeof(ns->command));
		int fd = open_ns(ns, regpath);
		if (fd < 0)
			continue;
		ns->userns = ioctl_ino(fd, NS_GET_USERNS);
		if (ns->kind->flag == NSSET_PID || ns->kind->flag == NSSET_USER)
			ns->parent = ioctl_ino(fd, NS_GET_PARENT);
		close(fd);
	}
	if (t.n)
		qsort(t.v, t.n, sizeof(*t.v), cmp_ns);
	*list = t.v;
	*n = t.n;
	return 0;
}
