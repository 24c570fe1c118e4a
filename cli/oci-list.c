/* nsset list [--format table|json] [-q]: the containers under the state root. */
#include "cli.h"
#include "oci/container.h"
#include "oci/state.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_oci_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	bool quiet = false;
	int c;
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, ":f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'q': quiet = true; break;
		case 'h': printf("usage: nsset list [--format table|json] [-q]\n"); return 0;
		default: return cli_option_error("list", c, argv);
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		cli_error("list", format, "unknown format (table or json)");
		return 2;
	}
	if (optind < argc) {
		cli_error("list", argv[optind], "unexpected argument");
		return 2;
	}
	struct nsset_error err = { 0 };
	char **ids;
	size_t n;
	if (oci_state_list(cli_oci_root(), &ids, &n, &err) < 0)
		return cli_fail("list", NULL, &err);
	bool json = strcmp(format, "json") == 0;
	struct json_object *arr = json ? json_object_new_array() : NULL;
	if (!json && !quiet)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (size_t i = 0; i < n; i++) {
		struct oci_info info;
		if (oci_container_info(cli_oci_root(), ids[i], &info, NULL) < 0) {
			free(ids[i]);
			continue; /* removed meanwhile, or never finished reserving */
		}
		if (quiet && !json) {
			printf("%s\n", ids[i]);
		} else if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(ids[i]));
			json_object_object_add(o, "pid", json_object_new_int64(info.pid));
			json_object_object_add(o, "status", json_object_new_string(oci_status_name(info.status)));
			json_object_object_add(o, "bundle", json_object_new_string(info.bundle));
			json_object_object_add(o, "created", json_object_new_string(info.created));
			json_object_array_add(arr, o);
		} else {
			printf("%-20s %-8d %-10s %-40s %s\n", ids[i], (int)info.pid,
			       oci_status_name(info.status), info.bundle, info.created);
		}
		free(ids[i]);
	}
	free(ids);
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	}
	return 0;
}
