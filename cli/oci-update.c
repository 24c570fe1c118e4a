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
	"      --cpu-shares N          relative CPU weight\n"
	"      --cpu-period US         CFS period\n"
	"      --cpu-quota US          CFS quota per period (-1: none)\n"
	"      --cpuset-cpus LIST      CPUs allowed (0-3,5)\n"
	"      --cpuset-mems LIST      memory nodes allowed\n"
	"Either all limits are set, or (should the kernel refuse one) none of the memory, pids\n"
	"and cpu ones.\n";

enum { O_MEMORY = 256, O_MEMORY_RES, O_MEMORY_SWAP, O_PIDS, O_SHARES, O_PERIOD, O_QUOTA, O_CPUS,
       O_MEMS };

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

static int bad_value(const char *opt, const char *v, const char *what)
{
	cli_error("update", NULL, "%s %s: must be %s", opt, v, what);
	return 2;
}

int cli_oci_update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, O_MEMORY },
		{ "memory-reservation", required_argument, NULL, O_MEMORY_RES },
		{ "memory-swap", required_argument, NULL, O_MEMORY_SWAP },
		{ "pids-limit", required_argument, NULL, O_PIDS },
		{ "cpu-shares", required_argument, NULL, O_SHARES },
		{ "cpu-period", required_argument, NULL, O_PERIOD },
		{ "cpu-quota", required_argument, NULL, O_QUOTA },
		{ "cpuset-cpus", required_argument, NULL, O_CPUS },
		{ "cpuset-mems", required_argument, NULL, O_MEMS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* The options' values, applied over the file's. */
	struct oci_resources flags = { .has_memory_limit = false };
	const char *file = NULL, *cpus = NULL, *mems = NULL;
	int64_t v;
	int c, li;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:h", opts, &li)) != -1) {
		const char *name = c >= O_MEMORY ? opts[li].name : NULL;
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s", name ? name : "");
		switch (c) {
		case 'r': file = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case O_MEMORY:
		case O_MEMORY_RES:
		case O_MEMORY_SWAP:
			if (!parse_num(optarg, true, true, &v))
				return bad_value(opt, optarg, "a number of bytes (k, m or g suffix) or -1");
			if (c == O_MEMORY)
				flags.has_memory_limit = true, flags.memory_limit = v;
			else if (c == O_MEMORY_RES)
				flags.has_memory_reservation = true, flags.memory_reservation = v;
			else
				flags.has_memory_swap = true, flags.memory_swap = v;
			break;
		case O_PIDS:
		case O_QUOTA:
			if (!parse_num(optarg, false, true, &v))
				return bad_value(opt, optarg, "an integer or -1");
			if (c == O_PIDS)
				flags.has_pids_limit = true, flags.pids_limit = v;
			else
				flags.has_cpu_quota = true, flags.cpu_quota = v;
			break;
		case O_SHARES:
		case O_PERIOD:
			if (!parse_num(optarg, false, false, &v))
				return bad_value(opt, optarg, "a non-negative integer");
			if (c == O_SHARES)
				flags.has_cpu_shares = true, flags.cpu_shares = (uint64_t)v;
			else
				flags.has_cpu_period = true, flags.cpu_period = (uint64_t)v;
			break;
		case O_CPUS: cpus = optarg; break;
		case O_MEMS: mems = optarg; break;
		default: return cli_option_error("update", c, argv);
		}
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
	if (flags.has_memory_limit)
		res.has_memory_limit = true, res.memory_limit = flags.memory_limit;
	if (flags.has_memory_reservation)
		res.has_memory_reservation = true, res.memory_reservation = flags.memory_reservation;
	if (flags.has_memory_swap)
		res.has_memory_swap = true, res.memory_swap = flags.memory_swap;
	if (flags.has_pids_limit)
		res.has_pids_limit = true, res.pids_limit = flags.pids_limit;
	if (flags.has_cpu_shares)
		res.has_cpu_shares = true, res.cpu_shares = flags.cpu_shares;
	if (flags.has_cpu_period)
		res.has_cpu_period = true, res.cpu_period = flags.cpu_period;
	if (flags.has_cpu_quota)
		res.has_cpu_quota = true, res.cpu_quota = flags.cpu_quota;
	int r = 0;
	if (cpus) {
		free(res.cpu_cpus);
		res.cpu_cpus = strdup(cpus);
	}
	if (mems) {
		free(res.cpu_mems);
		res.cpu_mems = strdup(mems);
	}
	if ((cpus && !res.cpu_cpus) || (mems && !res.cpu_mems))
		r = nsset_fail(&err, ENOMEM, "out of memory");
	if (r == 0)
		r = oci_update(cli_oci_root(), id, &res, &err);
	oci_resources_clear(&res);
	return r < 0 ? cli_fail("update", id, &err) : 0;
}
