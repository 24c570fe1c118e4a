/* The new mount API: detached trees configured before they are attached to an fd, so no path is
 * looked up again after it was resolved inside the root. */
#include "../internal.h"
#include "mount-api.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467 /* Linux 6.15, the same number on every architecture */
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

unsigned long long oci_mount_attr_from_flags(unsigned long flags)
{
	unsigned long long a = 0;
	if (flags & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (flags & MS_NOSYMFOLLOW)
		a |= MOUNT_ATTR_NOSYMFOLLOW;
	/* atime is one field: the strongest request wins (noatime > strictatime > relatime). */
	if (flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

static bool atime_requested(unsigned long flags)
{
	return flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME);
}

unsigned long oci_propagation_type(unsigned long propagation)
{
	return propagation & (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE);
}

int oci_tree_clone(int dfd, const char *path, bool recursive, const char *what,
		   struct nsset_error *err)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	int fd = open_tree(dfd, path, flags);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "%s: cannot clone the mount at %s", what,
					*path ? path : "its source");
	return fd;
}

/* The kernel's own explanation of an fsconfig failure ("e tmpfs: Bad value for 'mode'"). */
static void fs_log(int fsfd, char *buf, size_t size)
{
	buf[0] = '\0';
	ssize_t n = read(fsfd, buf, size - 1);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (buf[0] && buf[1] == ' ')
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
}

static int fs_fail(int fsfd, struct nsset_error *err, int code, const char *what,
		   const char *step)
{
	char log[256];
	fs_log(fsfd, log, sizeof(log));
	if (log[0])
		return nsset_fail(err, code, "%s: %s: %s (%s)", what, step, strerror(code), log);
	return nsset_fail_errno(err, code, "%s: %s", what, step);
}

int oci_fs_new(const char *type, const char *source, const char *data, unsigned long flags,
	       const char *what, struct nsset_error *err)
{
	return oci_fs_new_pidns(type, source, data, flags, -1, what, err);
}

int oci_fs_new_pidns(const char *type, const char *source, const char *data, unsigned long flags,
		     int pidns_fd, const char *what, struct nsset_error *err)
{
	int fsfd = fsopen(type, FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		if (errno == ENODEV)
			return nsset_fail(err, -ENODEV, "%s: unknown filesystem type '%s'", what, type);
		return nsset_fail_errno(err, errno, "%s: cannot open a %s filesystem", what, type);
	}
	int r = 0;
	char step[300];
	if (pidns_fd >= 0 && fsconfig(fsfd, FSCONFIG_SET_FD, "pidns", NULL, pidns_fd) < 0) {
		r = fs_fail(fsfd, err, errno, what, "option 'pidns'");
		goto out;
	}
	if (source && *source &&
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0) {
		r = fs_fail(fsfd, err, errno, what, "source");
		goto out;
	}
	static const struct { unsigned long ms; const char *key; } sb[] = {
		{ MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
		{ MS_LAZYTIME, "lazytime" }, { MS_MANDLOCK, "mand" },
	};
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(sb); i++)
		if ((flags & sb[i].ms) && fsconfig(fsfd, FSCONFIG_SET_FLAG, sb[i].key, NULL, 0) < 0) {
			snprintf(step, sizeof(step), "option '%s'", sb[i].key);
			r = fs_fail(fsfd, err, errno, what, step);
			goto out;
		}
	if (data && *data) {
		char *copy = strdup(data);
		if (!copy) {
			r = nsset_fail(err, ENOMEM, "%s: out of memory", what);
			goto out;
		}
		for (char *save = NULL, *opt = strtok_r(copy, ",", &save); opt;
		     opt = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(opt, '=');
			int rc;
			if (eq) {
				*eq = '\0';
				rc = fsconfig(fsfd, FSCONFIG_SET_STRING, opt, eq + 1, 0);
				if (rc < 0)
					*eq = '=';
			} else {
				rc = fsconfig(fsfd, FSCONFIG_SET_FLAG, opt, NULL, 0);
			}
			if (rc < 0) {
				snprintf(step, sizeof(step), "option '%.200s'", opt);
				r = fs_fail(fsfd, err, errno, what, step);
				free(copy);
				goto out;
			}
		}
		free(copy);
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		snprintf(step, sizeof(step), "cannot create a %s filesystem", type);
		r = fs_fail(fsfd, err, errno, what, step);
		goto out;
	}
	r = fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned)oci_mount_attr_from_flags(flags));
	if (r < 0)
		r = fs_fail(fsfd, err, errno, what, "fsmount");
