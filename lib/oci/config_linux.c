/* The "linux" object of config.json (config-linux.md): namespaces, id maps, sysctl, resources,
 * cgroupsPath, devices, masked/readonly paths, rootfsPropagation, mountLabel, personality,
 * seccomp.  Validated completely here. */
#include "oci/config_internal.h"
#include "oci/seccomp_names.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>


/* OCI type names that differ from the kinds table's names. */
static const char *ns_kind_name(const char *oci)
{
	if (strcmp(oci, "network") == 0)
		return "net";
	if (strcmp(oci, "mount") == 0)
		return "mnt";
	if (strcmp(oci, "net") == 0 || strcmp(oci, "mnt") == 0)
		return NULL; /* only the spec's names */
	return oci;
}

static int parse_namespaces(struct json_object *arr, struct oci_config *c, struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qk[OCI_PATH_MAX];
	size_t n = json_object_array_length(arr);
	int r;

	c->namespaces = calloc(n ? n : 1, sizeof(*c->namespaces));
	if (!c->namespaces)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct oci_namespace *ns = &c->namespaces[i];
		char *type = NULL;

		c->n_namespaces = i + 1;
		cfg_path_index(q, "linux.namespaces", i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, q, "must be an object");
		cfg_path_key(qk, q, "type");
		if ((r = cfg_opt_string(e, "type", q, &type, err)) < 0)
			return r;
		if (!type)
			return cfg_fail(err, qk, "missing");
		const char *kname = ns_kind_name(type);
		const struct nsset_kind *k = kname ? nsset_kind_by_name(kname) : NULL;
		if (!k) {
			r = cfg_fail(err, qk, "unknown namespace type \"%s\"", type);
			free(type);
			return r;
		}
		if ((c->ns_new | c->ns_join) & k->flag) {
			r = cfg_fail(err, qk, "duplicate namespace type \"%s\"", type);
			free(type);
			return r;
		}
		free(type);
		if ((r = cfg_opt_string(e, "path", q, &ns->path, err)) < 0)
			return r;
		if (ns->path && ns->path[0] != '/') {
			cfg_path_key(qk, q, "path");
			return cfg_fail(err, qk, "must be an absolute path");
		}
		ns->kind = k->flag;
		if (ns->path) {
			c->ns_join |= k->flag;
		} else {
			struct nsset_error e2 = { 0 };
			if (nsset_flags_check(k->flag, &e2) < 0)
				return cfg_fail(err, qk, "%s", e2.msg);
			c->ns_new |= k->flag;
		}
	}
	return 0;
}

static int parse_idmaps(struct json_object *linux_obj, const char *key, struct oci_idmap **out,
			size_t *n, struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX];
	struct json_object *arr;
	int r;

	if ((r = cfg_opt_array(linux_obj, key, "linux", &arr, err)) < 0 || !arr)
		return r;
	cfg_path_key(q, "linux", key);
	size_t len = json_object_array_length(arr);
	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		int64_t cid, hid, size;
		bool h1, h2, h3;
		cfg_path_index(qi, q, i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		if ((r = cfg_opt_range(e, "containerID", qi, 0, UINT32_MAX, &cid, &h1, err)) < 0 ||
		    (r = cfg_opt_range(e, "hostID", qi, 0, UINT32_MAX, &hid, &h2, err)) < 0 ||
		    (r = cfg_opt_range(e, "size", qi, 1, UINT32_MAX, &size, &h3, err)) < 0)
			return r;
		if (!h1 || !h2 || !h3)
			return cfg_fail(err, qi, "needs containerID, hostID and size");
		if (cid + size > (int64_t)UINT32_MAX + 1 || hid + size > (int64_t)UINT32_MAX + 1)
			return cfg_fail(err, qi, "range overflows 32 bits");
		for (size_t j = 0; j < i; j++) {
			struct oci_idmap *o = &(*out)[j];
			if ((int64_t)o->container_id < cid + size && cid < (int64_t)o->container_id + o->size)
				return cfg_fail(err, qi, "overlaps %s[%zu] in the container's ids", q, j);
		}
		(*out)[i] = (struct oci_idmap){ (uint32_t)cid, (uint32_t)hid, (uint32_t)size };
		*n = i + 1;
	}
	if (len > 340)
		return cfg_fail(err, q, "more than 340 ranges");
	return 0;
}

