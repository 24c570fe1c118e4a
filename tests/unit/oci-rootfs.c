/* Unit tests for lib/oci/rootfs.h: path cleaning, resolution inside a root (openat2 and the
 * O_NOFOLLOW walk), validation messages, MS_* -> MOUNT_ATTR_* mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "oci/rootfs.h"

static void clean(void **state)
{
	(void)state;
	static const struct { const char *in, *out; int r; } t[] = {
		{ "/", "/", 0 }, { "//a//b/", "/a/b", 0 }, { "/a/./b/../c", "/a/c", 0 },
		{ "/a/..", "/", 0 }, { "/a/b/../../c", "/c", 0 }, { "/..", NULL, -EXDEV },
		{ "/a/../../etc", NULL, -EXDEV }, { "/../../../etc", NULL, -EXDEV },
		{ "a/b", NULL, -EINVAL }, { "", NULL, -EINVAL }, { "/...", "/...", 0 },
		{ "/a/..b", "/a/..b", 0 },
	};
	char out[PATH_MAX];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = oci_path_clean(t[i].in, out, sizeof(out));
		assert_int_equal(r, t[i].r);
		if (!r)
			assert_string_equal(out, t[i].out);
	}
	char small[4];
	assert_int_equal(oci_path_clean("/abcdef", small, sizeof(small)), -ENAMETOOLONG);
	assert_int_equal(oci_path_clean(NULL, out, sizeof(out)), -EINVAL);
}

static void attrs(void **state)
{
	(void)state;
	assert_int_equal(oci_mount_attr_from_flags(0), 0);
	assert_int_equal(oci_mount_attr_from_flags(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC),
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	assert_int_equal(oci_mount_attr_from_flags(MS_NOATIME), MOUNT_ATTR_NOATIME);
	assert_int_equal(oci_mount_attr_from_flags(MS_STRICTATIME), MOUNT_ATTR_STRICTATIME);
	assert_int_equal(oci_mount_attr_from_flags(MS_RELATIME), MOUNT_ATTR_RELATIME);
	assert_int_equal(oci_mount_attr_from_flags(MS_NOATIME | MS_STRICTATIME), MOUNT_ATTR_NOATIME);
	assert_int_equal(oci_mount_attr_from_flags(MS_NODIRATIME), MOUNT_ATTR_NODIRATIME);
	/* bind / rec / superblock flags are not per-mount attributes */
	assert_int_equal(oci_mount_attr_from_flags(MS_BIND | MS_REC | MS_SYNCHRONOUS), 0);
	assert_int_equal(oci_propagation_type(MS_SHARED | MS_REC), MS_SHARED);
	assert_int_equal(oci_propagation_type(MS_REC), 0);
}

/* ---- resolution inside a root ---- */

static char base[64];

static int setup_root(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/nsset-unit-rootfs.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	char p[PATH_MAX];
	static const char *dirs[] = { "root", "root/etc", "root/a", "root/a/b", "outside" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, dirs[i]);
		if (mkdir(p, 0755) < 0)
			return -1;
	}
	static const struct { const char *target, *name; } links[] = {
		{ "/etc", "root/etc2" },                    /* absolute: the root's /etc */
		{ "../../../../../../../../etc", "root/etc3" }, /* climbs: clamped to the root */
		{ "../outside", "root/esc" },               /* relative escape */
		{ "/nonexistent/deep", "root/dangling" },
		{ "b", "root/a/lb" },
		{ "loop2", "root/loop1" }, { "loop1", "root/loop2" },
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, links[i].name);
		if (symlink(links[i].target, p) < 0)
			return -1;
	}
	snprintf(p, sizeof(p), "%s/root/etc/file", base);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown_root(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	oci_paths_force_walk(false);
	return system(cmd) == 0 ? 0 : -1;
}

/* The path of an O_PATH fd, relative to base. */
static const char *where(int fd)
{
	static char out[PATH_MAX];
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, out, sizeof(out) - 1);
	if (n < 0)
		return "?";
	out[n] = '\0';
	size_t bl = strlen(base);
	return strncmp(out, base, bl) ? out : out + bl;
}

