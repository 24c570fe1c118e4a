/* A LinuxResources object (config-linux.md, "Control groups"): linux.resources of config.json,
 * and the whole input of `update --resources`.  Checked completely before any cgroup file is
 * written; the values go to the cgroup in cgroup_resources.c. */
#include "oci/config_internal.h"
#include "oci/readall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_device_rules(struct json_object *arr, const char *path, struct oci_resources *res,
			      struct nsset_error *err)
{
	char qi[OCI_PATH_MAX], qk[OCI_PATH_MAX];
	size_t n = json_object_array_length(arr);
	int r;
	res->devices = calloc(n ? n : 1, sizeof(*res->devices));
	if (!res->devices)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct oci_device_rule *d = &res->devices[i];
		char *type = NULL, *access = NULL;
		bool has;
		cfg_path_index(qi, path, i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		struct json_object *allow = cfg_get(e, "allow");
		cfg_path_key(qk, qi, "allow");
		if (!allow || !json_object_is_type(allow, json_type_boolean))
			return cfg_fail(err, qk, "must be a boolean");
		d->allow = json_object_get_boolean(allow);
		if ((r = cfg_opt_string(e, "type", qi, &type, err)) < 0)
			return r;
		d->type = 'a';
		if (type) {
			cfg_path_key(qk, qi, "type");
			if (strlen(type) != 1 || !strchr("acb", type[0])) {
				free(type);
				return cfg_fail(err, qk, "must be \"a\", \"c\" or \"b\"");
			}
			d->type = type[0];
			free(type);
		}
		d->major = d->minor = -1;
		if ((r = cfg_opt_range(e, "major", qi, -1, UINT32_MAX, &d->major, &has, err)) < 0 ||
		    (r = cfg_opt_range(e, "minor", qi, -1, UINT32_MAX, &d->minor, &has, err)) < 0)
			return r;
		if ((r = cfg_opt_string(e, "access", qi, &access, err)) < 0)
			return r;
		strcpy(d->access, "rwm");
		if (access) {
			cfg_path_key(qk, qi, "access");
			if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)) {
				free(access);
				return cfg_fail(err, qk, "must be a subset of \"rwm\"");
			}
			strcpy(d->access, access);
			free(access);
		}
		res->n_devices = i + 1;
	}
	return 0;
}

/* A member that must be there: an integer in [min, max]. */
static int req_range(struct json_object *e, const char *key, const char *path, int64_t min,
		     int64_t max, int64_t *out, struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	bool has;
	int r = cfg_opt_range(e, key, path, min, max, out, &has, err);
	if (r == 0 && !has) {
		cfg_path_key(q, path, key);
		r = cfg_fail(err, q, "is required");
	}
	return r;
}

