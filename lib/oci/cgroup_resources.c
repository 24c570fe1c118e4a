/* linux.resources written to the cgroup files: v1 files where the controller is bound to a
 * v1 hierarchy, v2 files where it is in the unified one (device rules there: an eBPF program,
 * cgroup_bpf.c). */
#include "internal.h"
#include "oci/cgroup_bpf.h"
#include "oci/cgroup_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What `update` wrote, to be written back should a later file refuse its value: the file's
 * value before, in the order of the writes (oci_cgroup_update).  NULL: no record (create,
 * whose failure removes the whole cgroup). */
struct journal {
	size_t n;
	struct {
		const char *dir, *file;
		char old[256];
		char name[64];   /* the file's name when the caller's string does not last */
	} e[24];
};

static int put(struct journal *j, const char *dir, const char *file, const char *value,
	       const char *what, struct nsset_error *err)
{
	char old[256];
	if (j && (j->n == NSSET_ARRAY_SIZE(j->e) || oci_cgroup_read(dir, file, old, sizeof(old)) < 0))
		j = NULL; /* cannot be undone: written all the same, as create would */
	int r = oci_cgroup_write(dir, file, value, what, err);
	if (r == 0 && j) {
		j->e[j->n].dir = dir;
		j->e[j->n].file = file;
		memcpy(j->e[j->n].old, old, sizeof(old));
		j->n++;
	}
	return r;
}

/* put() of a file whose name is in a buffer of the caller's (copied into the journal). */
static int put_copy(struct journal *j, const char *dir, const char *file, const char *value,
		    const char *what, struct nsset_error *err)
{
	size_t at = j ? j->n : 0;
	int r = put(j, dir, file, value, what, err);
	if (r == 0 && j && j->n > at) {
		snprintf(j->e[at].name, sizeof(j->e[at].name), "%s", file);
		j->e[at].file = j->e[at].name;
	}
	return r;
}

/* put() of a number (signed: runtimes, weights, idle; the unsigned values fit as well). */
static int put_num(struct journal *j, const char *dir, const char *file, int64_t value,
		   const char *what, struct nsset_error *err)
{
	char v[32];
	snprintf(v, sizeof(v), "%" PRId64, value);
	return put(j, dir, file, v, what, err);
}

static void undo(const struct journal *j)
{
	for (size_t i = j->n; i-- > 0;)
		oci_cgroup_write(j->e[i].dir, j->e[i].file, j->e[i].old, "undo", NULL);
}

static struct oci_cgroup_hier *need(struct oci_cgroup *cg, const char *controller, const char *what,
				    struct nsset_error *err)
{
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, controller);
	if (!h)
		nsset_fail(err, EOPNOTSUPP, "%s: no %s controller on this host (neither v1 nor v2)",
			   what, controller);
	return h;
}

static void fmt_i64(char *buf, size_t size, int64_t v, bool v2)
{
	if (v < 0 && v2)
		snprintf(buf, size, "max");
	else if (v < 0)
		snprintf(buf, size, "-1");
	else
		snprintf(buf, size, "%" PRId64, v);
}

/* As runc: a value of 0 means "not set" (the runtime-spec has no use for a zero limit, and
 * the kernel would take it literally or refuse it). */
static struct oci_resources nonzero(const struct oci_resources *in)
{
	struct oci_resources r = *in;
	r.has_memory_limit &= r.memory_limit != 0;
	r.has_memory_reservation &= r.memory_reservation != 0;
	r.has_memory_swap &= r.memory_swap != 0;
	r.has_pids_limit &= r.pids_limit != 0;
	r.has_cpu_shares &= r.cpu_shares != 0;
	r.has_cpu_quota &= r.cpu_quota != 0;
	r.has_cpu_period &= r.cpu_period != 0;
	if (r.cpu_cpus && !r.cpu_cpus[0])
		r.cpu_cpus = NULL;
	if (r.cpu_mems && !r.cpu_mems[0])
		r.cpu_mems = NULL;
	return r;
}

