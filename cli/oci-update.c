/* nsset update [--resources FILE|-] [--memory N] [--pids-limit N] [--cpu-shares N] ... ID: new
 * resource limits on a container's cgroup, as `runc update` (what containerd, CRI-O and
 * `podman update` call: `update --resources - ID` with a LinuxResources object on stdin).
 * The options win over the file's members. */
#include "cli.h"
#include "oci/config.h"
#include "oci/container.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: nsset update [OPTIONS] ID\n"
	"New resource limits on a created, running or paused container (its cgroup).\n\n"
	"  -r, --resources FILE        a LinuxResources JSON object (config-linux.md); - for stdin\n"
	"      --memory BYTES          memory limit (k, m, g suffixes; -1: none)\n"
	"      --memory-reservation BYTES  memory soft limit\n"
	"      --memory-swap BYTES     memory+swap limit (-1: none)\n"
	"      --pids-limit N          most processes (-1: none)\n"
	"      --cpu-share(s) N        relative CPU weight\n"
	"      --cpu-period US         CFS period\n"
	"      --cpu-quota US          CFS quota per period (-1: none)\n"
	"      --cpu-burst US          CFS burst\n"
	"      --cpu-rt-period US      real-time period\n"
	"      --cpu-rt-runtime US     real-time runtime per period\n"
	"      --cpu-idle 0|1          SCHED_IDLE for the cgroup\n"
	"      --cpuset-cpus LIST      CPUs allowed (0-3,5)\n"
	"      --cpuset-mems LIST      memory nodes allowed\n"
	"      --blkio-weight N        block I/O weight (10-1000)\n"
	"The options win over the file's members.  Either all limits are set or, should the\n"
	"kernel refuse one, those written before it get their old values back.\n";

enum { O_MEMORY = 256, O_MEMORY_RES, O_MEMORY_SWAP, O_PIDS, O_SHARES, O_PERIOD, O_QUOTA, O_BURST,
       O_RT_PERIOD, O_RT_RUNTIME, O_IDLE, O_CPUS, O_MEMS, O_BLKIO_WEIGHT };

static const struct option opts[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, O_MEMORY },
	{ "memory-reservation", required_argument, NULL, O_MEMORY_RES },
	{ "memory-swap", required_argument, NULL, O_MEMORY_SWAP },
	{ "pids-limit", required_argument, NULL, O_PIDS },
	{ "cpu-share", required_argument, NULL, O_SHARES }, /* runc's and crun's spelling */
	{ "cpu-shares", required_argument, NULL, O_SHARES },
	{ "cpu-period", required_argument, NULL, O_PERIOD },
	{ "cpu-quota", required_argument, NULL, O_QUOTA },
	{ "cpu-burst", required_argument, NULL, O_BURST },
	{ "cpu-rt-period", required_argument, NULL, O_RT_PERIOD },
	{ "cpu-rt-runtime", required_argument, NULL, O_RT_RUNTIME },
	{ "cpu-idle", required_argument, NULL, O_IDLE },
	{ "cpuset-cpus", required_argument, NULL, O_CPUS },
	{ "cpuset-mems", required_argument, NULL, O_MEMS },
	{ "blkio-weight", required_argument, NULL, O_BLKIO_WEIGHT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* An integer, with a binary k/m/g suffix where units is set; -1 allowed where neg is set. */
static bool parse_num(const char *s, bool units, bool neg, int64_t *out)
{
	char *end;
	if (!*s || (*s == '-' && !neg))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s)
		return false;
	if (v < 0) {
		*out = -1;
		return v == -1 && !*end;
	}
	int shift = 0;
	if (units && *end && !end[1]) {
		const char *u = strchr("kmg", *end | 0x20);
		if (!u)
			return false;
		shift = 10 * (int)(u - "kmg" + 1);
		end++;
	}
	if (*end || (shift && v > (LLONG_MAX >> shift)))
		return false;
	*out = (int64_t)v << shift;
	return true;
}

/* One option into res: 0, or 2 (a usage error, printed). */
static int set_option(int c, const char *name, const char *arg, struct oci_resources *res)
{
	const char *want = "a non-negative integer";
	bool units = c == O_MEMORY || c == O_MEMORY_RES || c == O_MEMORY_SWAP;
	bool neg = units || c == O_PIDS || c == O_QUOTA || c == O_RT_RUNTIME;
	int64_t v = 0;
	char **str = c == O_CPUS ? &res->cpu_cpus : c == O_MEMS ? &res->cpu_mems : NULL;
	if (str) {
		free(*str);
		if (!(*str = strdup(arg))) {
			cli_error("update", NULL, "out of memory");
			return 2;
		}
		return 0;
	}
	if (units)
		want = "a number of bytes (k, m or g suffix) or -1";
	else if (neg)
		want = "an integer or -1";
	if (!parse_num(arg, units, neg, &v) || (c == O_IDLE && v > 1) ||
	    (c == O_BLKIO_WEIGHT && v > UINT16_MAX)) {
		cli_error("update", NULL, "--%s %s: must be %s%s", name, arg, want,
			  c == O_IDLE ? " (0 or 1)" : "");
		return 2;
	}
	switch (c) {
	case O_MEMORY: res->has_memory_limit = true, res->memory_limit = v; break;
	case O_MEMORY_RES: res->has_memory_reservation = true, res->memory_reservation = v; break;
	case O_MEMORY_SWAP: res->has_memory_swap = true, res->memory_swap = v; break;
	case O_PIDS: res->has_pids_limit = true, res->pids_limit = v; break;
	case O_SHARES: res->has_cpu_shares = true, res->cpu_shares = v; break;
	case O_PERIOD: res->has_cpu_period = true, res->cpu_period = v; break;
	case O_QUOTA: res->has_cpu_quota = true, res->cpu_quota = v; break;
	case O_BURST: res->has_cpu_burst = true, res->cpu_burst = v; break;
	case O_RT_PERIOD: res->has_rt_period = true, res->rt_period = v; break;
	case O_RT_RUNTIME: res->has_rt_runtime = true, res->rt_runtime = v; break;
	case O_IDLE: res->has_cpu_idle = true, res->cpu_idle = v; break;
	case O_BLKIO_WEIGHT: res->has_blkio_weight = true, res->blkio_weight = v; break;
	}
	return 0;
}

int cli_oci_update(int argc, char **argv)
{
	const char *file = NULL;
	int c, li;
	/* First the options' form and the file; the values after the file is read. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:h", opts, &li)) != -1) {
		if (c == 'r')
			file = optarg;
		else if (c == 'h')
			return fputs(usage_text, stdout), 0;
		else if (c == '?' || c == ':')
			return cli_option_error("update", c, argv);
	}
	if (argc - optind != 1) {
		cli_error("update", NULL, "usage: nsset update [OPTIONS] ID (see 'nsset update --help')");
		return 2;
	}
	const char *id = argv[optind];
	struct nsset_error err = { 0 };
	struct oci_resources res;
	if (file) {
		if (oci_resources_parse_file(file, &res, &err) < 0)
			return cli_fail("update", id, &err);
	} else {
		memset(&res, 0, sizeof(res));
	}
	optind = 0;
	int r = 0;
	while (r == 0 && (c = getopt_long(argc, argv, ":r:h", opts, &li)) != -1)
		if (c >= O_MEMORY)
			r = set_option(c, opts[li].name, optarg, &res);
	if (r == 0 && oci_update(cli_oci_root(), id, &res, &err) < 0)
		r = cli_fail("update", id, &err);
	oci_resources_clear(&res);
	return r;
}
