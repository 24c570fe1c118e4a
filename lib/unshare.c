/* nsset_unshare: the seeds' unshare_ns() for the caller, all or nothing.
 *
 * One unshare(2) call creates every selected namespace at once (the kernel does it all or
 * nothing).  The only step after it is making the mounts private (with NSSET_MNT, like
 * unshare(1)); what could make it fail is checked before, and should it fail anyway the caller
 * is moved back into its saved namespaces (possible unless a user namespace was created: the
 * caller then has no privilege over its old namespaces, and nsset_unshare says so).
 *
 * NSSET_PID and NSSET_TIME apply to the caller's children, not to the caller (as with
 * unshare(2)): the first child becomes pid 1 of the new pid namespace.
 */
#include "internal.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#if NSSET_BUILD_MNT_NS
/* Is / a mount point?  In a chroot it may not be, and making it private would fail. */
static int root_is_mount(struct nsset_error *err)
{
	struct statx sx;
	if (statx(AT_FDCWD, "/", 0, STATX_BASIC_STATS, &sx) < 0)
		return nsset_fail_errno(err, errno, "cannot look at /");
	if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	    !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return nsset_fail(err, EINVAL,
				  "/ is not a mount point (in a chroot?): cannot make mounts private");
	return 0;
}
#endif

/* The /proc/self/ns file that names what unshare(2) changes for each kind. */
static const char *ns_file(const struct nsset_kind *k, char *buf, size_t size)
{
	if (k->flag == NSSET_PID || k->flag == NSSET_TIME)
		snprintf(buf, size, "/proc/self/ns/%s_for_children", k->name);
	else
		snprintf(buf, size, "/proc/self/ns/%s", k->name);
	return buf;
}

int nsset_unshare(nsset_flags_t flags, struct nsset_error *err)
{
	size_t n;
	const struct nsset_kind *kinds = nsset_kinds(&n);
	int saved[16], r;

	if ((r = nsset_flags_check(flags, err)) < 0)
		return r;
	if (!flags)
		return 0;
#if NSSET_BUILD_MNT_NS
	if ((flags & NSSET_MNT) && (r = root_is_mount(err)) < 0)
		return r;
#endif
	/* Hold the current namespaces to go back to them. */
	for (size_t i = 0; i < n; i++) {
		char path[64];
		saved[i] = -1;
		if (!(flags & kinds[i].flag) || kinds[i].flag == NSSET_USER)
			continue;
		saved[i] = open(ns_file(&kinds[i], path, sizeof(path)), O_RDONLY | O_CLOEXEC);
		if (saved[i] < 0) {
			r = nsset_fail_errno(err, errno, "cannot open %s", path);
			goto out;
		}
	}
	if (unshare(nsset_flags_to_clone(flags)) < 0) {
		r = nsset_fail_errno(err, errno, "cannot create the namespaces");
		goto out;
	}
	r = 0;
#if NSSET_BUILD_MNT_NS
	if ((flags & NSSET_MNT) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		r = nsset_fail_errno(err, errno, "cannot make the mounts private");
		if (flags & NSSET_USER) {
			nsset_fail_errno(err, -r, "cannot make the mounts private, and a new user "
					 "namespace cannot be left again");
			goto out;
		}
		for (size_t i = n; i-- > 0;)
			if (saved[i] >= 0 && setns(saved[i], kinds[i].clone_flag) < 0)
				nsset_fail_errno(err, -r, "cannot make the mounts private, and cannot "
						 "go back to the old %s namespace", kinds[i].long_name);
	}
#endif
out:
	for (size_t i = 0; i < n; i++)
		if (saved[i] >= 0)
			close(saved[i]);
	return r;
}
