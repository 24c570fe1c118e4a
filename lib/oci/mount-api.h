/* The new mount API (open_tree, fsopen/fsmount, move_mount, mount_setattr) wrapped for the
 * rootfs files.  Every function returns 0 / an fd, or -errno with err filled (WHAT names the
 * object in the message, e.g. "mounts[2]"). */
#ifndef NSSET_OCI_MOUNT_API_H
#define NSSET_OCI_MOUNT_API_H

#include "rootfs.h"

#include <sys/mount.h>

/* A detached copy of the mount at PATH (dfd-relative; "" + dfd for the fd itself). */
int oci_tree_clone(int dfd, const char *path, bool recursive, const char *what,
		   struct nsset_error *err);
/* The same with the per-mount attributes of oci_tree_set_flags(FLAGS, CLEAR) already set
 * (recursively when RECURSIVE): open_tree_attr() where the kernel has it. */
int oci_tree_clone_flags(int dfd, const char *path, bool recursive, unsigned long flags,
			 unsigned long clear, const char *what, struct nsset_error *err);
/* A detached new filesystem: TYPE, SOURCE (may be NULL), DATA ("k=v,flag,..."), MS_* FLAGS
 * (per-mount attributes go to fsmount, superblock ones to fsconfig). */
int oci_fs_new(const char *type, const char *source, const char *data, unsigned long flags,
	       const char *what, struct nsset_error *err);
/* The same for a proc filesystem of the pid namespace PIDNS_FD (-1: the caller's). */
int oci_fs_new_pidns(const char *type, const char *source, const char *data, unsigned long flags,
		     int pidns_fd, const char *what, struct nsset_error *err);
/* Set per-mount attributes from MS_* flags (set) and explicitly cleared MS_* (clear). */
int oci_tree_set_flags(int fd, bool recursive, unsigned long flags, unsigned long clear,
		       const char *what, struct nsset_error *err);
int oci_tree_set_propagation(int fd, unsigned long propagation, const char *what,
			     struct nsset_error *err);
int oci_tree_idmap(int fd, int userns_fd, bool recursive, const char *what,
		   struct nsset_error *err);
/* Attach the detached tree FD onto the object TARGETFD (an O_PATH fd). */
int oci_tree_attach(int fd, int targetfd, const char *what, struct nsset_error *err);
/* Attach it on NAME, a single component in the directory DIRFD (a symlink is not followed):
 * for mount points the caller has just made itself. */
int oci_tree_attach_at(int fd, int dirfd, const char *name, const char *what,
		       struct nsset_error *err);

/* mounts.c, for rootfs.c */
int oci_mount_one(const struct oci_config *c, size_t i, int rootfd,
		  const struct oci_rootfs_opts *o, struct nsset_error *err);
/* mount-cgroup.c: the detached tmpfs of a cgroup v1 / hybrid /sys/fs/cgroup mount M (the
 * hierarchies' directories with the container's cgroup bound read-only in each, the controller
 * links; read-only itself when M is), the hierarchies taken from CG when it covers the host's
 * /sys/fs/cgroup, else from /proc/self/mountinfo.  An fd, or a negative errno. */
int oci_cgroup_v1_tree(const struct oci_config *c, const struct oci_mount *m,
		       const struct oci_cgroup *cg, const char *what, struct nsset_error *err);
/* mount-proc.c: can the runtime make mounts[I] (a proc mount) with its masked and read-only
 * paths; the detached tree for the pid namespace PIDNS_FD, files masked with the null device
 * of the /dev tree DEVFD (-1: of a tmpfs of its own) (or a negative errno: the container
 * process makes it then); is PATH one of those paths, under a proc mount that came as a tree
 * in MOUNT_FDS? */
bool oci_proc_tree_wanted(const struct oci_config *c, size_t i);
int oci_proc_tree(const struct oci_config *c, size_t i, int pidns_fd, int devfd);
bool oci_proc_tree_covers(const struct oci_config *c, const int *mount_fds, const char *path);
/* mount-dev.c: the index of the mount the runtime can make (the tmpfs on /dev) with the
 * devices, the links and its tmpfs and devpts submounts, or -1; the detached tree in two
 * steps, the filesystem with the devices (an fd, or a negative errno: the container process
 * makes /dev then) and the rest (0, or a negative errno: drop the tree); is mounts[J] one of
 * the submounts of the /dev mounts[DEV] that came as a tree in MOUNT_FDS? */
long oci_dev_tree_index(const struct oci_config *c);
int oci_dev_tree_nodes(const struct oci_config *c, size_t i);
int oci_dev_tree_finish(const struct oci_config *c, size_t i, int dev);
bool oci_dev_tree_covers(const struct oci_config *c, const int *mount_fds, long dev, size_t j);
/* devices.c, for rootfs.c and mount-dev.c: all of /dev; the devices in DEV, the directory
 * /dev, each of them directly in it; /dev/console (with a terminal) and the standard links in
 * DEV; the default /dev/pts and /dev/shm mounts (N of them). */
int oci_devices_create(const struct oci_config *c, int rootfd, struct nsset_error *err);
int oci_devices_in_dev(const struct oci_config *c, int dev, struct nsset_error *err);
int oci_devices_links(const struct oci_config *c, int dev, struct nsset_error *err);
const struct oci_mount *oci_devices_default_mounts(size_t *n);
int oci_devices_validate(const struct oci_config *c, struct nsset_error *err);
/* mounts.c: the devpts options of M with what a usable /dev/ptmx needs (BUF, or M's own). */
const char *oci_devpts_data(const struct oci_mount *m, char *buf, size_t size);
/* A bind mount: type bind/rbind, or no type, or the bind option. */
bool oci_mount_is_bind(const struct oci_mount *m);
/* Is DEST (cleaned) the destination of one of c->mounts? */
bool oci_mounts_have(const struct oci_config *c, const char *dest);

#endif
