/* Capabilities: bounding set before the change of uid, the other four sets after it. */
#include "internal.h"
#include "oci/caps.h"

#include <ctype.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

int oci_cap_from_name(const char *name, int *out)
{
	char lower[64];
	size_t n;
	cap_value_t v;

	if (!name || strncasecmp(name, "CAP_", 4) != 0)
		return -EINVAL;
	n = strlen(name);
	if (n >= sizeof(lower))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (cap_from_name(lower, &v) != 0 || v < 0 || v > 63)
		return -EINVAL;
	*out = v;
	return 0;
}

static int cap_last = -1; /* the kernel's, once known */

int oci_cap_last(void)
{
	int last = cap_last;
	if (last >= 0)
		return last;
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char buf[16];
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r > 0) {
			buf[r] = '\0';
			int v = atoi(buf);
			if (v > 0 && v < 64)
				return cap_last = v;
		}
	}
	/* No /proc (or an odd one): libcap asks the kernel by probing the bounding set. */
	int v = (int)cap_max_bits() - 1;
	if (v <= 0 || v > 63)
		v = CAP_LAST_CAP;
	return cap_last = v;
}

/* "CAP_KILL" for messages (libcap's names are lower case). */
static const char *cap_name(int cap, char *buf, size_t size)
{
	char *n = cap_to_name(cap);
	snprintf(buf, size, "%s", n ? n : "?");
	cap_free(n);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return buf;
}

static uint64_t known_mask(void)
{
	int last = oci_cap_last();
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* Caps past the kernel's last answer EINVAL: the first such drop ends the loop, and tells
 * oci_cap_last() the kernel's last cap without a read of /proc (on the container process's way
 * to its exec).  A cap already out of the set is not read first: a drop of it succeeds, unless
 * we may not drop at all (no CAP_SETPCAP), then it is only checked. */
int oci_caps_drop_bounding(const struct oci_caps *caps, struct nsset_error *err)
{
	int cap;
	for (cap = 0; cap < 64; cap++) {
		if (caps->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		int e = errno;
		if (e == EINVAL)
			break; /* past the last cap */
		if (e == EPERM && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue; /* not in the set anyway */
		char name[64];
		return nsset_fail_errno(err, e, "cannot drop %s from the bounding set",
					cap_name(cap, name, sizeof(name)));
	}
	/* The last valid cap below the first refused one (a kept cap in between is checked). */
	while (cap > 0 && cap < 64 && prctl(PR_CAPBSET_READ, cap - 1, 0, 0, 0) < 0)
		cap--;
	if (cap > 0 && cap < 64 && cap_last < 0)
		cap_last = cap - 1;
	return 0;
}

int oci_caps_prepare(const struct oci_caps *caps, bool bounding_done, struct nsset_error *err)
{
	int r;
	if (!bounding_done && (r = oci_caps_drop_bounding(caps, err)) < 0)
		return r;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return nsset_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS)");
	return 0;
}

static int set_flag(cap_t c, cap_flag_t flag, uint64_t mask)
{
	int last = oci_cap_last();
	for (int cap = 0; cap <= last; cap++) {
		if (!(mask & (1ULL << cap)))
			continue;
		cap_value_t v = cap;
		if (cap_set_flag(c, flag, 1, &v, CAP_SET) != 0)
			return -errno;
	}
	return 0;
}

int oci_caps_apply(const struct oci_caps *caps, struct nsset_error *err)
{
	uint64_t known = known_mask();
	int r;

	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
		return nsset_fail_errno(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");

	cap_t c = cap_init();
	if (!c)
		return nsset_fail_errno(err, errno, "cap_init");
	if ((r = set_flag(c, CAP_EFFECTIVE, caps->effective & known)) < 0 ||
	    (r = set_flag(c, CAP_PERMITTED, caps->permitted & known)) < 0 ||
	    (r = set_flag(c, CAP_INHERITABLE, caps->inheritable & known)) < 0) {
		cap_free(c);
		return nsset_fail_errno(err, -r, "cannot build the capability sets");
	}
	if (cap_set_proc(c) != 0) {
		int e = errno;
		cap_free(c);
		if (e == EPERM)
			return nsset_fail(err, e, "cannot set the capabilities: effective/inheritable "
					  "must be within permitted, and permitted within what this "
					  "process has (Operation not permitted)");
		return nsset_fail_errno(err, e, "cannot set the capabilities");
	}
	cap_free(c);

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return nsset_fail_errno(err, errno, "cannot clear the ambient capabilities");
	uint64_t ambient = caps->ambient & known;
	for (int cap = 0; ambient && cap <= oci_cap_last(); cap++) {
		if (!(ambient & (1ULL << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
			int e = errno;
			char name[64];
			return nsset_fail_errno(err, e, "cannot raise ambient %s (it must be permitted and inheritable)",
						cap_name(cap, name, sizeof(name)));
		}
	}
	return 0;
}
