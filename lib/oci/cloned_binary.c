/* CVE-2019-5736: run the runtime from a sealed memfd copy of itself, so that a container
 * process that opens /proc/PID/exe of the runtime gets a read-only, sealed memfd and not the
 * host's binary (the approach of runc's and crun's cloned_binary.c). */
#include "internal.h"
#include "oci/cloned_binary.h"
#include "oci/config.h"
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool oci_is_cloned_binary(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

/* The running binary is already out of a container's reach when its mount is read-only: an
 * open for writing through /proc/PID/exe (or a kept descriptor reopened through
 * /proc/self/fd) resolves to that same mount and fails with EROFS, and the mount belongs to
 * the host's mount namespace, which no container process can remount (mount(2) and
 * mount_setattr(2) refuse a mount of another namespace).  This is what crun's own re-exec
 * builds (a read-only bind mount of itself); a binary installed on a read-only mount (or
 * bind-mounted read-only over itself) needs no copy.  statvfs reports the mount's flags
 * (MNT_READONLY) as well as the file system's. */
static bool on_read_only_mount(int *seals)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	*seals = fcntl(fd, F_GET_SEALS);
	struct statvfs st;
	bool ro = fstatvfs(fd, &st) == 0 && (st.f_flag & ST_RDONLY);
	close(fd);
	return ro;
}

static int make_clone(struct nsset_error *err)
{
	int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return nsset_fail_errno(err, errno, "cannot open /proc/self/exe");
	struct stat st;
	if (fstat(src, &st) != 0) {
		int e = errno;
		close(src);
		return nsset_fail_errno(err, e, "cannot stat /proc/self/exe");
	}
	int fd = memfd_create("nsset-cloned", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		int e = errno;
		close(src);
		return nsset_fail_errno(err, e, "memfd_create");
	}
	off_t left = st.st_size;
	while (left > 0) {
		ssize_t n = sendfile(fd, src, NULL, (size_t)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(src);
			close(fd);
			return nsset_fail_errno(err, e, "cannot copy /proc/self/exe into a memfd");
		}
		left -= n;
	}
	close(src);
	if (fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) != 0) {
		int e = errno;
		close(fd);
		return nsset_fail_errno(err, e, "cannot seal the copy of the runtime");
	}
	return fd;
}

/* Set across the re-exec: a copy that is not seen as sealed afterwards fails instead of
 * looping.  Removed at once, so that nothing the runtime starts inherits it. */
#define GUARD "_NSSET_CLONED_BINARY"

int oci_ensure_cloned_binary(char **argv, struct nsset_error *err)
{
	int seals = -1;
	bool ro = on_read_only_mount(&seals);
	bool cloned = ro || (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS);
	bool guard = getenv(GUARD) != NULL;
	if (guard)
		unsetenv(GUARD);
	if (cloned)
		return 0;
	if (guard)
		return nsset_fail(err, ELOOP, "re-executed from a sealed copy of the runtime, but "
				  "/proc/self/exe is still not sealed");
	int fd = make_clone(err);
	if (fd < 0)
		return fd;
	setenv(GUARD, "1", 1);
	fexecve(fd, argv, environ);
	int e = errno;
	unsetenv(GUARD);
	close(fd);
	return nsset_fail_errno(err, e, "cannot re-execute the runtime from its sealed copy");
}

#if NSSET_HAVE_DMZ
extern const unsigned char oci_dmz_blob[];
extern const size_t oci_dmz_blob_size;
#endif

bool oci_runtime_read_only(void)
{
	static int ro = -1; /* once a process: the binary's mount does not change under it */
	if (ro < 0) {
		int seals;
		ro = on_read_only_mount(&seals);
	}
	return ro;
}

bool oci_dmz_usable(const struct oci_config *c)
{
#if NSSET_HAVE_DMZ
	return (c->ns_new & NSSET_PID) && !(c->ns_join & NSSET_PID) && !(c->ns_new & NSSET_USER) &&
	       !(c->ns_join & NSSET_USER) && !c->seccomp && !oci_runtime_read_only();
#else
	(void)c;
	return false;
#endif
}

int oci_dmz_open(struct nsset_error *err)
{
#if NSSET_HAVE_DMZ
	int fd = memfd_create("nsset-dmz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "memfd_create");
	size_t off = 0;
	while (off < oci_dmz_blob_size) {
		ssize_t n = write(fd, oci_dmz_blob + off, oci_dmz_blob_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return nsset_fail_errno(err, e, "cannot write nsset-dmz into a memfd");
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0555) != 0 || fcntl(fd, F_ADD_SEALS, REQUIRED_SEALS) != 0) {
		int e = errno;
		close(fd);
		return nsset_fail_errno(err, e, "cannot seal nsset-dmz");
	}
	return fd;
#else
	return nsset_fail(err, EOPNOTSUPP, "nsset-dmz is not built into this nsset");
#endif
}
