/* Test driver for lib/oci/rootfs.h (not installed): fills a struct oci_config from a tiny line
 * format, then validates it, or runs it in a child with new namespaces and execs a command in
 * the prepared root.
 *
 *   oci-rootfs-driver validate SPEC
 *   oci-rootfs-driver run SPEC -- COMMAND ARGS...
 *   oci-rootfs-driver clean PATH           (oci_path_clean)
 *
 * SPEC lines (fields separated by spaces, "-" = none):
 *   root PATH | readonly | nopivot | hostname NAME | domainname NAME | bundle PATH
 *   ns user|net|ipc|uts|cgroup|pid       (new namespaces; mnt is always new)
 *   map uid|gid CONTAINER HOST SIZE
 *   mount DEST TYPE SOURCE OPTIONS [DATA]   OPTIONS: comma list of ro rw nosuid suid nodev dev
 *        noexec exec noatime strictatime relatime nodiratime bind rbind idmap ridmap
 *        private rprivate slave rslave shared rshared unbindable runbindable, or "-"
 *   device PATH TYPE MAJOR MINOR [MODE [UID GID]]
 *   masked PATH | rdonly PATH | sysctl KEY VALUE | propagation NAME
 *   walk                                   (force the O_NOFOLLOW component walk)
 *   console                                (a pty from the container's /dev/ptmx on /dev/console)
 *   noidmaphelp                            (the runtime side does not make the idmapped mounts)
 * Errors go to stderr as "driver: MESSAGE" with exit status 1. */
#include "config.h"
#include "oci/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXN 64

static struct oci_config cfg;
static struct oci_mount mounts[MAXN];
static struct oci_device devices[MAXN];
static char *masked[MAXN], *rdonly[MAXN];
static struct oci_sysctl sysctls[MAXN];
static struct oci_idmap uidm[8], gidm[8];
static bool no_pivot, console, no_idmap_help;
static int unshare_flags;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "driver: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static char *dupe(const char *s)
{
	return (!s || !strcmp(s, "-")) ? NULL : strdup(s);
}

