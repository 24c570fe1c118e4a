/* Network namespaces: bring the loopback interface up (rtnetlink, messages built and read with
 * libmnl).
 *
 * One request and no acknowledgement asked for: the kernel handles an rtnetlink request inside
 * sendmsg() itself, and queues an error report whether NLM_F_ACK is set or not.  So once
 * sendto() has returned, the socket holds either an error or nothing: a non-blocking read
 * tells which.  No mnl_socket (it is allocated with malloc, and bind + getsockname only learn a
 * port id that the check below does not need): socket, sendto, recv, close. */
#include "internal.h"

#if NSSET_BUILD_NET_NS

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

int nsset_loopback_up(struct nsset_error *err)
{
	union {
		char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))];
		struct nlmsghdr align;
	} req;
	/* An error report is an nlmsgerr with the request it answers (no extended ack asked). */
	union {
		char buf[1024];
		struct nlmsghdr align;
	} rep;
	const unsigned int seq = 1;
	int r = 0;

	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req.buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = 1; /* lo is always ifindex 1 in a new network namespace */
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;

	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot open a netlink socket");
	const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = nsset_fail_errno(err, errno, "cannot send to netlink");
		goto out;
	}
	ssize_t n = recv(fd, rep.buf, sizeof(rep.buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		goto out; /* no error report: lo is up */
	if (n < 0) {
		r = nsset_fail_errno(err, errno, "cannot read from netlink");
		goto out;
	}
	if ((size_t)n > sizeof(rep.buf)) {
		r = nsset_fail(err, EIO, "cannot bring the loopback interface up: oversized reply");
		goto out;
	}
	/* Port id 0: any (the kernel chose ours at sendto); the sequence number must match. */
	if (mnl_cb_run(rep.buf, (size_t)n, seq, 0, NULL, NULL) < 0)
		r = nsset_fail_errno(err, errno, "cannot bring the loopback interface up");
out:
	close(fd);
	return r;
}

#else

int nsset_loopback_up(struct nsset_error *err)
{
	return nsset_flags_check(NSSET_NET, err);
}

#endif