static void resolve_cases(bool walk)
{
	oci_paths_force_walk(walk);
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/root", base);
	int root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	static const struct { const char *path; int create; const char *expect; int err; } t[] = {
		{ "/etc", 0, "/root/etc", 0 },
		{ "/etc2", 0, "/root/etc", 0 },
		{ "/etc2/file", 0, "/root/etc/file", 0 },
		{ "/etc3/file", 0, "/root/etc/file", 0 },
		{ "/../../etc", 0, "/root/etc", 0 },
		{ "/a/lb/../../etc", 0, "/root/a/../etc", 0 }, /* fixed below */
		{ "/esc", 0, NULL, -ENOENT },                 /* ../outside clamped: /outside */
		{ "/esc", 'd', "/root/outside", 0 },
		{ "/dangling", 'd', "/root/nonexistent/deep", 0 },
		{ "/etc2/new/sub", 'd', "/root/etc/new/sub", 0 },
		{ "/etc2/newfile", 'f', "/root/etc/newfile", 0 },
		{ "/etc/file/x", 'd', NULL, -ENOTDIR },
		{ "/loop1", 0, NULL, -ELOOP },
		{ "/missing", 0, NULL, -ENOENT },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int fd = oci_open_in_root(root, t[i].path, t[i].create);
		if (t[i].err) {
			if (fd >= 0)
				fail_msg("%s (%s): expected %d, resolved to %s", t[i].path,
					 walk ? "walk" : "openat2", t[i].err, where(fd));
			assert_int_equal(fd, t[i].err);
			continue;
		}
		if (fd < 0)
			fail_msg("%s (%s): %s", t[i].path, walk ? "walk" : "openat2", strerror(-fd));
		const char *expect = t[i].expect;
		if (!strcmp(t[i].path, "/a/lb/../../etc"))
			expect = "/root/etc"; /* lb -> b: /a/b/../../etc = /etc */
		assert_string_equal(where(fd), expect);
		close(fd);
	}
	/* nothing was created outside the root */
	snprintf(p, sizeof(p), "%s/outside", base);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/nonexistent", base);
	assert_int_equal(stat(p, &st), -1);
	close(root);
	/* the second pass finds what the first created: remove it */
	static const char *made[] = { "root/outside", "root/nonexistent/deep", "root/nonexistent",
				      "root/etc/new/sub", "root/etc/new", "root/etc/newfile" };
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, made[i]);
		assert_int_equal(remove(p), 0);
	}
}

static void resolve_openat2(void **state)
{
	(void)state;
	resolve_cases(false);
}

static void resolve_walk(void **state)
{
	(void)state;
	resolve_cases(true);
}

/* ---- validation ---- */

static void expect_invalid(const struct oci_config *c, const char *msg)
{
	struct nsset_error err = { 0 };
	assert_int_equal(oci_rootfs_validate(c, &err), -EINVAL);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' does not contain '%s'", err.msg, msg);
}

static void validate_mounts(void **state)
{
	(void)state;
	struct oci_mount m[2] = {
		{ .destination = "/proc", .type = "proc", .source = "proc" },
		{ .destination = "/data", .type = "bind", .source = "/tmp", .flags = MS_BIND },
	};
	struct oci_config c = { .root_path = "/r", .mounts = m, .n_mounts = 2, .ns_new = NSSET_MNT };
	struct nsset_error err = { 0 };
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
	assert_int_equal(oci_mounts_validate(&c, &err), 0);

	m[1].destination = "data";
	expect_invalid(&c, "mounts[1].destination: must be an absolute path");
	m[1].destination = "/../etc";
	expect_invalid(&c, "mounts[1].destination: '..' leads outside the root filesystem");
	m[1].destination = "/a/b/../../../etc";
	expect_invalid(&c, "mounts[1].destination: '..'");
	m[1].destination = "/a/..";
	expect_invalid(&c, "mounts[1].destination: cannot mount over the container's root");
	m[1].destination = NULL;
	expect_invalid(&c, "mounts[1].destination: required");
	m[1].destination = "/data";
	m[1].source = NULL;
	expect_invalid(&c, "mounts[1].source: required for a bind mount");
	m[1].source = "/tmp";
	m[0].type = "nosuchfs";
	expect_invalid(&c, "mounts[0].type: unknown filesystem type 'nosuchfs'");
	m[0].type = "../proc";
	expect_invalid(&c, "mounts[0].type: unknown filesystem type");
	m[0].type = NULL;
	expect_invalid(&c, "mounts[0].type: required unless options has bind");
	m[0].type = "none";
	expect_invalid(&c, "mounts[0].type: 'none' needs the bind");
	m[0].type = "proc";
	m[0].propagation = MS_SHARED | MS_SLAVE;
	expect_invalid(&c, "mounts[0].options: more than one propagation type");
	m[0].propagation = 0;
	m[0].idmap = true;
	expect_invalid(&c, "mounts[0].options: idmap needs a bind mount");
	m[0].idmap = false;
	m[1].idmap = true;
	expect_invalid(&c, "mounts[1].options: idmap needs a user namespace");
	c.ns_new = NSSET_MNT | NSSET_USER;
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
	m[1].idmap = false;
	m[1].type = NULL; /* bind given only by the options is fine */
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
}

