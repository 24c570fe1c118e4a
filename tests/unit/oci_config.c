/* Unit tests for the config.json parser (lib/oci/config.c, config_linux.c) and the state
 * helpers (lib/oci/state.c): a full good config, and each class of bad input, whose message
 * must name the JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "config.h"
#include "nsset.h"
#include "oci/config.h"
#include "oci/state.h"
#include "oci/engine.h"

/* The pid namespace last, so that the indices of the others do not depend on the build. */
#if NSSET_BUILD_PID_NS
#define PID_NS ", { \"type\": \"pid\" }"
#define N_NS 5
#define NS_PID NSSET_PID
#else
#define PID_NS ""
#define N_NS 4
#define NS_PID 0
#endif

static const char good[] =
"{ \"ociVersion\": \"1.0.2\",\n"
"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"  \"hostname\": \"box\", \"domainname\": \"example\",\n"
"  \"process\": { \"terminal\": true, \"consoleSize\": { \"height\": 24, \"width\": 80 },\n"
"    \"user\": { \"uid\": 1000, \"gid\": 100, \"umask\": 18, \"additionalGids\": [ 5, 6 ] },\n"
"    \"args\": [ \"sh\", \"-c\", \"true\" ], \"env\": [ \"PATH=/bin\", \"A=b=c\" ], \"cwd\": \"/tmp\",\n"
"    \"capabilities\": { \"bounding\": [ \"CAP_SYS_ADMIN\", \"CAP_KILL\" ], \"effective\": [ \"CAP_KILL\" ],\n"
"      \"permitted\": [ \"CAP_KILL\" ], \"ambient\": [], \"inheritable\": [ \"cap_chown\" ] },\n"
"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 2048 } ],\n"
"    \"noNewPrivileges\": true, \"oomScoreAdj\": -100, \"apparmorProfile\": \"p\", \"selinuxLabel\": \"l\" },\n"
"  \"mounts\": [\n"
"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
"      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/data\", \"source\": \"/srv\", \"options\": [ \"rbind\", \"ro\", \"rw\", \"rslave\", \"nodev\", \"idmap\" ] }\n"
"  ],\n"
"  \"hooks\": { \"prestart\": [ { \"path\": \"/bin/true\", \"args\": [ \"true\" ], \"timeout\": 5 } ],\n"
"    \"poststop\": [ { \"path\": \"/bin/false\" } ] },\n"
"  \"annotations\": { \"k\": \"v\" },\n"
"  \"linux\": {\n"
"    \"namespaces\": [ { \"type\": \"network\", \"path\": \"/run/netns/x\" },\n"
"      { \"type\": \"mount\" }, { \"type\": \"uts\" }, { \"type\": \"user\" }" PID_NS " ],\n"
"    \"uidMappings\": [ { \"containerID\": 0, \"hostID\": 100000, \"size\": 65536 } ],\n"
"    \"gidMappings\": [ { \"containerID\": 0, \"hostID\": 100000, \"size\": 65536 } ],\n"
"    \"sysctl\": { \"net.ipv4.ip_forward\": \"1\" },\n"
"    \"resources\": { \"memory\": { \"limit\": 1048576 }, \"pids\": { \"limit\": 10 },\n"
"      \"cpu\": { \"shares\": 512, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\" },\n"
"      \"devices\": [ { \"allow\": false, \"access\": \"rwm\" }, { \"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\" } ] },\n"
"    \"cgroupsPath\": \"/nsset/test\",\n"
"    \"devices\": [ { \"type\": \"c\", \"path\": \"/dev/fuse\", \"major\": 10, \"minor\": 229, \"fileMode\": 438, \"uid\": 0, \"gid\": 0 } ],\n"
"    \"maskedPaths\": [ \"/proc/kcore\" ], \"readonlyPaths\": [ \"/proc/sys\" ],\n"
"    \"rootfsPropagation\": \"rslave\", \"mountLabel\": \"m\",\n"
"    \"personality\": { \"domain\": \"LINUX\" },\n"
"    \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,\n"
"      \"architectures\": [ \"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\" ], \"flags\": [ \"SECCOMP_FILTER_FLAG_LOG\" ],\n"
"      \"syscalls\": [ { \"names\": [ \"read\", \"write\" ], \"action\": \"SCMP_ACT_ALLOW\" },\n"
"        { \"names\": [ \"personality\" ], \"action\": \"SCMP_ACT_ALLOW\",\n"
"          \"args\": [ { \"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
"        { \"names\": [ \"mkdir\" ], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1 } ] } } }\n";

