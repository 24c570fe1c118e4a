/* nsset pause ID / nsset resume ID: freeze and thaw the container's cgroup. */
#include "cli.h"
#include "oci/container.h"

static int pause_resume(const char *verb, bool pause, int argc, char **argv)
{
	struct nsset_error err = { 0 };
	if (argc != 2 || argv[1][0] == '-') {
		cli_error(verb, NULL, "usage: nsset %s ID", verb);
		return 2;
	}
	if (oci_pause(cli_oci_root(), argv[1], pause, &err) < 0)
		return cli_fail(verb, argv[1], &err);
	return 0;
}

int cli_oci_pause(int argc, char **argv)
{
	return pause_resume("pause", true, argc, argv);
}

int cli_oci_resume(int argc, char **argv)
{
	return pause_resume("resume", false, argc, argv);
}
