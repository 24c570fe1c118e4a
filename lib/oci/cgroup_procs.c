/* The processes of the container's cgroup: move one in, list them, freeze/thaw, signal. */
#include "internal.h"
#include "oci/cgroup_internal.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int oci_cgroup_add_pid(struct oci_cgroup *cg, pid_t pid, struct nsset_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = oci_cgroup_write(cg->h[i].dir, "cgroup.procs", buf, "cgroup", err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int collect(const char *dir, pid_t **pids, size_t *n, size_t *cap)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	int pid;
	while (fscanf(f, "%d", &pid) == 1) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			pid_t *np = realloc(*pids, nc * sizeof(pid_t));
			if (!np) {
				fclose(f);
				return -ENOMEM;
			}
			*pids = np;
			*cap = nc;
		}
		(*pids)[(*n)++] = pid;
	}
	fclose(f);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		r = collect(path, pids, n, cap);
	}
	closedir(d);
	return r;
}

static struct oci_cgroup_hier *procs_hier(struct oci_cgroup *cg)
{
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "pids");
	if (!h)
		h = oci_cgroup_hier_for(cg, "freezer");
	return h ? h : &cg->h[0];
}

int oci_cgroup_pids(struct oci_cgroup *cg, pid_t **pids, size_t *n, struct nsset_error *err)
{
	size_t cap = 0;
	*pids = NULL;
	*n = 0;
	struct oci_cgroup_hier *h = procs_hier(cg);
	int r = collect(h->dir, pids, n, &cap);
	if (r < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return nsset_fail_errno(err, -r, "cannot list the processes of %s", h->dir);
	}
	return 0;
}

int oci_cgroup_is_frozen(struct oci_cgroup *cg, struct nsset_error *err)
{
	char buf[256];
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "freezer");
	if (h && !h->v2) {
		int r = oci_cgroup_read(h->dir, "freezer.state", buf, sizeof(buf));
		if (r < 0)
			return nsset_fail_errno(err, -r, "cannot read %s/freezer.state", h->dir);
		return strcmp(buf, "FROZEN") == 0;
	}
	const char *v2 = oci_cgroup_dir(cg, "");
	if (!v2)
		return nsset_fail(err, EOPNOTSUPP, "no freezer: neither a v1 freezer hierarchy nor cgroup v2");
	int r = oci_cgroup_read(v2, "cgroup.events", buf, sizeof(buf));
	if (r < 0)
		return nsset_fail_errno(err, -r, "cannot read %s/cgroup.events", v2);
	return strstr(buf, "frozen 1") != NULL;
}

int oci_cgroup_freeze(struct oci_cgroup *cg, bool frozen, struct nsset_error *err)
{
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "freezer");
	int r;
	if (h && !h->v2) {
		const char *want = frozen ? "FROZEN" : "THAWED";
		char buf[64];
		/* FREEZING until every task stopped: write again and wait, like runc. */
		for (int i = 0; i < 1000; i++) {
			if ((r = oci_cgroup_write(h->dir, "freezer.state", want, frozen ? "pause" : "resume", err)) < 0)
				return r;
			if (oci_cgroup_read(h->dir, "freezer.state", buf, sizeof(buf)) > 0 && strcmp(buf, want) == 0)
				return 0;
			oci_cgroup_sleep_ms(i < 10 ? 1 : 10);
		}
		return nsset_fail(err, EBUSY, "the cgroup %s did not become %s", h->dir, want);
	}
	const char *v2 = oci_cgroup_dir(cg, "");
	if (!v2)
		return nsset_fail(err, EOPNOTSUPP, "no freezer: neither a v1 freezer hierarchy nor cgroup v2");
	if ((r = oci_cgroup_write(v2, "cgroup.freeze", frozen ? "1" : "0", frozen ? "pause" : "resume", err)) < 0)
		return r;
	for (int i = 0; i < 1000; i++) {
		if ((r = oci_cgroup_is_frozen(cg, err)) < 0)
			return r;
		if (r == (int)frozen)
			return 0;
		oci_cgroup_sleep_ms(i < 10 ? 1 : 10);
	}
	return nsset_fail(err, EBUSY, "the cgroup %s did not become %s", v2, frozen ? "frozen" : "thawed");
}

int oci_cgroup_kill(struct oci_cgroup *cg, int sig, struct nsset_error *err)
{
	int frozen = -1; /* read once processes are found: an empty cgroup needs no thaw */
	int r;
	/* cgroup v2 (5.14+) kills every process of the cgroup at once, forks included; in the
	 * hybrid layout the container is in the unified hierarchy too.  The loop below still
	 * checks, thaws a v1-frozen cgroup, and covers older kernels. */
	const char *v2 = oci_cgroup_dir(cg, "");
	if (sig == SIGKILL && v2)
		oci_cgroup_write(v2, "cgroup.kill", "1", "kill", NULL);
	/* SIGKILL: again while processes are left (a fork racing with us); other signals once. */
	for (int round = 0; round < (sig == SIGKILL ? 100 : 1); round++) {
		pid_t *pids;
		size_t n;
		if ((r = oci_cgroup_pids(cg, &pids, &n, err)) < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (kill(pids[i], sig) != 0 && errno != ESRCH) {
				r = nsset_fail_errno(err, errno, "cannot send signal %d to %d", sig, (int)pids[i]);
				free(pids);
				return r;
			}
		free(pids);
		if (n == 0)
			break;
		if (sig == SIGKILL && frozen < 0)
			frozen = oci_cgroup_is_frozen(cg, NULL);
		if (sig == SIGKILL && frozen == 1) {
			if ((r = oci_cgroup_freeze(cg, false, err)) < 0)
				return r;
			frozen = 0;
		}
		if (sig == SIGKILL)
			oci_cgroup_sleep_ms(round < 10 ? 1 : 10);
	}
	return 0;
}

