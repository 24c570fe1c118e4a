/* The container's root filesystem: mounts, devices, pivot_root, masked and read-only paths,
 * sysctl, hostname.  Internal to libnsset (the lifecycle engine calls these).
 *
 * Order of use (the engine):
 *   before anything is created:  oci_rootfs_validate() (= oci_mounts_validate() +
 *                                oci_sysctl_validate() + devices/masked/readonly paths)
 *   in the runtime, only when oci_rootfs_needs_idmap_fds() (mounts with "idmap" and a user
 *                                namespace): once the maps are written, oci_rootfs_idmap_send()
 *                                with the container's user ns fd; the child gets them with
 *                                oci_rootfs_idmap_recv() into oci_rootfs_opts.mount_fds
 *   in the container child, in its new mount namespace (user ns maps already written):
 *                                oci_rootfs_prepare_opts() (or oci_rootfs_prepare()), then
 *                                oci_set_hostname(), then oci_sysctl_apply() (needs the
 *                                container's /proc mounted by config.mounts), then
 *                                oci_rootfs_finalize() (masked/read-only paths, read-only root,
 *                                rootfsPropagation).  oci_rootfs_setup() does all four.
 *
 * No function prints; errors name the config path when they come from the config, e.g.
 * "mounts[3].destination: '..' leads outside the root filesystem". */
#ifndef NSSET_OCI_ROOTFS_H
#define NSSET_OCI_ROOTFS_H

#include "config.h"

struct oci_cgroup;

/* The receiving side of the runtime's mount trees: the socket (-1 once the last message
 * came) and the highest mount index received so far (-1). */
struct oci_tree_stream {
	int sock;
	long seen;
};

#include <stdbool.h>
#include <stddef.h>

struct oci_rootfs_opts {
	bool no_pivot;             /* --no-pivot: MS_MOVE + chroot instead of pivot_root */
	/* Detached mount trees made in the runtime (oci_rootfs_runtime_trees), one per mount
	 * (c->n_mounts entries, -1 where none), or NULL.  The child attaches them; it does not
	 * close them. */
	const int *mount_fds;
	/* The runtime's trees still to come (into mount_fds), or NULL: they arrive in messages
	 * (oci_rootfs_trees_recv) in the order of their mounts; before the first mount that
	 * may take one, messages are received until one reaches that mount or is the last. */
	struct oci_tree_stream *trees;
	/* The container's user namespace, for idmapped mounts done in the child itself (when
	 * the filesystem allows it), -1 / 0 = /proc/self/ns/user. */
	int userns_fd;
	/* The container's cgroup as the runtime made it (oci_cgroup_create, in the child's copy
	 * of the runtime's memory), or NULL.  With it, a cgroup v1 /sys/fs/cgroup mount without
	 * a cgroup namespace takes the hierarchies and the container's directory in each from
	 * there instead of reading /proc/self/mountinfo and /proc/self/cgroup again (~0.15 ms). */
	const struct oci_cgroup *cgroup;
};

/* Validation, callable before anything is created (no side effect). */
int oci_mounts_validate(const struct oci_config *c, struct nsset_error *err);
int oci_sysctl_validate(const struct oci_config *c, struct nsset_error *err);
/* The two above, plus devices[], maskedPaths, readonlyPaths, rootfsPropagation, hostname /
 * domainname (need a uts namespace), root.path, and a NEW mount namespace (required: without
 * one every step would change the host's mounts).  oci_rootfs_prepare* call it again. */
int oci_rootfs_validate(const struct oci_config *c, struct nsset_error *err);

/* In the container child: propagation, root bind, mounts[], default and configured devices,
 * pivot_root (or MS_MOVE + chroot).  Afterwards the cwd is the new "/". */
int oci_rootfs_prepare(const struct oci_config *c, struct nsset_error *err);
int oci_rootfs_prepare_opts(const struct oci_config *c, const struct oci_rootfs_opts *o,
			    struct nsset_error *err);
/* After prepare (and sysctl): maskedPaths, readonlyPaths, root.readonly, rootfsPropagation. */
int oci_rootfs_finalize(const struct oci_config *c, struct nsset_error *err);
/* The same, leaving alone the paths under a proc mount that came as a tree in o->mount_fds. */
int oci_rootfs_finalize_opts(const struct oci_config *c, const struct oci_rootfs_opts *o,
			     struct nsset_error *err);
/* hostname / domainname (needs a UTS namespace in the config when set). */
int oci_set_hostname(const struct oci_config *c, struct nsset_error *err);
/* Write linux.sysctl into /proc/sys (the container's /proc, after prepare). */
int oci_sysctl_apply(const struct oci_config *c, struct nsset_error *err);
/* After prepare (terminal: true): bind the pty slave PTY_FD (opened from the container's
 * /dev/ptmx) onto /dev/console.  prepare already made the empty /dev/console file when
 * c->process.terminal (the root may be read-only by then). */
int oci_rootfs_bind_console(int pty_fd, struct nsset_error *err);
/* prepare + hostname + sysctl + finalize, in that order. */
int oci_rootfs_setup(const struct oci_config *c, const struct oci_rootfs_opts *o,
		     struct nsset_error *err);

