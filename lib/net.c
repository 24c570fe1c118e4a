/* Network namespaces: bring the loopback interface up.
 *
 * SIOCGIFFLAGS / SIOCSIFFLAGS on "lo" through a datagram socket of the namespace: the same
 * dev_change_flags() in the kernel as an rtnetlink RTM_NEWLINK request, in four system calls
 * (socket, two ioctls, close) and without a netlink library, so that nsset needs no shared
 * library but libc and can be linked statically (-Dstatic=true). */
#include "internal.h"

#if NSSET_BUILD_NET_NS

#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int nsset_loopback_up(struct nsset_error *err)
{
	struct ifreq ifr;
	int r = 0;

	/* AF_UNIX: no protocol family of the network is needed for an interface ioctl. */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot open a socket");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = nsset_fail_errno(err, errno, "cannot read the flags of the loopback interface");
		goto out;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = nsset_fail_errno(err, errno, "cannot bring the loopback interface up");
	}
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
