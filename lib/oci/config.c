/* config.json (OCI runtime spec, config.md) into struct oci_config, with json-c.
 *
 * Everything is validated here, before anything is created: a bad config is -EINVAL with a
 * message naming the JSON path ("process.args: must be a non-empty array of strings").  This
 * file has the generic helpers, the top level, process, root, mounts and hooks; the "linux"
 * object is in config_linux.c. */
#include "oci/config_internal.h"
#include "oci/caps.h"
#include "oci/process.h"
#include "oci/readall.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/capability.h>

/* ---- helpers ------------------------------------------------------------------------------ */

/* The JSON paths of the members are made for every member parsed, before any error: without
 * printf (names.c). */
void cfg_path_key(char *out, const char *parent, const char *key)
{
	if (parent && *parent)
		NSSET_CONCAT(out, OCI_PATH_MAX, parent, ".", key);
	else
		nsset_strcpy(out, OCI_PATH_MAX, key);
}

void cfg_path_index(char *out, const char *parent, size_t index)
{
	nsset_index_name(out, OCI_PATH_MAX, parent, index);
}

int cfg_fail(struct nsset_error *err, const char *path, const char *fmt, ...)
{
	char msg[NSSET_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nsset_fail(err, EINVAL, "%s: %s", path, msg);
}

struct json_object *cfg_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v; /* NULL for JSON null */
}

char *cfg_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void cfg_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* An optional member of one JSON type: *out is NULL when absent, an error when of another type. */
static int opt_typed(struct json_object *obj, const char *key, const char *path, json_type type,
		     const char *what, struct json_object **out, struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	*out = NULL;
	if (!v)
		return 0;
	if (!json_object_is_type(v, type)) {
		cfg_path_key(p, path, key);
		return cfg_fail(err, p, "must be %s", what);
	}
	*out = v;
	return 0;
}

int cfg_opt_object(struct json_object *obj, const char *key, const char *path,
		   struct json_object **out, struct nsset_error *err)
{
	return opt_typed(obj, key, path, json_type_object, "an object", out, err);
}

int cfg_opt_array(struct json_object *obj, const char *key, const char *path,
		  struct json_object **out, struct nsset_error *err)
{
	return opt_typed(obj, key, path, json_type_array, "an array", out, err);
}

int cfg_opt_string(struct json_object *obj, const char *key, const char *path, char **out,
		   struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		cfg_path_key(p, path, key);
		return cfg_fail(err, p, "must be a string");
	}
	free(*out);
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : nsset_fail(err, ENOMEM, "out of memory");
}

int cfg_opt_bool(struct json_object *obj, const char *key, const char *path, bool *out,
		 struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean)) {
		cfg_path_key(p, path, key);
		return cfg_fail(err, p, "must be a boolean");
	}
	*out = json_object_get_boolean(v);
	return 0;
}

int cfg_opt_int64(struct json_object *obj, const char *key, const char *path, int64_t *out,
		  bool *present, struct nsset_error *err)
{
	return cfg_opt_range(obj, key, path, INT64_MIN, INT64_MAX, out, present, err);
}

int cfg_opt_range(struct json_object *obj, const char *key, const char *path, int64_t min,
		  int64_t max, int64_t *out, bool *present, struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	if (present)
		*present = false;
	if (!v)
		return 0;
	cfg_path_key(p, path, key);
	if (!json_object_is_type(v, json_type_int))
		return cfg_fail(err, p, "must be an integer");
	errno = 0;
	int64_t x = json_object_get_int64(v);
	if (errno == ERANGE || x < min || x > max)
		return cfg_fail(err, p, "out of range [%lld, %lld]", (long long)min, (long long)max);
	*out = x;
	if (present)
		*present = true;
	return 0;
}

int cfg_opt_uint64(struct json_object *obj, const char *key, const char *path, uint64_t *out,
		   bool *present, struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	if (present)
		*present = false;
	if (!v)
		return 0;
	cfg_path_key(p, path, key);
	if (!json_object_is_type(v, json_type_int))
		return cfg_fail(err, p, "must be a non-negative integer");
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	if (s[0] == '-')
		return cfg_fail(err, p, "must be a non-negative integer");
	*out = json_object_get_uint64(v);
	if (present)
		*present = true;
	return 0;
}