/* In the runtime (initial user namespace, CAP_SYS_ADMIN): for each mount with "idmap"/"ridmap",
 * a detached clone of its source idmapped to userns_fd; fds[i] = -1 for the others.  fds has
 * c->n_mounts entries.  On failure every fd opened is closed. */
int oci_rootfs_open_idmapped(const struct oci_config *c, int userns_fd, int *fds,
			     struct nsset_error *err);
void oci_rootfs_close_fds(int *fds, size_t n);
/* The same over a socket, for the engine: does the config need it (idmap binds + a user
 * namespace)?  Runtime, once the maps are written: oci_rootfs_idmap_send(sock, c,
 * open("/proc/PID/ns/user")) sends one message (oci_rootfs_trees_send); container process:
 * oci_rootfs_idmap_recv(sock, c, fds) fills fds[c->n_mounts] (-1 where none) for
 * oci_rootfs_opts.mount_fds, then closes them after oci_rootfs_setup(). */
bool oci_rootfs_needs_idmap_fds(const struct oci_config *c);
int oci_rootfs_idmap_send(int sock, const struct oci_config *c, int userns_fd,
			  struct nsset_error *err);
int oci_rootfs_idmap_recv(int sock, const struct oci_config *c, int *fds,
			  struct nsset_error *err);
/* The trees the runtime makes for the container process, fds[c->n_mounts] (-1 where none):
 * early, once the container process exists (PIDNS_FD: its pid namespace), the proc mounts it
 * can make with their masked and read-only paths (oci_proc_tree_wanted) and /dev with its
 * devices, links and submounts (oci_dev_tree_index), a tree dropped rather than failed (the
 * trees listed before /dev are handed to FLUSH as soon as they are made: it sends and closes
 * them, and sets their fds to -1); late, the idmapped binds (userns_fd >= 0) and, with CG and
 * neither a user nor a cgroup namespace, each cgroup v1 /sys/fs/cgroup mount
 * (oci_cgroup_v1_tree).  Each returns how many it made (and left in FDS), or a negative errno
 * with every fd of its own closed. */
int oci_rootfs_early_trees(const struct oci_config *c, int pidns_fd, int *fds,
			   void (*flush)(void *arg, int *fds), void *arg);
int oci_rootfs_runtime_trees(const struct oci_config *c, const struct oci_cgroup *cg,
			     int userns_fd, int *fds, struct nsset_error *err);
/* Does the config have a mount that oci_rootfs_early_trees / oci_rootfs_runtime_trees (given
 * a cgroup) would make? */
bool oci_rootfs_wants_early_trees(const struct oci_config *c);
bool oci_rootfs_wants_cgroup_tree(const struct oci_config *c);
/* One message: 'M' (more follow) or 'E' (the last), the mounts' indexes (uint16, ascending),
 * the trees (SCM_RIGHTS).  recv stores each into fds[index], but closes those for a mount
 * before FROM (made already: too late to use), raises *seen to the highest index stored and
 * sets *last; an index out of range, out of order or already set makes the message malformed
 * (-EPROTO), and everything it brought is closed. */
int oci_rootfs_trees_send(int sock, const struct oci_config *c, const int *fds, bool last,
			  struct nsset_error *err);
int oci_rootfs_trees_recv(int sock, const struct oci_config *c, int *fds, size_t from,
			  long *seen, bool *last, struct nsset_error *err);
/* Can mounts[i] be one of those trees (an idmapped bind, a proc or cgroup mount)? */
bool oci_rootfs_may_take_tree(const struct oci_config *c, size_t i);

/* ---- helpers shared by lib/oci/{rootfs,mounts,devices,paths,sysctl}.c (and unit tests) ---- */

/* Lexically clean an absolute path ("//a/./b/../c" -> "/a/c").  -EINVAL when not absolute,
 * -EXDEV when a ".." climbs above "/", -ENAMETOOLONG when it does not fit in size. */
int oci_path_clean(const char *in, char *out, size_t size);
/* Undo mountinfo's escapes (" \t\n\\" written as \ooo) in place. */
void oci_mountinfo_unescape(char *s);
/* Open PATH inside ROOTFD as if ROOTFD were "/" (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS,
 * or a component walk with O_NOFOLLOW when openat2 is missing).  O_PATH|O_CLOEXEC fd or -errno.
 * create: 0 = must exist, 'd' = make missing directories, 'f' = directories + an empty file
 * as the last component.  Never follows a symlink out of the root. */
int oci_open_in_root(int rootfd, const char *path, int create);
/* Force the component-walk fallback (tests). */
void oci_paths_force_walk(bool on);

/* MS_* flags -> MOUNT_ATTR_* (the per-mount attributes mount_setattr can set). */
unsigned long long oci_mount_attr_from_flags(unsigned long flags);
/* The MS_* propagation bits -> MS_PRIVATE etc. without MS_REC; 0 when none. */
unsigned long oci_propagation_type(unsigned long propagation);

#endif