static void good_config(void **state)
{
	(void)state;
	struct oci_config *c;
	struct nsset_error err = { 0 };
	int r = oci_config_parse(good, "/bundle", &c, &err);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(c->root_path, "/bundle/rootfs");
	assert_true(c->root_readonly);
	assert_string_equal(c->hostname, "box");
	assert_string_equal(c->domainname, "example");
	/* process */
	assert_true(c->process.terminal);
	assert_int_equal(c->process.console_height, 24);
	assert_int_equal(c->process.console_width, 80);
	assert_int_equal(c->process.n_args, 3);
	assert_string_equal(c->process.args[2], "true");
	assert_null(c->process.args[3]);
	assert_string_equal(c->process.env[1], "A=b=c");
	assert_string_equal(c->process.cwd, "/tmp");
	assert_int_equal(c->process.user.uid, 1000);
	assert_int_equal(c->process.user.gid, 100);
	assert_true(c->process.user.has_umask);
	assert_int_equal(c->process.user.umask, 022);
	assert_int_equal(c->process.user.n_additional_gids, 2);
	assert_int_equal(c->process.user.additional_gids[1], 6);
	assert_true(c->process.has_caps);
	assert_int_equal(c->process.caps.bounding, (1ULL << 21) | (1ULL << 5));
	assert_int_equal(c->process.caps.effective, 1ULL << 5);
	assert_int_equal(c->process.caps.inheritable, 1ULL << 0);
	assert_int_equal(c->process.caps.ambient, 0);
	assert_int_equal(c->process.n_rlimits, 1);
	assert_int_equal(c->process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c->process.rlimits[0].soft, 1024);
	assert_int_equal(c->process.rlimits[0].hard, 2048);
	assert_true(c->process.no_new_privileges);
	assert_true(c->process.has_oom_score_adj);
	assert_int_equal(c->process.oom_score_adj, -100);
	assert_string_equal(c->process.apparmor_profile, "p");
	assert_string_equal(c->process.selinux_label, "l");
	/* mounts */
	assert_int_equal(c->n_mounts, 3);
	assert_string_equal(c->mounts[1].data, "mode=755,size=65536k");
	assert_int_equal(c->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	assert_null(c->mounts[2].type);
	assert_int_equal(c->mounts[2].flags, MS_BIND | MS_REC | MS_NODEV);
	assert_int_equal(c->mounts[2].clear, MS_RDONLY);
	assert_int_equal(c->mounts[2].propagation, MS_SLAVE | MS_REC);
	assert_true(c->mounts[2].idmap);
	assert_false(c->mounts[2].recursive_idmap);
	assert_null(c->mounts[2].data);
	/* hooks, annotations */
	assert_int_equal(c->hooks.n_prestart, 1);
	assert_int_equal(c->hooks.prestart[0].timeout, 5);
	assert_string_equal(c->hooks.prestart[0].args[0], "true");
	assert_int_equal(c->hooks.n_poststop, 1);
	assert_null(c->hooks.poststop[0].args);
	assert_int_equal(c->n_annotations, 1);
	assert_string_equal(c->annotations[0], "k=v");
	/* linux */
	assert_int_equal(c->n_namespaces, N_NS);
	assert_int_equal(c->ns_new, NS_PID | NSSET_MNT | NSSET_UTS | NSSET_USER);
	assert_int_equal(c->ns_join, NSSET_NET);
	assert_string_equal(c->namespaces[0].path, "/run/netns/x");
	assert_int_equal(c->uid_mappings[0].host_id, 100000);
	assert_int_equal(c->gid_mappings[0].size, 65536);
	assert_int_equal(c->n_sysctl, 1);
	assert_string_equal(c->sysctl[0].key, "net.ipv4.ip_forward");
	assert_true(c->has_resources);
	assert_true(c->resources.has_memory_limit);
	assert_int_equal(c->resources.memory_limit, 1048576);
	assert_int_equal(c->resources.pids_limit, 10);
	assert_int_equal(c->resources.cpu_shares, 512);
	assert_int_equal(c->resources.cpu_quota, 50000);
	assert_string_equal(c->resources.cpu_cpus, "0");
	assert_int_equal(c->resources.n_devices, 2);
	assert_int_equal(c->resources.devices[0].type, 'a');
	assert_int_equal(c->resources.devices[0].major, -1);
	assert_int_equal(c->resources.devices[1].minor, 3);
	assert_string_equal(c->resources.devices[1].access, "rw");
	assert_string_equal(c->cgroups_path, "/nsset/test");
	assert_int_equal(c->n_devices, 1);
	assert_int_equal(c->devices[0].file_mode, 0666);
	assert_string_equal(c->masked_paths[0], "/proc/kcore");
	assert_string_equal(c->readonly_paths[0], "/proc/sys");
	assert_int_equal(c->rootfs_propagation, MS_SLAVE | MS_REC);
	assert_string_equal(c->mount_label, "m");
	assert_true(c->has_personality);
	/* seccomp */
	assert_non_null(c->seccomp);
	assert_int_equal(c->seccomp->default_action, SCMP_ACT_ERRNO(38));
	assert_int_equal(c->seccomp->n_arches, 2);
	assert_int_equal(c->seccomp->arches[0], SCMP_ARCH_X86_64);
	assert_int_equal(c->seccomp->n_syscalls, 3);
	assert_int_equal(c->seccomp->syscalls[0].n_names, 2);
	assert_int_equal(c->seccomp->syscalls[1].args[0].op, SCMP_CMP_EQ);
	assert_int_equal(c->seccomp->syscalls[1].args[0].value, 8);
	assert_int_equal(c->seccomp->syscalls[2].action, SCMP_ACT_ERRNO(1));
	oci_config_free(c);
}

/* Replace the first occurrence of FROM in the good config by TO and expect an error whose
 * message contains WANT. */
static void expect_bad(const char *from, const char *to, const char *want)
{
	const char *at = strstr(good, from);
	if (!at)
		fail_msg("test bug: '%s' is not in the good config", from);
	size_t len = strlen(good) - strlen(from) + strlen(to) + 1;
	char *json = malloc(len);
	snprintf(json, len, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	struct oci_config *c = (struct oci_config *)0x1;
	struct nsset_error err = { 0 };
	int r = oci_config_parse(json, "/bundle", &c, &err);
	free(json);
	if (r == 0)
		fail_msg("accepted a config with '%s' instead of '%s'", to, from);
	assert_int_equal(r, -EINVAL);
	assert_null(c);
	if (!strstr(err.msg, want))
		fail_msg("message '%s' does not contain '%s'", err.msg, want);
}

static void malformed_json(void **state)
{
	(void)state;
	expect_bad("\"hostname\": \"box\",", "\"hostname\": \"box\",,", "malformed JSON at line 3");
	expect_bad("\"annotations\": { \"k\": \"v\" }", "\"annotations\": { \"k\": \"v\" ", "malformed JSON");
	struct oci_config *c;
	struct nsset_error err = { 0 };
	assert_int_equal(oci_config_parse("", "/b", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "malformed JSON"));
	assert_int_equal(oci_config_parse("{} x", "/b", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "trailing"));
	assert_int_equal(oci_config_parse("[1]", "/b", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "top level must be an object"));
}

static void wrong_types(void **state)
{
	(void)state;
	expect_bad("\"args\": [ \"sh\", \"-c\", \"true\" ]", "\"args\": []",
		   "process.args: must be a non-empty array of strings");
	expect_bad("\"args\": [ \"sh\", \"-c\", \"true\" ]", "\"args\": [ \"sh\", 3 ]",
		   "process.args: must be a non-empty array of strings");
	expect_bad("\"args\": [ \"sh\", \"-c\", \"true\" ]", "\"args\": \"sh\"",
		   "process.args: must be a non-empty array of strings");
	expect_bad("\"terminal\": true", "\"terminal\": \"yes\"", "process.terminal: must be a boolean");
	expect_bad("\"uid\": 1000", "\"uid\": -1", "process.user.uid: out of range");
	expect_bad("\"uid\": 1000", "\"uid\": 1.5", "process.user.uid: must be an integer");
	expect_bad("\"hostname\": \"box\"", "\"hostname\": 7", "hostname: must be a string");
	expect_bad("\"cwd\": \"/tmp\"", "\"cwd\": \"tmp\"", "process.cwd: must be an absolute path");
	expect_bad("\"A=b=c\"", "\"novalue\"", "process.env[1]: must be KEY=VALUE");
	expect_bad("\"oomScoreAdj\": -100", "\"oomScoreAdj\": -1001", "process.oomScoreAdj: out of range");
	expect_bad("\"mounts\": [", "\"mounts\": {}, \"x\": [", "mounts: must be an array");
	expect_bad("\"pids\": { \"limit\": 10", "\"pids\": { \"limit\": \"10\"", "linux.resources.pids.limit: must be an integer");
	expect_bad("\"net.ipv4.ip_forward\": \"1\"", "\"net.ipv4.ip_forward\": 1",
		   "linux.sysctl.net.ipv4.ip_forward: must be a string");
	expect_bad("\"timeout\": 5", "\"timeout\": 0", "hooks.prestart[0].timeout: out of range");
	expect_bad("\"path\": \"/bin/true\"", "\"path\": \"true\"", "hooks.prestart[0].path: must be an absolute path");
	expect_bad("\"k\": \"v\"", "\"k\": 1", "annotations.k: must be a string");
}

static void bad_values(void **state)
{
	(void)state;
	expect_bad("\"root\": { \"path\": \"rootfs\", \"readonly\": true },", "", "root: missing");
	expect_bad("\"path\": \"rootfs\"", "\"path\": \"\"", "root.path: must be a non-empty string");
	expect_bad("\"ociVersion\": \"1.0.2\"", "\"ociVersion\": \"2.0.0\"", "ociVersion: unsupported major version 2");
	expect_bad("\"ociVersion\": \"1.0.2\"", "\"ociVersion\": \"one\"", "ociVersion: \"one\" is not a version");
	expect_bad("\"ociVersion\": \"1.0.2\",", "", "ociVersion: missing");
	expect_bad("\"destination\": \"/data\"", "\"destination\": \"data\"",
		   "mounts[2].destination: must be an absolute path");
	expect_bad("\"destination\": \"/data\"", "\"destination\": \"/data/../../etc\"",
		   "mounts[2].destination: must not contain \"..\"");
	expect_bad("{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" }",
		   "{ \"destination\": \"/proc\", \"source\": \"proc\" }", "mounts[0].type: is required");
	expect_bad("{ \"type\": \"mount\" }", "{ \"type\": \"foo\" }",
		   "linux.namespaces[1].type: unknown namespace type \"foo\"");
	expect_bad("{ \"type\": \"uts\" }", "{ \"type\": \"mount\" }",
		   "linux.namespaces[2].type: duplicate namespace type \"mount\"");
	expect_bad("{ \"type\": \"mount\" }", "{ \"type\": \"mnt\" }", "unknown namespace type \"mnt\"");
	expect_bad("\"path\": \"/run/netns/x\"", "\"path\": \"x\"", "linux.namespaces[0].path: must be an absolute path");
#if !NSSET_BUILD_PID_NS
	expect_bad("{ \"type\": \"mount\" }", "{ \"type\": \"pid\" }",
		   "linux.namespaces[1].type: pid namespaces are not built into this nsset (-Dpid_ns=false)");
#endif
	expect_bad("\"RLIMIT_NOFILE\"", "\"RLIMIT_BOGUS\"", "process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"");
	expect_bad("\"soft\": 1024", "\"soft\": 4096", "process.rlimits[0]: soft limit is above the hard limit");
	expect_bad("\"CAP_SYS_ADMIN\"", "\"CAP_BOGUS\"", "process.capabilities.bounding[0]: unknown capability \"CAP_BOGUS\"");
	expect_bad("{ \"type\": \"user\" }", "{ \"type\": \"ipc\" }", "linux.uidMappings: needs a new user namespace");
	expect_bad("\"size\": 65536", "\"size\": 0", "linux.uidMappings[0].size: out of range");
	expect_bad("\"rootfsPropagation\": \"rslave\"", "\"rootfsPropagation\": \"sideways\"",
		   "linux.rootfsPropagation: unknown propagation \"sideways\"");
	expect_bad("\"domain\": \"LINUX\"", "\"domain\": \"BSD\"", "linux.personality.domain");
	expect_bad("\"domain\": \"LINUX\"", "\"domain\": \"LINUX\", \"flags\": \"x\"",
		   "linux.personality.flags: must be an array of strings");
	expect_bad("\"domain\": \"LINUX\"", "\"domain\": \"LINUX\", \"flags\": [ \"ADDR_NO_RANDOMIZE\" ]",
		   "linux.personality.flags: no flag is supported (the specification defines none), got \"ADDR_NO_RANDOMIZE\"");
	expect_bad("\"type\": \"c\", \"path\": \"/dev/fuse\"", "\"type\": \"x\", \"path\": \"/dev/fuse\"",
		   "linux.devices[0].type");
	expect_bad("\"path\": \"/dev/fuse\"", "\"path\": \"/dev/../etc/fuse\"", "linux.devices[0].path");
	expect_bad("\"access\": \"rw\"", "\"access\": \"rwx\"", "linux.resources.devices[1].access");
	expect_bad("\"cgroupsPath\": \"/nsset/test\"", "\"cgroupsPath\": \"/nsset/../x\"", "linux.cgroupsPath");
	expect_bad("{ \"type\": \"uts\" }", "{ \"type\": \"ipc\" }", "hostname: needs a new UTS namespace");
}

/* The members of linux.resources beyond memory limits, pids, cpu shares/quota and devices. */
static void all_resources(void **state)
{
	(void)state;
	static const char json[] =
		"{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"rootfs\" },\n"
		"  \"process\": { \"args\": [ \"true\" ], \"cwd\": \"/\" },\n"
		"  \"linux\": { \"resources\": {\n"
		"    \"memory\": { \"swappiness\": 10, \"disableOOMKiller\": true, \"kernel\": 5, \"useHierarchy\": true },\n"
		"    \"cpu\": { \"quota\": 5000, \"burst\": 1000, \"realtimeRuntime\": 950, \"realtimePeriod\": 1000, \"idle\": 1 },\n"
		"    \"blockIO\": { \"weight\": 300, \"leafWeight\": 10,\n"
		"      \"weightDevice\": [ { \"major\": 8, \"minor\": 0, \"weight\": 500 } ],\n"
		"      \"throttleReadBpsDevice\": [ { \"major\": 8, \"minor\": 0, \"rate\": 600 } ],\n"
		"      \"throttleWriteIOPSDevice\": [ { \"major\": 8, \"minor\": 16, \"rate\": 300 }, { \"major\": 7, \"minor\": 0, \"rate\": 1 } ] },\n"
		"    \"hugepageLimits\": [ { \"pageSize\": \"2MB\", \"limit\": 4194304 } ],\n"
		"    \"network\": { \"classID\": 1048577, \"priorities\": [ { \"name\": \"eth0\", \"priority\": 500 } ] },\n"
		"    \"rdma\": { \"mlx5_1\": { \"hcaHandles\": 3 } },\n"
		"    \"unified\": { \"io.max\": \"8:0 rbps=1\", \"hugetlb.1GB.max\": \"0\" } } } }";
	struct oci_config *c;
	struct nsset_error err = { 0 };
	assert_int_equal(oci_config_parse(json, "/b", &c, &err), 0);
	const struct oci_resources *r = &c->resources;
	assert_true(r->has_swappiness && r->swappiness == 10 && r->disable_oom_killer && r->has_memory_kernel);
	assert_true(r->has_cpu_burst && r->cpu_burst == 1000 && r->rt_runtime == 950 && r->rt_period == 1000);
	assert_true(r->has_cpu_idle && r->cpu_idle == 1);
	assert_true(r->blkio_weight == 300 && r->blkio_leaf_weight == 10);
	assert_int_equal(r->n_blkio_weight_devices, 1);
	assert_int_equal(r->blkio_weight_devices[0].weight, 500);
	assert_int_equal(r->blkio_weight_devices[0].leaf_weight, -1);
	assert_int_equal(r->n_blkio_throttle[OCI_THROTTLE_READ_BPS], 1);
	assert_int_equal(r->blkio_throttle[OCI_THROTTLE_READ_BPS][0].rate, 600);
	assert_int_equal(r->n_blkio_throttle[OCI_THROTTLE_WRITE_IOPS], 2);
	assert_int_equal(r->blkio_throttle[OCI_THROTTLE_WRITE_IOPS][1].major, 7);
	assert_int_equal(r->n_blkio_throttle[OCI_THROTTLE_WRITE_BPS], 0);
	assert_int_equal(r->n_hugepages, 1);
	assert_string_equal(r->hugepages[0].page_size, "2MB");
	assert_true(r->has_net_class_id && r->net_class_id == 1048577);
	assert_string_equal(r->net_priorities[0].name, "eth0");
	assert_int_equal(r->n_rdma, 1);
	assert_string_equal(r->rdma[0].device, "mlx5_1");
	assert_int_equal(r->rdma[0].hca_handles, 3);
	assert_int_equal(r->rdma[0].hca_objects, -1);
	assert_int_equal(r->n_unified, 2);
	assert_string_equal(r->unified[0], "io.max=8:0 rbps=1");
	oci_config_free(c);
}

static void bad_resources(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "\"memory\": { \"swappiness\": 101 }", "linux.resources.memory.swappiness: out of range [0, 100]" },
		{ "\"memory\": { \"disableOOMKiller\": 1 }", "linux.resources.memory.disableOOMKiller: must be a boolean" },
		{ "\"memory\": { \"kernel\": \"1\" }", "linux.resources.memory.kernel: must be an integer" },
		{ "\"cpu\": { \"quota\": 5000, \"burst\": 6000 }", "linux.resources.cpu.burst: 6000 is larger than the quota 5000" },
		{ "\"cpu\": { \"idle\": 2 }", "linux.resources.cpu.idle: out of range [0, 1]" },
		{ "\"cpu\": { \"realtimePeriod\": -1 }", "linux.resources.cpu.realtimePeriod: out of range [0, 9223372036854775807]" },
		{ "\"blockIO\": { \"weight\": 70000 }", "linux.resources.blockIO.weight: out of range [0, 65535]" },
		{ "\"blockIO\": { \"weightDevice\": [ { \"major\": 8, \"minor\": 0 } ] }",
		  "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight" },
		{ "\"blockIO\": { \"throttleReadBpsDevice\": [ { \"major\": 8, \"rate\": 1 } ] }",
		  "linux.resources.blockIO.throttleReadBpsDevice[0].minor: is required" },
		{ "\"blockIO\": { \"throttleWriteIOPSDevice\": [ { \"major\": 8, \"minor\": 0 } ] }",
		  "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: is required" },
		{ "\"blockIO\": { \"throttleReadIOPSDevice\": [ 3 ] }", "linux.resources.blockIO.throttleReadIOPSDevice[0]: must be an object" },
		{ "\"hugepageLimits\": [ { \"pageSize\": \"2mb\", \"limit\": 1 } ]",
		  "linux.resources.hugepageLimits[0].pageSize: must be a size like \"2MB\"" },
		{ "\"hugepageLimits\": [ { \"pageSize\": \"2MB\" } ]", "linux.resources.hugepageLimits[0].limit: is required" },
		{ "\"network\": { \"classID\": -1 }", "linux.resources.network.classID: out of range" },
		{ "\"network\": { \"priorities\": [ { \"name\": \"../x\", \"priority\": 1 } ] }",
		  "linux.resources.network.priorities[0].name: must be an interface name" },
		{ "\"rdma\": { \"mlx5_1\": {} }", "linux.resources.rdma.mlx5_1: needs hcaHandles or hcaObjects" },
		{ "\"unified\": { \"../memory.max\": \"1\" }", "linux.resources.unified.../memory.max: must be a cgroup v2 file name" },
		{ "\"unified\": { \"memory\": \"1\" }", "linux.resources.unified.memory: must be a cgroup v2 file name" },
		{ "\"unified\": { \"memory.max\": 1 }", "linux.resources.unified.memory.max: must be a string" },
		{ "\"unified\": { \"cgroup.procs\": \"1\" }", "linux.resources.unified.cgroup.procs: is managed by the runtime" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char json[1024];
		snprintf(json, sizeof(json),
			 "{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"rootfs\" },"
			 " \"process\": { \"args\": [ \"true\" ], \"cwd\": \"/\" },"
			 " \"linux\": { \"resources\": { %s } } }", bad[i][0]);
		struct oci_config *c = (struct oci_config *)0x1;
		struct nsset_error err = { 0 };
		if (oci_config_parse(json, "/b", &c, &err) == 0)
			fail_msg("accepted %s", bad[i][0]);
		assert_null(c);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("message '%s' does not contain '%s'", err.msg, bad[i][1]);
	}
}

static bool mask_has(const struct oci_mask *m, unsigned i)
{
	return m->bits[i / (8 * sizeof(long))] >> (i % (8 * sizeof(long))) & 1;
}

/* process.scheduler, ioPriority, execCPUAffinity; linux.memoryPolicy and timeOffsets. */
static void process_sched_and_time(void **state)
{
	(void)state;
	static const char json[] =
		"{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"rootfs\" },\n"
		"  \"process\": { \"args\": [ \"true\" ], \"cwd\": \"/\",\n"
		"    \"scheduler\": { \"policy\": \"SCHED_RR\", \"priority\": 20, \"flags\": [ \"SCHED_FLAG_RESET_ON_FORK\", \"SCHED_FLAG_KEEP_PARAMS\" ] },\n"
		"    \"ioPriority\": { \"class\": \"IOPRIO_CLASS_RT\", \"priority\": 3 },\n"
		"    \"execCPUAffinity\": { \"initial\": \"0-3,7\", \"final\": \"\" } },\n"
		"  \"linux\": { \"namespaces\": [ { \"type\": \"time\" } ],\n"
		"    \"timeOffsets\": { \"monotonic\": { \"secs\": -7, \"nanosecs\": 9 }, \"boottime\": { \"secs\": 100 } },\n"
		"    \"memoryPolicy\": { \"mode\": \"MPOL_PREFERRED\", \"nodes\": \"1,1023\", \"flags\": [ \"MPOL_F_RELATIVE_NODES\" ] } } }";
	struct oci_config *c;
	struct nsset_error err = { 0 };
	if (oci_config_parse(json, "/b", &c, &err) < 0)
		fail_msg("%s", err.msg);
	const struct oci_process *p = &c->process;
	assert_true(p->has_scheduler);
	assert_int_equal(p->scheduler.policy, 2);
	assert_int_equal(p->scheduler.priority, 20);
	assert_int_equal(p->scheduler.flags, 0x01 | 0x10);
	assert_true(p->has_io_priority);
	assert_int_equal(p->io_priority, 1 << 13 | 3);
	assert_true(p->has_affinity_initial);
	assert_false(p->has_affinity_final); /* empty: left alone */
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(mask_has(&p->affinity_initial, i), i <= 3 || i == 7);
	assert_true(c->has_time_offsets);
	assert_int_equal(c->monotonic_secs, -7);
	assert_int_equal(c->monotonic_nsecs, 9);
	assert_int_equal(c->boottime_secs, 100);
	assert_true(c->has_mempolicy && c->has_mempolicy_nodes);
	assert_int_equal(c->mempolicy_mode, 1 | (1 << 14));
	assert_true(mask_has(&c->mempolicy_nodes, 1) && mask_has(&c->mempolicy_nodes, 1023));
	assert_false(mask_has(&c->mempolicy_nodes, 0));
	oci_config_free(c);
}

static void bad_seccomp(void **state)
{
	(void)state;
	expect_bad("\"defaultAction\": \"SCMP_ACT_ERRNO\"", "\"defaultAction\": \"SCMP_ACT_MAYBE\"",
		   "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\"");
	expect_bad("\"SCMP_ARCH_X86\"", "\"SCMP_ARCH_VAX\"", "linux.seccomp.architectures[1]: unknown architecture");
	expect_bad("\"SECCOMP_FILTER_FLAG_LOG\"", "\"SECCOMP_FILTER_FLAG_NOPE\"", "linux.seccomp.flags[0]");
	expect_bad("\"op\": \"SCMP_CMP_EQ\"", "\"op\": \"SCMP_CMP_LIKE\"",
		   "linux.seccomp.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_LIKE\"");
	expect_bad("\"index\": 0", "\"index\": 6", "linux.seccomp.syscalls[1].args[0].index: out of range");
	expect_bad("\"names\": [ \"read\", \"write\" ]", "\"names\": []", "linux.seccomp.syscalls[0].names");
	expect_bad("\"errnoRet\": 1", "\"errnoRet\": \"EPERM\"", "linux.seccomp.syscalls[2].errnoRet: must be an integer");
}

static void process_file(void **state)
{
	(void)state;
	char path[] = "/tmp/nsset-unit-process.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *p = "{ \"args\": [ \"ls\" ], \"cwd\": \"/\", \"env\": [ \"X=1\" ] }";
	assert_int_equal(write(fd, p, strlen(p)), (ssize_t)strlen(p));
	close(fd);
	struct oci_process proc;
	struct nsset_error err = { 0 };
	assert_int_equal(oci_process_parse_file(path, &proc, &err), 0);
	assert_string_equal(proc.args[0], "ls");
	assert_string_equal(proc.env[0], "X=1");
	oci_process_clear(&proc);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "{ \"cwd\": \"/\" }", 14), 14);
	close(fd);
	assert_int_equal(oci_process_parse_file(path, &proc, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "process.args: must be a non-empty array of strings"));
	unlink(path);
}

