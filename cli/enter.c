/* nsset enter NAME|PID [KIND...] [--] [COMMAND...]: run a command in a set's namespaces. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset enter [--registry DIR] [--preserve-fds N] NAME|PID [KIND...] [--]\n"
		   "                   [COMMAND [ARG...]]\n"
		   "  Join all namespaces (or the KINDs) of the set NAME or of process PID and run\n"
		   "  COMMAND there (default: $SHELL, else /bin/sh).\n");
}

int cli_enter(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "preserve-fds", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *registry = NULL;
	unsigned preserve = 0;
	nsset_flags_t kinds = 0, joined = 0;
	struct nsset_error err = { 0, "" };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': registry = optarg; break;
		case 'P': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 1 << 16) {
				cli_error("enter", NULL, "invalid --preserve-fds '%s'", optarg);
				return 2;
			}
			preserve = (unsigned)v;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		cli_error("enter", NULL, "needs a set NAME or a PID");
		usage(stderr);
		return 2;
	}
	const char *target = argv[optind++];
	while (optind < argc && strcmp(argv[optind], "--") != 0 &&
	       cli_kinds_word(argv[optind], &kinds))
		optind++;
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;

	pid_t pid;
	int r = nsset_enter(registry, target, kinds, &joined, &err);
	if (r == -ENOENT && cli_parse_pid(target, &pid) && strcmp(err.msg, "no such set") == 0)
		r = nsset_enter_pid(pid, kinds, &joined, &err);
	if (r < 0)
		return cli_fail("enter", target, &err);

	char *shell[] = { getenv("SHELL"), NULL };
	if (!shell[0] || !*shell[0])
		shell[0] = "/bin/sh";
	char **cmd = optind < argc ? argv + optind : shell;
	r = nsset_exec(cmd, preserve, joined & NSSET_PID, &err);
	if (r >= 0)
		return r;
	cli_fail("enter", target, &err);
	return r == -ENOENT ? 127 : 126;
}
