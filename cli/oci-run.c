/* nsset run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] ... ID: create, start
 * and (without --detach) wait; exits with the container process's status.  `nsset run` with an
 * OCI option (or a global OCI option) lands here from cli/run.c. */
#include "cli.h"
#include "oci/cloned_binary.h"
#include "oci/config.h"
#include "oci/container.h"

int cli_oci_run(int argc, char **argv)
{
	struct oci_create_opts o;
	struct oci_config *c;
	struct nsset_error err = { 0 };
	bool detach = false;
	int r = cli_oci_parse_create("run", argc, argv, &o, &detach);
	if (r)
		return r < 0 ? 2 : 0;
	if ((r = cli_oci_load("run", &o, &c)))
		return r;
	/* CVE-2019-5736: the init execs through nsset-dmz when it can (oci_dmz_usable), else the
	 * whole runtime re-executes from a sealed memfd (and loads the config again). */
	if (!oci_dmz_usable(c) && (r = cli_oci_protect("run", o.id))) {
		oci_config_free(c);
		return r;
	}
	r = oci_run(&o, c, detach, &err);
	oci_config_free(c);
	return r < 0 ? cli_fail("run", o.id, &err) : r;
}