static void validate_other(void **state)
{
	(void)state;
	char *paths[] = { "/proc/kcore", "/../x" };
	struct oci_device d = { .type = 'c', .path = "/dev/fuse", .major = 10, .minor = 229 };
	struct oci_config c = { .root_path = "/r", .devices = &d, .n_devices = 1, .ns_new = NSSET_MNT };
	struct nsset_error err = { 0 };
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
	d.type = 'x';
	expect_invalid(&c, "linux.devices[0].type");
	d.type = 'b';
	d.major = -1;
	expect_invalid(&c, "linux.devices[0]: major and minor");
	d.major = 8;
	d.path = "dev/sda";
	expect_invalid(&c, "linux.devices[0].path");
	c.n_devices = 0;
	c.masked_paths = paths;
	c.n_masked_paths = 2;
	expect_invalid(&c, "linux.maskedPaths[1]: '..'");
	c.n_masked_paths = 1;
	c.readonly_paths = paths + 1;
	c.n_readonly_paths = 1;
	expect_invalid(&c, "linux.readonlyPaths[0]");
	c.n_readonly_paths = 0;
	c.rootfs_propagation = MS_SHARED | MS_PRIVATE;
	expect_invalid(&c, "linux.rootfsPropagation");
	c.rootfs_propagation = MS_SLAVE | MS_REC;
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
	c.hostname = "box";
	expect_invalid(&c, "hostname: needs a uts namespace");
	c.ns_new = NSSET_MNT | NSSET_UTS;
	assert_int_equal(oci_rootfs_validate(&c, &err), 0);
	c.ns_new = NSSET_UTS;
	expect_invalid(&c, "linux.namespaces: the root filesystem needs a new mount namespace");
	c.ns_join = NSSET_MNT;
	expect_invalid(&c, "(not one joined by path)");
	c.ns_new = NSSET_MNT | NSSET_UTS;
	c.ns_join = 0;
	c.root_path = NULL;
	expect_invalid(&c, "root.path");
}

static void validate_sysctl(void **state)
{
	(void)state;
	struct oci_sysctl s = { .key = "net.ipv4.ip_forward", .value = "1" };
	struct oci_config c = { .root_path = "/r", .sysctl = &s, .n_sysctl = 1, .ns_new = NSSET_MNT };
	struct nsset_error err = { 0 };
	expect_invalid(&c, "linux.sysctl.net.ipv4.ip_forward: needs a network namespace");
	c.ns_new = NSSET_NET;
	assert_int_equal(oci_sysctl_validate(&c, &err), 0);
	c.ns_new = 0;
	c.ns_join = NSSET_NET; /* joining one by path counts too */
	assert_int_equal(oci_sysctl_validate(&c, &err), 0);
	s.key = "kernel.shmmax";
	expect_invalid(&c, "linux.sysctl.kernel.shmmax: needs an ipc namespace");
	s.key = "fs.mqueue.msg_max";
	expect_invalid(&c, "needs an ipc namespace");
	c.ns_new = NSSET_IPC;
	assert_int_equal(oci_sysctl_validate(&c, &err), 0);
	s.key = "kernel.hostname";
	expect_invalid(&c, "needs a uts namespace");
	s.key = "kernel.panic";
	expect_invalid(&c, "linux.sysctl.kernel.panic: not a namespaced sysctl");
	s.key = "vm.swappiness";
	expect_invalid(&c, "not a namespaced sysctl");
	static const char *bad[] = { "net/../../kernel/panic", "net..ipv4", ".net.x", "net.x.",
				     "net.ipv4/../../x", "", "net.a b" };
	c.ns_new = NSSET_NET | NSSET_IPC | NSSET_UTS;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.key = (char *)bad[i];
		expect_invalid(&c, "linux.sysctl: invalid key");
	}
	s.key = "net.ipv4.conf.all.forwarding";
	s.value = NULL;
	expect_invalid(&c, "must be a string");
}

