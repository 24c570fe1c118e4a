/* The run set-up, in the child, inside the new namespaces: mount propagation, hostname, new
 * root, a fresh /proc, working directory, loopback.  Each step compiled out with its kind. */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#if NSSET_BUILD_MNT_NS
static int mount_proc(const char *where, struct nsset_error *err)
{
	if (mount("proc", where, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return nsset_fail_errno(err, errno, "cannot mount proc on /proc");
	return 0;
}

/* pivot_root(2) into dir: bind it onto itself (pivot_root wants a mount point), pivot with
 * the old root stacked on the new one, then detach the old root.  A new /proc is mounted
 * before the old root goes: in a user namespace the kernel allows a proc mount only while a
 * full proc is visible. */
static int pivot(const char *dir, bool proc, struct nsset_error *err)
{
	int r;
	if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return nsset_fail_errno(err, errno, "cannot bind-mount the new root %s", dir);
	if (chdir(dir) < 0)
		return nsset_fail_errno(err, errno, "cannot enter the new root %s", dir);
	if (proc && (r = mount_proc("proc", err)) < 0)
		return r;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return nsset_fail_errno(err, errno, "cannot pivot into the new root %s", dir);
	if (umount2(".", MNT_DETACH) < 0)
		return nsset_fail_errno(err, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return nsset_fail_errno(err, errno, "cannot enter the new root");
	return 0;
}

static int mounts(const struct nsset_spawn *o, struct nsset_error *err)
{
	/* Nothing mounted here propagates back to the caller's namespace (unshare(1) does the
	 * same). */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return nsset_fail_errno(err, errno, "cannot make the mounts private");
	if (o->root)
		return pivot(o->root, o->mount_proc, err);
	if (o->mount_proc)
		return mount_proc("/proc", err);
	return 0;
}
#endif

int nsset__child_setup(const struct nsset_spawn *o, struct nsset_error *err)
{
	int r = 0;
#if NSSET_BUILD_MNT_NS
	if ((o->flags & NSSET_MNT) && (r = mounts(o, err)) < 0)
		return r;
#endif
#if NSSET_BUILD_UTS_NS
	if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
		return nsset_fail_errno(err, errno, "cannot set the hostname to %s", o->hostname);
#endif
	if (o->cwd && chdir(o->cwd) < 0)
		return nsset_fail_errno(err, errno, "cannot change directory to %s", o->cwd);
#if NSSET_BUILD_NET_NS
	if ((o->flags & NSSET_NET) && (r = nsset_loopback_up(err)) < 0)
		return r;
#endif
	return r;
}
