/* nsset delete [--force] ID: remove a stopped container (with --force, any: killed first). */
#include "cli.h"
#include "oci/container.h"

#include <getopt.h>
#include <stdio.h>

int cli_oci_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	int c;
	optind = 0; /* 0: getopt starts afresh (ordering included) */
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, ":fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'h': printf("usage: nsset delete [--force] ID\n"); return 0;
		default: return cli_option_error("delete", c, argv);
		}
	}
	if (argc - optind != 1) {
		cli_error("delete", NULL, "usage: nsset delete [--force] ID");
		return 2;
	}
	struct nsset_error err = { 0 };
	if (oci_delete(cli_oci_root(), argv[optind], force, &err) < 0)
		return cli_fail("delete", argv[optind], &err);
	return 0;
}
