/* nsset run: a command in new namespaces (placeholder until spawn lands). */
#include "cli.h"

int cli_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("run", NULL, "not implemented yet");
	return 1;
}
