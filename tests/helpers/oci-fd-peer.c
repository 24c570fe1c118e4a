/* The other end of the sockets nsset's OCI runtime sends descriptors to, for the integration
 * tests (tests/integration/oci-engine.sh):
 *
 *   oci-fd-peer console SOCKET -- CMD...
 *       listen on SOCKET (a --console-socket), run CMD, receive the pty master (SCM_RIGHTS),
 *       copy what the container writes on its terminal to stdout until the pty is closed;
 *       exit with CMD's status.
 *   oci-fd-peer seccomp SOCKET LOG
 *       listen on SOCKET (a linux.seccomp.listenerPath), take one connection, write the
 *       message that came with the notify fd to LOG, then answer every notification with
 *       EXDEV (logging "notified: SYSCALL pid PID") until the filter has no process left.
 *
 * The socket exists (bound and listening) before anything else happens, so a test may wait
 * for it with `[ -S SOCKET ]`. */
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "oci-fd-peer: %s: path too long\n", path);
		exit(2);
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		perror("oci-fd-peer: listen");
		exit(2);
	}
	return fd;
}

/* One message with one descriptor; the payload goes to buf (NUL-terminated). */
static int recv_fd(int conn, char *buf, size_t size)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
			     .msg_controllen = sizeof(u.b) };
	ssize_t n;
	do
		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd_console(const char *path, char **cmd)
{
	int lfd = listen_on(path);
	pid_t pid = fork();
	if (pid < 0) {
		perror("oci-fd-peer: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		perror("oci-fd-peer: exec");
		_exit(127);
	}
	/* The command connects, or fails without connecting: poll both. */
	int st, conn = -1;
	for (;;) {
		struct pollfd pf = { .fd = lfd, .events = POLLIN };
		int pr = poll(&pf, 1, 100);
		if (pr > 0) {
			conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			break;
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "oci-fd-peer: the command exited without connecting\n");
			return status_of(st);
		}
	}
	char name[256];
	int master = conn >= 0 ? recv_fd(conn, name, sizeof(name)) : -1;
	if (master < 0) {
		fprintf(stderr, "oci-fd-peer: no terminal received\n");
		waitpid(pid, &st, 0);
		return 2;
	}
	close(conn);
	/* Copy until every peer of the pty is closed (EIO). */
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	fflush(stdout);
	close(master);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return status_of(st);
}

static int cmd_seccomp(const char *path, const char *logpath)
{
	int lfd = listen_on(path);
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	FILE *log = fopen(logpath, "we");
	if (conn < 0 || !log) {
		perror("oci-fd-peer: seccomp");
		return 2;
	}
	char msg[8192];
	int fd = recv_fd(conn, msg, sizeof(msg));
	if (fd < 0) {
		fprintf(log, "no fd\n");
		fclose(log);
		return 1;
	}
	fprintf(log, "message: %s\n", msg);
	fflush(log);
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	if (seccomp_notify_alloc(&req, &resp) != 0)
		return 2;
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(pf.revents & POLLIN))
			break; /* POLLHUP: no process left under the filter */
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(fd, req) != 0)
			continue; /* the task went away meanwhile */
		char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		fprintf(log, "notified: %s pid %u\n", name ? name : "?", req->pid);
		fflush(log);
		free(name);
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->error = -EXDEV;
		seccomp_notify_respond(fd, resp);
	}
	fprintf(log, "done\n");
	fclose(log);
	seccomp_notify_free(req, resp);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && strcmp(argv[1], "console") == 0 && strcmp(argv[3], "--") == 0)
		return cmd_console(argv[2], argv + 4);
	if (argc == 4 && strcmp(argv[1], "seccomp") == 0)
		return cmd_seccomp(argv[2], argv[3]);
	fprintf(stderr, "usage: oci-fd-peer console SOCKET -- CMD... | seccomp SOCKET LOG\n");
	return 2;
}