int cfg_string_array(struct json_object *val, const char *path, bool nonempty, char ***out,
		     size_t *n, struct nsset_error *err)
{
	const char *what = nonempty ? "must be a non-empty array of strings" : "must be an array of strings";
	if (!json_object_is_type(val, json_type_array))
		return cfg_fail(err, path, "%s", what);
	size_t len = json_object_array_length(val);
	if (nonempty && len == 0)
		return cfg_fail(err, path, "%s", what);
	for (size_t i = 0; i < len; i++)
		if (!json_object_is_type(json_object_array_get_idx(val, i), json_type_string))
			return cfg_fail(err, path, "%s", what);
	char **v = calloc(len + 1, sizeof(*v));
	if (!v)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		v[i] = strdup(json_object_get_string(json_object_array_get_idx(val, i)));
		if (!v[i]) {
			cfg_strv_free(v);
			return nsset_fail(err, ENOMEM, "out of memory");
		}
	}
	cfg_strv_free(*out);
	*out = v;
	if (n)
		*n = len;
	return 0;
}

int cfg_opt_string_array(struct json_object *obj, const char *key, const char *path,
			 char ***out, size_t *n, struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	struct json_object *v = cfg_get(obj, key);
	if (!v)
		return 0;
	cfg_path_key(p, path, key);
	return cfg_string_array(v, p, false, out, n, err);
}

int cfg_string_map(struct json_object *val, const char *path, char ***out, size_t *n,
		   struct nsset_error *err)
{
	char p[OCI_PATH_MAX];
	if (!json_object_is_type(val, json_type_object))
		return cfg_fail(err, path, "must be an object of strings");
	size_t len = (size_t)json_object_object_length(val), i = 0;
	char **v = calloc(len + 1, sizeof(*v));
	if (!v)
		return nsset_fail(err, ENOMEM, "out of memory");
	json_object_object_foreach(val, key, value) {
		if (!value || !json_object_is_type(value, json_type_string)) {
			cfg_strv_free(v);
			cfg_path_key(p, path, key);
			return cfg_fail(err, p, "must be a string");
		}
		if (asprintf(&v[i], "%s=%s", key, json_object_get_string(value)) < 0) {
			v[i] = NULL;
			cfg_strv_free(v);
			return nsset_fail(err, ENOMEM, "out of memory");
		}
		i++;
	}
	*out = v;
	*n = i;
	return 0;
}

/* ---- process ------------------------------------------------------------------------------ */

const char *oci_cap_name(int cap, char *buf, size_t size)
{
	if (cap < 0 || cap > CAP_LAST_CAP)
		return NULL;
	char *n = cap_to_name((cap_value_t)cap);
	if (!n)
		return NULL;
	if (strncasecmp(n, "cap_", 4) != 0) { /* a number: libcap does not know its name */
		cap_free(n);
		return NULL;
	}
	snprintf(buf, size, "%s", n);
	cap_free(n);
	for (char *p = buf; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return buf;
}

static int parse_cap_set(struct json_object *caps, const char *key, const char *path,
			 uint64_t *out, struct nsset_error *err)
{
	char p[OCI_PATH_MAX], pi[OCI_PATH_MAX];
	struct json_object *arr;
	int r = cfg_opt_array(caps, key, path, &arr, err);
	if (r < 0 || !arr)
		return r;
	cfg_path_key(p, path, key);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		cfg_path_index(pi, p, i);
		if (!e || !json_object_is_type(e, json_type_string))
			return cfg_fail(err, pi, "must be a string");
		int cap;
		if (oci_cap_from_name(json_object_get_string(e), &cap) < 0 || cap > 63)
			return cfg_fail(err, pi, "unknown capability \"%s\"", json_object_get_string(e));
		*out |= 1ULL << cap;
	}
	return 0;
}

static int parse_user(struct json_object *u, const char *path, struct oci_user *user,
		      struct nsset_error *err)
{
	int64_t v;
	bool has;
	char p[OCI_PATH_MAX];
	int r;