static int parse_sysctl(struct json_object *o, struct oci_config *c, struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	size_t len = (size_t)json_object_object_length(o), i = 0;
	c->sysctl = calloc(len ? len : 1, sizeof(*c->sysctl));
	if (!c->sysctl)
		return nsset_fail(err, ENOMEM, "out of memory");
	json_object_object_foreach(o, key, value) {
		cfg_path_key(q, "linux.sysctl", key);
		if (!value || !json_object_is_type(value, json_type_string))
			return cfg_fail(err, q, "must be a string");
		if (!*key || strstr(key, "..") || key[0] == '/' || key[0] == '.')
			return cfg_fail(err, q, "not a sysctl name");
		c->sysctl[i].key = strdup(key);
		c->sysctl[i].value = strdup(json_object_get_string(value));
		c->n_sysctl = ++i;
		if (!c->sysctl[i - 1].key || !c->sysctl[i - 1].value)
			return nsset_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int parse_devices(struct json_object *arr, struct oci_config *c, struct nsset_error *err)
{
	char qi[OCI_PATH_MAX], qk[OCI_PATH_MAX];
	size_t n = json_object_array_length(arr);
	int r;
	c->devices = calloc(n ? n : 1, sizeof(*c->devices));
	if (!c->devices)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct oci_device *d = &c->devices[i];
		char *type = NULL;
		bool has_major, has_minor;
		int64_t v;
		c->n_devices = i + 1;
		cfg_path_index(qi, "linux.devices", i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		if ((r = cfg_opt_string(e, "type", qi, &type, err)) < 0)
			return r;
		cfg_path_key(qk, qi, "type");
		if (!type || strlen(type) != 1 || !strchr("cbup", type[0])) {
			free(type);
			return cfg_fail(err, qk, "must be \"c\", \"b\", \"u\" or \"p\"");
		}
		d->type = type[0];
		free(type);
		if ((r = cfg_opt_string(e, "path", qi, &d->path, err)) < 0)
			return r;
		cfg_path_key(qk, qi, "path");
		if (!d->path || d->path[0] != '/' || strstr(d->path, "/../") ||
		    (strlen(d->path) >= 3 && strcmp(d->path + strlen(d->path) - 3, "/..") == 0))
			return cfg_fail(err, qk, "must be an absolute path without \"..\"");
		if ((r = cfg_opt_range(e, "major", qi, 0, UINT32_MAX, &d->major, &has_major, err)) < 0 ||
		    (r = cfg_opt_range(e, "minor", qi, 0, UINT32_MAX, &d->minor, &has_minor, err)) < 0)
			return r;
		if (d->type != 'p' && (!has_major || !has_minor))
			return cfg_fail(err, qi, "a \"%c\" device needs major and minor", d->type);
		if ((r = cfg_opt_range(e, "fileMode", qi, 0, 07777, &v, &d->has_mode, err)) < 0)
			return r;
		d->file_mode = (mode_t)v;
		if ((r = cfg_opt_range(e, "uid", qi, 0, UINT32_MAX - 1, &v, &d->has_uid, err)) < 0)
			return r;
		d->uid = (uid_t)v;
		if ((r = cfg_opt_range(e, "gid", qi, 0, UINT32_MAX - 1, &v, &d->has_gid, err)) < 0)
			return r;
		d->gid = (gid_t)v;
	}
	return 0;
}

/* ---- seccomp ------------------------------------------------------------------------------ */

static int parse_action(struct json_object *o, const char *path, const char *key,
			const char *errno_key, uint32_t *out, bool required, struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	char *name = NULL;
	int64_t e = EPERM;
	bool has_e;
	int r;
	if ((r = cfg_opt_range(o, errno_key, path, 0, 4095, &e, &has_e, err)) < 0 ||
	    (r = cfg_opt_string(o, key, path, &name, err)) < 0)
		return r;
	cfg_path_key(q, path, key);
	if (!name)
		return required ? cfg_fail(err, q, "missing") : 0;
	r = oci_seccomp_action_from_name(name, has_e ? (uint32_t)e : EPERM, out);
	if (r < 0)
		r = cfg_fail(err, q, "unknown seccomp action \"%s\"", name);
	free(name);
	return r;
}

static int parse_syscall(struct json_object *e, const char *path, struct oci_syscall_rule *s,
			 struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX], qk[OCI_PATH_MAX];
	struct json_object *names = cfg_get(e, "names"), *args;
	int r;

	if (!json_object_is_type(e, json_type_object))
		return cfg_fail(err, path, "must be an object");
	cfg_path_key(q, path, "names");
	if (!names)
		return cfg_fail(err, q, "must be a non-empty array of strings");
	if ((r = cfg_string_array(names, q, true, &s->names, &s->n_names, err)) < 0)
		return r;
	if ((r = parse_action(e, path, "action", "errnoRet", &s->action, true, err)) < 0)
		return r;
	if ((r = cfg_opt_array(e, "args", path, &args, err)) < 0)
		return r;
	if (!args)
		return 0;
	cfg_path_key(q, path, "args");
	size_t n = json_object_array_length(args);
	if (n > 6)
		return cfg_fail(err, q, "a system call has at most 6 arguments");
	s->args = calloc(n ? n : 1, sizeof(*s->args));
	if (!s->args)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(args, i);
		struct oci_syscall_arg *sa = &s->args[i];
		int64_t idx;
		bool has;
		char *op = NULL;
		cfg_path_index(qi, q, i);
		if (!a || !json_object_is_type(a, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		if ((r = cfg_opt_range(a, "index", qi, 0, 5, &idx, &has, err)) < 0)
			return r;
		if (!has)
			return cfg_fail(err, qi, "needs an index");
		sa->index = (unsigned)idx;
		if ((r = cfg_opt_uint64(a, "value", qi, &sa->value, &has, err)) < 0)
			return r;
		if (!has)
			return cfg_fail(err, qi, "needs a value");
		if ((r = cfg_opt_uint64(a, "valueTwo", qi, &sa->value_two, NULL, err)) < 0 ||
		    (r = cfg_opt_string(a, "op", qi, &op, err)) < 0)
			return r;
		cfg_path_key(qk, qi, "op");
		if (!op)
			return cfg_fail(err, qk, "missing");
		r = oci_seccomp_op_from_name(op, &sa->op);
		if (r < 0)
			r = cfg_fail(err, qk, "unknown operator \"%s\"", op);
		free(op);
		if (r < 0)
			return r;
		s->n_args = i + 1;
	}
	return 0;
}

static int parse_seccomp(struct json_object *o, struct oci_config *c, struct nsset_error *err)
{
	const char *p = "linux.seccomp";
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX];
	struct json_object *arr;
	char **strs = NULL;
	size_t n = 0;
	int r;

	struct oci_seccomp *s = c->seccomp = calloc(1, sizeof(*s));
	if (!s)
		return nsset_fail(err, ENOMEM, "out of memory");
	if ((r = parse_action(o, p, "defaultAction", "defaultErrnoRet", &s->default_action, true, err)) < 0)
		return r;

	if ((r = cfg_opt_string_array(o, "architectures", p, &strs, &n, err)) < 0)
		return r;
	s->arches = calloc(n ? n : 1, sizeof(*s->arches));
	if (!s->arches) {
		cfg_strv_free(strs);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	cfg_path_key(q, p, "architectures");
	for (size_t i = 0; i < n; i++) {
		uint32_t arch;
		if (oci_seccomp_arch_from_name(strs[i], &arch) < 0) {
			cfg_path_index(qi, q, i);
			r = cfg_fail(err, qi, "unknown architecture \"%s\"", strs[i]);
			cfg_strv_free(strs);
			return r;
		}
		s->arches[s->n_arches++] = arch;
	}
	cfg_strv_free(strs);
	strs = NULL;

	if ((r = cfg_opt_string_array(o, "flags", p, &strs, &n, err)) < 0)
		return r;
	cfg_path_key(q, p, "flags");
	for (size_t i = 0; strs && i < n; i++) {
		unsigned flag = 0;
		if (oci_seccomp_flag_from_name(strs[i], &flag) < 0) {
			cfg_path_index(qi, q, i);
			r = cfg_fail(err, qi, "unknown seccomp flag \"%s\"", strs[i]);
			cfg_strv_free(strs);
			return r;
		}
		s->flags |= flag;
	}
	cfg_strv_free(strs);
	if ((r = cfg_opt_string(o, "listenerPath", p, &s->listener_path, err)) < 0)
		return r;
	if ((r = cfg_opt_string(o, "listenerMetadata", p, &s->listener_metadata, err)) < 0)
		return r;

	if ((r = cfg_opt_array(o, "syscalls", p, &arr, err)) < 0)
		return r;
	if (!arr)
		return 0;
	cfg_path_key(q, p, "syscalls");
	n = json_object_array_length(arr);
	s->syscalls = calloc(n ? n : 1, sizeof(*s->syscalls));
	if (!s->syscalls)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		s->n_syscalls = i + 1;
		cfg_path_index(qi, q, i);
		struct json_object *e = json_object_array_get_idx(arr, i);
		if (!e)
			return cfg_fail(err, qi, "must be an object");
		if ((r = parse_syscall(e, qi, &s->syscalls[i], err)) < 0)
			return r;
	}
	return 0;
}

static void seccomp_free(struct oci_seccomp *s)
{
	if (!s)
		return;
	free(s->arches);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		cfg_strv_free(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}

/* ---- the linux object --------------------------------------------------------------------- */

static int parse_personality(struct json_object *o, struct oci_config *c, struct nsset_error *err)
{
	char *domain = NULL;
	int r = cfg_opt_string(o, "domain", "linux.personality", &domain, err);
	if (r < 0)
		return r;
	if (!domain)
		return cfg_fail(err, "linux.personality.domain", "missing");
	if (strcmp(domain, "LINUX") == 0)
		c->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		c->personality = PER_LINUX32;
	else
		r = cfg_fail(err, "linux.personality.domain", "must be \"LINUX\" or \"LINUX32\", got \"%s\"", domain);
	free(domain);
	/* "flags: the additional flags to apply.  Currently no flag values are supported." */
	char **flags = NULL;
	size_t n = 0;
	if (r == 0 && (r = cfg_opt_string_array(o, "flags", "linux.personality", &flags, &n, err)) == 0 &&
	    n > 0)
		r = cfg_fail(err, "linux.personality.flags", "no flag is supported (the specification defines none), got \"%s\"",
			     flags[0]);
	cfg_strv_free(flags);
	c->has_personality = r == 0;
	return r;
}

static int check_paths(char **v, size_t n, const char *what, struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	for (size_t i = 0; i < n; i++)
		if (v[i][0] != '/') {
			cfg_path_index(q, what, i);
			return cfg_fail(err, q, "must be an absolute path");
		}
	return 0;
}

/* A network device name: 1 to 15 bytes, no slash, colon or white space, not "." or "..";
 * a "%d" template where allowed. */
static bool ifname_ok(const char *n, bool template)
{
	size_t len = strlen(n);
	if (!len || len >= 16 || strpbrk(n, "/: \t\n") || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	const char *pct = strchr(n, '%');
	return !pct || (template && pct[1] == 'd' && !strchr(pct + 1, '%'));
}

/* netDevices: host devices the runtime moves into the container's network namespace. */
static int parse_net_devices(struct json_object *l, struct oci_config *c, struct nsset_error *err)
{
	const char *path = "linux.netDevices";
	char q[OCI_PATH_MAX];
	struct json_object *o;
	int r = cfg_opt_object(l, "netDevices", "linux", &o, err);
	if (r < 0 || !o)
		return r;
	bool has_net = false;
	for (size_t i = 0; i < c->n_namespaces; i++)
		has_net |= c->namespaces[i].kind == NSSET_NET;
	if (!has_net)
		return cfg_fail(err, path, "needs a network namespace (linux.namespaces has no \"network\")");
	size_t n = (size_t)json_object_object_length(o);
	if (!(c->net_devices = calloc(n ? n : 1, sizeof(*c->net_devices))))
		return nsset_fail(err, ENOMEM, "out of memory");
	json_object_object_foreach(o, dev, v) {
		struct oci_net_device *d = &c->net_devices[c->n_net_devices];
		cfg_path_key(q, path, dev);
		if (!(d->host = strdup(dev)))
			return nsset_fail(err, ENOMEM, "out of memory");
		c->n_net_devices++;
		if (!ifname_ok(dev, false))
			return cfg_fail(err, q, "must be a network device name");
		if (!v || !json_object_is_type(v, json_type_object))
			return cfg_fail(err, q, "must be an object");
		if ((r = cfg_opt_string(v, "name", q, &d->name, err)) < 0)
			return r;
		if (d->name && !ifname_ok(d->name, true)) {
			char qn[OCI_PATH_MAX];
			cfg_path_key(qn, q, "name");
			return cfg_fail(err, qn, "must be a network device name (with at most one %%d)");
		}
	}
	return 0;
}

/* timeOffsets: the monotonic and boottime clocks of a time namespace the container makes. */
static int parse_time_offsets(struct json_object *l, struct oci_config *c, struct nsset_error *err)
{
	const char *path = "linux.timeOffsets";
	char q[OCI_PATH_MAX];
	struct json_object *o;
	int r = cfg_opt_object(l, "timeOffsets", "linux", &o, err);
	if (r < 0 || !o)
		return r;
	if (!(c->ns_new & NSSET_TIME))
		return cfg_fail(err, path, "needs a new time namespace (linux.namespaces has no \"time\" without a path)");
	json_object_object_foreach(o, clock, v) {
		int64_t *secs, ns;
		uint32_t *nsecs;
		cfg_path_key(q, path, clock);
		if (strcmp(clock, "monotonic") == 0) {
			secs = &c->monotonic_secs;
			nsecs = &c->monotonic_nsecs;
		} else if (strcmp(clock, "boottime") == 0) {
			secs = &c->boottime_secs;
			nsecs = &c->boottime_nsecs;
		} else {
			return cfg_fail(err, q, "unknown clock (monotonic or boottime)");
		}
		if (!v || !json_object_is_type(v, json_type_object))
			return cfg_fail(err, q, "must be an object");
		ns = 0;
		if ((r = cfg_opt_int64(v, "secs", q, secs, NULL, err)) < 0 ||
		    (r = cfg_opt_range(v, "nanosecs", q, 0, 999999999, &ns, NULL, err)) < 0)
			return r;
		*nsecs = (uint32_t)ns;
	}
	c->has_time_offsets = true;
	return 0;
}

int cfg_parse_linux(struct json_object *l, struct oci_config *c, struct nsset_error *err)
{
	struct json_object *o;
	char *prop = NULL;
	int r;

	if (!l)
		return 0;
	if ((r = cfg_opt_array(l, "namespaces", "linux", &o, err)) < 0)
		return r;
	if (o && (r = parse_namespaces(o, c, err)) < 0)
		return r;
	if ((r = parse_idmaps(l, "uidMappings", &c->uid_mappings, &c->n_uid_mappings, err)) < 0 ||
	    (r = parse_idmaps(l, "gidMappings", &c->gid_mappings, &c->n_gid_mappings, err)) < 0)
		return r;
	if ((c->n_uid_mappings || c->n_gid_mappings) && !(c->ns_new & NSSET_USER))
		return cfg_fail(err, c->n_uid_mappings ? "linux.uidMappings" : "linux.gidMappings",
				"needs a new user namespace (linux.namespaces has no \"user\" without a path)");
	if ((c->ns_new & NSSET_USER) && (!c->n_uid_mappings || !c->n_gid_mappings))
		return cfg_fail(err, "linux.uidMappings",
				"a new user namespace needs uidMappings and gidMappings");
	if ((r = cfg_opt_object(l, "sysctl", "linux", &o, err)) < 0)
		return r;
	if (o && (r = parse_sysctl(o, c, err)) < 0)
		return r;
	if ((r = cfg_opt_object(l, "resources", "linux", &o, err)) < 0)
		return r;
	if (o && (r = cfg_parse_resources(o, "linux.resources", &c->resources, err)) < 0)
		return r;
	c->has_resources = o != NULL;
	if ((r = cfg_opt_string(l, "cgroupsPath", "linux", &c->cgroups_path, err)) < 0)
		return r;
	if (c->cgroups_path && strstr(c->cgroups_path, ".."))
		return cfg_fail(err, "linux.cgroupsPath", "must not contain \"..\"");
	if ((r = cfg_opt_array(l, "devices", "linux", &o, err)) < 0)
		return r;
	if (o && (r = parse_devices(o, c, err)) < 0)
		return r;
	if ((r = cfg_opt_string_array(l, "maskedPaths", "linux", &c->masked_paths, &c->n_masked_paths, err)) < 0 ||
	    (r = cfg_opt_string_array(l, "readonlyPaths", "linux", &c->readonly_paths, &c->n_readonly_paths, err)) < 0 ||
	    (r = check_paths(c->masked_paths, c->n_masked_paths, "linux.maskedPaths", err)) < 0 ||
	    (r = check_paths(c->readonly_paths, c->n_readonly_paths, "linux.readonlyPaths", err)) < 0)
		return r;
	if ((r = cfg_opt_string(l, "rootfsPropagation", "linux", &prop, err)) < 0)
		return r;
	if (prop) {
		r = oci_propagation_by_name(prop, &c->rootfs_propagation);
		if (r < 0)
			r = cfg_fail(err, "linux.rootfsPropagation", "unknown propagation \"%s\"", prop);
		free(prop);
		if (r < 0)
			return r;
	}
	if ((r = cfg_opt_string(l, "mountLabel", "linux", &c->mount_label, err)) < 0)
		return r;
	if ((r = cfg_opt_object(l, "personality", "linux", &o, err)) < 0)
		return r;
	if (o && (r = parse_personality(o, c, err)) < 0)
		return r;
	if ((r = cfg_opt_object(l, "seccomp", "linux", &o, err)) < 0)
		return r;
	if (o && (r = parse_seccomp(o, c, err)) < 0)
		return r;
	if ((r = parse_time_offsets(l, c, err)) < 0 || (r = cfg_parse_memory_policy(l, c, err)) < 0)
		return r;
	if ((r = parse_net_devices(l, c, err)) < 0)
		return r;
	/* Not done by this nsset: refused rather than left out without a word. */
	if (cfg_get(l, "intelRdt"))
		return cfg_fail(err, "linux.intelRdt", "Intel RDT (resctrl) is not supported by nsset");
	return 0;
}

void cfg_free_linux(struct oci_config *c)
{
	for (size_t i = 0; i < c->n_namespaces; i++)
		free(c->namespaces[i].path);
	free(c->namespaces);
	free(c->uid_mappings);
	free(c->gid_mappings);
	for (size_t i = 0; i < c->n_sysctl; i++) {
		free(c->sysctl[i].key);
		free(c->sysctl[i].value);
	}
	free(c->sysctl);
	oci_resources_clear(&c->resources);
	free(c->cgroups_path);
	for (size_t i = 0; i < c->n_devices; i++)
		free(c->devices[i].path);
	free(c->devices);
	cfg_strv_free(c->masked_paths);
	cfg_strv_free(c->readonly_paths);
	free(c->mount_label);
	seccomp_free(c->seccomp);
	for (size_t i = 0; i < c->n_net_devices; i++) {
		free(c->net_devices[i].host);
		free(c->net_devices[i].name);
	}
	free(c->net_devices);
}
