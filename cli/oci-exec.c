/* nsset exec [--process FILE] [--detach] [--tty] [--console-socket S] [--pid-file F] [--cwd DIR]
 * [--env K=V]... [--user UID[:GID]] [--preserve-fds N] [--no-new-privs] [--cap CAP_X]...
 * ID [COMMAND [ARG...]]:
 * a new process in a running container (its namespaces, cgroup, capabilities, seccomp). */
#include "cli.h"
#include "oci/caps.h"
#include "oci/container.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_user(const char *s, struct oci_exec_opts *o)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10);
	if (end == s || (*end && *end != ':') || uid >= 0xffffffffUL)
		return -1;
	o->has_user = true;
	o->uid = (uid_t)uid;
	if (*end == ':') {
		const char *g = end + 1;
		unsigned long gid = strtoul(g, &end, 10);
		if (end == g || *end || gid >= 0xffffffffUL)
			return -1;
		o->has_gid = true;
		o->gid = (gid_t)gid;
	}
	return 0;
}

int cli_oci_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "cap", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct oci_exec_opts o = { 0 };
	char **env = calloc((size_t)argc + 1, sizeof(char *));
	int c, rc;
	if (!env) {
		cli_error("exec", NULL, "out of memory");
		return 1;
	}
	optind = 0; /* 0: getopt starts afresh (ordering included) */
	opterr = 0; /* its errors are ours: "nsset: VERB: ..." */
	while ((c = getopt_long(argc, argv, "+:p:dtu:e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.process_file = optarg; break;
		case 'd': o.detach = true; break;
		case 't': o.tty = true; break;
		case 'c': o.console_socket = optarg; break;
		case 'P': o.pid_file = optarg; break;
		case 'w':
			if (optarg[0] != '/') {
				cli_error("exec", NULL, "--cwd %s: must be an absolute path", optarg);
				free(env);
				return 2;
			}
			o.cwd = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				cli_error("exec", NULL, "--env %s: must be KEY=VALUE", optarg);
				free(env);
				return 2;
			}
			env[o.n_env++] = optarg;
			break;
		case 'u':
			if (parse_user(optarg, &o) < 0) {
				cli_error("exec", NULL, "--user %s: must be UID[:GID]", optarg);
				free(env);
				return 2;
			}
			break;
		case 'f': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || !*optarg || n > 65536) {
				cli_error("exec", NULL, "--preserve-fds %s: not a number of descriptors", optarg);
				free(env);
				return 2;
			}
			o.preserve_fds = (unsigned)n;
			break;
		}
		case 'n': o.no_new_privs = true; break;
		case 'C': {
			int cap;
			if (oci_cap_from_name(optarg, &cap) < 0) {
				cli_error("exec", NULL, "--cap %s: unknown capability (CAP_NAME, e.g. CAP_NET_ADMIN)", optarg);
				free(env);
				return 2;
			}
			o.add_caps |= 1ULL << cap;
			break;
		}
		case 'h':
			printf("usage: nsset exec [--process FILE] [--detach] [--tty] [--console-socket S]\n"
			       "       [--pid-file F] [--cwd DIR] [--env K=V]... [--user UID[:GID]]\n"
			       "       [--preserve-fds N] [--no-new-privs] [--cap CAP_X]... ID [COMMAND [ARG...]]\n");
			free(env);
			return 0;
		default:
			free(env);
			return cli_option_error("exec", c, argv);
		}
	}
	if (optind >= argc) {
		cli_error("exec", NULL, "usage: nsset exec [OPTIONS] ID [COMMAND [ARG...]]");
		free(env);
		return 2;
	}
	o.id = argv[optind];
	o.args = argv + optind + 1;
	if (!o.process_file && !o.args[0]) {
		cli_error("exec", o.id, "no command (give COMMAND or --process FILE)");
		free(env);
		return 2;
	}
	o.env = env;
	o.root = cli_oci_root();
	if ((rc = cli_oci_protect("exec", o.id))) {
		free(env);
		return rc;
	}
	struct nsset_error err = { 0 };
	int r = oci_exec(&o, &err);
	free(env);
	if (r < 0) {
		cli_fail("exec", o.id, &err);
		return 125;
	}
	rc = r;
	return rc;
}
