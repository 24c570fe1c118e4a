/* The one table that describes each namespace kind.  No other place lists the kinds. */
#include "internal.h"

#include <sched.h>
#include <string.h>
#include <stdio.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct nsset_kind kinds[] = {
	{ "mnt",    "mount",   "mnt_ns",    NSSET_MNT,    CLONE_NEWNS,     NSSET_BUILD_MNT_NS, 'm', "mount" },
	{ "uts",    "UTS",     "uts_ns",    NSSET_UTS,    CLONE_NEWUTS,    NSSET_BUILD_UTS_NS, 'u', "uts" },
	{ "ipc",    "IPC",     "ipc_ns",    NSSET_IPC,    CLONE_NEWIPC,    NSSET_BUILD_IPC_NS, 'i', "ipc" },
	{ "pid",    "pid",     "pid_ns",    NSSET_PID,    CLONE_NEWPID,    NSSET_BUILD_PID_NS, 'p', "pid" },
	{ "net",    "network", "net_ns",    NSSET_NET,    CLONE_NEWNET,    NSSET_BUILD_NET_NS, 'n', "net" },
	{ "user",   "user",    "user_ns",   NSSET_USER,   CLONE_NEWUSER,   NSSET_BUILD_USER_NS, 'U', "user" },
	{ "cgroup", "cgroup",  "cgroup_ns", NSSET_CGROUP, CLONE_NEWCGROUP, NSSET_BUILD_CGROUP_NS, 'C', "cgroup" },
	{ "time",   "time",    "time_ns",   NSSET_TIME,   CLONE_NEWTIME,   NSSET_BUILD_TIME_NS, 'T', "time" },
};

_Static_assert(NSSET_ARRAY_SIZE(kinds) == 8, "one row per NSSET_* flag");

const struct nsset_kind *nsset_kinds(size_t *n)
{
	if (n)
		*n = NSSET_ARRAY_SIZE(kinds);
	return kinds;
}

const struct nsset_kind *nsset_kind_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

const struct nsset_kind *nsset_kind_by_flag(nsset_flags_t flag)
{
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if (kinds[i].flag == flag)
			return &kinds[i];
	return NULL;
}

const struct nsset_kind *nsset_kind_by_clone_flag(int clone_flag)
{
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if (kinds[i].clone_flag == clone_flag)
			return &kinds[i];
	return NULL;
}

nsset_flags_t nsset_flags_built(void)
{
	nsset_flags_t built = 0;
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if (kinds[i].built)
			built |= kinds[i].flag;
	return built;
}

int nsset_flags_check(nsset_flags_t flags, struct nsset_error *err)
{
	if (flags & ~NSSET_ALL)
		return nsset_fail(err, EINVAL, "unknown namespace flag bits 0x%llx",
				  (unsigned long long)(flags & ~NSSET_ALL));
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if ((flags & kinds[i].flag) && !kinds[i].built)
			return nsset_fail(err, EINVAL,
					  "%s namespaces are not built into this nsset (-D%s=false)",
					  kinds[i].long_name,
					  NSSET_BUILD_NAMESPACES ? kinds[i].option : "namespaces");
	return 0;
}

int nsset_flags_to_clone(nsset_flags_t flags)
{
	int clone_flags = 0;
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++)
		if (flags & kinds[i].flag)
			clone_flags |= kinds[i].clone_flag;
	return clone_flags;
}

int nsset_flags_parse(const char *list, nsset_flags_t *flags, struct nsset_error *err)
{
	nsset_flags_t out = 0;
	const char *p = list;

	if (!list || !*list)
		return nsset_fail(err, EINVAL, "empty list of namespace kinds");
	while (*p) {
		size_t len = strcspn(p, ",");
		char name[16];
		if (len == 0 || len >= sizeof(name))
			return nsset_fail(err, EINVAL, "invalid namespace kind in '%s'", list);
		memcpy(name, p, len);
		name[len] = '\0';
		const struct nsset_kind *k = nsset_kind_by_name(name);
		if (k)
			out |= k->flag;
		else if (strcmp(name, "all") == 0)
			out |= NSSET_ALL;
		else
			return nsset_fail(err, EINVAL, "unknown namespace kind '%s'", name);
		p += len;
		if (*p == ',') {
			p++;
			if (!*p)
				return nsset_fail(err, EINVAL, "invalid namespace kind in '%s'", list);
		}
	}
	*flags = out;
	return 0;
}

int nsset_flags_format(nsset_flags_t flags, char *buf, size_t size)
{
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(kinds); i++) {
		if (!(flags & kinds[i].flag))
			continue;
		int n = snprintf(buf + used, size > used ? size - used : 0, "%s%s",
				 used ? "," : "", kinds[i].name);
		if (n < 0 || used + (size_t)n >= size)
			return -ENOSPC;
		used += (size_t)n;
	}
	return 0;
}
