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

int cfg_parse_resources(struct json_object *o, const char *path, struct oci_resources *res,
			struct nsset_error *err)
{
	char pm[OCI_PATH_MAX], pp[OCI_PATH_MAX], pc[OCI_PATH_MAX], pd[OCI_PATH_MAX];
	struct json_object *m;
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
				     err)) < 0))
		return r;
	if ((r = cfg_opt_object(o, "pids", path, &m, err)) < 0)
		return r;
	if (m && (r = cfg_opt_int64(m, "limit", pp, &res->pids_limit, &res->has_pids_limit, err)) < 0)
		return r;
	if ((r = cfg_opt_object(o, "cpu", path, &m, err)) < 0)
		return r;
	if (m && ((r = cfg_opt_uint64(m, "shares", pc, &res->cpu_shares, &res->has_cpu_shares,
				      err)) < 0 ||
		  (r = cfg_opt_int64(m, "quota", pc, &res->cpu_quota, &res->has_cpu_quota, err)) < 0 ||
		  (r = cfg_opt_uint64(m, "period", pc, &res->cpu_period, &res->has_cpu_period,
				      err)) < 0 ||
		  (r = cfg_opt_string(m, "cpus", pc, &res->cpu_cpus, err)) < 0 ||
		  (r = cfg_opt_string(m, "mems", pc, &res->cpu_mems, err)) < 0))
		return r;
	if ((r = cfg_opt_array(o, "devices", path, &m, err)) < 0)
		return r;
	if (m && (r = parse_device_rules(m, pd, res, err)) < 0)
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
	memset(r, 0, sizeof(*r));
}
