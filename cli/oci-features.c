/* nsset features: what this build recognises (features-schema.json). */
#include "cli.h"
#include "oci/config.h"

#include <json-c/json.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

static struct json_object *strings(const char *(*name)(size_t))
{
	struct json_object *a = json_object_new_array();
	const char *n;
	for (size_t i = 0; (n = name(i)); i++)
		json_object_array_add(a, json_object_new_string(n));
	return a;
}

static struct json_object *str_list(const char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

int cli_oci_features(int argc, char **argv)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
		"startContainer", "poststart", "poststop", NULL };
	static const char *const actions[] = { "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
		"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",
		"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL };
	static const char *const ops[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
		"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
	static const char *const flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
	static const char *const arches[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
		"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", NULL };
	if (argc > 1) {
		cli_error("features", argv[1], "unexpected argument");
		return 2;
	}
	struct json_object *o = json_object_new_object(), *l = json_object_new_object();
	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string("1.2.0"));
	json_object_object_add(o, "hooks", str_list(hooks));
	json_object_object_add(o, "mountOptions", strings(oci_mount_option_name));

	/* linux: the namespace kinds built in, under their OCI names. */
	struct json_object *ns = json_object_new_array();
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	for (size_t i = 0; i < n; i++) {
		if (!k[i].built)
			continue;
		const char *name = strcmp(k[i].name, "net") == 0 ? "network"
				 : strcmp(k[i].name, "mnt") == 0 ? "mount" : k[i].name;
		json_object_array_add(ns, json_object_new_string(name));
	}
	json_object_object_add(l, "namespaces", ns);
	struct json_object *caps = json_object_new_array();
	char buf[64];
	for (int c = 0; c < 64; c++)
		if (oci_cap_name(c, buf, sizeof(buf)))
			json_object_array_add(caps, json_object_new_string(buf));
	json_object_object_add(l, "capabilities", caps);

	struct json_object *cg = json_object_new_object();
	json_object_object_add(cg, "v1", json_object_new_boolean(true));
	json_object_object_add(cg, "v2", json_object_new_boolean(true));
	json_object_object_add(cg, "systemd", json_object_new_boolean(false));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(cg, "rdma", json_object_new_boolean(true));
	json_object_object_add(l, "cgroup", cg);

	struct json_object *sc = json_object_new_object();
	json_object_object_add(sc, "enabled", json_object_new_boolean(true));
	json_object_object_add(sc, "actions", str_list(actions));
	json_object_object_add(sc, "operators", str_list(ops));
	json_object_object_add(sc, "archs", str_list(arches));
	const struct scmp_version *v = seccomp_version();
	char ver[64];
	snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
	json_object_object_add(sc, "knownFlags", str_list(flags));
	json_object_object_add(sc, "supportedFlags", str_list(flags));
	json_object_object_add(l, "seccomp", sc);

	struct json_object *aa = json_object_new_object();
	json_object_object_add(aa, "enabled", json_object_new_boolean(false));
	json_object_object_add(l, "apparmor", aa);
	struct json_object *se = json_object_new_object();
	json_object_object_add(se, "enabled", json_object_new_boolean(false));
	json_object_object_add(l, "selinux", se);
	struct json_object *im = json_object_new_object();
	json_object_object_add(im, "enabled", json_object_new_boolean(true));
	json_object_object_add(l, "mountExtensions", json_object_new_object());
	json_object_object_add(json_object_object_get(l, "mountExtensions"), "idmap", im);
	struct json_object *mp = json_object_new_object(), *modes = json_object_new_array(),
			   *mflags = json_object_new_array();
	for (size_t i = 0; oci_mpol_mode_name(i); i++)
		json_object_array_add(modes, json_object_new_string(oci_mpol_mode_name(i)));
	for (size_t i = 0; oci_mpol_flag_name(i); i++)
		json_object_array_add(mflags, json_object_new_string(oci_mpol_flag_name(i)));
	json_object_object_add(mp, "modes", modes);
	json_object_object_add(mp, "flags", mflags);
	json_object_object_add(l, "memoryPolicy", mp);
	struct json_object *nd = json_object_new_object();
	json_object_object_add(nd, "enabled", json_object_new_boolean(true));
	json_object_object_add(l, "netDevices", nd);
	struct json_object *rdt = json_object_new_object();
	json_object_object_add(rdt, "enabled", json_object_new_boolean(false));
	json_object_object_add(l, "intelRdt", rdt);
	json_object_object_add(o, "linux", l);

	struct json_object *an = json_object_new_object();
	json_object_object_add(an, "org.nsset.version", json_object_new_string(nsset_version()));
	json_object_object_add(an, "io.github.seccomp.libseccomp.version", json_object_new_string(ver));
	json_object_object_add(o, "annotations", an);

	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
