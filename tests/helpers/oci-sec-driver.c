/* oci-sec-driver: the oci-sec library functions through the kernel's eyes.  It fills struct
 * oci_config / oci_process by hand for named scenarios (what config.c would produce), applies
 * them and execs a command, so that tests/integration/oci-sec.sh can read /proc/PID/status,
 * limits, cgroup files and so on.
 *
 *   process SCENARIO -- CMD...        oci_process_apply, then exec CMD
 *   notify SOCKET -- CMD...           seccomp NOTIFY with a listener (this process) on SOCKET
 *   cgroup create PATH|- ID FILE [RES] oci_cgroup_create (+ oci_cgroup_apply of RES), saved to FILE
 *   cgroup join FILE -- CMD...        oci_cgroup_add_pid(self), then exec CMD
 *   cgroup pids|freeze|thaw|frozen|remove FILE,  cgroup kill FILE SIG,  cgroup apply FILE RES
 *   cgroup check PATH                 oci_cgroup_path_check
 *   hook KIND PATH TIMEOUT STATE [ARG...]   oci_hook_run (env: the HOOK_ENV variable if set)
 *   cloned [CMD...]                   oci_ensure_cloned_binary, then print "ready" and exec CMD
 *                                     (or pause)
 * Errors: "oci-sec-driver: CAUSE" on stderr, exit 1. */
#include "config.h"
#include "nsset.h"
#include "oci/caps.h"
#include "oci/cgroup.h"
#include "oci/cloned_binary.h"
#include "oci/hooks.h"
#include "oci/process.h"
#include "oci/seccomp.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CAP(x) (1ULL << (x))

static struct nsset_error err;

static int die(const char *what)
{
	fprintf(stderr, "oci-sec-driver: %s%s%s\n", what ? what : "", what ? ": " : "", err.msg);
	return 1;
}

static char **after_dashes(int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? &argv[i + 1] : NULL;
	return NULL;
}

/* ---- process scenarios ---------------------------------------------------------------- */

static gid_t extra_gids[] = { 2000, 3000 };

static char *mkdir_names[] = { "mkdir", "mkdirat", NULL };
static char *kill_names[] = { "nsset_no_such_syscall", "kill", NULL };
static char *uname_names[] = { "uname", NULL };
static struct oci_syscall_arg sigusr1 = { .index = 1, .value = SIGUSR1, .op = SCMP_CMP_EQ };
static uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 };

