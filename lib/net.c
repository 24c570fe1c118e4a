/* Network namespaces: bring the loopback interface up (rtnetlink through libmnl). */
#include "internal.h"

#if NSSET_BUILD_NET_NS

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int nsset_loopback_up(struct nsset_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE > 8192 ? 8192 : MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	int r = 0;

	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = 1; /* lo is always ifindex 1 in a new network namespace */
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return nsset_fail_errno(err, errno, "cannot open a netlink socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = nsset_fail_errno(err, errno, "cannot bind the netlink socket");
		goto out;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = nsset_fail_errno(err, errno, "cannot send to netlink");
		goto out;
	}
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		r = nsset_fail_errno(err, errno, "cannot read from netlink");
		goto out;
	}
	if (mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(nl), NULL, NULL) < 0)
		r = nsset_fail_errno(err, errno, "cannot bring the loopback interface up");
out:
	mnl_socket_close(nl);
	return r;
}

#else

int nsset_loopback_up(struct nsset_error *err)
{
	return nsset_flags_check(NSSET_NET, err);
}

#endif