	if ((r = cfg_opt_range(u, "uid", path, 0, UINT32_MAX - 1, &v, &has, err)) < 0)
		return r;
	if (has)
		user->uid = (uid_t)v;
	if ((r = cfg_opt_range(u, "gid", path, 0, UINT32_MAX - 1, &v, &has, err)) < 0)
		return r;
	if (has)
		user->gid = (gid_t)v;
	if ((r = cfg_opt_range(u, "umask", path, 0, 0777, &v, &user->has_umask, err)) < 0)
		return r;
	if (user->has_umask)
		user->umask = (mode_t)v;
	struct json_object *gids;
	if ((r = cfg_opt_array(u, "additionalGids", path, &gids, err)) < 0)
		return r;
	if (gids) {
		size_t n = json_object_array_length(gids);
		user->additional_gids = calloc(n ? n : 1, sizeof(gid_t));
		if (!user->additional_gids)
			return nsset_fail(err, ENOMEM, "out of memory");
		cfg_path_key(p, path, "additionalGids");
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(gids, i);
			if (!e || !json_object_is_type(e, json_type_int) || json_object_get_int64(e) < 0 ||
			    json_object_get_int64(e) >= UINT32_MAX)
				return cfg_fail(err, p, "must be an array of group ids");
			user->additional_gids[i] = (gid_t)json_object_get_int64(e);
		}
		user->n_additional_gids = n;
	}
	/* username (Windows) is ignored. */
	return 0;
}