static unsigned long propagation(const char *o)
{
	static const struct { const char *n; unsigned long f; } t[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
		{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(o, t[i].n))
			return t[i].f;
	return 0;
}

static void options(struct oci_mount *m, char *list)
{
	static const struct { const char *n; unsigned long set, clr; } t[] = {
		{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY }, { "nosuid", MS_NOSUID, 0 },
		{ "suid", 0, MS_NOSUID }, { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
		{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC }, { "noatime", MS_NOATIME, 0 },
		{ "strictatime", MS_STRICTATIME, 0 }, { "relatime", MS_RELATIME, 0 },
		{ "nodiratime", MS_NODIRATIME, 0 }, { "bind", MS_BIND, 0 },
		{ "rbind", MS_BIND | MS_REC, 0 },
	};
	if (!strcmp(list, "-"))
		return;
	for (char *s = NULL, *o = strtok_r(list, ",", &s); o; o = strtok_r(NULL, ",", &s)) {
		bool known = false;
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (!strcmp(o, t[i].n)) {
				m->flags |= t[i].set;
				m->clear |= t[i].clr;
				known = true;
			}
		if (!strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
			m->idmap = true;
			m->recursive_idmap = o[0] == 'r';
			known = true;
		}
		if (propagation(o)) {
			m->propagation = propagation(o);
			known = true;
		}
		if (!known)
			die("unknown mount option '%s'", o);
	}
}

static void parse(const char *file)
{
	FILE *f = fopen(file, "re");
	char line[4096];
	if (!f)
		die("cannot open %s", file);
	cfg.mounts = mounts;
	cfg.devices = devices;
	cfg.masked_paths = masked;
	cfg.readonly_paths = rdonly;
	cfg.sysctl = sysctls;
	cfg.uid_mappings = uidm;
	cfg.gid_mappings = gidm;
	while (fgets(line, sizeof(line), f)) {
		char *w[8] = { 0 };
		int n = 0;
		line[strcspn(line, "\n")] = '\0';
		for (char *s = NULL, *t = strtok_r(line, " ", &s); t && n < 8; t = strtok_r(NULL, " ", &s))
			w[n++] = t;
		if (!n || w[0][0] == '#')
			continue;
		const char *k = w[0];
		if (!strcmp(k, "root") && n == 2) {
			cfg.root_path = strdup(w[1]);
		} else if (!strcmp(k, "bundle") && n == 2) {
			cfg.bundle = strdup(w[1]);
		} else if (!strcmp(k, "readonly")) {
			cfg.root_readonly = true;
		} else if (!strcmp(k, "nopivot")) {
			no_pivot = true;
		} else if (!strcmp(k, "noidmaphelp")) {
			no_idmap_help = true;
		} else if (!strcmp(k, "console")) {
			console = true;
			cfg.has_process = cfg.process.terminal = true;
		} else if (!strcmp(k, "walk")) {
			oci_paths_force_walk(true);
		} else if (!strcmp(k, "hostname") && n == 2) {
			cfg.hostname = strdup(w[1]);
		} else if (!strcmp(k, "domainname") && n == 2) {
			cfg.domainname = strdup(w[1]);
		} else if (!strcmp(k, "ns") && n == 2) {
			static const struct { const char *n; nsset_flags_t f; int c; } t[] = {
				{ "user", NSSET_USER, CLONE_NEWUSER }, { "net", NSSET_NET, CLONE_NEWNET },
				{ "ipc", NSSET_IPC, CLONE_NEWIPC }, { "uts", NSSET_UTS, CLONE_NEWUTS },
				{ "cgroup", NSSET_CGROUP, CLONE_NEWCGROUP }, { "pid", NSSET_PID, CLONE_NEWPID },
			};
			bool ok = false;
			for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
				if (!strcmp(w[1], t[i].n)) {
					cfg.ns_new |= t[i].f;
					unshare_flags |= t[i].c;
					ok = true;
				}
			if (!ok)
				die("unknown namespace '%s'", w[1]);
		} else if (!strcmp(k, "map") && n == 5) {
			bool uid = !strcmp(w[1], "uid");
			struct oci_idmap *m = uid ? &uidm[cfg.n_uid_mappings++] : &gidm[cfg.n_gid_mappings++];
			m->container_id = (uint32_t)strtoul(w[2], NULL, 10);
			m->host_id = (uint32_t)strtoul(w[3], NULL, 10);
			m->size = (uint32_t)strtoul(w[4], NULL, 10);
		} else if (!strcmp(k, "mount") && n >= 5) {
			struct oci_mount *m = &mounts[cfg.n_mounts++];
			m->destination = dupe(w[1]);
			m->type = dupe(w[2]);
			m->source = dupe(w[3]);
			options(m, w[4]);
			m->data = n > 5 ? dupe(w[5]) : NULL;
		} else if (!strcmp(k, "device") && n >= 5) {
			struct oci_device *d = &devices[cfg.n_devices++];
			d->path = strdup(w[1]);
			d->type = w[2][0];
			d->major = strtoll(w[3], NULL, 10);
			d->minor = strtoll(w[4], NULL, 10);
			if (n > 5) {
				d->has_mode = true;
				d->file_mode = (mode_t)strtoul(w[5], NULL, 8);
			}
			if (n > 7) {
				d->has_uid = d->has_gid = true;
				d->uid = (uid_t)strtoul(w[6], NULL, 10);
				d->gid = (gid_t)strtoul(w[7], NULL, 10);
			}
		} else if (!strcmp(k, "masked") && n == 2) {
			masked[cfg.n_masked_paths++] = strdup(w[1]);
		} else if (!strcmp(k, "rdonly") && n == 2) {
			rdonly[cfg.n_readonly_paths++] = strdup(w[1]);
		} else if (!strcmp(k, "sysctl") && n == 3) {
			sysctls[cfg.n_sysctl].key = strdup(w[1]);
			sysctls[cfg.n_sysctl++].value = strdup(w[2]);
		} else if (!strcmp(k, "propagation") && n == 2) {
			cfg.rootfs_propagation = propagation(w[1]);
			if (!cfg.rootfs_propagation)
				die("unknown propagation '%s'", w[1]);
		} else {
			die("bad spec line '%s'", k);
		}
		if (cfg.n_mounts >= MAXN || cfg.n_devices >= MAXN || cfg.n_masked_paths >= MAXN ||
		    cfg.n_readonly_paths >= MAXN || cfg.n_sysctl >= MAXN || cfg.n_uid_mappings >= 8 ||
		    cfg.n_gid_mappings >= 8)
			die("%s: too many entries", file);
	}
	fclose(f);
	cfg.ns_new |= NSSET_MNT;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("cannot write %s", path);
	close(fd);
}

static void write_maps(pid_t pid)
{
	char path[64], buf[512];
	size_t len = 0;
	for (size_t i = 0; i < cfg.n_uid_mappings; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", uidm[i].container_id,
					uidm[i].host_id, uidm[i].size);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	write_file(path, buf);
	len = 0;
	for (size_t i = 0; i < cfg.n_gid_mappings; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", gidm[i].container_id,
					gidm[i].host_id, gidm[i].size);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	write_file(path, buf);
}

static int wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* In the container: prepare the root and exec. */
static void container(char **argv, const int *fds)
{
	struct nsset_error err = { 0 };
	struct oci_rootfs_opts o = { .no_pivot = no_pivot, .mount_fds = fds, .userns_fd = -1 };
	if (oci_rootfs_setup(&cfg, &o, &err) < 0) {
		fprintf(stderr, "driver: %s\n", err.msg);
		exit(1);
	}
	if (console) {
		int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		char *name = master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0 ? ptsname(master) : NULL;
		int slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
		if (slave < 0)
			die("cannot open a pty: %s", strerror(errno));
		if (oci_rootfs_bind_console(slave, &err) < 0)
			die("%s", err.msg);
		close(slave); /* the master stays open (O_CLOEXEC: until exec) */
	}
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	execvp(argv[0], argv);
	fprintf(stderr, "driver: cannot exec %s: %s\n", argv[0], strerror(errno));
	exit(127);
}

static int run(char **argv)
{
	int sync[2], go[2];
	bool user = unshare_flags & CLONE_NEWUSER;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0 || pipe2(go, O_CLOEXEC) < 0)
		die("%s", "socketpair");
	pid_t pid = fork();
	if (pid < 0)
		die("%s", "fork");
	if (pid == 0) {
		int fds[MAXN];
		char c = 0;
		close(sync[0]);
		close(go[1]);
		if (user) {
			if (unshare(CLONE_NEWUSER) < 0)
				die("unshare(user): %s", strerror(errno));
			if (write(sync[1], "u", 1) != 1)
				die("%s", "sync");
		}
		struct nsset_error err = { 0 };
		if (user && oci_rootfs_needs_idmap_fds(&cfg) && !no_idmap_help) {
			if (oci_rootfs_idmap_recv(sync[1], &cfg, fds, &err) < 0)
				die("%s", err.msg);
		} else
			for (size_t i = 0; i < cfg.n_mounts; i++)
				fds[i] = -1;
		if (user && read(go[0], &c, 1) != 1)
			die("%s", "parent went away");
		if (user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
			die("setresuid: %s", strerror(errno));
		if (unshare(CLONE_NEWNS | (unshare_flags & ~CLONE_NEWUSER)) < 0)
			die("unshare: %s", strerror(errno));
		if (unshare_flags & CLONE_NEWPID) {
			pid_t init = fork();
			if (init < 0)
				die("%s", "fork");
			if (init == 0)
				container(argv, fds);
			exit(wait_child(init));
		}
		container(argv, fds);
	}
	close(sync[1]);
	close(go[0]);
	if (user) {
		char c;
		if (read(sync[0], &c, 1) != 1)
			return wait_child(pid);
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		write_file(path, "deny");
		write_maps(pid);
		if (oci_rootfs_needs_idmap_fds(&cfg) && !no_idmap_help) {
			struct nsset_error err = { 0 };
			snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
			int ufd = open(path, O_RDONLY | O_CLOEXEC);
			if (ufd < 0 || oci_rootfs_idmap_send(sync[0], &cfg, ufd, &err) < 0) {
				fprintf(stderr, "driver: %s\n", ufd < 0 ? "cannot open the user namespace" : err.msg);
				kill(pid, SIGKILL);
				wait_child(pid);
				return 1;
			}
			close(ufd);
		}
		if (write(go[1], "g", 1) != 1)
			die("%s", "sync");
	}
	close(go[1]);
	int rc = wait_child(pid);
	close(sync[0]);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "clean")) {
		char out[4096];
		int r = oci_path_clean(argv[2], out, sizeof(out));
		if (r < 0) {
			printf("error %s\n", strerror(-r));
			return 1;
		}
		printf("%s\n", out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "validate")) {
		struct nsset_error err = { 0 };
		parse(argv[2]);
		if (oci_rootfs_validate(&cfg, &err) < 0) {
			fprintf(stderr, "driver: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "run") && !strcmp(argv[3], "--")) {
		parse(argv[2]);
		return run(argv + 4);
	}
	fprintf(stderr, "usage: oci-rootfs-driver validate SPEC | run SPEC -- CMD... | clean PATH\n");
	return 2;
}
