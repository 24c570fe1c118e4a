/* nsset(1): dispatch to one verb. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct verb {
	const char *name;
	cli_verb_fn fn;
	const char *summary;
};

static const struct verb verbs[] = {
	{ "run", cli_run, "run a command in new namespaces (or an OCI container: run -b DIR ID)" },
	{ "bind", cli_bind, "name the namespaces of a process (a set)" },
	{ "enter", cli_enter, "run a command in a named set or in a process's namespaces" },
	{ "ls", cli_ls, "list named sets, or every namespace (--all)" },
	{ "release", cli_release, "unmount and remove a named set" },
#if NSSET_BUILD_OCI
	{ "oci", cli_oci, "the OCI runtime's verbs: nsset oci VERB ..." },
	{ "create", cli_oci_create, "OCI: create a container from a bundle" },
	{ "start", cli_oci_start, "OCI: start a created container" },
	{ "state", cli_oci_state, "OCI: a container's state (JSON)" },
	{ "kill", cli_oci_kill, "OCI: signal a container" },
	{ "delete", cli_oci_delete, "OCI: remove a container" },
	{ "exec", cli_oci_exec, "OCI: run a process in a container" },
	{ "list", cli_oci_list, "OCI: the containers" },
	{ "ps", cli_oci_ps, "OCI: the processes of a container" },
	{ "pause", cli_oci_pause, "OCI: freeze a container" },
	{ "resume", cli_oci_resume, "OCI: thaw a container" },
	{ "update", cli_oci_update, "OCI: new resource limits for a container" },
	{ "events", cli_oci_events, "OCI: a container's cgroup statistics and OOM events (JSON)" },
	{ "spec", cli_oci_spec, "OCI: write a default config.json" },
	{ "features", cli_oci_features, "OCI: what this runtime supports (JSON)" },
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset [--root DIR] [--log FILE] [--log-format text|json] [--debug] VERB [ARGS...]\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n'nsset VERB --help' describes a verb.\n");
}

static void version(void)
{
	char kinds[128];
	nsset_flags_format(nsset_flags_built(), kinds, sizeof(kinds));
	printf("nsset version %s\nnamespaces: %s\n", nsset_version(), kinds[0] ? kinds : "none");
	printf("oci: %s\n", NSSET_BUILD_OCI ? "yes" : "no");
#if NSSET_BUILD_OCI
	printf("oci-spec: 1.0.0 - 1.2.0\n");
	printf("oci-parts: config state lifecycle rootfs cgroup(v1,v2,hybrid) caps seccomp process sched timens hooks update events\n");
#endif
	printf("test hooks: %s\n", NSSET_BUILD_TEST_HOOKS ? "yes" : "no");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_global.argv = argv;
	/* '+': stop at the verb, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r': cli_global.root = optarg; cli_global.oci = true; break;
		case 'l': cli_global.log = optarg; cli_global.oci = true; break;
		case 'f': cli_global.log_format = optarg; cli_global.oci = true; break;
		case 'd': cli_global.debug = true; break;
		case 's': cli_global.systemd_cgroup = true; cli_global.oci = true; break;
		case 'h': usage(stdout); return 0;
		case 'v': version(); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verbs[i].name, name) == 0) {
			int vargc = argc - optind;
			char **vargv = argv + optind;
			optind = 0; /* reset getopt for the verb */
			return verbs[i].fn(vargc, vargv);
		}
	}
	cli_error(name, NULL, "unknown verb (see 'nsset --help')");
	return 2;
}
