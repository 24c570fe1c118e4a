/* nsset bind NAME PID [KIND...]: give a name to the namespaces of a running process. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset bind [--registry DIR] [--netns-link] NAME PID [KIND...]\n"
		   "  Name the namespaces of process PID (all it has, or the KINDs: mnt uts ipc pid\n"
		   "  net user cgroup time) as the set NAME.\n"
		   "  --registry DIR  the registry (default /run/nsset/sets, or\n"
		   "                  $XDG_RUNTIME_DIR/nsset/sets for other users)\n"
		   "  --netns-link    also make the network namespace /run/netns/NAME (ip netns)\n");
}

int cli_bind(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "netns-link", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nsset_bind_opts bo = { 0 };
	struct nsset_error err = { 0, "" };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': bo.registry = optarg; break;
		case 'n': bo.netns_link = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind < 2) {
		cli_error("bind", argc > optind ? argv[optind] : NULL, "needs a NAME and a PID");
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	pid_t pid;
	if (!cli_parse_pid(argv[optind + 1], &pid)) {
		cli_error("bind", name, "invalid pid '%s'", argv[optind + 1]);
		return 2;
	}
	for (int i = optind + 2; i < argc; i++) {
		if (!cli_kinds_word(argv[i], &bo.kinds)) {
			cli_error("bind", name, "unknown namespace kind '%s'", argv[i]);
			return 2;
		}
	}
	if (nsset_bind(name, pid, &bo, &err) < 0)
		return cli_fail("bind", name, &err);
	return 0;
}