static int memory(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		  struct nsset_error *err)
{
	const char *what = "linux.resources.memory";
	char v[32];
	int rc;
	if (!r->has_memory_limit && !r->has_memory_reservation && !r->has_memory_swap &&
	    !r->has_swappiness && !r->disable_oom_killer)
		return 0;
	struct oci_cgroup_hier *h = need(cg, "memory", what, err);
	if (!h)
		return -EOPNOTSUPP;
	if (h->v2) {
		if (r->has_memory_limit) {
			fmt_i64(v, sizeof(v), r->memory_limit, true);
			if ((rc = put(j, h->dir, "memory.max", v, "linux.resources.memory.limit", err)) < 0)
				return rc;
		}
		if (r->has_memory_reservation) {
			fmt_i64(v, sizeof(v), r->memory_reservation, true);
			if ((rc = put(j, h->dir, "memory.low", v, "linux.resources.memory.reservation", err)) < 0)
				return rc;
		}
		if (r->has_memory_swap) {
			/* OCI's swap is memory+swap; v2's swap.max is the swap alone. */
			if (r->memory_swap < 0) {
				snprintf(v, sizeof(v), "max");
			} else {
				if (!r->has_memory_limit || r->memory_limit < 0 || r->memory_swap < r->memory_limit)
					return nsset_fail(err, EINVAL, "linux.resources.memory.swap: on cgroup v2 it "
							  "needs a memory limit at most as large as it");
				snprintf(v, sizeof(v), "%" PRId64, r->memory_swap - r->memory_limit);
			}
			if ((rc = put(j, h->dir, "memory.swap.max", v, "linux.resources.memory.swap", err)) < 0)
				return rc;
		}
		if (r->has_swappiness)
			return nsset_fail(err, EOPNOTSUPP, "linux.resources.memory.swappiness: cgroup v2 "
					  "has no swappiness of its own");
		if (r->disable_oom_killer)
			return nsset_fail(err, EOPNOTSUPP, "linux.resources.memory.disableOOMKiller: "
					  "cgroup v2 cannot turn the OOM killer off");
		return 0;
	}
	char sw[32];
	if (r->has_memory_swap)
		fmt_i64(sw, sizeof(sw), r->memory_swap, false);
	if (r->has_memory_limit) {
		fmt_i64(v, sizeof(v), r->memory_limit, false);
		if (r->has_memory_swap && r->memory_swap >= 0 && r->memory_limit >= 0 && r->memory_swap < r->memory_limit)
			return nsset_fail(err, EINVAL, "linux.resources.memory.swap: %" PRId64 " is below "
					  "the memory limit %" PRId64 " (it counts memory+swap)",
					  r->memory_swap, r->memory_limit);
		rc = put(j, h->dir, "memory.limit_in_bytes", v, "linux.resources.memory.limit", NULL);
		if (rc == -EINVAL && r->has_memory_swap) {
			/* The new limit is above the current memory+swap limit: that one first. */
			if ((rc = put(j, h->dir, "memory.memsw.limit_in_bytes", sw,
						   "linux.resources.memory.swap", err)) < 0)
				return rc;
			rc = put(j, h->dir, "memory.limit_in_bytes", v, "linux.resources.memory.limit", err);
		} else if (rc < 0) {
			rc = put(j, h->dir, "memory.limit_in_bytes", v, "linux.resources.memory.limit", err);
		}
		if (rc < 0)
			return rc;
	}
	if (r->has_memory_swap &&
	    (rc = put(j, h->dir, "memory.memsw.limit_in_bytes", sw, "linux.resources.memory.swap", err)) < 0) {
		if (rc == -ENOENT)
			return nsset_fail(err, EOPNOTSUPP, "linux.resources.memory.swap: swap accounting is "
					  "not enabled on this host (no memory.memsw.limit_in_bytes)");
		return rc;
	}
	if (r->has_memory_reservation) {
		fmt_i64(v, sizeof(v), r->memory_reservation, false);
		if ((rc = put(j, h->dir, "memory.soft_limit_in_bytes", v,
					   "linux.resources.memory.reservation", err)) < 0)
			return rc;
	}
	if (r->has_swappiness) {
		if ((rc = put_num(j, h->dir, "memory.swappiness", (int64_t)r->swappiness, "linux.resources.memory.swappiness", err)) < 0)
			return rc;
	}
	if (r->disable_oom_killer &&
	    (rc = put(j, h->dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller", err)) < 0)
		return rc;
	return 0;
}

static int pids(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		struct nsset_error *err)
{
	const char *what = "linux.resources.pids.limit";
	char v[32];
	if (!r->has_pids_limit)
		return 0;
	struct oci_cgroup_hier *h = need(cg, "pids", what, err);
	if (!h)
		return -EOPNOTSUPP;
	if (r->pids_limit > 0)
		snprintf(v, sizeof(v), "%" PRId64, r->pids_limit);
	else
		snprintf(v, sizeof(v), "max"); /* -1: unlimited */
	return put(j, h->dir, "pids.max", v, what, err);
}

static int cpu(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
	       struct nsset_error *err)
{
	char v[64];
	int rc;
	if (r->has_cpu_shares || r->has_cpu_quota || r->has_cpu_period || r->has_cpu_burst ||
	    r->has_rt_runtime || r->has_rt_period || r->has_cpu_idle) {
		struct oci_cgroup_hier *h = need(cg, "cpu", "linux.resources.cpu", err);
		if (!h)
			return -EOPNOTSUPP;
		if (h->v2) {
			if (r->has_cpu_shares) {
				int64_t s = r->cpu_shares < 2 ? 2 : r->cpu_shares > 262144 ? 262144 : r->cpu_shares;
				if ((rc = put_num(j, h->dir, "cpu.weight", 1 + ((s - 2) * 9999) / 262142, "linux.resources.cpu.shares", err)) < 0)
					return rc;
			}
			if (r->has_cpu_quota || r->has_cpu_period) {
				char cur[64] = "max 100000", q[32], p[32];
				oci_cgroup_read(h->dir, "cpu.max", cur, sizeof(cur));
				if (sscanf(cur, "%31s %31s", q, p) != 2)
					snprintf(q, sizeof(q), "max"), snprintf(p, sizeof(p), "100000");
				if (r->has_cpu_quota)
					fmt_i64(q, sizeof(q), r->cpu_quota, true);
				if (r->has_cpu_period)
					snprintf(p, sizeof(p), "%" PRId64, r->cpu_period);
				snprintf(v, sizeof(v), "%s %s", q, p);
				if ((rc = put(j, h->dir, "cpu.max", v, "linux.resources.cpu.quota", err)) < 0)
					return rc;
			}
			if (r->has_cpu_burst) {
				if ((rc = put_num(j, h->dir, "cpu.max.burst", r->cpu_burst, "linux.resources.cpu.burst", err)) < 0)
					return rc;
			}
			if (r->has_rt_runtime || r->has_rt_period)
				return nsset_fail(err, EOPNOTSUPP, "linux.resources.cpu.realtime%s: cgroup v2 has "
						  "no real-time group scheduling", r->has_rt_runtime ? "Runtime" : "Period");
		} else {
			if (r->has_cpu_shares) {
				if ((rc = put_num(j, h->dir, "cpu.shares", r->cpu_shares, "linux.resources.cpu.shares", err)) < 0)
					return rc;
			}
			if (r->has_cpu_period) {
				if ((rc = put_num(j, h->dir, "cpu.cfs_period_us", r->cpu_period, "linux.resources.cpu.period", err)) < 0)
					return rc;
			}
			if (r->has_cpu_quota) {
				fmt_i64(v, sizeof(v), r->cpu_quota, false);
				if ((rc = put(j, h->dir, "cpu.cfs_quota_us", v, "linux.resources.cpu.quota", err)) < 0)
					return rc;
			}
			if (r->has_cpu_burst) {
				if ((rc = put_num(j, h->dir, "cpu.cfs_burst_us", r->cpu_burst, "linux.resources.cpu.burst", err)) < 0)
					return rc;
			}
			/* The period first: the runtime must fit in it. */
			if (r->has_rt_period) {
				if ((rc = put_num(j, h->dir, "cpu.rt_period_us", r->rt_period, "linux.resources.cpu.realtimePeriod", err)) < 0)
					return rc;
			}
			if (r->has_rt_runtime) {
				if ((rc = put_num(j, h->dir, "cpu.rt_runtime_us", r->rt_runtime, "linux.resources.cpu.realtimeRuntime", err)) < 0)
					return rc;
			}
		}
		if (r->has_cpu_idle) {
			if ((rc = put_num(j, h->dir, "cpu.idle", r->cpu_idle, "linux.resources.cpu.idle", err)) < 0)
				return rc;
		}
	}
	if (r->cpu_cpus || r->cpu_mems) {
		struct oci_cgroup_hier *h = need(cg, "cpuset", "linux.resources.cpu", err);
		if (!h)
			return -EOPNOTSUPP;
		if (r->cpu_cpus && (rc = put(j, h->dir, "cpuset.cpus", r->cpu_cpus, "linux.resources.cpu.cpus", err)) < 0)
			return rc;
		if (r->cpu_mems && (rc = put(j, h->dir, "cpuset.mems", r->cpu_mems, "linux.resources.cpu.mems", err)) < 0)
			return rc;
	}
	return 0;
}

/* A per-device line's old value, for the journal: its line in FILE, else what removes it. */
static int put_device_line(struct journal *j, const char *dir, const char *file, int64_t major,
			   int64_t minor, const char *value, const char *none, const char *what,
			   struct nsset_error *err)
{
	char cur[4096], key[48];
	snprintf(key, sizeof(key), "%" PRId64 ":%" PRId64 " ", major, minor);
	const char *old = NULL;
	if (oci_cgroup_read(dir, file, cur, sizeof(cur)) >= 0) {
		for (char *l = strtok(cur, "\n"); l && !old; l = strtok(NULL, "\n"))
			if (strncmp(l, key, strlen(key)) == 0)
				old = l;
	}
	char undo_line[256];
	snprintf(undo_line, sizeof(undo_line), "%s%s", old ? "" : key, old ? old : none);
	int rc = oci_cgroup_write(dir, file, value, what, err);
	if (rc == 0 && j && j->n < NSSET_ARRAY_SIZE(j->e)) {
		j->e[j->n].dir = dir;
		j->e[j->n].file = file;
		snprintf(j->e[j->n].old, sizeof(j->e[j->n].old), "%s", undo_line);
		j->n++;
	}
	return rc;
}

static bool exists(const char *dir, const char *file)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

/* The first of two files that exists in dir (the weight of bfq or of another scheduler). */
static const char *which(const char *dir, const char *a, const char *b)
{
	return exists(dir, a) ? a : exists(dir, b) ? b : NULL;
}

/* blkio weights (10..1000) as io.weight (1..10000), as runc converts them. */
static int64_t io_weight(int64_t w)
{
	return w <= 0 ? 0 : 1 + (w - 10) * 9999 / 990;
}

static bool block_io_set(const struct oci_resources *r)
{
	bool any = r->has_blkio_weight || r->has_blkio_leaf_weight || r->n_blkio_weight_devices;
	for (int t = 0; t < OCI_THROTTLE_N; t++)
		any |= r->n_blkio_throttle[t] > 0;
	return any;
}

static int block_io(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		    struct nsset_error *err)
{
	static const char *const v1_throttle[OCI_THROTTLE_N] = {
		"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
	};
	static const char *const v2_key[OCI_THROTTLE_N] = { "rbps", "wbps", "riops", "wiops" };
	const char *what = "linux.resources.blockIO";
	char v[128];
	int rc;
	if (!block_io_set(r))
		return 0;
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "blkio");
	if (!h && !(h = need(cg, "io", what, err)))
		return -EOPNOTSUPP;
	const char *wfile = h->v2 ? which(h->dir, "io.bfq.weight", "io.weight")
				  : which(h->dir, "blkio.weight", "blkio.bfq.weight");
	bool bfq = wfile && strstr(wfile, "bfq");
	if ((r->has_blkio_weight || r->n_blkio_weight_devices) && !wfile)
		return nsset_fail(err, EOPNOTSUPP, "%s.weight: no I/O scheduler here takes weights "
				  "(no %s in %s)", what, h->v2 ? "io.weight or io.bfq.weight" :
				  "blkio.weight or blkio.bfq.weight", h->dir);
	if (r->has_blkio_weight) {
		snprintf(v, sizeof(v), "%" PRId64, h->v2 && !bfq ? io_weight(r->blkio_weight) : r->blkio_weight);
		if ((rc = put(j, h->dir, wfile, v, "linux.resources.blockIO.weight", err)) < 0)
			return rc;
	}
	if (r->has_blkio_leaf_weight) {
		if (h->v2)
			return nsset_fail(err, EOPNOTSUPP, "%s.leafWeight: cgroup v2 has no leaf weights", what);
		if ((rc = put_num(j, h->dir, "blkio.leaf_weight", r->blkio_leaf_weight, "linux.resources.blockIO.leafWeight", err)) < 0)
			return rc;
	}
	for (size_t i = 0; i < r->n_blkio_weight_devices; i++) {
		const struct oci_blkio_weight_device *d = &r->blkio_weight_devices[i];
		if (d->leaf_weight >= 0)
			return nsset_fail(err, EOPNOTSUPP, "%s.weightDevice[%zu].leafWeight: no scheduler "
					  "of this kernel has leaf weights", what, i);
		if (d->weight < 0)
			continue;
		char file[64];
		snprintf(file, sizeof(file), "%s%s", wfile, h->v2 ? "" : "_device");
		snprintf(v, sizeof(v), "%" PRId64 ":%" PRId64 " %" PRId64, d->major, d->minor,
			 h->v2 && !bfq ? io_weight(d->weight) : d->weight);
		/* (not undone: a device's weight has no "unset" value to write back) */
		if ((rc = oci_cgroup_write(h->dir, file, v, "linux.resources.blockIO.weightDevice", err)) < 0)
			return rc;
	}
	for (int t = 0; t < OCI_THROTTLE_N; t++) {
		for (size_t i = 0; i < r->n_blkio_throttle[t]; i++) {
			const struct oci_blkio_rate *d = &r->blkio_throttle[t][i];
			if (h->v2) {
				snprintf(v, sizeof(v), "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor,
					 v2_key[t], d->rate);
				rc = put_device_line(j, h->dir, "io.max", d->major, d->minor, v,
						     "rbps=max wbps=max riops=max wiops=max", what, err);
			} else {
				snprintf(v, sizeof(v), "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
					 d->rate);
				rc = put_device_line(j, h->dir, v1_throttle[t], d->major, d->minor, v, "0",
						     what, err);
			}
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int hugetlb(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		   struct nsset_error *err)
{
	const char *what = "linux.resources.hugepageLimits";
	int rc;
	if (!r->n_hugepages)
		return 0;
	struct oci_cgroup_hier *h = need(cg, "hugetlb", what, err);
	if (!h)
		return -EOPNOTSUPP;
	if (h->v2 && (rc = oci_cgroup_v2_enable(cg, "hugetlb", what, err)) < 0)
		return rc;
	for (size_t i = 0; i < r->n_hugepages; i++) {
		const struct oci_hugepage_limit *l = &r->hugepages[i];
		char usage[64], rsvd[64], v[32];
		snprintf(usage, sizeof(usage), "hugetlb.%s.%s", l->page_size, h->v2 ? "max" : "limit_in_bytes");
		snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", l->page_size, h->v2 ? "max" : "limit_in_bytes");
		snprintf(v, sizeof(v), "%" PRIu64, l->limit);
		if (!exists(h->dir, usage))
			return nsset_fail(err, EOPNOTSUPP, "%s[%zu].pageSize: no %s huge pages here (no %s in %s)",
					  what, i, l->page_size, usage, h->dir);
		/* Reservations where the kernel accounts them, page faults in any case (as runc). */
		const char *files[2] = { exists(h->dir, rsvd) ? rsvd : NULL, usage };
		for (int f = 0; f < 2; f++) {
			if (!files[f])
				continue;
			if ((rc = put_copy(j, h->dir, files[f], v, what, err)) < 0)
				return rc;
		}
	}
	return 0;
}

static int network(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		   struct nsset_error *err)
{
	char v[64];
	int rc;
	if (r->has_net_class_id) {
		struct oci_cgroup_hier *h = need(cg, "net_cls", "linux.resources.network.classID", err);
		if (!h)
			return -EOPNOTSUPP;
		snprintf(v, sizeof(v), "%" PRIu32, r->net_class_id);
		if ((rc = put(j, h->dir, "net_cls.classid", v, "linux.resources.network.classID", err)) < 0)
			return rc;
	}
	if (r->n_net_priorities) {
		struct oci_cgroup_hier *h = need(cg, "net_prio", "linux.resources.network.priorities", err);
		if (!h)
			return -EOPNOTSUPP;
		for (size_t i = 0; i < r->n_net_priorities; i++) {
			snprintf(v, sizeof(v), "%s %" PRIu32, r->net_priorities[i].name, r->net_priorities[i].priority);
			if ((rc = oci_cgroup_write(h->dir, "net_prio.ifpriomap", v,
						   "linux.resources.network.priorities", err)) < 0)
				return rc;
		}
	}
	return 0;
}

static int rdma(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err)
{
	int rc;
	if (!r->n_rdma)
		return 0;
	struct oci_cgroup_hier *h = need(cg, "rdma", "linux.resources.rdma", err);
	if (!h)
		return -EOPNOTSUPP;
	if (h->v2 && (rc = oci_cgroup_v2_enable(cg, "rdma", "linux.resources.rdma", err)) < 0)
		return rc;
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct oci_rdma_limit *l = &r->rdma[i];
		char v[256], hh[32] = "", ho[32] = "";
		if (l->hca_handles >= 0)
			snprintf(hh, sizeof(hh), " hca_handle=%" PRId64, l->hca_handles);
		if (l->hca_objects >= 0)
			snprintf(ho, sizeof(ho), " hca_object=%" PRId64, l->hca_objects);
		snprintf(v, sizeof(v), "%s%s%s", l->device, hh, ho);
		if ((rc = oci_cgroup_write(h->dir, "rdma.max", v, "linux.resources.rdma", err)) < 0)
			return rc;
	}
	return 0;
}

/* unified: each file of the container's v2 cgroup, its controller enabled first. */
static int unified(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		   struct nsset_error *err)
{
	if (!r->n_unified)
		return 0;
	const char *dir = oci_cgroup_dir(cg, "");
	if (!dir)
		return nsset_fail(err, EOPNOTSUPP, "linux.resources.unified: no cgroup v2 hierarchy on this host");
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *kv = r->unified[i], *eq = strchr(kv, '=');
		char file[256], ctl[64], what[300];
		int rc;
		snprintf(file, sizeof(file), "%.*s", (int)(eq - kv), kv);
		snprintf(ctl, sizeof(ctl), "%.*s", (int)strcspn(file, "."), file);
		snprintf(what, sizeof(what), "linux.resources.unified.%s", file);
		if (strcmp(ctl, "cgroup") != 0 && (rc = oci_cgroup_v2_enable(cg, ctl, what, err)) < 0)
			return rc;
		if ((rc = put_copy(j, dir, file, eq + 1, what, err)) < 0)
			return rc == -ENOENT ? nsset_fail(err, ENOENT, "%s: no such file in %s", what, dir) : rc;
	}
	return 0;
}

/* A major or minor number, "*" for the wildcard (-1), at P; the end. */
static char *put_device_number(char *p, int64_t v)
{
	if (v >= 0)
		return nsset_put_uint(p, (uint64_t)v);
	*p++ = '*';
	return p;
}

/* "TYPE MAJOR:MINOR ACCESS", or "a": by hand, not snprintf (a rule for each default device and
 * each of the config's on every create).  BUF has room for 48 bytes. */
static void device_rule(char *buf, const struct oci_device_rule *d)
{
	char *p = buf;
	*p++ = d->type;
	if (d->type != 'a') {
		*p++ = ' ';
		p = put_device_number(p, d->major);
		*p++ = ':';
		p = put_device_number(p, d->minor);
		*p++ = ' ';
		size_t n = strnlen(d->access, sizeof(d->access));
		memcpy(p, d->access, n);
		p += n;
	}
	*p = '\0';
}

/* What runc allows after the config's rules: mknod of anything, and the standard devices. */
static const struct oci_device_rule default_allowed[] = {
	{ true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },
	{ true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 8, "rwm" }, { true, 'c', 1, 7, "rwm" },
	{ true, 'c', 5, 0, "rwm" }, { true, 'c', 1, 5, "rwm" }, { true, 'c', 1, 9, "rwm" },
	{ true, 'c', 136, -1, "rwm" }, { true, 'c', 5, 2, "rwm" }, { true, 'c', 10, 200, "rwm" },
};

/* v1: devices.allow and devices.deny take one rule per write(2): each file is opened once and
 * written rule by rule (in order), not opened again for every rule. */
static int devices_v1(const char *dir, const struct oci_device_rule *rules, size_t n,
		      struct nsset_error *err)
{
	char line[96], path[4096];
	int rc = 0;
	int fd[2] = { -1, -1 }; /* deny, allow */
	for (size_t i = 0; i < n; i++) {
		const struct oci_device_rule *d = &rules[i];
		const char *file = d->allow ? "devices.allow" : "devices.deny";
		device_rule(line, d);
		if (fd[d->allow] < 0) {
			NSSET_CONCAT(path, sizeof(path), dir, "/", file);
			if ((fd[d->allow] = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
				rc = nsset_fail_errno(err, errno, "linux.resources.devices: cannot open %s", path);
				break;
			}
		}
		size_t len = strlen(line);
		ssize_t w = write(fd[d->allow], line, len);
		if (w < 0 || (size_t)w != len) {
			int e = w < 0 ? errno : EIO;
			NSSET_CONCAT(path, sizeof(path), dir, "/", file);
			rc = nsset_fail_errno(err, e, "linux.resources.devices: cannot write '%s' to %s", line, path);
			break;
		}
	}
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return rc;
}

/* One rule list for both versions: the config's rules, then the default devices (which thus
 * win), type and access normalised ("a" when no type, "rwm" when no access).  Where a v1
 * devices controller exists (also on the hybrid layout) it is used; otherwise the list becomes
 * an eBPF program on the v2 cgroup (cgroup_bpf.c). */
static int devices(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err)
{
	if (r->n_devices == 0)
		return 0;
	size_t n = r->n_devices + NSSET_ARRAY_SIZE(default_allowed);
	struct oci_device_rule *all = malloc(n * sizeof(*all));
	if (!all)
		return nsset_fail(err, ENOMEM, "out of memory");
	memcpy(all, r->devices, r->n_devices * sizeof(*all));
	memcpy(all + r->n_devices, default_allowed, sizeof(default_allowed));
	for (size_t i = 0; i < r->n_devices; i++) {
		if (all[i].type == '\0')
			all[i].type = 'a';
		if (all[i].access[0] == '\0')
			strcpy(all[i].access, "rwm");
	}
	int rc;
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "devices");
	const char *v2 = oci_cgroup_dir(cg, "");
	if (h && !h->v2)
		rc = devices_v1(h->dir, all, n, err);
	else if (v2)
		rc = oci_cgroup_bpf_attach(v2, all, n, err);
	else
		rc = nsset_fail(err, EOPNOTSUPP, "linux.resources.devices: no v1 devices controller "
				"and no cgroup v2 hierarchy");
	free(all);
	return rc;
}

static int apply(struct oci_cgroup *cg, const struct oci_resources *r, struct journal *j,
		 struct nsset_error *err)
{
	int rc;
	struct oci_resources set = nonzero(r);
	if ((rc = memory(cg, &set, j, err)) < 0 || (rc = pids(cg, &set, j, err)) < 0 ||
	    (rc = cpu(cg, &set, j, err)) < 0 || (rc = block_io(cg, &set, j, err)) < 0 ||
	    (rc = hugetlb(cg, &set, j, err)) < 0 || (rc = network(cg, &set, j, err)) < 0 ||
	    (rc = unified(cg, &set, j, err)) < 0 || (rc = rdma(cg, &set, err)) < 0 ||
	    (rc = devices(cg, &set, err)) < 0)
		return rc;
	return 0;
}

int oci_cgroup_apply(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err)
{
	return apply(cg, r, NULL, err);
}

int oci_cgroup_update(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err)
{
	struct journal j = { .n = 0 };
	int rc = apply(cg, r, &j, err);
	if (rc < 0)
		undo(&j);
	return rc;
}
