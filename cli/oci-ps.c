/* nsset ps [--format table|json] ID: the processes of a container. */
#include "cli.h"
#include "oci/container.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int cli_oci_ps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	int c;
	optind = 0; /* 0: getopt starts afresh (ordering included) */
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, "+:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'h': printf("usage: nsset ps [--format table|json] ID\n"); return 0;
		default: return cli_option_error("ps", c, argv);
		}
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		cli_error("ps", format, "unknown format (table or json)");
		return 2;
	}
	if (optind >= argc) {
		cli_error("ps", NULL, "usage: nsset ps [--format table|json] ID");
		return 2;
	}
	const char *id = argv[optind];
	struct nsset_error err = { 0 };
	pid_t *pids;
	size_t n;
	if (oci_ps(cli_oci_root(), id, &pids, &n, &err) < 0)
		return cli_fail("ps", id, &err);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char name[64];
			comm(pids[i], name, sizeof(name));
			printf("%-8d %s\n", (int)pids[i], name);
		}
	}
	free(pids);
	return 0;
}