static void ids(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	assert_int_equal(oci_id_check("web-1_a.b+c", &err), 0);
	assert_int_equal(oci_id_check("", &err), -EINVAL);
	assert_int_equal(oci_id_check("..", &err), -EINVAL);
	assert_int_equal(oci_id_check("a/b", &err), -EINVAL);
	assert_int_equal(oci_id_check("a b", &err), -EINVAL);
	char longid[200];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(oci_id_check(longid, &err), -EINVAL);
}

static void names(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(oci_cap_name(21, buf, sizeof(buf)), "CAP_SYS_ADMIN");
	unsigned long f;
	assert_int_equal(oci_propagation_by_name("rprivate", &f), 0);
	assert_int_equal(f, MS_PRIVATE | MS_REC);
	assert_int_equal(oci_propagation_by_name("rpublic", &f), -EINVAL);
}

/* The state's timestamps: what gmtime_r + strftime give, over four centuries of leap years
 * and around the epoch. */
static void timestamps(void **state)
{
	(void)state;
	char got[64], want[64], base[32];
	long long points[] = { 0, 1, 59, 86399, 86400, 951782400 /* 2000-02-29 */,
			       4107542399LL /* 2100-02-28T23:59:59 */, 4107542400LL,
			       1795255651LL, 253402300799LL /* 9999-12-31T23:59:59 */ };
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]) + 20000; i++) {
		long long t = i < sizeof(points) / sizeof(points[0])
				      ? points[i]
				      : (long long)(i * 7919 % 20000) * 631151 + (long long)i * 86399;
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want, sizeof(want), "%s.%09ldZ", base, 123456789L);
		oci_format_time(t, 123456789L, got, sizeof(got));
		assert_string_equal(got, want);
	}
	oci_now(got, sizeof(got));
	assert_int_equal(strlen(got), strlen("2026-01-01T00:00:00.000000000Z"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_config),
		cmocka_unit_test(malformed_json),
		cmocka_unit_test(wrong_types),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(all_resources),
		cmocka_unit_test(bad_resources),
		cmocka_unit_test(process_sched_and_time),
		cmocka_unit_test(bad_seccomp),
		cmocka_unit_test(process_file),
		cmocka_unit_test(ids),
		cmocka_unit_test(names),
		cmocka_unit_test(timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
