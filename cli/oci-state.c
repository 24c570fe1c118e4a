/* nsset state ID: the container's state as JSON (state-schema.json). */
#include "cli.h"
#include "oci/container.h"

#include <stdio.h>
#include <stdlib.h>

int cli_oci_state(int argc, char **argv)
{
	struct nsset_error err = { 0 };
	if (argc != 2 || argv[1][0] == '-') {
		cli_error("state", NULL, "usage: nsset state ID");
		return 2;
	}
	char *json = NULL;
	if (oci_container_state(cli_oci_root(), argv[1], &json, &err) < 0)
		return cli_fail("state", argv[1], &err);
	printf("%s\n", json);
	free(json);
	return 0;
}
