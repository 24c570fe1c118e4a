/* Processes and their namespaces, through /proc: inodes, the running check, pid namespace
 * inits, the host's namespaces. */
#include "registry.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t reg_proc_ns_ino(pid_t pid, const char *kind)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, kind);
	if (stat(path, &st) < 0)
		return 0;
	return (uint64_t)st.st_ino;
}

ssize_t reg_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return n;
}

/* A zombie keeps its pid and user namespaces in /proc, but an exited init's pid namespace
 * accepts no new process: only a running process counts. */
static bool running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (reg_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

bool reg_pidfd_has(int pidfd, pid_t pid, nsset_flags_t kinds, const uint64_t ids[])
{
	size_t n;
	const struct nsset_kind *ks = nsset_kinds(&n);
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++)
		if (kinds & ks[i].flag)
			ok = reg_proc_ns_ino(pid, ks[i].name) == ids[i];
	/* Still the same process: what we read in /proc was its. */
	return ok && running(pid) && pidfd_send_signal(pidfd, 0, NULL, 0) == 0;
}

bool reg_pid_has(pid_t pid, nsset_flags_t kinds, const uint64_t ids[])
{
	if (pid <= 0)
		return false;
	int pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return false;
	bool ok = reg_pidfd_has(pidfd, pid, kinds, ids);
	close(pidfd);
	return ok;
}

uint64_t reg_host_ns_ino(const char *kind)
{
	/* pid 1's; where it is out of reach (no CAP_SYS_PTRACE), kthreadd's: kernel threads
	 * live in the initial namespaces. */
	uint64_t ino = reg_proc_ns_ino(1, kind);
	if (!ino)
		ino = reg_proc_ns_ino(2, kind);
	if (ino || (strcmp(kind, "user") != 0 && strcmp(kind, "pid") != 0))
		return ino;
	/* Out of reach for an unprivileged caller: user and pid namespaces nest, so the top of
	 * the caller's own chain (NS_GET_PARENT) is the initial one. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0) {
		int parent = ioctl(fd, NS_GET_PARENT);
		if (parent < 0)
			break;
		close(fd);
		fd = parent;
	}
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0)
		ino = (uint64_t)st.st_ino;
	if (fd >= 0)
		close(fd);
	return ino;
}

static bool nspid_is_one(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (reg_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	char *p = strstr(buf, "\nNSpid:");
	if (!p)
		return false;
	p += 7;
	char *end = strchr(p, '\n');
	if (end)
		*end = '\0';
	char *last = strrchr(p, '\t');
	return last && strtol(last + 1, NULL, 10) == 1;
}

pid_t reg_pidns_init(pid_t pid)
{
	uint64_t ino = reg_proc_ns_ino(pid, "pid");
	if (!ino)
		return 0;
	if (ino == reg_host_ns_ino("pid"))
		return 1;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	pid_t found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t p = (pid_t)strtol(e->d_name, NULL, 10);
		if (reg_proc_ns_ino(p, "pid") == ino && nspid_is_one(p))
			found = p;
	}
	closedir(d);
	return found;
}

/* Number of processes in pid namespace ino, stopping at limit. */
unsigned reg_count_in_pidns(uint64_t ino, unsigned limit)
{
	DIR *d = opendir("/proc");
	unsigned count = 0;
	struct dirent *e;
	if (!d)
		return limit;
	while (count < limit && (e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]) &&
		    reg_proc_ns_ino((pid_t)strtol(e->d_name, NULL, 10), "pid") == ino)
			count++;
	closedir(d);
	return count;
}

