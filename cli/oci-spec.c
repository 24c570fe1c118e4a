/* nsset spec [--rootless] [--bundle DIR]: write a default config.json (like `crun spec`):
 * busybox-friendly (args ["sh"]), the default mounts, masked and read-only paths, namespaces
 * pid, network, ipc, uts, mount, and the default capabilities. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

static const char default_config[] =
"{\n"
"  \"ociVersion\": \"1.0.0\",\n"
"  \"process\": {\n"
"    \"terminal\": true,\n"
"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
"    \"args\": [ \"sh\" ],\n"
"    \"env\": [\n"
"      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
"      \"TERM=xterm\"\n"
"    ],\n"
"    \"cwd\": \"/\",\n"
"    \"capabilities\": {\n"
"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
"    },\n"
"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
"    \"noNewPrivileges\": true\n"
"  },\n"
"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"  \"hostname\": \"nsset\",\n"
"  \"mounts\": [\n"
"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\" ] },\n"
"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
"    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
"      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
"  ],\n"
"  \"linux\": {\n"
"    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
"    \"namespaces\": [ @NAMESPACES@ ],\n"
"    \"maskedPaths\": [\n"
"      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
"      \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\",\n"
"      \"/proc/scsi\"\n"
"    ],\n"
"    \"readonlyPaths\": [\n"
"      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
"    ]\n"
"  }\n"
"}\n";

static struct json_object *idmap(unsigned host)
{
	struct json_object *a = json_object_new_array(), *m = json_object_new_object();
	json_object_object_add(m, "containerID", json_object_new_int(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host));
	json_object_object_add(m, "size", json_object_new_int(1));
	json_object_array_add(a, m);
	return a;
}

/* --rootless: a user namespace mapping the caller to root, no gid=5 on devpts, and /sys
 * bound from the host (a new sysfs needs a network namespace owned by the user namespace). */
static void make_rootless(struct json_object *c)
{
	struct json_object *linux_obj, *ns, *mounts;
	json_object_object_get_ex(c, "linux", &linux_obj);
	json_object_object_get_ex(linux_obj, "namespaces", &ns);
	struct json_object *u = json_object_new_object();
	json_object_object_add(u, "type", json_object_new_string("user"));
	json_object_array_add(ns, u);
	json_object_object_add(linux_obj, "uidMappings", idmap(getuid()));
	json_object_object_add(linux_obj, "gidMappings", idmap(getgid()));
	json_object_object_del(linux_obj, "resources");
	json_object_object_get_ex(c, "mounts", &mounts);
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i), *dst, *opts;
		json_object_object_get_ex(m, "destination", &dst);
		json_object_object_get_ex(m, "options", &opts);
		const char *d = json_object_get_string(dst);
		if (strcmp(d, "/dev/pts") == 0)
			json_object_array_del_idx(opts, json_object_array_length(opts) - 1, 1);
		if (strcmp(d, "/sys") == 0) {
			json_object_object_add(m, "type", json_object_new_string("none"));
			json_object_object_add(m, "source", json_object_new_string("/sys"));
			json_object_array_add(opts, json_object_new_string("rbind"));
		}
		if (strcmp(d, "/sys/fs/cgroup") == 0) {
			json_object_array_del_idx(mounts, i, 1);
			i--;
		}
	}
}

/* The template with the namespaces pid, network, ipc, uts, mount that this build has. */
static char *make_spec(bool rootless)
{
	static const char *const ns[][2] = { { "pid", "pid" }, { "network", "net" }, { "ipc", "ipc" },
		{ "uts", "uts" }, { "mount", "mnt" } };
	char list[256] = "";
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		const struct nsset_kind *k = nsset_kind_by_name(ns[i][1]);
		if (!k || !k->built)
			continue;
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s{ \"type\": \"%s\" }", len ? ", " : "", ns[i][0]);
	}
	const char *at = strstr(default_config, "@NAMESPACES@");
	char *text;
	if (asprintf(&text, "%.*s%s%s", (int)(at - default_config), default_config, list,
		     at + strlen("@NAMESPACES@")) < 0)
		return NULL;
	if (!rootless)
		return text;
	struct json_object *c = json_tokener_parse(text);
	free(text);
	if (!c)
		return NULL;
	make_rootless(c);
	char *out = strdup(json_object_to_json_string_ext(c, JSON_C_TO_STRING_PRETTY |
		JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(c);
	return out;
}

int cli_oci_spec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rootless", no_argument, NULL, 'r' },
		{ "bundle", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = ".";
	bool is_rootless = false;
	int c;
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, ":b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': is_rootless = true; break;
		case 'b': bundle = optarg; break;
		case 'h': printf("usage: nsset spec [--rootless] [--bundle DIR]\n"); return 0;
		default: return cli_option_error("spec", c, argv);
		}
	}
	if (optind < argc) {
		cli_error("spec", argv[optind], "unexpected argument");
		return 2;
	}
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path)) {
		cli_error("spec", bundle, "path too long");
		return 1;
	}
	if (is_rootless && !(nsset_flags_built() & NSSET_USER)) {
		cli_error("spec", NULL, "--rootless needs user namespaces, which are not built into this nsset");
		return 1;
	}
	char *data = make_spec(is_rootless);
	if (!data) {
		cli_error("spec", NULL, "out of memory");
		return 1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			cli_error("spec", path, "file exists (remove it first)");
		else
			cli_error("spec", path, "cannot create: %s", strerror(errno));
		free(data);
		return 1;
	}
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	if (is_rootless)
		n = n == (ssize_t)len && write(fd, "\n", 1) == 1 ? n : -1;
	free(data);
	if (close(fd) < 0 || n != (ssize_t)len) {
		cli_error("spec", path, "cannot write: %s", strerror(errno));
		unlink(path);
		return 1;
	}
	return 0;
}
