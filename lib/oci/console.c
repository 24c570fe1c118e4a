/* Small pieces of the engine: the console (pty + SCM_RIGHTS), unix sockets, PATH lookup,
 * pid files. */
#include "oci/engine.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int oci_unix_connect(const char *path, struct nsset_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path))
		return nsset_fail(err, ENAMETOOLONG, "console socket path %s is too long", path);
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		return nsset_fail_errno(err, e, "cannot connect to the console socket %s", path);
	}
	return fd;
}

static int send_fd(int sock, int fd, struct nsset_error *err)
{
	char name[] = "/dev/ptmx";
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) - 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return nsset_fail_errno(err, errno, "cannot send the terminal to the console socket");
	return 0;
}

int oci_console_setup(int sock, unsigned rows, unsigned cols, struct nsset_error *err)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return nsset_fail_errno(err, errno, "cannot open /dev/ptmx in the container");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
		int e = errno;
		close(master);
		return nsset_fail_errno(err, e, "cannot unlock the pty");
	}
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		int e = errno;
		close(master);
		return nsset_fail_errno(err, e, "cannot open the pty's peer");
	}
	if (rows || cols) {
		struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	int r = send_fd(sock, master, err);
	close(master);
	if (r < 0) {
		close(slave);
		return r;
	}
	if (setsid() < 0 && errno != EPERM) {
		/* EPERM: already a session leader */
	}
	if (ioctl(slave, TIOCSCTTY, 0) < 0) {
		int e = errno;
		close(slave);
		return nsset_fail_errno(err, e, "cannot make the pty the controlling terminal");
	}
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0) {
			int e = errno;
			close(slave);
			return nsset_fail_errno(err, e, "cannot set up the terminal");
		}
	if (slave > 2)
		close(slave);
	return 0;
}

int oci_find_exe(const char *cmd, char *const *env, char *buf, size_t size)
{
	if (strchr(cmd, '/')) {
		snprintf(buf, size, "%s", cmd);
		return 0;
	}
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (char *const *e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	int found_noexec = 0;
	while (*path) {
		size_t len = strcspn(path, ":");
		struct stat st;
		if (len == 0)
			snprintf(buf, size, "./%s", cmd);
		else
			snprintf(buf, size, "%.*s/%s", (int)len, path, cmd);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			found_noexec = 1;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	return found_noexec ? -EACCES : -ENOENT;
}

int oci_write_pid_file(const char *path, pid_t pid, struct nsset_error *err)
{
	char tmp[4096], buf[32];
	if (snprintf(tmp, sizeof(tmp), "%s.nsset-tmp", path) >= (int)sizeof(tmp))
		return nsset_fail(err, ENAMETOOLONG, "pid file path too long");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot write the pid file %s", path);
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write(fd, buf, (size_t)len) != len) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return nsset_fail_errno(err, e, "cannot write the pid file %s", path);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return nsset_fail_errno(err, e, "cannot write the pid file %s", path);
	}
	return 0;
}
