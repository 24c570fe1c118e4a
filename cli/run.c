/* nsset run [OPTIONS] [--] COMMAND [ARG...]: the seeds' sample program made real. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* nsset's own errors exit with 125 so that they differ from the command's (like podman, env). */
#define RUN_FAILED 125

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsset run [OPTIONS] [--] [COMMAND [ARG...]]\n"
		"Run COMMAND (default: $SHELL, else /bin/sh) in new namespaces.\n\n"
		"  -m, --mount            new mount namespace (mounts made private)\n"
		"  -u, --uts              new UTS namespace\n"
		"  -i, --ipc              new IPC namespace\n"
		"  -U, --user             new user namespace\n"
		"  -n, --net              new network namespace (loopback up)\n"
		"  -p, --pid              new pid namespace, with nsset's init as pid 1\n"
		"  -C, --cgroup           new cgroup namespace\n"
		"  -T, --time             new time namespace\n"
		"  -a, --all              all of the above that this nsset has\n"
		"  -r, --map-root         map your uid and gid to root (implies -U)\n"
		"      --map-users INNER:OUTER:COUNT[,...]   uid map (implies -U; repeatable)\n"
		"      --map-groups INNER:OUTER:COUNT[,...]  gid map (implies -U; repeatable)\n"
		"      --hostname NAME    set the hostname (needs -u)\n"
		"      --mount-proc       mount a fresh /proc (implies -m)\n"
		"      --root DIR         pivot into DIR as the new root (needs -m)\n"
		"      --wd DIR           working directory of the command\n"
		"  -h, --help             this help\n\n"
		"Exit status: the command's (128+N when killed by signal N); 127 when COMMAND is not\n"
		"found, 126 when it cannot be executed, 125 when nsset itself fails.\n");
}

/* The OCI runtime's `run --bundle DIR ID`; provided by cli/oci-run.c when the OCI runtime is
 * built and merged.  Until then this fallback says so. */
__attribute__((weak)) int cli_oci_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("run", NULL, "the OCI runtime is not available yet");
	return 1;
}

static bool oci_form(int argc, char **argv)
{
	static const char *const oci_opts[] = { "-b", "--bundle", "-d", "--detach", "--pid-file",
		"--console-socket", "--no-pivot", "--keep", "--no-new-keyring", "--preserve-fds" };
	if (cli_global.oci)
		return true;
	if (argc < 2)
		return false;
	for (size_t i = 0; i < sizeof(oci_opts) / sizeof(oci_opts[0]); i++) {
		size_t len = strlen(oci_opts[i]);
		if (strncmp(argv[1], oci_opts[i], len) == 0 && (argv[1][len] == '\0' || argv[1][len] == '='))
			return true;
	}
	return false;
}

enum { OPT_MAP_USERS = 256, OPT_MAP_GROUPS, OPT_HOSTNAME, OPT_MOUNT_PROC, OPT_ROOT, OPT_WD,
       OPT_NAME, OPT_NETNS_LINK, OPT_REGISTRY /* named sets: cli/run-name.c */ };

#define MAX_OPTS 32

/* The kinds' options come from the kinds table (letter, long name); then run's own. */
static void build_options(struct option *opts, char *shortopts)
{
	static const struct option own[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "map-root", no_argument, NULL, 'r' },
		{ "map-users", required_argument, NULL, OPT_MAP_USERS },
		{ "map-groups", required_argument, NULL, OPT_MAP_GROUPS },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "mount-proc", no_argument, NULL, OPT_MOUNT_PROC },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "wd", required_argument, NULL, OPT_WD },
		{ "help", no_argument, NULL, 'h' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "netns-link", no_argument, NULL, OPT_NETNS_LINK },
		{ "registry", required_argument, NULL, OPT_REGISTRY },
	};
	size_t n, o = 0, s = 0;
	const struct nsset_kind *k = nsset_kinds(&n);
	shortopts[s++] = '+'; /* stop at the command: its options are not ours */
	shortopts[s++] = ':'; /* a missing argument is ':', not '?' */
	for (size_t i = 0; i < n; i++) {
		opts[o++] = (struct option){ k[i].option_long, no_argument, NULL, k[i].letter };
		shortopts[s++] = k[i].letter;
	}
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		opts[o++] = own[i];
	opts[o] = (struct option){ NULL, 0, NULL, 0 };
	memcpy(shortopts + s, "arh", 4);
}

