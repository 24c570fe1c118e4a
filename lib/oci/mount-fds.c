/* Idmapped mounts for a container with a user namespace: the runtime (initial user namespace)
 * makes the detached idmapped trees and passes them to the container process over a socket
 * (SCM_RIGHTS), because a process inside a user namespace cannot idmap a host filesystem. */
#include "../internal.h"
#include "mount-api.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 253 /* SCM_MAX_FD */

bool oci_rootfs_needs_idmap_fds(const struct oci_config *c)
{
	if (!(c->ns_new & NSSET_USER) && !(c->ns_join & NSSET_USER))
		return false;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].idmap && oci_mount_is_bind(&c->mounts[i]))
			return true;
	return false;
}

int oci_rootfs_idmap_send(int sock, const struct oci_config *c, int userns_fd,
			  struct nsset_error *err)
{
	int *fds = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(int));
	int live[MAX_FDS];
	size_t k = 0;
	if (!fds)
		return nsset_fail(err, ENOMEM, "out of memory");
	int r = oci_rootfs_open_idmapped(c, userns_fd, fds, err);
	for (size_t i = 0; r == 0 && i < c->n_mounts; i++) {
		if (fds[i] < 0)
			continue;
		if (k == MAX_FDS) {
			r = nsset_fail(err, E2BIG, "mounts: more than %d idmapped mounts", MAX_FDS);
			break;
		}
		live[k++] = fds[i];
	}
	if (r == 0) {
		char byte = 'I';
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		union {
			char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
			struct cmsghdr align;
		} u;
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		if (k) {
			memset(&u, 0, sizeof(u));
			msg.msg_control = u.buf;
			msg.msg_controllen = CMSG_SPACE(sizeof(int) * k);
			struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * k);
			memcpy(CMSG_DATA(cm), live, sizeof(int) * k);
		}
		if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
			r = nsset_fail_errno(err, errno, "cannot send the idmapped mounts");
	}
	oci_rootfs_close_fds(fds, c->n_mounts);
	free(fds);
	return r;
}

int oci_rootfs_idmap_recv(int sock, const struct oci_config *c, int *fds,
			  struct nsset_error *err)
{
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	for (size_t i = 0; i < c->n_mounts; i++)
		fds[i] = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1 || byte != 'I')
		return nsset_fail(err, EPROTO, "did not receive the idmapped mounts");
	int got[MAX_FDS];
	size_t k = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t m = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k + m > MAX_FDS)
			m = MAX_FDS - k;
		memcpy(got + k, CMSG_DATA(cm), sizeof(int) * m);
		k += m;
	}
	size_t j = 0;
	for (size_t i = 0; i < c->n_mounts && j < k; i++)
		if (c->mounts[i].idmap && oci_mount_is_bind(&c->mounts[i]))
			fds[i] = got[j++];
	for (; j < k; j++) /* more than asked for: not ours to keep */
		close(got[j]);
	if (msg.msg_flags & MSG_CTRUNC) {
		oci_rootfs_close_fds(fds, c->n_mounts);
		return nsset_fail(err, EPROTO, "the idmapped mounts were truncated");
	}
	return 0;
}
