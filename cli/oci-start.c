/* nsset start ID: run the process of a created container. */
#include "cli.h"
#include "oci/container.h"

int cli_oci_start(int argc, char **argv)
{
	struct nsset_error err = { 0 };
	if (argc != 2 || argv[1][0] == '-') {
		cli_error("start", NULL, "usage: nsset start ID");
		return 2;
	}
	if (oci_start(cli_oci_root(), argv[1], &err) < 0)
		return cli_fail("start", argv[1], &err);
	return 0;
}