static const struct nsset_kind *kind_by_letter(int c)
{
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	for (size_t i = 0; i < n; i++)
		if (k[i].letter == c)
			return &k[i];
	return NULL;
}

int cli_run(int argc, char **argv)
{
	struct option opts[MAX_OPTS];
	char shortopts[MAX_OPTS];
	struct nsset_spawn sp = { .die_with_parent = true };
	struct nsset_idmaps users = { 0 }, groups = { 0 };
	struct nsset_error err = { 0 };
	struct nsset_child child;
	struct cli_run_name named = { 0 };
	int c, status = RUN_FAILED;

	if (oci_form(argc, argv)) {
#if NSSET_BUILD_OCI
		return cli_oci_run(argc, argv);
#else
		cli_error("run", NULL, "the OCI runtime is not built into this nsset (-Doci=false)");
		return RUN_FAILED;
#endif
	}
	build_options(opts, shortopts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		const struct nsset_kind *k = kind_by_letter(c);
		if (k) {
			sp.flags |= k->flag;
			continue;
		}
		switch (c) {
		case 'a': sp.flags |= NSSET_ALL & nsset_flags_built(); break;
		case 'r': sp.map_root = true; sp.flags |= NSSET_USER; break;
		case OPT_MAP_USERS:
		case OPT_MAP_GROUPS:
			if (nsset_idmaps_parse(c == OPT_MAP_USERS ? &users : &groups, optarg, &err) < 0) {
				cli_error("run", NULL, "--%s: %s",
					  c == OPT_MAP_USERS ? "map-users" : "map-groups", err.msg);
				goto out;
			}
			sp.flags |= NSSET_USER;
			break;
		case OPT_HOSTNAME: sp.hostname = optarg; break;
		case OPT_MOUNT_PROC: sp.mount_proc = true; sp.flags |= NSSET_MNT; break;
		case OPT_ROOT: sp.root = optarg; break;
		case OPT_WD: sp.cwd = optarg; break;
		case OPT_NAME: named.name = optarg; break;
		case OPT_NETNS_LINK: named.netns_link = true; break;
		case OPT_REGISTRY: named.registry = optarg; break;
		case 'h': usage(stdout); status = 0; goto out;
		case ':':
			cli_option_error("run", c, argv);
			goto out;
		default:
			if (optopt > 0 && optopt < 256)
				cli_error("run", NULL, "unknown option '-%c' (see 'nsset run --help')",
					  optopt);
			else
				cli_error("run", NULL, "unknown option '%s' (see 'nsset run --help')",
					  argv[optind - 1]);
			goto out;
		}
	}
	if (sp.map_root && (users.n || groups.n)) {
		cli_error("run", NULL, "--map-root and --map-users/--map-groups exclude each other");
		goto out;
	}
	if (sp.hostname && !(sp.flags & NSSET_UTS)) {
		cli_error("run", NULL, "--hostname needs a new UTS namespace (-u)");
		goto out;
	}
	if (sp.root && !(sp.flags & NSSET_MNT)) {
		cli_error("run", NULL, "--root needs a new mount namespace (-m)");
		goto out;
	}
	if (nsset_flags_check(sp.flags, &err) < 0) {
		cli_fail("run", NULL, &err);
		goto out;
	}
	sp.uid_map = users.v;
	sp.n_uid_map = users.n;
	sp.gid_map = groups.v;
	sp.n_gid_map = groups.n;
	/* With a pid namespace, nsset's init is pid 1 and the command its child. */
	sp.init = (sp.flags & NSSET_PID) != 0;

	if (named.name || named.netns_link || named.registry) {
		status = cli_run_named(&named, &sp, argc - optind, argv + optind);
		goto out;
	}

	char *shell[2] = { getenv("SHELL"), NULL };
	if (!shell[0] || !*shell[0])
		shell[0] = "/bin/sh";
	sp.argv = optind < argc ? argv + optind : shell;

	/* Block the forwarded signals now so that none is lost between the start and the wait;
	 * the child unblocks them. */
	sigset_t fwd;
	nsset_forward_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);

	status = nsset_spawn_wait(&sp, &child, &err);
	if (status < 0) {
		cli_error("run", NULL, "%s", err.msg);
		status = !child.exec_failed ? RUN_FAILED : err.code == -ENOENT ? 127 : 126;
	}
out:
	nsset_idmaps_free(&users);
	nsset_idmaps_free(&groups);
	return status;
}
