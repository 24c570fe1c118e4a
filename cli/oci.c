/* `nsset oci VERB ...`: the OCI runtime's verbs under one name, and what they share. */
#include "cli.h"
#include "oci/cloned_binary.h"
#include "oci/config.h"
#include "oci/container.h"
#include "oci/engine.h"
#include "oci/state.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	cli_verb_fn fn;
} oci_verbs[] = {
	{ "create", cli_oci_create }, { "start", cli_oci_start }, { "state", cli_oci_state },
	{ "kill", cli_oci_kill }, { "delete", cli_oci_delete }, { "run", cli_oci_run },
	{ "exec", cli_oci_exec }, { "list", cli_oci_list }, { "ps", cli_oci_ps },
	{ "spec", cli_oci_spec }, { "features", cli_oci_features }, { "pause", cli_oci_pause },
	{ "resume", cli_oci_resume }, { "update", cli_oci_update },
	{ "events", cli_oci_events },
};

const char *cli_oci_root(void)
{
	static char root[4096];
	struct nsset_error err = { 0 };
	if (root[0])
		return root;
	if (oci_state_root(cli_global.root, root, sizeof(root), &err) < 0) {
		cli_fail("oci", NULL, &err);
		exit(1);
	}
	return root;
}

int cli_oci(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f, "usage: nsset [--root DIR] [--log FILE] [--log-format text|json] oci VERB [ARGS...]\nverbs:");
		for (size_t i = 0; i < sizeof(oci_verbs) / sizeof(oci_verbs[0]); i++)
			fprintf(f, " %s", oci_verbs[i].name);
		fputc('\n', f);
		return argc < 2 ? 2 : 0;
	}
	cli_global.oci = true;
	for (size_t i = 0; i < sizeof(oci_verbs) / sizeof(oci_verbs[0]); i++)
		if (strcmp(oci_verbs[i].name, argv[1]) == 0)
			return oci_verbs[i].fn(argc - 1, argv + 1);
	cli_error("oci", argv[1], "unknown OCI verb (see 'nsset oci --help')");
	return 2;
}

/* create and run share their options:
 * [--bundle|-b DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring]
 * [--preserve-fds N] [--detach|-d (run)] [--keep (run)] ID */
int cli_oci_parse_create(const char *verb, int argc, char **argv, struct oci_create_opts *o,
			 bool *detach)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "no-subreaper", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool is_run = strcmp(verb, "run") == 0;
	int c;
	memset(o, 0, sizeof(*o));
	o->bundle = ".";
	optind = 0; /* 0: getopt starts afresh (ordering included) */
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, ":b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'p': o->pid_file = optarg; break;
		case 'c': o->console_socket = optarg; break;
		case 'P': o->no_pivot = true; break;
		case 'K': o->no_new_keyring = true; break;
		case 'f': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || !*optarg || n > 65536) {
				cli_error(verb, optarg, "--preserve-fds: not a number of descriptors");
				return -1;
			}
			o->preserve_fds = (unsigned)n;
			break;
		}
		case 'd':
		case 'k':
		case 's':
			if (!is_run) {
				cli_error(verb, NULL, "unknown option (see 'nsset %s --help')", verb);
				return -1;
			}
			if (c == 'd' && detach)
				*detach = true;
			break;
		case 'h':
			printf("usage: nsset %s [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET]\n"
			       "       [--no-pivot] [--no-new-keyring] [--preserve-fds N]%s ID\n",
			       verb, is_run ? " [--detach]" : "");
			return 1;
		default:
			cli_option_error(verb, c, argv);
			return -1;
		}
	}
	if (optind != argc - 1) {
		cli_error(verb, NULL, "usage: nsset %s [OPTIONS] ID (one container id)", verb);
		return -1;
	}
	o->id = argv[optind];
	o->root = cli_oci_root();
	o->systemd_cgroup = cli_global.systemd_cgroup;
	return 0;
}

static void warn_printer(const char *msg)
{
	cli_warn("%s", msg);
}

int cli_oci_load(const char *verb, const struct oci_create_opts *o, struct oci_config **c)
{
	struct nsset_error err = { 0 };
	oci_set_warn(warn_printer);
	if (oci_config_load(o->bundle, c, &err) < 0)
		return cli_fail(verb, o->id, &err);
	/* No AppArmor or SELinux on this host: accepted and reported, as crun does. */
	if ((*c)->process.apparmor_profile)
		cli_debug("%s %s: apparmorProfile \"%s\" ignored: AppArmor is not enabled", verb, o->id,
			  (*c)->process.apparmor_profile);
	if ((*c)->resources.has_memory_kernel)
		cli_debug("%s %s: linux.resources.memory.kernel and kernelTCP ignored: kernel memory "
			  "limits are deprecated (cgroup v2 has none)", verb, o->id);
	if ((*c)->process.selinux_label)
		cli_debug("%s %s: selinuxLabel \"%s\" ignored: SELinux is not enabled", verb, o->id,
			  (*c)->process.selinux_label);
	return 0;
}

int cli_oci_protect(const char *verb, const char *object)
{
	struct nsset_error err = { 0 };
	if (oci_ensure_cloned_binary(cli_global.argv, &err) < 0)
		return cli_fail(verb, object, &err);
	return 0;
}
