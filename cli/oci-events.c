/* nsset events [--stats] [--interval DURATION] ID: runc's events.  --stats prints the
 * container's cgroup statistics once ({"type":"stats","id":ID,"data":{...}}); without it a
 * line of them now and every interval (default 5s), and {"type":"oom","id":ID} when the
 * kernel's OOM killer has struck in the container since, until the container stops. */
#include "cli.h"
#include "oci/container.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "5s", "500ms", "1m", "1.5s" (Go's durations as runc takes them, the usual units) in ms. */
static bool parse_duration(const char *s, long *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return false;
	double unit = strcmp(end, "ms") == 0 ? 1 : strcmp(end, "s") == 0 ? 1000 :
		      strcmp(end, "m") == 0 ? 60000 : strcmp(end, "h") == 0 ? 3600000 : 0;
	if (!unit || v * unit < 1 || v * unit > 86400000.0)
		return false;
	*ms = (long)(v * unit);
	return true;
}

static void print_event(const char *type, const char *id, const char *data)
{
	/* id: letters, digits and _.+- (oci_state_id_check): no JSON escaping needed */
	if (data)
		printf("{\"type\":\"%s\",\"id\":\"%s\",\"data\":%s}\n", type, id, data);
	else
		printf("{\"type\":\"%s\",\"id\":\"%s\"}\n", type, id);
	fflush(stdout);
}

int cli_oci_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool once = false;
	long ms = 5000;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:si:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': once = true; break;
		case 'i':
			if (!parse_duration(optarg, &ms)) {
				cli_error("events", NULL, "--interval %s: must be a duration like 5s or 500ms", optarg);
				return 2;
			}
			break;
		case 'h': printf("usage: nsset events [--stats] [--interval DURATION] ID\n"); return 0;
		default: return cli_option_error("events", c, argv);
		}
	}
	if (argc - optind != 1) {
		cli_error("events", NULL, "usage: nsset events [--stats] [--interval DURATION] ID");
		return 2;
	}
	const char *id = argv[optind];
	struct nsset_error err = { 0 };
	uint64_t oom0 = 0, oom;
	for (bool first = true;; first = false) {
		char *stats;
		bool stopped;
		if (oci_events_read(cli_oci_root(), id, &stats, &oom, &stopped, &err) < 0)
			return cli_fail("events", id, &err);
		if (first)
			oom0 = oom;
		if (oom > oom0) {
			print_event("oom", id, NULL);
			oom0 = oom;
		}
		if (once || !stopped)
			print_event("stats", id, stats);
		free(stats);
		if (once || stopped)
			return 0;
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}
