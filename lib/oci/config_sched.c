/* Where and how the container's processes run: process.scheduler, process.ioPriority,
 * process.execCPUAffinity (config.md) and linux.memoryPolicy (config-linux.md).  Checked here;
 * applied by process_sched.c. */
#include "oci/config_internal.h"

#include <linux/mempolicy.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6 /* Linux 6.9 */
#endif

struct name_value {
	const char *name;
	long value;
};

static const struct name_value policies[] = {
	{ "SCHED_OTHER", SCHED_NORMAL }, { "SCHED_FIFO", SCHED_FIFO }, { "SCHED_RR", SCHED_RR },
	{ "SCHED_BATCH", SCHED_BATCH }, { "SCHED_ISO", 4 },        { "SCHED_IDLE", SCHED_IDLE },
	{ "SCHED_DEADLINE", SCHED_DEADLINE },
};

static const struct name_value sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static const struct name_value io_classes[] = {
	{ "IOPRIO_CLASS_RT", 1 }, { "IOPRIO_CLASS_BE", 2 }, { "IOPRIO_CLASS_IDLE", 3 },
};

static const struct name_value mpol_modes[] = {
	{ "MPOL_DEFAULT", MPOL_DEFAULT },
	{ "MPOL_PREFERRED", MPOL_PREFERRED },
	{ "MPOL_BIND", MPOL_BIND },
	{ "MPOL_INTERLEAVE", MPOL_INTERLEAVE },
	{ "MPOL_LOCAL", MPOL_LOCAL },
	{ "MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY },
	{ "MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE },
};

static const struct name_value mpol_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING },
	{ "MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES },
	{ "MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES },
};

static int lookup(const struct name_value *t, size_t n, const char *name, long *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) == 0) {
			*out = t[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

/* A required string member, one of the table's names. */
static int req_name(struct json_object *o, const char *key, const char *path,
		    const struct name_value *t, size_t n, const char *what, long *out,
		    struct nsset_error *err)
{
	char q[OCI_PATH_MAX], *s = NULL;
	int r = cfg_opt_string(o, key, path, &s, err);
	if (r < 0)
		return r;
	cfg_path_key(q, path, key);
	if (!s)
		return cfg_fail(err, q, "is required");
	r = lookup(t, n, s, out);
	if (r < 0)
		r = cfg_fail(err, q, "unknown %s \"%s\"", what, s);
	free(s);
	return r;
}

/* An optional array of the table's names, or-ed together. */
static int opt_names(struct json_object *o, const char *key, const char *path,
		     const struct name_value *t, size_t n, const char *what, uint64_t *out,
		     struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX], **v = NULL;
	size_t nv = 0;
	int r = cfg_opt_string_array(o, key, path, &v, &nv, err);
	cfg_path_key(q, path, key);
	for (size_t i = 0; r == 0 && i < nv; i++) {
		long f;
		cfg_path_index(qi, q, i);
		if (lookup(t, n, v[i], &f) < 0)
			r = cfg_fail(err, qi, "unknown %s \"%s\"", what, v[i]);
		else
			*out |= (uint64_t)f;
	}
	cfg_strv_free(v);
	return r;
}

int cfg_parse_mask(const char *s, struct oci_mask *m)
{
	memset(m, 0, sizeof(*m));
	if (!*s)
		return -EINVAL;
	for (const char *p = s;;) {
		char *end;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= OCI_MASK_BITS)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			m->bits[i / (8 * sizeof(long))] |= 1UL << (i % (8 * sizeof(long)));
		if (!*end)
			return 0;
		if (*end != ',')
			return -EINVAL;
		p = end + 1;
	}
}

/* A list member ("0-3,7"): *has false when absent or empty. */
static int opt_mask(struct json_object *o, const char *key, const char *path, const char *what,
		    struct oci_mask *m, bool *has, struct nsset_error *err)
{
	char q[OCI_PATH_MAX], *s = NULL;
	int r = cfg_opt_string(o, key, path, &s, err);
	*has = false;
	if (r < 0 || !s)
		return r;
	cfg_path_key(q, path, key);
	if (*s && cfg_parse_mask(s, m) < 0)
		r = cfg_fail(err, q, "must be a list of %s like \"0-3,7\" (each below %d)", what, OCI_MASK_BITS);
	else
		*has = *s != '\0';
	free(s);
	return r;
}

static int parse_scheduler(struct json_object *o, const char *path, struct oci_scheduler *s,
			   struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	int64_t nice = 0, prio = 0;
	long policy;
	int r;
	if ((r = req_name(o, "policy", path, policies, NSSET_ARRAY_SIZE(policies), "policy", &policy, err)) < 0 ||
	    (r = cfg_opt_range(o, "nice", path, -20, 19, &nice, NULL, err)) < 0 ||
	    (r = cfg_opt_range(o, "priority", path, 0, 99, &prio, NULL, err)) < 0 ||
	    (r = opt_names(o, "flags", path, sched_flags, NSSET_ARRAY_SIZE(sched_flags), "flag", &s->flags, err)) < 0 ||
	    (r = cfg_opt_uint64(o, "runtime", path, &s->runtime, NULL, err)) < 0 ||
	    (r = cfg_opt_uint64(o, "deadline", path, &s->deadline, NULL, err)) < 0 ||
	    (r = cfg_opt_uint64(o, "period", path, &s->period, NULL, err)) < 0)
		return r;
	cfg_path_key(q, path, "policy");
	if (policy == 4)
		return cfg_fail(err, q, "SCHED_ISO is not a policy of the Linux kernel");
	s->policy = (int)policy;
	s->nice = (int)nice;
	s->priority = (int)prio;
	bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
	cfg_path_key(q, path, "priority");
	if (rt && prio < 1)
		return cfg_fail(err, q, "must be 1 to 99 with %s", policy == SCHED_FIFO ? "SCHED_FIFO" : "SCHED_RR");
	if (!rt && prio != 0)
		return cfg_fail(err, q, "must be 0 but with SCHED_FIFO and SCHED_RR");
	if (policy == SCHED_DEADLINE &&
	    (!s->runtime || s->runtime > s->deadline || (s->period && s->deadline > s->period)))
		return cfg_fail(err, path, "SCHED_DEADLINE needs 0 < runtime <= deadline <= period");
	return 0;
}

int cfg_parse_process_sched(struct json_object *pr, const char *path, struct oci_process *p,
			    struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	struct json_object *o;
	int r;
	cfg_path_key(q, path, "scheduler");
	if ((r = cfg_opt_object(pr, "scheduler", path, &o, err)) < 0 ||
	    (o && (r = parse_scheduler(o, q, &p->scheduler, err)) < 0))
		return r;
	p->has_scheduler = o != NULL;
	cfg_path_key(q, path, "ioPriority");
	if ((r = cfg_opt_object(pr, "ioPriority", path, &o, err)) < 0)
		return r;
	if (o) {
		long cls;
		int64_t level;
		bool has;
		char ql[OCI_PATH_MAX];
		if ((r = req_name(o, "class", q, io_classes, NSSET_ARRAY_SIZE(io_classes), "class", &cls, err)) < 0 ||
		    (r = cfg_opt_range(o, "priority", q, 0, 7, &level, &has, err)) < 0)
			return r;
		cfg_path_key(ql, q, "priority");
		if (!has)
			return cfg_fail(err, ql, "is required");
		p->has_io_priority = true;
		p->io_priority = (int)(cls << 13 | level);
	}
	cfg_path_key(q, path, "execCPUAffinity");
	if ((r = cfg_opt_object(pr, "execCPUAffinity", path, &o, err)) < 0)
		return r;
	if (o && ((r = opt_mask(o, "initial", q, "CPUs", &p->affinity_initial, &p->has_affinity_initial, err)) < 0 ||
		  (r = opt_mask(o, "final", q, "CPUs", &p->affinity_final, &p->has_affinity_final, err)) < 0))
		return r;
	return 0;
}

int cfg_parse_memory_policy(struct json_object *l, struct oci_config *c, struct nsset_error *err)
{
	const char *path = "linux.memoryPolicy";
	struct json_object *o;
	uint64_t flags = 0;
	long mode;
	int r;
	if ((r = cfg_opt_object(l, "memoryPolicy", "linux", &o, err)) < 0 || !o)
		return r;
	if ((r = req_name(o, "mode", path, mpol_modes, NSSET_ARRAY_SIZE(mpol_modes), "mode", &mode, err)) < 0 ||
	    (r = opt_mask(o, "nodes", path, "memory nodes", &c->mempolicy_nodes, &c->has_mempolicy_nodes, err)) < 0 ||
	    (r = opt_names(o, "flags", path, mpol_flags, NSSET_ARRAY_SIZE(mpol_flags), "flag", &flags, err)) < 0)
		return r;
	bool no_nodes = mode == MPOL_DEFAULT || mode == MPOL_LOCAL;
	bool need_nodes = mode == MPOL_BIND || mode == MPOL_INTERLEAVE || mode == MPOL_PREFERRED_MANY ||
			  mode == MPOL_WEIGHTED_INTERLEAVE;
	if (no_nodes && c->has_mempolicy_nodes)
		return cfg_fail(err, "linux.memoryPolicy.nodes", "must be empty with %s",
				mode == MPOL_DEFAULT ? "MPOL_DEFAULT" : "MPOL_LOCAL");
	if (need_nodes && !c->has_mempolicy_nodes)
		return cfg_fail(err, "linux.memoryPolicy.nodes", "this mode needs at least one node");
	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return cfg_fail(err, "linux.memoryPolicy.flags",
				"MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
	c->has_mempolicy = true;
	c->mempolicy_mode = (int)(mode | (long)flags);
	return 0;
}

const char *oci_mpol_mode_name(size_t i)
{
	return i < NSSET_ARRAY_SIZE(mpol_modes) ? mpol_modes[i].name : NULL;
}

const char *oci_mpol_flag_name(size_t i)
{
	return i < NSSET_ARRAY_SIZE(mpol_flags) ? mpol_flags[i].name : NULL;
}