static int scenario(const char *name, struct oci_config *c, struct oci_process *p)
{
	static struct oci_rlimit limits[3];
	static struct oci_syscall_rule rules[3];
	static struct oci_seccomp sc;

	memset(c, 0, sizeof(*c));
	memset(p, 0, sizeof(*p));
	p->user.uid = 0;
	p->user.gid = 0;
	if (strcmp(name, "plain") == 0)
		return 0; /* root, nothing else: the baseline of the cloned-binary cost */
	if (strcmp(name, "caps-user") == 0) {
		/* An unprivileged user keeps NET_BIND_SERVICE through exec (ambient); bit 62, which
		 * no kernel knows, is skipped. */
		p->user = (struct oci_user){ .uid = 1000, .gid = 1000, .has_umask = true, .umask = 027,
					     .additional_gids = extra_gids, .n_additional_gids = 2 };
		p->has_caps = true;
		p->caps.bounding = CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(62);
		p->caps.permitted = p->caps.effective = CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE) | CAP(62);
		p->caps.inheritable = p->caps.ambient = CAP(CAP_NET_BIND_SERVICE) | CAP(62);
		return 0;
	}
	if (strcmp(name, "root-nnp") == 0) {
		/* root with the default set of runc's `spec` and no_new_privs. */
		uint64_t def = CAP(CAP_AUDIT_WRITE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
		p->has_caps = true;
		p->caps = (struct oci_caps){ def, def, 0, def, 0 };
		p->no_new_privileges = true;
		return 0;
	}
	if (strcmp(name, "limits") == 0) {
		limits[0] = (struct oci_rlimit){ RLIMIT_NOFILE, 1000, 2000 };
		limits[1] = (struct oci_rlimit){ RLIMIT_CORE, 0, 0 };
		limits[2] = (struct oci_rlimit){ RLIMIT_NPROC, 500, 1000 };
		p->rlimits = limits;
		p->n_rlimits = 3;
		p->has_oom_score_adj = true;
		p->oom_score_adj = 500;
		c->has_personality = true;
		c->personality = PER_LINUX32;
		return 0;
	}
	if (strcmp(name, "rlimit-too-high") == 0) {
		struct rlimit cur;
		getrlimit(RLIMIT_NOFILE, &cur);
		limits[0] = (struct oci_rlimit){ RLIMIT_CORE, 0, 0 };
		limits[1] = (struct oci_rlimit){ RLIMIT_NOFILE, 1024, (uint64_t)cur.rlim_max + 1 };
		p->rlimits = limits;
		p->n_rlimits = 2;
		return 0;
	}
	if (strcmp(name, "oom-lower") == 0) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = -999;
		return 0;
	}
	if (strcmp(name, "ambient-not-inheritable") == 0) {
		p->has_caps = true;
		p->caps = (struct oci_caps){ .bounding = CAP(CAP_KILL), .permitted = CAP(CAP_KILL),
					     .effective = CAP(CAP_KILL), .ambient = CAP(CAP_KILL) };
		p->user.uid = p->user.gid = 1000;
		return 0;
	}
	if (strncmp(name, "seccomp-", 8) == 0) {
		memset(&sc, 0, sizeof(sc));
		sc.default_action = SCMP_ACT_ALLOW;
		sc.arches = arches;
		sc.n_arches = N(arches);
		sc.syscalls = rules;
		c->seccomp = &sc;
		/* mkdir fails with EROFS; kill(..., SIGUSR1) with EDOM (an argument condition; the
		 * unknown name next to it is skipped); uname is the third rule's business. */
		rules[0] = (struct oci_syscall_rule){ .names = mkdir_names, .n_names = 2,
						      .action = SCMP_ACT_ERRNO(EROFS) };
		rules[1] = (struct oci_syscall_rule){ .names = kill_names, .n_names = 2,
						      .action = SCMP_ACT_ERRNO(EDOM), .args = &sigusr1, .n_args = 1 };
		rules[2] = (struct oci_syscall_rule){ .names = uname_names, .n_names = 1,
						      .action = SCMP_ACT_ALLOW };
		sc.n_syscalls = 3;
		if (strcmp(name, "seccomp-errno") == 0) {
			/* Loaded last, after no_new_privs, by an unprivileged user. */
			p->no_new_privileges = true;
			p->user.uid = p->user.gid = 1000;
			sc.flags = SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC;
			return 0;
		}
		if (strcmp(name, "seccomp-privileged") == 0) {
			/* No no_new_privs: loaded before the uid changes, while CAP_SYS_ADMIN is there. */
			p->user.uid = p->user.gid = 1000;
			return 0;
		}
		if (strcmp(name, "seccomp-kill") == 0) {
			rules[2].action = SCMP_ACT_KILL_PROCESS;
			return 0;
		}
		if (strcmp(name, "seccomp-trap") == 0) {
			rules[2].action = SCMP_ACT_TRAP;
			return 0;
		}
		if (strcmp(name, "seccomp-log") == 0) {
			rules[2].action = SCMP_ACT_LOG;
			return 0;
		}
		if (strcmp(name, "seccomp-default-log") == 0) {
			/* Default LOG (everything runs and is logged), mkdir kills the thread. */
			sc.default_action = SCMP_ACT_LOG;
			rules[0].action = SCMP_ACT_KILL;
			sc.n_syscalls = 1;
			return 0;
		}
	}
	fprintf(stderr, "oci-sec-driver: unknown scenario %s\n", name);
	return -1;
}

static int cmd_process(int argc, char **argv)
{
	struct oci_config c;
	struct oci_process p;
	char **cmd = after_dashes(argc, argv, 3);
	if (argc < 3 || scenario(argv[2], &c, &p) < 0)
		return 2;
	if (oci_process_apply(&c, &p, &err) < 0)
		return die(argv[2]);
	if (!cmd)
		return 0;
	execvp(cmd[0], cmd);
	perror("oci-sec-driver: exec");
	return 127;
}

/* ---- seccomp notify: this process is the listener -------------------------------------- */

