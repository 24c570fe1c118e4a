/* nsset run --name NAME [kinds] [-- COMMAND]: make a named set and keep it; run the command in
 * it when there is one (the set stays after the command exits). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>

#define RUN_FAILED 125

int cli_run_named(const struct cli_run_name *named, const struct nsset_spawn *sp, int argc,
		  char **argv)
{
	struct nsset_bind_opts bo = { .registry = named->registry, .netns_link = named->netns_link };
	struct nsset_error err = { 0, "" };
	nsset_flags_t joined = 0;

	if (!named->name) {
		cli_error("run", NULL, "--netns-link and --registry need --name");
		return RUN_FAILED;
	}
	if (nsset_set_create(named->name, sp, &bo, &err) < 0) {
		cli_fail("run", named->name, &err);
		return RUN_FAILED;
	}
	if (argc == 0)
		return 0;
	if (nsset_enter(named->registry, named->name, 0, &joined, &err) < 0) {
		cli_fail("run", named->name, &err);
		return RUN_FAILED;
	}
	int r = nsset_exec(argv, sp->preserve_fds, joined & NSSET_PID, &err);
	if (r >= 0)
		return r;
	cli_fail("run", named->name, &err);
	return r == -ENOENT ? 127 : 126;
}
