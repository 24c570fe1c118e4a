/* nsset kill [--all] ID [SIGNAL] | nsset kill [--all] --signal SIGNAL ID: signal the container
 * (names or numbers, default SIGTERM; --all: every process of its cgroup). */
#include "cli.h"
#include "oci/container.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

int cli_oci_kill(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "signal", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *signame = NULL;
	bool all = false;
	int c;
	optind = 0; /* 0: getopt starts afresh (ordering included) */
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, ":as:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 's': signame = optarg; break;
		case 'h': printf("usage: nsset kill [--all] ID [SIGNAL]\n"); return 0;
		default: return cli_option_error("kill", c, argv);
		}
	}
	int rest = argc - optind;
	if (rest < 1 || rest > 2 || (rest == 2 && signame)) {
		cli_error("kill", NULL, "usage: nsset kill [--all] ID [SIGNAL]");
		return 2;
	}
	const char *id = argv[optind];
	if (rest == 2)
		signame = argv[optind + 1];
	int sig = signame ? oci_signal_parse(signame) : SIGTERM;
	if (sig < 0) {
		cli_error("kill", id, "unknown signal \"%s\"", signame);
		return 2;
	}
	struct nsset_error err = { 0 };
	if (oci_kill(cli_oci_root(), id, sig, all, &err) < 0)
		return cli_fail("kill", id, &err);
	return 0;
}