static int cmd_notify(int argc, char **argv)
{
	char **cmd = after_dashes(argc, argv, 3);
	if (argc < 3 || !cmd)
		return 2;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 1) != 0) {
		perror("oci-sec-driver: listener");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		struct oci_config c;
		struct oci_process p;
		scenario("seccomp-privileged", &c, &p);
		c.seccomp->syscalls[0].action = SCMP_ACT_NOTIFY;
		c.seccomp->listener_path = argv[2];
		p.user.uid = p.user.gid = 0;
		struct oci_process_opts o = { .listener_fd = -1,
					      .state_json = "{\"ociVersion\":\"1.0.2\",\"id\":\"nsset-test\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"/b\"}" };
		if (oci_process_apply_opts(&c, &p, &o, &err) < 0)
			_exit(die("notify child"));
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	char buf[4096];
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	ssize_t n = s >= 0 ? recvmsg(s, &mh, MSG_CMSG_CLOEXEC) : -1;
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "oci-sec-driver: no fd from the container process\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 1;
	}
	buf[n] = '\0';
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	printf("state: %s\n", buf);
	fflush(stdout);
	/* Answer every notification with EXDEV until the child is gone. */
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	if (seccomp_notify_alloc(&req, &resp) != 0)
		return 1;
	for (;;) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			break;
		}
		struct timeval tv = { 0, 100000 };
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		if (select(fd + 1, &rs, NULL, NULL, &tv) <= 0)
			continue;
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(fd, req) != 0)
			continue;
		char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		printf("notified: %s\n", name ? name : "?");
		fflush(stdout);
		free(name);
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->error = -EXDEV;
		seccomp_notify_respond(fd, resp);
	}
	seccomp_notify_free(req, resp);
	return 0;
}

/* ---- cgroups ---------------------------------------------------------------------------- */

static struct oci_device_rule dev_rules[] = {
	{ .allow = false, .type = 'a', .major = -1, .minor = -1, .access = "rwm" },
	{ .allow = true, .type = 'c', .major = 1, .minor = 3, .access = "rw" },
};

static int resources(const char *name, struct oci_resources *r)
{
	memset(r, 0, sizeof(*r));
	if (strcmp(name, "all") == 0) {
		r->has_memory_limit = r->has_memory_reservation = r->has_memory_swap = true;
		r->memory_limit = 64 << 20;
		r->memory_reservation = 32 << 20;
		r->memory_swap = 128 << 20;
		r->has_pids_limit = true;
		r->pids_limit = 50;
		r->has_cpu_shares = r->has_cpu_quota = r->has_cpu_period = true;
		r->cpu_shares = 512;
		r->cpu_quota = 50000;
		r->cpu_period = 200000;
		r->cpu_cpus = "0";
		r->cpu_mems = "0";
		r->devices = dev_rules;
		r->n_devices = N(dev_rules);
		return 0;
	}
	if (strcmp(name, "no-devices") == 0) {
		resources("all", r);
		r->devices = NULL;
		r->n_devices = 0;
		return 0;
	}
	if (strcmp(name, "zeros") == 0) {
		/* zero means "not set" (runc): nothing is written */
		r->has_memory_limit = r->has_pids_limit = r->has_cpu_shares = true;
		r->has_cpu_quota = r->has_cpu_period = true;
		r->cpu_cpus = "";
		return 0;
	}
	if (strcmp(name, "bad-swap") == 0) {
		r->has_memory_limit = r->has_memory_swap = true;
		r->memory_limit = 64 << 20;
		r->memory_swap = 32 << 20;
		return 0;
	}
	if (strcmp(name, "bad-cpus") == 0) {
		r->cpu_cpus = "4096";
		return 0;
	}
	fprintf(stderr, "oci-sec-driver: unknown resources %s\n", name);
	return -1;
}