static int parse_process(struct json_object *pr, const char *path, struct oci_process *p,
			 struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX];
	struct json_object *o, *v;
	int r;

	if (!json_object_is_type(pr, json_type_object))
		return cfg_fail(err, path, "must be an object");
	if ((r = cfg_opt_bool(pr, "terminal", path, &p->terminal, err)) < 0)
		return r;
	if ((r = cfg_opt_object(pr, "consoleSize", path, &o, err)) < 0)
		return r;
	if (o) {
		int64_t x;
		cfg_path_key(q, path, "consoleSize");
		if ((r = cfg_opt_range(o, "height", q, 0, UINT16_MAX, &x, NULL, err)) < 0)
			return r;
		if (cfg_get(o, "height"))
			p->console_height = (unsigned)x;
		if ((r = cfg_opt_range(o, "width", q, 0, UINT16_MAX, &x, NULL, err)) < 0)
			return r;
		if (cfg_get(o, "width"))
			p->console_width = (unsigned)x;
	}

	cfg_path_key(q, path, "args");
	v = cfg_get(pr, "args");
	if (!v)
		return cfg_fail(err, q, "must be a non-empty array of strings");
	if ((r = cfg_string_array(v, q, true, &p->args, &p->n_args, err)) < 0)
		return r;
	if (p->args[0][0] == '\0')
		return cfg_fail(err, q, "the command (args[0]) is empty");

	if ((r = cfg_opt_string_array(pr, "env", path, &p->env, &p->n_env, err)) < 0)
		return r;
	for (size_t i = 0; i < p->n_env; i++) {
		if (!strchr(p->env[i], '=') || p->env[i][0] == '=') {
			cfg_path_key(q, path, "env");
			cfg_path_index(qi, q, i);
			return cfg_fail(err, qi, "must be KEY=VALUE, got \"%s\"", p->env[i]);
		}
	}

	cfg_path_key(q, path, "cwd");
	if ((r = cfg_opt_string(pr, "cwd", path, &p->cwd, err)) < 0)
		return r;
	if (!p->cwd || p->cwd[0] != '/')
		return cfg_fail(err, q, "must be an absolute path");

	if ((r = cfg_opt_object(pr, "user", path, &o, err)) < 0)
		return r;
	if (o) {
		cfg_path_key(q, path, "user");
		if ((r = parse_user(o, q, &p->user, err)) < 0)
			return r;
	}

	if ((r = cfg_opt_object(pr, "capabilities", path, &o, err)) < 0)
		return r;
	if (o) {
		cfg_path_key(q, path, "capabilities");
		p->has_caps = true;
		if ((r = parse_cap_set(o, "bounding", q, &p->caps.bounding, err)) < 0 ||
		    (r = parse_cap_set(o, "effective", q, &p->caps.effective, err)) < 0 ||
		    (r = parse_cap_set(o, "inheritable", q, &p->caps.inheritable, err)) < 0 ||
		    (r = parse_cap_set(o, "permitted", q, &p->caps.permitted, err)) < 0 ||
		    (r = parse_cap_set(o, "ambient", q, &p->caps.ambient, err)) < 0)
			return r;
	}

	if ((r = cfg_opt_array(pr, "rlimits", path, &o, err)) < 0)
		return r;
	if (o) {
		size_t n = json_object_array_length(o);
		cfg_path_key(q, path, "rlimits");
		p->rlimits = calloc(n ? n : 1, sizeof(*p->rlimits));
		if (!p->rlimits)
			return nsset_fail(err, ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(o, i);
			char *type = NULL;
			bool has_soft, has_hard;
			cfg_path_index(qi, q, i);
			if (!e || !json_object_is_type(e, json_type_object))
				return cfg_fail(err, qi, "must be an object");
			if ((r = cfg_opt_string(e, "type", qi, &type, err)) < 0)
				return r;
			int res = -1;
			if (!type || oci_rlimit_from_name(type, &res) < 0) {
				char qt[OCI_PATH_MAX];
				cfg_path_key(qt, qi, "type");
				r = type ? cfg_fail(err, qt, "unknown rlimit \"%s\"", type)
					 : cfg_fail(err, qt, "must be a string (RLIMIT_*)");
				free(type);
				return r;
			}
			free(type);
			for (size_t j = 0; j < p->n_rlimits; j++)
				if (p->rlimits[j].resource == res)
					return cfg_fail(err, qi, "duplicate rlimit type");
			p->rlimits[i].resource = res;
			if ((r = cfg_opt_uint64(e, "soft", qi, &p->rlimits[i].soft, &has_soft, err)) < 0 ||
			    (r = cfg_opt_uint64(e, "hard", qi, &p->rlimits[i].hard, &has_hard, err)) < 0)
				return r;
			if (!has_soft || !has_hard)
				return cfg_fail(err, qi, "needs both soft and hard");
			if (p->rlimits[i].soft > p->rlimits[i].hard)
				return cfg_fail(err, qi, "soft limit is above the hard limit");
			p->n_rlimits++;
		}
	}

	if ((r = cfg_opt_bool(pr, "noNewPrivileges", path, &p->no_new_privileges, err)) < 0)
		return r;
	int64_t oom;
	if ((r = cfg_opt_range(pr, "oomScoreAdj", path, -1000, 1000, &oom, &p->has_oom_score_adj, err)) < 0)
		return r;
	if (p->has_oom_score_adj)
		p->oom_score_adj = (int)oom;
	if ((r = cfg_opt_string(pr, "apparmorProfile", path, &p->apparmor_profile, err)) < 0 ||
	    (r = cfg_opt_string(pr, "selinuxLabel", path, &p->selinux_label, err)) < 0)
		return r;
	return cfg_parse_process_sched(pr, path, p, err);
}

void oci_process_clear(struct oci_process *p)
{
	if (!p)
		return;
	free(p->cwd);
	cfg_strv_free(p->args);
	cfg_strv_free(p->env);
	free(p->user.additional_gids);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	memset(p, 0, sizeof(*p));
}

/* ---- mounts ------------------------------------------------------------------------------- */

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

