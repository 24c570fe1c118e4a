/* Mount trees the runtime makes for the container process and passes over a socket
 * (SCM_RIGHTS): idmapped binds for a container with a user namespace (a process inside one
 * cannot idmap a host filesystem), and a cgroup v1 /sys/fs/cgroup, built while the container
 * process makes its namespaces instead of after (a quarter of a millisecond on its way). */
#include "../internal.h"
#include "mount-api.h"

#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_FDS 253 /* SCM_MAX_FD */

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool oci_rootfs_needs_idmap_fds(const struct oci_config *c)
{
	if (!(c->ns_new & NSSET_USER) && !(c->ns_join & NSSET_USER))
		return false;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].idmap && oci_mount_is_bind(&c->mounts[i]))
			return true;
	return false;
}

/* Without a user namespace (whose root could not attach a tree the host made) or a cgroup
 * namespace (whose view is the child's own), a cgroup v1 /sys/fs/cgroup can be the runtime's. */
static bool cgroup_tree_by_runtime(const struct oci_config *c, const struct oci_mount *m)
{
	struct statfs sfs;
	return m->type && !strcmp(m->type, "cgroup") && !oci_mount_is_bind(m) &&
	       !((c->ns_new | c->ns_join) & (NSSET_USER | NSSET_CGROUP)) &&
	       statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type != CGROUP2_SUPER_MAGIC;
}

bool oci_rootfs_may_take_tree(const struct oci_config *c, size_t i)
{
	const struct oci_mount *m = &c->mounts[i];
	return oci_mount_is_bind(m) ? m->idmap
				    : m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "proc") ||
						  oci_dev_tree_index(c) == (long)i);
}

bool oci_rootfs_wants_early_trees(const struct oci_config *c)
{
	if (oci_dev_tree_index(c) >= 0)
		return true;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (oci_proc_tree_wanted(c, i))
			return true;
	return false;
}

/* The proc trees of mounts[FROM..TO) into FDS, masking with DEV's null device (or -1). */
static void proc_trees(const struct oci_config *c, size_t from, size_t to, int pidns_fd, int dev,
		       int *fds)
{
	for (size_t i = from; i < to; i++)
		if (oci_proc_tree_wanted(c, i) && (fds[i] = oci_proc_tree(c, i, pidns_fd, dev)) < 0)
			fds[i] = -1;
}

int oci_rootfs_early_trees(const struct oci_config *c, int pidns_fd, int *fds,
			   void (*flush)(void *arg, int *fds), void *arg)
{
	long di = oci_dev_tree_index(c);
	size_t d = di >= 0 ? (size_t)di : c->n_mounts;
	int n = 0, dev = -1;
	for (size_t i = 0; i < c->n_mounts; i++)
		fds[i] = -1; /* the container process makes it */
	/* /dev's devices first: /proc's masked files get its null device.  The trees listed
	 * before /dev (/proc, usually its first mount) go to the container process at once; /dev
	 * is finished meanwhile. */
	if (d < c->n_mounts && (dev = oci_dev_tree_nodes(c, d)) < 0)
		dev = -1;
	proc_trees(c, 0, d, pidns_fd, dev, fds);
	for (size_t i = 0; i < d; i++)
		n += fds[i] >= 0;
	if (n && d < c->n_mounts)
		flush(arg, fds);
	if (dev >= 0 && oci_dev_tree_finish(c, d, dev) < 0) {
		close(dev);
		dev = -1;
	}
	if (d < c->n_mounts) {
		fds[d] = dev;
		proc_trees(c, d + 1, c->n_mounts, pidns_fd, dev, fds);
	}
	n = 0;
	for (size_t i = 0; i < c->n_mounts; i++)
		n += fds[i] >= 0;
	return n;
}

bool oci_rootfs_wants_cgroup_tree(const struct oci_config *c)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (cgroup_tree_by_runtime(c, &c->mounts[i]))
			return true;
	return false;
}