out:
	close(fsfd);
	return r;
}

static int setattr(int fd, bool recursive, struct mount_attr *a)
{
	unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	return mount_setattr(fd, "", flags, a, sizeof(*a)) < 0 ? -errno : 0;
}

/* The mount_setattr() request for MS_* FLAGS to set and CLEAR to clear. */
static struct mount_attr attr_request(unsigned long flags, unsigned long clear)
{
	struct mount_attr a = {
		.attr_set = oci_mount_attr_from_flags(flags),
		.attr_clr = oci_mount_attr_from_flags(clear & ~(MS_NOATIME | MS_STRICTATIME)),
	};
	if (atime_requested(flags) || (clear & (MS_NOATIME | MS_STRICTATIME)))
		a.attr_clr |= MOUNT_ATTR__ATIME;
	return a;
}

int oci_tree_clone_flags(int dfd, const char *path, bool recursive, unsigned long flags,
			 unsigned long clear, const char *what, struct nsset_error *err)
{
	struct mount_attr a = attr_request(flags, clear);
	if (a.attr_set || a.attr_clr) {
		/* open_tree_attr(): the copy and its attributes in one call.  On any failure (an
		 * older kernel, flags locked in a user namespace) the two steps below decide. */
		unsigned oflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0) |
				  (*path ? 0 : AT_EMPTY_PATH);
		long fd = syscall(SYS_open_tree_attr, dfd, path, oflags, &a, sizeof(a));
		if (fd >= 0)
			return (int)fd;
	}
	int fd = oci_tree_clone(dfd, path, recursive, what, err);
	if (fd < 0)
		return fd;
	int r = oci_tree_set_flags(fd, recursive, flags, clear, what, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int oci_tree_set_flags(int fd, bool recursive, unsigned long flags, unsigned long clear,
		       const char *what, struct nsset_error *err)
{
	struct mount_attr a = attr_request(flags, clear);
	if (!a.attr_set && !a.attr_clr)
		return 0;
	int r = setattr(fd, recursive, &a);
	if (r == -EPERM) {
		/* In a user namespace the flags inherited from the host are locked: keep them,
		 * still set what was asked (runc retries with the locked flags the same way). */
		a.attr_clr = 0;
		a.attr_set &= ~(unsigned long long)(MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME);
		r = a.attr_set ? setattr(fd, recursive, &a) : 0;
	}
	if (r < 0)
		return nsset_fail_errno(err, r, "%s: cannot set the mount flags", what);
	return 0;
}

int oci_tree_set_propagation(int fd, unsigned long propagation, const char *what,
			     struct nsset_error *err)
{
	unsigned long type = oci_propagation_type(propagation);
	if (!type)
		return 0;
	struct mount_attr a = { .propagation = type };
	int r = setattr(fd, propagation & MS_REC, &a);
	if (r < 0)
		return nsset_fail_errno(err, r, "%s: cannot set the mount propagation", what);
	return 0;
}

int oci_tree_idmap(int fd, int userns_fd, bool recursive, const char *what,
		   struct nsset_error *err)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd };
	int r = setattr(fd, recursive, &a);
	if (r < 0)
		return nsset_fail_errno(err, r, "%s: cannot make an idmapped mount%s", what,
					r == -EPERM ? " (needs the runtime's help: a user namespace cannot idmap a host filesystem)" : "");
	return 0;
}

int oci_tree_attach(int fd, int targetfd, const char *what, struct nsset_error *err)
{
	if (move_mount(fd, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return nsset_fail_errno(err, errno, "%s: cannot attach the mount", what);
	return 0;
}

int oci_tree_attach_at(int fd, int dirfd, const char *name, const char *what,
		       struct nsset_error *err)
{
	/* no MOVE_MOUNT_T_SYMLINKS: a symlink at NAME is not followed */
	if (move_mount(fd, "", dirfd, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return nsset_fail_errno(err, errno, "%s: cannot attach the mount on %s", what, name);
	return 0;
}