static const struct {
	const char *name;
	bool clear;                 /* the option clears the flag */
	unsigned long flag;
} mount_flags[] = {
	{ "defaults", false, 0 },
	{ "ro", false, MS_RDONLY }, { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID }, { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV }, { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC }, { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS }, { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },
	{ "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK }, { "nomand", true, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME }, { "atime", true, MS_NOATIME },
	{ "nodiratime", false, MS_NODIRATIME }, { "diratime", true, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME }, { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME }, { "nolazytime", true, MS_LAZYTIME },
	{ "silent", false, MS_SILENT }, { "loud", true, MS_SILENT },
	{ "iversion", false, MS_I_VERSION }, { "noiversion", true, MS_I_VERSION },
	{ "bind", false, MS_BIND }, { "rbind", false, MS_BIND | MS_REC },
};

static const struct { const char *name; unsigned long flag; } propagation_names[] = {
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

int oci_propagation_by_name(const char *name, unsigned long *flags)
{
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(propagation_names); i++)
		if (strcmp(propagation_names[i].name, name) == 0) {
			*flags = propagation_names[i].flag;
			return 0;
		}
	return -EINVAL;
}

const char *oci_mount_option_name(size_t i)
{
	static const char *const extra[] = { "idmap", "ridmap", "tmpcopyup" };
	if (i < NSSET_ARRAY_SIZE(mount_flags))
		return mount_flags[i].name;
	i -= NSSET_ARRAY_SIZE(mount_flags);
	if (i < NSSET_ARRAY_SIZE(propagation_names))
		return propagation_names[i].name;
	i -= NSSET_ARRAY_SIZE(propagation_names);
	return i < NSSET_ARRAY_SIZE(extra) ? extra[i] : NULL;
}

static int add_data(char **data, const char *opt)
{
	char *n;
	if (*data) {
		if (asprintf(&n, "%s,%s", *data, opt) < 0)
			return -ENOMEM;
		free(*data);
	} else if (!(n = strdup(opt))) {
		return -ENOMEM;
	}
	*data = n;
	return 0;
}

static int parse_mount_option(struct oci_mount *m, const char *opt)
{
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(mount_flags); i++) {
		if (strcmp(mount_flags[i].name, opt) == 0) {
			if (mount_flags[i].clear) {
				m->clear |= mount_flags[i].flag;
				m->flags &= ~mount_flags[i].flag;
			} else {
				m->flags |= mount_flags[i].flag;
				m->clear &= ~mount_flags[i].flag;
			}
			return 0;
		}
	}
	unsigned long prop;
	if (oci_propagation_by_name(opt, &prop) == 0) {
		m->propagation = prop;
		return 0;
	}
	if (strcmp(opt, "idmap") == 0) {
		m->idmap = true;
		return 0;
	}
	if (strcmp(opt, "ridmap") == 0) {
		m->idmap = m->recursive_idmap = true;
		return 0;
	}
	/* crun's extensions that are not mount data: accepted, without effect here. */
	if (strcmp(opt, "tmpcopyup") == 0 || strcmp(opt, "notmpcopyup") == 0 ||
	    strcmp(opt, "copy-symlink") == 0 || strcmp(opt, "src-nofollow") == 0 ||
	    strcmp(opt, "dest-nofollow") == 0)
		return 0;
	return add_data(&m->data, opt);
}

static int parse_mount(struct json_object *e, const char *path, struct oci_mount *m,
		       struct nsset_error *err)
{
	char q[OCI_PATH_MAX];
	char **opts = NULL;
	size_t n_opts = 0;
	int r;

	if (!e || !json_object_is_type(e, json_type_object))
		return cfg_fail(err, path, "must be an object");
	if ((r = cfg_opt_string(e, "destination", path, &m->destination, err)) < 0 ||
	    (r = cfg_opt_string(e, "type", path, &m->type, err)) < 0 ||
	    (r = cfg_opt_string(e, "source", path, &m->source, err)) < 0)
		return r;
	cfg_path_key(q, path, "destination");
	if (!m->destination || m->destination[0] != '/')
		return cfg_fail(err, q, "must be an absolute path");
	/* ".." never climbs out of the root: refuse it outright (rootfs.c resolves the rest). */
	for (const char *s = m->destination; (s = strstr(s, "..")); s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return cfg_fail(err, q, "must not contain \"..\"");
	if ((r = cfg_opt_string_array(e, "options", path, &opts, &n_opts, err)) < 0)
		return r;
	for (size_t i = 0; i < n_opts; i++) {
		if (parse_mount_option(m, opts[i]) < 0) {
			cfg_strv_free(opts);
			return nsset_fail(err, ENOMEM, "out of memory");
		}
	}
	cfg_strv_free(opts);
	if (!m->type && !(m->flags & MS_BIND)) {
		cfg_path_key(q, path, "type");
		return cfg_fail(err, q, "is required unless the options say bind or rbind");
	}
	if (m->type && (strcmp(m->type, "bind") == 0))
		m->flags |= MS_BIND;
	if ((m->flags & MS_BIND) && !m->source) {
		cfg_path_key(q, path, "source");
		return cfg_fail(err, q, "is required for a bind mount");
	}
	/* uidMappings/gidMappings on a mount (idmapped mounts) are accepted as "idmap". */
	if (cfg_get(e, "uidMappings") || cfg_get(e, "gidMappings"))
		m->idmap = true;
	return 0;
}

static void mount_clear(struct oci_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	free(m->data);
}

/* ---- hooks -------------------------------------------------------------------------------- */

static int parse_hook_list(struct json_object *hooks, const char *key, const char *path,
			   struct oci_hook **out, size_t *n, struct nsset_error *err)
{
	char q[OCI_PATH_MAX], qi[OCI_PATH_MAX], qk[OCI_PATH_MAX];
	struct json_object *arr;
	int r;

