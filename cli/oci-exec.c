/* nsset exec: not built yet (see lib/oci/container.h for the API it will use). */
#include "cli.h"

int cli_oci_exec(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("exec", NULL, "not implemented yet");
	return 1;
}
