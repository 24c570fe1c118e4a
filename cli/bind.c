/* nsset bind NAME PID [KIND...]: give a name to the namespaces of a running process. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset bind [--registry DIR] [--netns-link] NAME PID [KIND...]\n"
		   "  Name the namespaces of process PID (all it has, or the KINDs) as the set NAME.\n"
		   "  --registry DIR  the registry (default /run/nsset/sets, or\n"
		   "                  $XDG_RUNTIME_DIR/nsset/sets for other users)\n"
		   "  --netns-link    also make the network namespace /run/netns/NAME (ip netns)\n");
	cli_kinds_help(f);
}

int cli_bind(int argc, char **argv)
{
	static const struct option own[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "netns-link", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option opts[NSSET_KINDS_MAX + 8];
	char shortopts[NSSET_KINDS_MAX + 8];
	cli_kind_options(opts, NSSET_KINDS_MAX + 8, shortopts, sizeof(shortopts), own);

	struct nsset_bind_opts bo = { 0 };
	struct nsset_error err = { 0, "" };
	struct cli_kinds kinds = { 0, false };
	const char *name = NULL, *pidarg = NULL;
	int c;

	/* Options anywhere until "--"; the words are NAME, PID, then kinds. */
	opterr = 0;
	bool dashdash = false;
	while (optind < argc || optind == 0) {
		int last = optind ? optind : 1;
		while (!dashdash && (c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
			last = optind;
			if (cli_kind_option(c, &kinds))
				continue;
			switch (c) {
			case 'r': bo.registry = optarg; break;
			case 'L': bo.netns_link = true; break;
			case 'h': usage(stdout); return 0;
			default: return cli_option_error("bind", c, argv);
			}
		}
		/* After "--", getopt is not called again (it would go back over the words). */
		if (!dashdash && optind > last && strcmp(argv[optind - 1], "--") == 0)
			dashdash = true;
		if (optind >= argc)
			break;
		const char *w = argv[optind++];
		if (!name) {
			name = w;
		} else if (!pidarg) {
			pidarg = w;
		} else if (!cli_kinds_word(w, &kinds)) {
			cli_error("bind", name, "unknown namespace kind '%s'", w);
			return 2;
		}
	}
	if (!pidarg) {
		cli_error("bind", name, "needs a NAME and a PID");
		usage(stderr);
		return 2;
	}
	pid_t pid;
	if (!cli_parse_pid(pidarg, &pid)) {
		cli_error("bind", name, "invalid pid '%s'", pidarg);
		return 2;
	}
	bo.kinds = cli_kinds_flags(&kinds);
	if (nsset_bind(name, pid, &bo, &err) < 0)
		return cli_fail("bind", name, &err);
	return 0;
}