	if ((r = cfg_opt_array(hooks, key, path, &arr, err)) < 0 || !arr)
		return r;
	cfg_path_key(q, path, key);
	size_t len = json_object_array_length(arr);
	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out)
		return nsset_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct oci_hook *h = &(*out)[i];
		int64_t t;
		bool has_t;
		*n = i + 1;
		cfg_path_index(qi, q, i);
		if (!e || !json_object_is_type(e, json_type_object))
			return cfg_fail(err, qi, "must be an object");
		if ((r = cfg_opt_string(e, "path", qi, &h->path, err)) < 0)
			return r;
		cfg_path_key(qk, qi, "path");
		if (!h->path || h->path[0] != '/')
			return cfg_fail(err, qk, "must be an absolute path");
		if ((r = cfg_opt_string_array(e, "args", qi, &h->args, NULL, err)) < 0 ||
		    (r = cfg_opt_string_array(e, "env", qi, &h->env, NULL, err)) < 0)
			return r;
		if ((r = cfg_opt_range(e, "timeout", qi, 1, INT32_MAX, &t, &has_t, err)) < 0)
			return r;
		h->timeout = has_t ? (int)t : 0;
	}
	return 0;
}

static void hook_list_free(struct oci_hook *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].path);
		cfg_strv_free(h[i].args);
		cfg_strv_free(h[i].env);
	}
	free(h);
}

static int parse_hooks(struct json_object *o, struct oci_hooks *h, struct nsset_error *err)
{
	int r;
	if ((r = parse_hook_list(o, "prestart", "hooks", &h->prestart, &h->n_prestart, err)) < 0 ||
	    (r = parse_hook_list(o, "createRuntime", "hooks", &h->create_runtime, &h->n_create_runtime, err)) < 0 ||
	    (r = parse_hook_list(o, "createContainer", "hooks", &h->create_container, &h->n_create_container, err)) < 0 ||
	    (r = parse_hook_list(o, "startContainer", "hooks", &h->start_container, &h->n_start_container, err)) < 0 ||
	    (r = parse_hook_list(o, "poststart", "hooks", &h->poststart, &h->n_poststart, err)) < 0 ||
	    (r = parse_hook_list(o, "poststop", "hooks", &h->poststop, &h->n_poststop, err)) < 0)
		return r;
	return 0;
}

/* ---- the whole config --------------------------------------------------------------------- */

static char *join_path(const char *dir, const char *rel)
{
	char *out;
	if (rel[0] == '/')
		return strdup(rel);
	if (asprintf(&out, "%s/%s", dir, rel) < 0)
		return NULL;
	return out;
}

static int parse_root(struct json_object *top, struct oci_config *c, struct nsset_error *err)
{
	struct json_object *root;
	char *path = NULL;
	int r;

	if ((r = cfg_opt_object(top, "root", "", &root, err)) < 0)
		return r;
	if (!root)
		return cfg_fail(err, "root", "missing (the root filesystem is required)");
	if ((r = cfg_opt_string(root, "path", "root", &path, err)) < 0)
		return r;
	if (!path || !*path) {
		free(path);
		return cfg_fail(err, "root.path", "must be a non-empty string");
	}
	if ((r = cfg_opt_bool(root, "readonly", "root", &c->root_readonly, err)) < 0) {
		free(path);
		return r;
	}
	c->root_path = join_path(c->bundle, path);
	free(path);
	if (!c->root_path)
		return nsset_fail(err, ENOMEM, "out of memory");
	return 0;
}