/* The runtime's mount trees over a socket (oci_rootfs_trees_send / _recv): each fd lands at
 * its mount's index, in messages ('M' more, 'E' the last); a malformed message is refused and
 * closes every fd it carried. */
static bool fd_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

static bool same_file(int fd, const char *path)
{
	struct stat a, b;
	return fd >= 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

static void trees_message(void **state)
{
	(void)state;
	struct oci_mount mounts[4] = { 0 };
	struct oci_config c = { .mounts = mounts, .n_mounts = 4 };
	struct nsset_error err = { 0 };
	int sv[2], fds[4] = { -1, -1, -1, -1 }, got[4] = { -1, -1, -1, -1 };
	long seen = -1;
	bool last = true;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	/* two messages: index 1 (more follow), then 3 (the last) */
	fds[1] = open("/", O_PATH | O_CLOEXEC);
	assert_int_equal(oci_rootfs_trees_send(sv[0], &c, fds, false, &err), 0);
	close(fds[1]);
	fds[1] = -1;
	fds[3] = open("/tmp", O_PATH | O_CLOEXEC);
	assert_int_equal(oci_rootfs_trees_send(sv[0], &c, fds, true, &err), 0);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), 0);
	assert_false(last);
	assert_int_equal(seen, 1);
	assert_true(same_file(got[1], "/"));
	assert_int_equal(got[3], -1);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), 0);
	assert_true(last);
	assert_int_equal(seen, 3);
	assert_int_equal(got[0], -1);
	assert_int_equal(got[2], -1);
	assert_true(same_file(got[1], "/"));
	assert_true(same_file(got[3], "/tmp"));
	/* a second tree for a mount that has one: malformed, its fd closed, got[] kept */
	int before = open("/", O_PATH | O_CLOEXEC); /* the lowest free fd */
	close(before);
	assert_int_equal(oci_rootfs_trees_send(sv[0], &c, fds, true, &err), 0);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), -EPROTO);
	assert_string_equal(err.msg, "did not receive the mount trees");
	assert_false(fd_open(before));
	assert_true(same_file(got[3], "/tmp"));
	oci_rootfs_close_fds(got, 4);
	/* a tree for a mount before FROM (made already) is closed, not stored */
	int late[4] = { -1, open("/", O_PATH | O_CLOEXEC), -1, -1 };
	assert_int_equal(oci_rootfs_trees_send(sv[0], &c, late, false, &err), 0);
	close(late[1]);
	before = open("/", O_PATH | O_CLOEXEC);
	close(before);
	seen = -1;
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 2, &seen, &last, &err), 0);
	assert_int_equal(got[1], -1);
	assert_int_equal(seen, -1);
	assert_false(fd_open(before));
	/* none at all: a message all the same, nothing received */
	int none[4] = { -1, -1, -1, -1 };
	seen = -1;
	assert_int_equal(oci_rootfs_trees_send(sv[0], &c, none, true, &err), 0);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), 0);
	assert_true(last);
	assert_int_equal(seen, -1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(got[i], -1);
	/* an index past the mounts (sent for a config of 8): refused, the fd closed */
	struct oci_mount more[8] = { 0 };
	struct oci_config big = { .mounts = more, .n_mounts = 8 };
	int wide[8] = { -1, -1, -1, -1, -1, -1, -1, open("/", O_PATH | O_CLOEXEC) };
	assert_int_equal(oci_rootfs_trees_send(sv[0], &big, wide, true, &err), 0);
	close(wide[7]);
	before = open("/", O_PATH | O_CLOEXEC);
	close(before);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), -EPROTO);
	assert_false(fd_open(before));
	for (int i = 0; i < 4; i++)
		assert_int_equal(got[i], -1);
	/* a wrong tag; the peer gone: refused, not a hang */
	assert_int_equal(send(sv[0], "I", 1, 0), 1);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), -EPROTO);
	close(sv[0]);
	assert_int_equal(oci_rootfs_trees_recv(sv[1], &c, got, 0, &seen, &last, &err), -EPROTO);
	close(sv[1]);
	oci_rootfs_close_fds(fds, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean),
		cmocka_unit_test(attrs),
		cmocka_unit_test_setup_teardown(resolve_openat2, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(resolve_walk, setup_root, teardown_root),
		cmocka_unit_test(validate_mounts),
		cmocka_unit_test(validate_other),
		cmocka_unit_test(validate_sysctl),
		cmocka_unit_test(trees_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
