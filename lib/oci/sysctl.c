/* linux.sysctl (validated like runc: only namespaced keys, and only when the container has the
 * namespace), and hostname / domainname. */
#include "../internal.h"
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

static const char *ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

static bool has_ns(const struct oci_config *c, nsset_flags_t kind)
{
	return (c->ns_new | c->ns_join) & kind;
}

static bool key_chars_ok(const char *k)
{
	if (!*k || *k == '.' || k[strlen(k) - 1] == '.' || strstr(k, ".."))
		return false;
	for (const char *p = k; *p; p++)
		if (!(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

int oci_sysctl_validate(const struct oci_config *c, struct nsset_error *err)
{
	for (size_t i = 0; i < c->n_sysctl; i++) {
		const char *k = c->sysctl[i].key;
		if (!k || !key_chars_ok(k))
			return nsset_fail(err, EINVAL,
					  "linux.sysctl: invalid key '%s' (letters, digits, '_', '-' and single dots only)",
					  k ? k : "");
		if (!c->sysctl[i].value)
			return nsset_fail(err, EINVAL, "linux.sysctl.%s: must be a string", k);
		bool ipc = !strncmp(k, "fs.mqueue.", 10);
		for (size_t j = 0; j < NSSET_ARRAY_SIZE(ipc_keys) && !ipc; j++)
			ipc = !strcmp(k, ipc_keys[j]);
		if (ipc) {
			if (!has_ns(c, NSSET_IPC))
				return nsset_fail(err, EINVAL,
						  "linux.sysctl.%s: needs an ipc namespace in linux.namespaces", k);
			continue;
		}
		if (!strncmp(k, "net.", 4)) {
			if (!has_ns(c, NSSET_NET))
				return nsset_fail(err, EINVAL,
						  "linux.sysctl.%s: needs a network namespace in linux.namespaces", k);
			continue;
		}
		if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname")) {
			if (!has_ns(c, NSSET_UTS))
				return nsset_fail(err, EINVAL,
						  "linux.sysctl.%s: needs a uts namespace in linux.namespaces", k);
			continue;
		}
		return nsset_fail(err, EINVAL,
				  "linux.sysctl.%s: not a namespaced sysctl (it would change the host)", k);
	}
	return 0;
}

int oci_sysctl_apply(const struct oci_config *c, struct nsset_error *err)
{
	if (!c->n_sysctl)
		return 0;
	int r = oci_sysctl_validate(c, err);
	if (r < 0)
		return r;
	int sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct statfs sfs;
	if (sys < 0)
		return nsset_fail_errno(err, errno, "linux.sysctl: cannot open /proc/sys (is /proc mounted?)");
	if (fstatfs(sys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(sys);
		return nsset_fail(err, EINVAL, "linux.sysctl: /proc/sys is not procfs");
	}
	for (size_t i = 0; r == 0 && i < c->n_sysctl; i++) {
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "%s", c->sysctl[i].key);
		for (char *p = rel; *p; p++)
			if (*p == '.')
				*p = '/';
		struct open_how how = { .flags = O_WRONLY | O_CLOEXEC | O_TRUNC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
						   RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
		long fd = syscall(SYS_openat2, sys, rel, &how, sizeof(how));
		if (fd < 0 && errno == ENOSYS)
			fd = openat(sys, rel, O_WRONLY | O_CLOEXEC | O_TRUNC | O_NOFOLLOW);
		if (fd < 0) {
			r = nsset_fail_errno(err, errno, "linux.sysctl.%s: cannot open /proc/sys/%s",
					     c->sysctl[i].key, rel);
			break;
		}
		const char *v = c->sysctl[i].value;
		size_t len = strlen(v);
		ssize_t w = write((int)fd, v, len);
		if (w < 0 || (size_t)w != len)
			r = nsset_fail_errno(err, w < 0 ? errno : EIO, "linux.sysctl.%s: cannot write '%s'",
					     c->sysctl[i].key, v);
		close((int)fd);
	}
	close(sys);
	return r;
}

int oci_set_hostname(const struct oci_config *c, struct nsset_error *err)
{
	if ((c->hostname || c->domainname) && !has_ns(c, NSSET_UTS))
		return nsset_fail(err, EINVAL, "%s: needs a uts namespace in linux.namespaces",
				  c->hostname ? "hostname" : "domainname");
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return nsset_fail_errno(err, errno, "hostname: cannot set '%s'", c->hostname);
	if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
		return nsset_fail_errno(err, errno, "domainname: cannot set '%s'", c->domainname);
	return 0;
}