static int parse_version(struct json_object *top, struct oci_config *c, struct nsset_error *err)
{
	int r = cfg_opt_string(top, "ociVersion", "", &c->oci_version, err);
	if (r < 0)
		return r;
	if (!c->oci_version)
		return cfg_fail(err, "ociVersion", "missing");
	char *end;
	errno = 0;
	long major = strtol(c->oci_version, &end, 10);
	if (end == c->oci_version || *end != '.' || errno)
		return cfg_fail(err, "ociVersion", "\"%s\" is not a version (MAJOR.MINOR.PATCH)",
				c->oci_version);
	if (major != 1)
		return cfg_fail(err, "ociVersion", "unsupported major version %ld (this runtime supports 1.x)",
				major);
	return 0;
}

static int parse_top(struct json_object *top, struct oci_config *c, struct nsset_error *err)
{
	struct json_object *o;
	char q[OCI_PATH_MAX];
	int r;

	if (!json_object_is_type(top, json_type_object))
		return nsset_fail(err, EINVAL, "config.json: the top level must be an object");
	if ((r = parse_version(top, c, err)) < 0 || (r = parse_root(top, c, err)) < 0)
		return r;

	o = cfg_get(top, "process");
	if (!o)
		return cfg_fail(err, "process", "missing (the container's process is required)");
	if ((r = parse_process(o, "process", &c->process, err)) < 0)
		return r;
	c->has_process = true;

	if ((r = cfg_opt_string(top, "hostname", "", &c->hostname, err)) < 0 ||
	    (r = cfg_opt_string(top, "domainname", "", &c->domainname, err)) < 0)
		return r;
	if (c->hostname && strlen(c->hostname) > 64)
		return cfg_fail(err, "hostname", "longer than 64 bytes");
	if (c->domainname && strlen(c->domainname) > 64)
		return cfg_fail(err, "domainname", "longer than 64 bytes");

	if ((r = cfg_opt_array(top, "mounts", "", &o, err)) < 0)
		return r;
	if (o) {
		size_t n = json_object_array_length(o);
		c->mounts = calloc(n ? n : 1, sizeof(*c->mounts));
		if (!c->mounts)
			return nsset_fail(err, ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			c->n_mounts = i + 1;
			cfg_path_index(q, "mounts", i);
			if ((r = parse_mount(json_object_array_get_idx(o, i), q, &c->mounts[i], err)) < 0)
				return r;
		}
	}

	if ((r = cfg_opt_object(top, "hooks", "", &o, err)) < 0)
		return r;
	if (o && (r = parse_hooks(o, &c->hooks, err)) < 0)
		return r;

	if ((r = cfg_opt_object(top, "annotations", "", &o, err)) < 0)
		return r;
	if (o && (r = cfg_string_map(o, "annotations", &c->annotations, &c->n_annotations, err)) < 0)
		return r;

	if ((r = cfg_opt_object(top, "linux", "", &o, err)) < 0)
		return r;
	if ((r = cfg_parse_linux(o, c, err)) < 0)
		return r;
	/* The spec: the hostname needs a UTS namespace of the container's own. */
	if ((c->hostname || c->domainname) && !(c->ns_new & NSSET_UTS) && !(c->ns_join & NSSET_UTS))
		return cfg_fail(err, c->hostname ? "hostname" : "domainname",
				"needs a new UTS namespace (linux.namespaces has no \"uts\")");
	return 0;
}

