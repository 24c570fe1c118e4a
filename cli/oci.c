/* `nsset oci VERB ...`: the OCI runtime's verbs under one name, and what they share. */
#include "cli.h"
#include "oci/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	cli_verb_fn fn;
} oci_verbs[] = {
	{ "create", cli_oci_create }, { "start", cli_oci_start }, { "state", cli_oci_state },
	{ "kill", cli_oci_kill }, { "delete", cli_oci_delete }, { "run", cli_oci_run },
	{ "exec", cli_oci_exec }, { "list", cli_oci_list }, { "ps", cli_oci_ps },
	{ "spec", cli_oci_spec }, { "features", cli_oci_features }, { "pause", cli_oci_pause },
	{ "resume", cli_oci_resume },
};

const char *cli_oci_root(void)
{
	static char root[4096];
	struct nsset_error err = { 0 };
	if (root[0])
		return root;
	if (oci_state_root(cli_global.root, root, sizeof(root), &err) < 0) {
		cli_fail("oci", NULL, &err);
		exit(1);
	}
	return root;
}

int cli_oci(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f, "usage: nsset [--root DIR] [--log FILE] [--log-format text|json] oci VERB [ARGS...]\nverbs:");
		for (size_t i = 0; i < sizeof(oci_verbs) / sizeof(oci_verbs[0]); i++)
			fprintf(f, " %s", oci_verbs[i].name);
		fputc('\n', f);
		return argc < 2 ? 2 : 0;
	}
	cli_global.oci = true;
	for (size_t i = 0; i < sizeof(oci_verbs) / sizeof(oci_verbs[0]); i++)
		if (strcmp(oci_verbs[i].name, argv[1]) == 0)
			return oci_verbs[i].fn(argc - 1, argv + 1);
	cli_error("oci", argv[1], "unknown OCI verb (see 'nsset oci --help')");
	return 2;
}