int oci_rootfs_runtime_trees(const struct oci_config *c, const struct oci_cgroup *cg,
			     int userns_fd, int *fds, struct nsset_error *err)
{
	int r = 0, n = 0;
	if (userns_fd >= 0)
		r = oci_rootfs_open_idmapped(c, userns_fd, fds, err);
	else
		for (size_t i = 0; i < c->n_mounts; i++)
			fds[i] = -1;
	for (size_t i = 0; r == 0 && cg && i < c->n_mounts; i++) {
		if (!cgroup_tree_by_runtime(c, &c->mounts[i]))
			continue;
		char what[32];
		nsset_index_name(what, sizeof(what), "mounts", i);
		r = fds[i] = oci_cgroup_v1_tree(c, &c->mounts[i], cg, what, err);
	}
	if (r < 0) {
		oci_rootfs_close_fds(fds, c->n_mounts);
		return r;
	}
	for (size_t i = 0; i < c->n_mounts; i++)
		n += fds[i] >= 0;
	return n;
}

int oci_rootfs_trees_send(int sock, const struct oci_config *c, const int *fds, bool last,
			  struct nsset_error *err)
{
	int live[MAX_FDS];
	uint16_t idx[MAX_FDS];
	size_t k = 0;
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (fds[i] < 0)
			continue;
		if (k == MAX_FDS || i > UINT16_MAX)
			return nsset_fail(err, E2BIG, "mounts: more than %d trees to pass", MAX_FDS);
		idx[k] = (uint16_t)i;
		live[k++] = fds[i];
	}
	char tag = last ? 'E' : 'M';
	struct iovec iov[2] = { { .iov_base = &tag, .iov_len = 1 },
				{ .iov_base = idx, .iov_len = k * sizeof(uint16_t) } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
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
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)(1 + k * sizeof(uint16_t)))
		return nsset_fail_errno(err, errno, "cannot send the mount trees");
	return 0;
}

int oci_rootfs_trees_recv(int sock, const struct oci_config *c, int *fds, size_t from,
			  long *seen, bool *last, struct nsset_error *err)
{
	char tag = 0;
	uint16_t idx[MAX_FDS];
	struct iovec iov[2] = { { .iov_base = &tag, .iov_len = 1 },
				{ .iov_base = idx, .iov_len = sizeof(idx) } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	int got[MAX_FDS];
	size_t k = 0;
	for (struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t m = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k + m > MAX_FDS)
			m = MAX_FDS - k;
		memcpy(got + k, CMSG_DATA(cm), sizeof(int) * m);
		k += m;
	}
	bool ok = n >= 1 && (tag == 'M' || tag == 'E') && (size_t)(n - 1) == k * sizeof(uint16_t) &&
		  !(msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC));
	for (size_t j = 0; ok && j < k; j++)
		ok = idx[j] < c->n_mounts && (idx[j] < from || fds[idx[j]] < 0) &&
		     (j == 0 || idx[j] > idx[j - 1]);
	for (size_t j = 0; j < k; j++) {
		if (!ok || idx[j] < from) { /* malformed, or for a mount made already */
			close(got[j]);
			continue;
		}
		fds[idx[j]] = got[j];
		if ((long)idx[j] > *seen)
			*seen = idx[j];
	}
	if (!ok)
		return nsset_fail(err, EPROTO, "did not receive the mount trees");
	*last = tag == 'E';
	return 0;
}

int oci_rootfs_idmap_send(int sock, const struct oci_config *c, int userns_fd,
			  struct nsset_error *err)
{
	int *fds = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(int));
	if (!fds)
		return nsset_fail(err, ENOMEM, "out of memory");
	int r = oci_rootfs_open_idmapped(c, userns_fd, fds, err);
	if (r == 0)
		r = oci_rootfs_trees_send(sock, c, fds, true, err);
	oci_rootfs_close_fds(fds, c->n_mounts);
	free(fds);
	return r;
}

int oci_rootfs_idmap_recv(int sock, const struct oci_config *c, int *fds,
			  struct nsset_error *err)
{
	long seen = -1;
	bool last = false;
	for (size_t i = 0; i < c->n_mounts; i++)
		fds[i] = -1;
	int r = oci_rootfs_trees_recv(sock, c, fds, 0, &seen, &last, err);
	if (r == 0 && !last)
		r = nsset_fail(err, EPROTO, "the idmapped mounts came in more than one message");
	if (r < 0)
		oci_rootfs_close_fds(fds, c->n_mounts);
	return r;
}
