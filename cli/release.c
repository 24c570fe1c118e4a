/* nsset release NAME...: unmount and remove named sets. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset release [--registry DIR] NAME...\n"
		   "  Remove the sets; processes still inside keep running.\n");
}

int cli_release(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *registry = NULL;
	int c, status = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': registry = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return cli_option_error("release", c, argv);
		}
	}
	if (optind >= argc) {
		cli_error("release", NULL, "needs a NAME");
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct nsset_error err = { 0, "" };
		if (nsset_release(registry, argv[i], &err) < 0)
			status = cli_fail("release", argv[i], &err);
	}
	return status;
}
