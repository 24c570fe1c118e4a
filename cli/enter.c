/* nsset enter NAME|PID [KIND...] [--] [COMMAND...]: run a command in a set's namespaces. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset enter [--registry DIR] [--preserve-fds N] [KIND...] NAME|PID [KIND...]\n"
		   "                   [--] [COMMAND [ARG...]]\n"
		   "  Join all namespaces (or the KINDs) of the set NAME or of process PID and run\n"
		   "  COMMAND there (default: $SHELL, else /bin/sh).  The first word after NAME|PID\n"
		   "  that names no kind starts COMMAND.\n");
	cli_kinds_help(f);
}

static bool parse_count(const char *s, unsigned *out)
{
	char *end;
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > 1 << 16)
		return false;
	*out = (unsigned)v;
	return true;
}

int cli_enter(int argc, char **argv)
{
	static const struct option own[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "preserve-fds", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option opts[NSSET_KINDS_MAX + 8];
	char shortopts[NSSET_KINDS_MAX + 8];
	cli_kind_options(opts, NSSET_KINDS_MAX + 8, shortopts, sizeof(shortopts), own);

	const char *registry = NULL, *target = NULL;
	unsigned preserve = 0;
	struct cli_kinds kinds = { 0, false };
	nsset_flags_t joined = 0;
	struct nsset_error err = { 0, "" };
	int c;

	/* Options may come before and after NAME|PID; kind words follow it; then "--" or the
	 * first other word starts the command. */
	opterr = 0;
	for (;;) {
		int last = optind ? optind : 1;
		while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
			last = optind;
			if (cli_kind_option(c, &kinds))
				continue;
			switch (c) {
			case 'r': registry = optarg; break;
			case 'P':
				if (!parse_count(optarg, &preserve)) {
					cli_error("enter", target, "invalid --preserve-fds '%s'", optarg);
					return 2;
				}
				break;
			case 'h': usage(stdout); return 0;
			default: return cli_option_error("enter", c, argv);
			}
		}
		if (optind > last && strcmp(argv[optind - 1], "--") == 0)
			break; /* "--" was consumed: the command follows */
		if (optind >= argc)
			break;
		if (!target) {
			target = argv[optind++];
			continue;
		}
		if (cli_kinds_word(argv[optind], &kinds)) {
			optind++;
			continue;
		}
		break;
	}
	if (!target) {
		cli_error("enter", NULL, "needs a set NAME or a PID");
		usage(stderr);
		return 2;
	}

	pid_t pid;
	nsset_flags_t flags = cli_kinds_flags(&kinds);
	int r = nsset_enter(registry, target, flags, &joined, &err);
	if (r == -ENOENT && cli_parse_pid(target, &pid) && strcmp(err.msg, "no such set") == 0)
		r = nsset_enter_pid(pid, flags, &joined, &err);
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
