/* nsset create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot]
 * [--no-new-keyring] [--preserve-fds N] ID: the container's process, waiting for start. */
#include "cli.h"
#include "oci/config.h"
#include "oci/container.h"

int cli_oci_create(int argc, char **argv)
{
	struct oci_create_opts o;
	struct oci_config *c;
	struct nsset_error err = { 0 };
	pid_t pid;
	int r = cli_oci_parse_create("create", argc, argv, &o, NULL);
	if (r)
		return r < 0 ? 2 : 0;
	if ((r = cli_oci_protect("create", o.id)) || (r = cli_oci_load("create", &o, &c)))
		return r;
	r = oci_create(&o, c, &pid, &err);
	oci_config_free(c);
	return r < 0 ? cli_fail("create", o.id, &err) : 0;
}