static int load(const char *file, struct oci_cgroup **cg)
{
	char buf[16384];
	FILE *f = fopen(file, "re");
	if (!f) {
		perror(file);
		return -1;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (oci_cgroup_load(buf, cg, &err) < 0) {
		die("load");
		return -1;
	}
	return 0;
}

static int cmd_cgroup(int argc, char **argv)
{
	struct oci_cgroup *cg = NULL;
	const char *op = argc > 2 ? argv[2] : "";
	int rc = 0;

	if (strcmp(op, "check") == 0 && argc == 4) {
		char buf[4096];
		if (oci_cgroup_path_check(argv[3], "id", buf, sizeof(buf), &err) < 0)
			return die(NULL);
		printf("%s\n", buf);
		return 0;
	}
	if (strcmp(op, "layout") == 0) {
		enum oci_cgroup_layout l;
		if (oci_cgroup_detect(&l, &err) < 0)
			return die(NULL);
		printf("%s\n", oci_cgroup_layout_name(l));
		return 0;
	}
	if (strcmp(op, "create") == 0 && argc >= 6) {
		struct oci_resources r;
		if (argc > 6 && resources(argv[6], &r) < 0)
			return 2;
		if (oci_cgroup_create(strcmp(argv[3], "-") ? argv[3] : NULL, argv[4], &cg, &err) < 0)
			return die("create");
		if (argc > 6 && oci_cgroup_apply(cg, &r, &err) < 0) {
			/* What the engine does: a container that cannot be set up leaves nothing. */
			struct nsset_error e2;
			oci_cgroup_remove(cg, &e2);
			oci_cgroup_free(cg);
			return die("apply");
		}
		char *s;
		if (oci_cgroup_save(cg, &s, &err) < 0)
			return die("save");
		FILE *f = fopen(argv[5], "we");
		fputs(s, f);
		fclose(f);
		printf("%s", s);
		free(s);
		oci_cgroup_free(cg);
		return 0;
	}
	if (argc < 4 || load(argv[3], &cg) < 0)
		return 2;
	if (strcmp(op, "join") == 0) {
		char **cmd = after_dashes(argc, argv, 4);
		if (oci_cgroup_add_pid(cg, getpid(), &err) < 0)
			return die("join");
		oci_cgroup_free(cg);
		if (!cmd)
			return 0;
		execvp(cmd[0], cmd);
		perror("oci-sec-driver: exec");
		return 127;
	} else if (strcmp(op, "apply") == 0 && argc == 5) {
		struct oci_resources r;
		if (resources(argv[4], &r) < 0)
			rc = -EINVAL, snprintf(err.msg, sizeof(err.msg), "unknown resources");
		else
			rc = oci_cgroup_apply(cg, &r, &err);
	} else if (strcmp(op, "pids") == 0) {
		pid_t *pids;
		size_t n;
		if ((rc = oci_cgroup_pids(cg, &pids, &n, &err)) == 0) {
			for (size_t i = 0; i < n; i++)
				printf("%d\n", (int)pids[i]);
			free(pids);
		}
	} else if (strcmp(op, "freeze") == 0 || strcmp(op, "thaw") == 0) {
		rc = oci_cgroup_freeze(cg, strcmp(op, "freeze") == 0, &err);
	} else if (strcmp(op, "frozen") == 0) {
		rc = oci_cgroup_is_frozen(cg, &err);
		if (rc >= 0)
			printf("%s\n", rc ? "frozen" : "thawed");
	} else if (strcmp(op, "kill") == 0 && argc == 5) {
		rc = oci_cgroup_kill(cg, atoi(argv[4]), &err);
	} else if (strcmp(op, "remove") == 0) {
		rc = oci_cgroup_remove(cg, &err);
	} else {
		rc = -EINVAL;
		snprintf(err.msg, sizeof(err.msg), "unknown cgroup operation %s", op);
	}
	oci_cgroup_free(cg);
	return rc < 0 ? die(op) : 0;
}

/* ---- hooks and the cloned binary --------------------------------------------------------- */

static int cmd_hook(int argc, char **argv)
{
	if (argc < 6)
		return 2;
	int kind;
	for (kind = 0; kind < OCI_HOOK_KINDS; kind++)
		if (strcmp(oci_hook_kind_name(kind), argv[2]) == 0)
			break;
	char *env[] = { getenv("HOOK_ENV"), NULL };
	struct oci_hook h = { .path = argv[3], .timeout = atoi(argv[4]),
			      .args = argc > 6 ? &argv[6] : NULL, .env = env[0] ? env : NULL };
	if (oci_hook_run((enum oci_hook_kind)kind, &h, argv[5], &err) < 0)
		return die(NULL);
	return 0;
}

static int cmd_cloned(int argc, char **argv)
{
	if (oci_ensure_cloned_binary(argv, &err) < 0)
		return die("cloned");
	printf("ready %s\n", oci_is_cloned_binary() ? "cloned" : "not-cloned");
	fflush(stdout);
	if (argc > 2) {
		execvp(argv[2], &argv[2]);
		return 127;
	}
	pause();
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	if (strcmp(cmd, "process") == 0)
		return cmd_process(argc, argv);
	if (strcmp(cmd, "notify") == 0)
		return cmd_notify(argc, argv);
	if (strcmp(cmd, "cgroup") == 0)
		return cmd_cgroup(argc, argv);
	if (strcmp(cmd, "hook") == 0)
		return cmd_hook(argc, argv);
	if (strcmp(cmd, "cloned") == 0)
		return cmd_cloned(argc, argv);
	fprintf(stderr, "usage: oci-sec-driver process|notify|cgroup|hook|cloned ...\n");
	return 2;
}
