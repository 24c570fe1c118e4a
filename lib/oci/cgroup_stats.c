/* The container's cgroup read back as runc's `events` statistics (cpu, memory, pids), from the
 * v1 files where a controller is bound to v1 and from the v2 ones otherwise, and its OOM kill
 * count. */
#include "internal.h"
#include "oci/cgroup_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t num(const char *dir, const char *file)
{
	char buf[64];
	if (oci_cgroup_read(dir, file, buf, sizeof(buf)) <= 0 || strcmp(buf, "max") == 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

/* The value of KEY in a "key value" per line file (cpu.stat, memory.stat, memory.events). */
static uint64_t keyed(const char *dir, const char *file, const char *key)
{
	char buf[8192];
	if (oci_cgroup_read(dir, file, buf, sizeof(buf)) <= 0)
		return 0;
	size_t len = strlen(key);
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, len) == 0 && l[len] == ' ')
			return strtoull(l + len + 1, NULL, 10);
	return 0;
}

static void put(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* memory.stat as "raw": every key with its value. */
static struct json_object *raw(const char *dir)
{
	char buf[8192];
	struct json_object *o = json_object_new_object();
	if (oci_cgroup_read(dir, "memory.stat", buf, sizeof(buf)) <= 0)
		return o;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *sp = strchr(l, ' ');
		if (sp) {
			*sp = '\0';
			put(o, l, strtoull(sp + 1, NULL, 10));
		}
	}
	return o;
}

static struct json_object *cpu(struct oci_cgroup *cg)
{
	struct json_object *o = json_object_new_object(), *u = json_object_new_object(),
			   *t = json_object_new_object();
	struct oci_cgroup_hier *acct = oci_cgroup_hier_for(cg, "cpuacct"), *c = oci_cgroup_hier_for(cg, "cpu");
	if (acct && !acct->v2) {
		char buf[4096];
		struct json_object *per = json_object_new_array();
		put(u, "total", num(acct->dir, "cpuacct.usage"));
		if (oci_cgroup_read(acct->dir, "cpuacct.usage_percpu", buf, sizeof(buf)) > 0)
			for (char *p = strtok(buf, " "); p; p = strtok(NULL, " "))
				json_object_array_add(per, json_object_new_uint64(strtoull(p, NULL, 10)));
		json_object_object_add(u, "percpu", per);
		/* cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds */
		long hz = sysconf(_SC_CLK_TCK);
		uint64_t ns = hz > 0 ? 1000000000ULL / (uint64_t)hz : 10000000ULL;
		put(u, "kernel", keyed(acct->dir, "cpuacct.stat", "system") * ns);
		put(u, "user", keyed(acct->dir, "cpuacct.stat", "user") * ns);
	} else if (c && c->v2) {
		put(u, "total", keyed(c->dir, "cpu.stat", "usage_usec") * 1000);
		put(u, "kernel", keyed(c->dir, "cpu.stat", "system_usec") * 1000);
		put(u, "user", keyed(c->dir, "cpu.stat", "user_usec") * 1000);
	}
	if (c) {
		put(t, "periods", keyed(c->dir, "cpu.stat", "nr_periods"));
		put(t, "throttledPeriods", keyed(c->dir, "cpu.stat", "nr_throttled"));
		put(t, "throttledTime", c->v2 ? keyed(c->dir, "cpu.stat", "throttled_usec") * 1000
					      : keyed(c->dir, "cpu.stat", "throttled_time"));
	}
	json_object_object_add(o, "usage", u);
	json_object_object_add(o, "throttling", t);
	return o;
}

static struct json_object *usage(const char *dir, const char *prefix, bool v2)
{
	char f[96];
	struct json_object *o = json_object_new_object();
#define FILE_OF(name) (snprintf(f, sizeof(f), "%s%s", prefix, name), f)
	if (v2) {
		put(o, "usage", num(dir, FILE_OF("current")));
		put(o, "limit", num(dir, FILE_OF("max")));
		put(o, "max", num(dir, FILE_OF("peak")));
	} else {
		put(o, "usage", num(dir, FILE_OF("usage_in_bytes")));
		put(o, "limit", num(dir, FILE_OF("limit_in_bytes")));
		put(o, "max", num(dir, FILE_OF("max_usage_in_bytes")));
		put(o, "failcnt", num(dir, FILE_OF("failcnt")));
	}
#undef FILE_OF
	return o;
}

static struct json_object *memory(struct oci_cgroup *cg)
{
	struct json_object *o = json_object_new_object();
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "memory");
	if (!h)
		return o;
	json_object_object_add(o, "usage", usage(h->dir, "memory.", h->v2));
	json_object_object_add(o, "swap", usage(h->dir, h->v2 ? "memory.swap." : "memory.memsw.", h->v2));
	if (!h->v2) {
		json_object_object_add(o, "kernel", usage(h->dir, "memory.kmem.", false));
		json_object_object_add(o, "kernelTCP", usage(h->dir, "memory.kmem.tcp.", false));
	}
	put(o, "cache", keyed(h->dir, "memory.stat", h->v2 ? "file" : "cache"));
	json_object_object_add(o, "raw", raw(h->dir));
	return o;
}

int oci_cgroup_stats(struct oci_cgroup *cg, char **json, struct nsset_error *err)
{
	struct json_object *d = json_object_new_object(), *p = json_object_new_object();
	if (!d || !p) {
		json_object_put(d);
		json_object_put(p);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	json_object_object_add(d, "cpu", cpu(cg));
	json_object_object_add(d, "memory", memory(cg));
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "pids");
	if (h) {
		put(p, "current", num(h->dir, "pids.current"));
		put(p, "limit", num(h->dir, "pids.max"));
	}
	json_object_object_add(d, "pids", p);
	*json = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
	json_object_put(d);
	return *json ? 0 : nsset_fail(err, ENOMEM, "out of memory");
}

uint64_t oci_cgroup_oom_kills(struct oci_cgroup *cg)
{
	struct oci_cgroup_hier *h = oci_cgroup_hier_for(cg, "memory");
	if (!h)
		return 0;
	return h->v2 ? keyed(h->dir, "memory.events", "oom_kill") : keyed(h->dir, "memory.oom_control", "oom_kill");
}