struct json_object *cfg_parse_json(const char *json, size_t len, const char *what,
				   struct nsset_error *err)
{
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		nsset_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	struct json_object *top = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!top && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	if (!top || jerr != json_tokener_success) {
		size_t pos = json_tokener_get_parse_end(tok);
		size_t line = 1, col = 1;
		for (size_t i = 0; i < pos && i < len; i++) {
			if (json[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		nsset_fail(err, EINVAL, "%s: malformed JSON at line %zu, column %zu (offset %zu): %s",
			   what, line, col, pos, json_tokener_error_desc(jerr));
		json_object_put(top);
		top = NULL;
	} else {
		/* Trailing garbage after the object. */
		size_t end = json_tokener_get_parse_end(tok);
		while (end < len && strchr(" \t\r\n", json[end]))
			end++;
		if (end < len) {
			nsset_fail(err, EINVAL, "%s: malformed JSON: trailing data at offset %zu", what, end);
			json_object_put(top);
			top = NULL;
		}
	}
	json_tokener_free(tok);
	return top;
}

int oci_config_parse(const char *json, const char *bundle, struct oci_config **out,
		     struct nsset_error *err)
{
	*out = NULL;
	struct oci_config *c = calloc(1, sizeof(*c));
	if (!c)
		return nsset_fail(err, ENOMEM, "out of memory");
	c->bundle = strdup(bundle ? bundle : ".");
	c->json = strdup(json);
	if (!c->bundle || !c->json) {
		oci_config_free(c);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	struct json_object *top = cfg_parse_json(json, strlen(json), "config.json", err);
	if (!top) {
		oci_config_free(c);
		return -EINVAL;
	}
	int r = parse_top(top, c, err);
	json_object_put(top);
	if (r < 0) {
		oci_config_free(c);
		return r;
	}
	*out = c;
	return 0;
}

/* Read a whole (small) file; NUL-terminated. */
int cfg_read_file(const char *path, char **out, struct nsset_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot open %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return nsset_fail(err, EINVAL, "%s is not a regular file", path);
	}
	if (st.st_size > 16 * 1024 * 1024) {
		close(fd);
		return nsset_fail(err, EFBIG, "%s is larger than 16 MiB", path);
	}
	size_t len;
	char *buf;
	int r = oci_read_fd(fd, path, &buf, &len, err);
	if (r < 0)
		return r;
	if (strlen(buf) != len) {
		free(buf);
		return nsset_fail(err, EINVAL, "%s: contains a NUL byte", path);
	}
	*out = buf;
	return 0;
}

int oci_config_load(const char *bundle, struct oci_config **out, struct nsset_error *err)
{
	char *abs = realpath(bundle, NULL), *path, *json;
	int r;

	*out = NULL;
	if (!abs)
		return nsset_fail_errno(err, errno, "bundle %s", bundle);
	if (asprintf(&path, "%s/config.json", abs) < 0) {
		free(abs);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	r = cfg_read_file(path, &json, err);
	free(path);
	if (r == 0) {
		r = oci_config_parse(json, abs, out, err);
		free(json);
	}
	free(abs);
	return r;
}

int oci_process_parse_file(const char *path, struct oci_process *out, struct nsset_error *err)
{
	char *json;
	int r = cfg_read_file(path, &json, err);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	struct json_object *top = cfg_parse_json(json, strlen(json), path, err);
	free(json);
	if (!top)
		return -EINVAL;
	r = parse_process(top, "process", out, err);
	json_object_put(top);
	if (r < 0) {
		oci_process_clear(out);
		if (err) { /* name the file too: "FILE: process.args: ..." */
			char m[NSSET_ERRMSG_MAX];
			snprintf(m, sizeof(m), "%s", err->msg);
			r = nsset_fail(err, -r, "%s: %s", path, m);
		}
	}
	return r;
}

void oci_config_free(struct oci_config *c)
{
	if (!c)
		return;
	free(c->json);
	free(c->oci_version);
	free(c->bundle);
	free(c->root_path);
	free(c->hostname);
	free(c->domainname);
	oci_process_clear(&c->process);
	for (size_t i = 0; i < c->n_mounts; i++)
		mount_clear(&c->mounts[i]);
	free(c->mounts);
	hook_list_free(c->hooks.prestart, c->hooks.n_prestart);
	hook_list_free(c->hooks.create_runtime, c->hooks.n_create_runtime);
	hook_list_free(c->hooks.create_container, c->hooks.n_create_container);
	hook_list_free(c->hooks.start_container, c->hooks.n_start_container);
	hook_list_free(c->hooks.poststart, c->hooks.n_poststart);
	hook_list_free(c->hooks.poststop, c->hooks.n_poststop);
	cfg_strv_free(c->annotations);
	cfg_free_linux(c);
	free(c);
}
