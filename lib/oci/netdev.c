/* linux.netDevices (config-linux.md, "Network Devices"): host interfaces moved into the
 * container's network namespace, renamed, with their permanent global addresses and up.
 *
 * rtnetlink by hand (a few fixed messages: no library, so that nsset still links statically):
 * the addresses are read in the host's namespace (moving a device drops them), the device is
 * moved with RTM_NEWLINK + IFLA_NET_NS_FD + IFLA_IFNAME (the kernel refuses a name in use and
 * fills a "%d" template), then a netlink socket made inside the container's namespace adds
 * the addresses back and sets the device up.  Nothing moves it back: the kernel returns a
 * physical device to the initial namespace, and destroys a virtual one, when the namespace
 * goes (as the specification wants). */
#include "oci/netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct saved_addr {
	struct ifaddrmsg ifa;
	unsigned char local[16], address[16], broadcast[16];
	size_t len;              /* of each address (4 or 16) */
	bool has_local, has_address, has_broadcast;
};

struct nlreq {
	struct nlmsghdr h;
	char buf[512];
};

static void add_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int nl_open(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return -errno;
	return s;
}

/* Send one request and read until its ACK (or, for a dump, NLMSG_DONE); each other message
 * goes to fn.  0, or the negative errno of the kernel's answer. */
static int nl_talk(int s, struct nlreq *r, void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	static unsigned seq;
	/* As large as the kernel's dump messages may be (iproute2 reads 32 KiB), aligned. */
	union {
		struct nlmsghdr h;
		char b[32768];
	} u;
	char *buf = u.b;
	r->h.nlmsg_seq = ++seq;
	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(s, &r->h, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(u), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error;
			}
			if (fn)
				fn(h, arg);
		}
	}
}

struct addr_list {
	int ifindex;
	struct saved_addr *v;
	size_t n, cap;
};

/* A permanent (IFA_F_PERMANENT) address of global scope of the device: kept. */
static void collect_addr(struct nlmsghdr *h, void *arg)
{
	struct addr_list *l = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return;
	struct saved_addr a = { .ifa = *ifa, .len = ifa->ifa_family == AF_INET6 ? 16 : 4 };
	unsigned flags = ifa->ifa_flags;
	int len = (int)IFA_PAYLOAD(h);
	for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t dl = RTA_PAYLOAD(rta);
		if (rta->rta_type == IFA_FLAGS && dl >= 4)
			memcpy(&flags, RTA_DATA(rta), 4);
		if (dl != a.len)
			continue;
		if (rta->rta_type == IFA_LOCAL)
			memcpy(a.local, RTA_DATA(rta), dl), a.has_local = true;
		else if (rta->rta_type == IFA_ADDRESS)
			memcpy(a.address, RTA_DATA(rta), dl), a.has_address = true;
		else if (rta->rta_type == IFA_BROADCAST)
			memcpy(a.broadcast, RTA_DATA(rta), dl), a.has_broadcast = true;
	}
	if (!(flags & IFA_F_PERMANENT) || (!a.has_local && !a.has_address))
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct saved_addr *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = a;
}

static void link_index(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)arg = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
}

/* The index of the device named name (or, if it has a "%d", the one that kept index old). */
static int find_link(int s, const char *name, int old)
{
	struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_GETLINK } };
	struct ifinfomsg *ifi = NLMSG_DATA(&r.h);
	int index = 0;
	if (strchr(name, '%'))
		ifi->ifi_index = old;
	else
		add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	int e = nl_talk(s, &r, link_index, &index);
	return e < 0 ? e : index > 0 ? index : -ENODEV;
}

/* A netlink socket of the container's network namespace (the runtime goes there and back). */
static int socket_in(int target_ns)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), in;
	if (self < 0)
		return -errno;
	if (setns(target_ns, CLONE_NEWNET) < 0) {
		in = -errno;
	} else {
		in = nl_open();
		if (setns(self, CLONE_NEWNET) < 0)
			abort(); /* the runtime must not stay in the container's network */
	}
	close(self);
	return in;
}

static int add_addresses(int in, int index, const struct addr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct saved_addr *a = &l->v[i];
		struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
					  .nlmsg_type = RTM_NEWADDR, .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };
		struct ifaddrmsg *ifa = NLMSG_DATA(&r.h);
		*ifa = a->ifa;
		ifa->ifa_index = (unsigned)index;
		if (a->has_local)
			add_attr(&r, IFA_LOCAL, a->local, a->len);
		if (a->has_address)
			add_attr(&r, IFA_ADDRESS, a->address, a->len);
		if (a->has_broadcast)
			add_attr(&r, IFA_BROADCAST, a->broadcast, a->len);
		int e = nl_talk(in, &r, NULL, NULL);
		if (e < 0 && e != -EEXIST)
			return e;
	}
	struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK } };
	struct ifinfomsg *ifi = NLMSG_DATA(&r.h);
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_talk(in, &r, NULL, NULL);
}

static int move_one(int host, int in, int target_ns, const char *from, const char *to,
		    struct nsset_error *err)
{
	int index = (int)if_nametoindex(from);
	if (!index)
		return nsset_fail(err, ENODEV, "linux.netDevices.%s: no such network device on the host", from);
	/* The name first: the kernel would move the device and then refuse the name. */
	if (!strchr(to, '%') && find_link(in, to, 0) > 0)
		return nsset_fail(err, EEXIST, "linux.netDevices.%s: a device named %s is already in the container", from, to);
	struct addr_list l = { .ifindex = index };
	struct nlreq r = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_GETADDR,
				  .nlmsg_flags = NLM_F_DUMP } };
	int e = nl_talk(host, &r, collect_addr, &l);
	if (e < 0) {
		free(l.v);
		return nsset_fail_errno(err, -e, "linux.netDevices.%s: cannot read its addresses", from);
	}
	r = (struct nlreq){ .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK } };
	((struct ifinfomsg *)NLMSG_DATA(&r.h))->ifi_index = index;
	uint32_t fd = (uint32_t)target_ns;
	add_attr(&r, IFLA_NET_NS_FD, &fd, sizeof(fd));
	add_attr(&r, IFLA_IFNAME, to, strlen(to) + 1);
	if ((e = nl_talk(host, &r, NULL, NULL)) < 0) {
		free(l.v);
		return nsset_fail_errno(err, -e, "linux.netDevices.%s: cannot move it into the container as %s", from, to);
	}
	int ni = find_link(in, to, index);
	e = ni < 0 ? ni : add_addresses(in, ni, &l);
	free(l.v);
	if (e < 0)
		return nsset_fail_errno(err, -e, "linux.netDevices.%s: cannot set up %s in the container (addresses, up)", from, to);
	return 0;
}

int oci_netdevs_move(const struct oci_config *c, pid_t pid, struct nsset_error *err)
{
	if (!c->n_net_devices)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return nsset_fail_errno(err, errno, "linux.netDevices: cannot open the container's network namespace");
	int host = nl_open(), in = socket_in(ns), r = 0;
	if (host < 0 || in < 0)
		r = nsset_fail_errno(err, host < 0 ? -host : -in, "linux.netDevices: cannot open a netlink socket %s",
				     host < 0 ? "on the host" : "in the container's network namespace");
	for (size_t i = 0; r == 0 && i < c->n_net_devices; i++)
		r = move_one(host, in, ns, c->net_devices[i].host,
			     c->net_devices[i].name ? c->net_devices[i].name : c->net_devices[i].host, err);
	if (in >= 0)
		close(in);
	if (host >= 0)
		close(host);
	close(ns);
	return r;
}