/* Each element of an array of objects: calls one(element, "PATH[i]", i). */
static int each_object(struct json_object *arr, const char *path, void *ctx,
		       int (*one)(struct json_object *e, const char *path, size_t i, void *ctx,
				  struct nsset_error *err),
		       struct nsset_error *err)
{
	char qi[OCI_PATH_MAX];
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		cfg_path_index(qi, path, i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		int r = one(e, qi, i, ctx, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int major_minor(struct json_object *e, const char *path, int64_t *major, int64_t *minor,
		       struct nsset_error *err)
{
	int r = req_range(e, "major", path, 0, UINT32_MAX, major, err);
	return r < 0 ? r : req_range(e, "minor", path, 0, UINT32_MAX, minor, err);
}

static int weight_device(struct json_object *e, const char *path, size_t i, void *ctx,
			 struct nsset_error *err)
{
	struct oci_blkio_weight_device *d = &((struct oci_resources *)ctx)->blkio_weight_devices[i];
	bool hw, hl;
	int r;
	d->weight = d->leaf_weight = -1;
	if ((r = major_minor(e, path, &d->major, &d->minor, err)) < 0 ||
	    (r = cfg_opt_range(e, "weight", path, 0, UINT16_MAX, &d->weight, &hw, err)) < 0 ||
	    (r = cfg_opt_range(e, "leafWeight", path, 0, UINT16_MAX, &d->leaf_weight, &hl, err)) < 0)
		return r;
	if (!hw && !hl)
		return cfg_fail(err, path, "needs weight or leafWeight");
	((struct oci_resources *)ctx)->n_blkio_weight_devices = i + 1;
	return 0;
}

struct rates {
	struct oci_blkio_rate *v;
	size_t *n;
};

static int rate(struct json_object *e, const char *path, size_t i, void *ctx,
		struct nsset_error *err)
{
	struct rates *rs = ctx;
	struct oci_blkio_rate *d = &rs->v[i];
	char q[OCI_PATH_MAX];
	bool has;
	int r;
	if ((r = major_minor(e, path, &d->major, &d->minor, err)) < 0 ||
	    (r = cfg_opt_uint64(e, "rate", path, &d->rate, &has, err)) < 0)
		return r;
	if (!has) {
		cfg_path_key(q, path, "rate");
		return cfg_fail(err, q, "is required");
	}
	*rs->n = i + 1;
	return 0;
}

/* "2MB", "64KB", "1GB": digits, then K, M, G (or T, P), then B. */
static bool page_size_ok(const char *s)
{
	size_t d = strspn(s, "0123456789");
	return d > 0 && s[0] != '0' && s[d] && strchr("KMGTP", s[d]) && s[d + 1] == 'B' && !s[d + 2];
}

static int hugepage(struct json_object *e, const char *path, size_t i, void *ctx,
		    struct nsset_error *err)
{
	struct oci_resources *res = ctx;
	struct oci_hugepage_limit *h = &res->hugepages[i];
	char q[OCI_PATH_MAX], *size = NULL;
	bool has;
	int r;
	if ((r = cfg_opt_string(e, "pageSize", path, &size, err)) < 0)
		return r;
	cfg_path_key(q, path, "pageSize");
	if (!size)
		return cfg_fail(err, q, "is required");
	bool ok = page_size_ok(size) && strlen(size) < sizeof(h->page_size);
	if (ok)
		strcpy(h->page_size, size);
	free(size);
	if (!ok)
		return cfg_fail(err, q, "must be a size like \"2MB\" or \"1GB\"");
	if ((r = cfg_opt_uint64(e, "limit", path, &h->limit, &has, err)) < 0)
		return r;
	if (!has) {
		cfg_path_key(q, path, "limit");
		return cfg_fail(err, q, "is required");
	}
	res->n_hugepages = i + 1;
	return 0;
}

static int priority(struct json_object *e, const char *path, size_t i, void *ctx,
		    struct nsset_error *err)
{
	struct oci_resources *res = ctx;
	struct oci_net_priority *p = &res->net_priorities[i];
	char q[OCI_PATH_MAX];
	int64_t v;
	int r;
	if ((r = cfg_opt_string(e, "name", path, &p->name, err)) < 0)
		return r;
	res->n_net_priorities = i + 1;
	cfg_path_key(q, path, "name");
	if (!p->name)
		return cfg_fail(err, q, "is required");
	if (!p->name[0] || strlen(p->name) >= 16 || strpbrk(p->name, "/ \t\n") ||
	    !strcmp(p->name, ".") || !strcmp(p->name, ".."))
		return cfg_fail(err, q, "must be an interface name");
	if ((r = req_range(e, "priority", path, 0, UINT32_MAX, &v, err)) < 0)
		return r;
	p->priority = (uint32_t)v;
	return 0;
}

static int parse_rdma(struct json_object *o, const char *path, struct oci_resources *res,
		      struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	size_t n = (size_t)json_object_object_length(o);
	if (!(res->rdma = calloc(n ? n : 1, sizeof(*res->rdma))))
		return nsset_fail(err, ENOMEM, "out of memory");
	json_object_object_foreach(o, dev, v) {
		struct oci_rdma_limit *l = &res->rdma[res->n_rdma];
		bool hh, ho;
		int r;
		cfg_path_key(q, path, dev);
		if (!(l->device = strdup(dev)))
			return nsset_fail(err, ENOMEM, "out of memory");
		res->n_rdma++;
		if (!dev[0] || strpbrk(dev, " \t\n="))
			return cfg_fail(err, q, "must be an RDMA device name");
		if (!v || !json_object_is_type(v, json_type_object))
			return cfg_fail(err, q, "must be an object");
		l->hca_handles = l->hca_objects = -1;
		if ((r = cfg_opt_range(v, "hcaHandles", q, 0, UINT32_MAX, &l->hca_handles, &hh, err)) < 0 ||
		    (r = cfg_opt_range(v, "hcaObjects", q, 0, UINT32_MAX, &l->hca_objects, &ho, err)) < 0)
			return r;
		if (!hh && !ho)
			return cfg_fail(err, q, "needs hcaHandles or hcaObjects");
	}
	return 0;
}

/* unified: each key a file of the container's v2 cgroup, "CONTROLLER.NAME", nothing else. */
static int check_unified(const struct oci_resources *res, const char *path, struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *kv = res->unified[i];
		size_t klen = strcspn(kv, "=");
		char key[OCI_PATH_MAX];
		snprintf(key, sizeof(key), "%.*s", (int)klen, kv);
		cfg_path_key(q, path, key);
		const char *dot = strchr(key, '.');
		if (!dot || dot == key || !dot[1] || strchr(key, '/'))
			return cfg_fail(err, q, "must be a cgroup v2 file name (CONTROLLER.NAME)");
		/* Which processes are in the cgroup and what it delegates is the runtime's: a config
		 * must not move other processes into the container's cgroup. */
		if (!strcmp(key, "cgroup.procs") || !strcmp(key, "cgroup.threads") ||
		    !strcmp(key, "cgroup.subtree_control") || !strcmp(key, "cgroup.type"))
			return cfg_fail(err, q, "is managed by the runtime");
	}
	return 0;
}

static void *alloc_for(struct json_object *arr, size_t size, struct nsset_error *err)
{
	size_t n = json_object_array_length(arr);
	void *p = calloc(n ? n : 1, size);
	if (!p)
		nsset_fail(err, ENOMEM, "out of memory");
	return p;
}

static int parse_block_io(struct json_object *b, const char *path, struct oci_resources *res,
			  struct nsset_error *err)
{
	static const char *const throttle[OCI_THROTTLE_N] = {
		[OCI_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
		[OCI_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
		[OCI_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
		[OCI_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
	};
	char q[OCI_PATH_MAX];
	struct json_object *a;
	int r;
	if ((r = cfg_opt_range(b, "weight", path, 0, UINT16_MAX, &res->blkio_weight,
			       &res->has_blkio_weight, err)) < 0 ||
	    (r = cfg_opt_range(b, "leafWeight", path, 0, UINT16_MAX, &res->blkio_leaf_weight,
			       &res->has_blkio_leaf_weight, err)) < 0 ||
	    (r = cfg_opt_array(b, "weightDevice", path, &a, err)) < 0)
		return r;
	cfg_path_key(q, path, "weightDevice");
	if (a && (!(res->blkio_weight_devices = alloc_for(a, sizeof(*res->blkio_weight_devices), err)) ||
		  (r = each_object(a, q, res, weight_device, err)) < 0))
		return res->blkio_weight_devices ? r : -ENOMEM;
	for (int t = 0; t < OCI_THROTTLE_N; t++) {
		if ((r = cfg_opt_array(b, throttle[t], path, &a, err)) < 0)
			return r;
		if (!a)
			continue;
		cfg_path_key(q, path, throttle[t]);
		if (!(res->blkio_throttle[t] = alloc_for(a, sizeof(struct oci_blkio_rate), err)))
			return -ENOMEM;
		struct rates rs = { res->blkio_throttle[t], &res->n_blkio_throttle[t] };
		if ((r = each_object(a, q, &rs, rate, err)) < 0)
			return r;
	}
	return 0;
}

int cfg_parse_resources(struct json_object *o, const char *path, struct oci_resources *res,
			struct nsset_error *err)
{
	char pm[OCI_PATH_MAX], pp[OCI_PATH_MAX], pc[OCI_PATH_MAX], pd[OCI_PATH_MAX], q[OCI_PATH_MAX];
	struct json_object *m;
	int64_t ignored, swappiness = 0;
	bool has_kernel = false, has_tcp = false, unused;
	int r;

	cfg_path_key(pm, path, "memory");
	cfg_path_key(pp, path, "pids");
	cfg_path_key(pc, path, "cpu");
	cfg_path_key(pd, path, "devices");
	if ((r = cfg_opt_object(o, "memory", path, &m, err)) < 0)
		return r;
	if (m && ((r = cfg_opt_int64(m, "limit", pm, &res->memory_limit, &res->has_memory_limit,
				     err)) < 0 ||
		  (r = cfg_opt_int64(m, "reservation", pm, &res->memory_reservation,
				     &res->has_memory_reservation, err)) < 0 ||
		  (r = cfg_opt_int64(m, "swap", pm, &res->memory_swap, &res->has_memory_swap,
				     err)) < 0 ||
		  (r = cfg_opt_int64(m, "kernel", pm, &ignored, &has_kernel, err)) < 0 ||
		  (r = cfg_opt_int64(m, "kernelTCP", pm, &ignored, &has_tcp, err)) < 0 ||
		  (r = cfg_opt_range(m, "swappiness", pm, 0, 100, &swappiness, &res->has_swappiness,
				     err)) < 0 ||
		  (r = cfg_opt_bool(m, "disableOOMKiller", pm, &res->disable_oom_killer, err)) < 0 ||
		  (r = cfg_opt_bool(m, "useHierarchy", pm, &unused, err)) < 0 ||
		  (r = cfg_opt_bool(m, "checkBeforeUpdate", pm, &unused, err)) < 0))
		return r;
	res->has_memory_kernel = has_kernel || has_tcp;
	res->swappiness = (uint64_t)swappiness;
	if ((r = cfg_opt_object(o, "pids", path, &m, err)) < 0)
		return r;
	if (m && (r = cfg_opt_int64(m, "limit", pp, &res->pids_limit, &res->has_pids_limit, err)) < 0)
		return r;
	if ((r = cfg_opt_object(o, "cpu", path, &m, err)) < 0)
		return r;
	if (m && ((r = cfg_opt_range(m, "shares", pc, 0, INT64_MAX, &res->cpu_shares, &res->has_cpu_shares,
				      err)) < 0 ||
		  (r = cfg_opt_int64(m, "quota", pc, &res->cpu_quota, &res->has_cpu_quota, err)) < 0 ||
		  (r = cfg_opt_range(m, "period", pc, 0, INT64_MAX, &res->cpu_period, &res->has_cpu_period,
				      err)) < 0 ||
		  (r = cfg_opt_range(m, "burst", pc, 0, INT64_MAX, &res->cpu_burst, &res->has_cpu_burst, err)) < 0 ||
		  (r = cfg_opt_int64(m, "realtimeRuntime", pc, &res->rt_runtime, &res->has_rt_runtime,
				     err)) < 0 ||
		  (r = cfg_opt_range(m, "realtimePeriod", pc, 0, INT64_MAX, &res->rt_period, &res->has_rt_period,
				      err)) < 0 ||
		  (r = cfg_opt_range(m, "idle", pc, 0, 1, &res->cpu_idle, &res->has_cpu_idle, err)) < 0 ||
		  (r = cfg_opt_string(m, "cpus", pc, &res->cpu_cpus, err)) < 0 ||
		  (r = cfg_opt_string(m, "mems", pc, &res->cpu_mems, err)) < 0))
		return r;
	if (res->has_cpu_burst && res->has_cpu_quota && res->cpu_quota > 0 &&
	    res->cpu_burst > res->cpu_quota) {
		cfg_path_key(q, pc, "burst");
		return cfg_fail(err, q, "%lld is larger than the quota %lld",
				(long long)res->cpu_burst, (long long)res->cpu_quota);
	}
	if ((r = cfg_opt_array(o, "devices", path, &m, err)) < 0)
		return r;
	if (m && (r = parse_device_rules(m, pd, res, err)) < 0)
		return r;
	cfg_path_key(q, path, "blockIO");
	if ((r = cfg_opt_object(o, "blockIO", path, &m, err)) < 0 ||
	    (m && (r = parse_block_io(m, q, res, err)) < 0))
		return r;
	cfg_path_key(q, path, "hugepageLimits");
	if ((r = cfg_opt_array(o, "hugepageLimits", path, &m, err)) < 0)
		return r;
	if (m && (!(res->hugepages = alloc_for(m, sizeof(*res->hugepages), err)) ||
		  (r = each_object(m, q, res, hugepage, err)) < 0))
		return res->hugepages ? r : -ENOMEM;
	cfg_path_key(q, path, "network");
	if ((r = cfg_opt_object(o, "network", path, &m, err)) < 0)
		return r;
	if (m) {
		char qp[OCI_PATH_MAX];
		struct json_object *a;
		int64_t v;
		if ((r = cfg_opt_range(m, "classID", q, 0, UINT32_MAX, &v, &res->has_net_class_id, err)) < 0 ||
		    (r = cfg_opt_array(m, "priorities", q, &a, err)) < 0)
			return r;
		res->net_class_id = (uint32_t)v;
		cfg_path_key(qp, q, "priorities");
		if (a && (!(res->net_priorities = alloc_for(a, sizeof(*res->net_priorities), err)) ||
			  (r = each_object(a, qp, res, priority, err)) < 0))
			return res->net_priorities ? r : -ENOMEM;
	}
	cfg_path_key(q, path, "rdma");
	if ((r = cfg_opt_object(o, "rdma", path, &m, err)) < 0 ||
	    (m && (r = parse_rdma(m, q, res, err)) < 0))
		return r;
	cfg_path_key(q, path, "unified");
	m = cfg_get(o, "unified");
	if (m && ((r = cfg_string_map(m, q, &res->unified, &res->n_unified, err)) < 0 ||
		  (r = check_unified(res, q, err)) < 0))
		return r;
	return 0;
}

int oci_resources_parse_file(const char *path, struct oci_resources *out, struct nsset_error *err)
{
	char *json;
	int r;
	memset(out, 0, sizeof(*out));
	if (strcmp(path, "-") == 0) {
		int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return nsset_fail_errno(err, errno, "cannot read the standard input");
		if ((r = oci_read_fd(fd, "the standard input", &json, NULL, err)) < 0)
			return r;
	} else if ((r = cfg_read_file(path, &json, err)) < 0) {
		return r;
	}
	const char *what = strcmp(path, "-") == 0 ? "the standard input" : path;
	struct json_object *top = cfg_parse_json(json, strlen(json), what, err);
	free(json);
	if (!top)
		return -EINVAL;
	if (!json_object_is_type(top, json_type_object))
		r = nsset_fail(err, EINVAL, "%s: must be a JSON object (LinuxResources)", what);
	else
		r = cfg_parse_resources(top, "", out, err);
	json_object_put(top);
	if (r < 0) {
		oci_resources_clear(out);
		if (err && !strstr(err->msg, what)) { /* "FILE: memory.limit: ..." */
			char m[NSSET_ERRMSG_MAX];
			snprintf(m, sizeof(m), "%s", err->msg);
			r = nsset_fail(err, -r, "%s: %s", what, m);
		}
	}
	return r;
}

void oci_resources_clear(struct oci_resources *r)
{
	free(r->cpu_cpus);
	free(r->cpu_mems);
	free(r->devices);
	free(r->blkio_weight_devices);
	for (int t = 0; t < OCI_THROTTLE_N; t++)
		free(r->blkio_throttle[t]);
	free(r->hugepages);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	cfg_strv_free(r->unified);
	memset(r, 0, sizeof(*r));
}
