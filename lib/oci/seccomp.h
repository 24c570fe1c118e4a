/* The seccomp filter of linux.seccomp, built and loaded with libseccomp. */
#ifndef NSSET_OCI_SECCOMP_H
#define NSSET_OCI_SECCOMP_H

#include "nsset.h"
#include "oci/config.h"
#include "oci/seccomp_names.h"

/* Build the filter (default action, architectures, rules with argument comparisons, flags)
 * and load it into the calling thread.  Syscall names this libseccomp or architecture does not
 * know are skipped.  When a rule uses SCMP_ACT_NOTIFY, *notify_fd receives the listener fd
 * (O_CLOEXEC), else -1; notify_fd may be NULL only if no rule uses NOTIFY. */
int oci_seccomp_load(const struct oci_seccomp *s, int *notify_fd, struct nsset_error *err);
/* Whether any rule (or the default action) is SCMP_ACT_NOTIFY. */
bool oci_seccomp_uses_notify(const struct oci_seccomp *s);
/* Connect a SOCK_STREAM unix socket to listenerPath (call before pivot_root). */
int oci_seccomp_listener_connect(const char *path, struct nsset_error *err);
/* Send the seccomp notify fd over a connected listener socket (SCM_RIGHTS) with the
 * container process state JSON of config-linux.md: {"ociVersion", "fds": ["seccompFd"],
 * "pid", "metadata", "state"}.  state_json may be NULL. */
int oci_seccomp_send_notify_fd(int sock, int notify_fd, const char *metadata,
			       const char *state_json, struct nsset_error *err);

#endif
