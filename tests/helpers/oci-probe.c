/* oci-probe: what the kernel says, for tests/integration/oci-kernel.sh.  Linked statically (it
 * runs inside the busybox root filesystem, which has no C library).
 *   oci-probe keyring       the id of this process's session keyring (KEYCTL_GET_KEYRING_ID,
 *                           KEY_SPEC_SESSION_KEYRING, no creation), in decimal
 *   oci-probe mounts NSFILE how many mounts the mount namespace NSFILE (/proc/PID/ns/mnt) holds,
 *                           by listmount(2): all of them, also those a chrooted process of that
 *                           namespace cannot reach (/proc/PID/mountinfo shows only the others)
 * Exit status 0, or 1 with the cause on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_SESSION_KEYRING -3

#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#define LSMT_ROOT 0xffffffffffffffffULL
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, uint64_t)

/* struct mnt_id_req of linux/mount.h (MNT_ID_REQ_SIZE_VER1, with mnt_ns_id), not in the headers
 * of this distribution. */
struct mnt_id_req {
	uint32_t size;
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
	uint64_t mnt_ns_id;
};

static int keyring(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (id < 0) {
		fprintf(stderr, "oci-probe: keyctl(KEYCTL_GET_KEYRING_ID): %s\n", strerror(errno));
		return 1;
	}
	printf("%ld\n", id);
	return 0;
}

static int mounts(const char *nsfile)
{
	uint64_t ns_id = 0;
	int fd = open(nsfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID, &ns_id) < 0) {
		fprintf(stderr, "oci-probe: %s: cannot get the mount namespace id: %s\n", nsfile,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	struct mnt_id_req req = { .size = sizeof(req), .mnt_id = LSMT_ROOT, .mnt_ns_id = ns_id };
	size_t cap = 4096;
	uint64_t *ids = calloc(cap, sizeof(*ids));
	long n = ids ? syscall(SYS_listmount, &req, ids, cap, 0) : -1;
	int e = errno;
	free(ids);
	if (n < 0) {
		fprintf(stderr, "oci-probe: listmount of %s: %s\n", nsfile, strerror(e));
		return 1;
	}
	printf("%ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "keyring"))
		return keyring();
	if (argc == 3 && !strcmp(argv[1], "mounts"))
		return mounts(argv[2]);
	fprintf(stderr, "usage: oci-probe keyring | oci-probe mounts /proc/PID/ns/mnt\n");
	return 2;
}
