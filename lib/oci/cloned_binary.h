/* CVE-2019-5736: a container process must not be able to write the runtime's binary through
 * /proc/PID/exe.  Before joining a container's namespaces, the runtime re-executes itself from
 * a sealed memfd copy of /proc/self/exe: /proc/PID/exe then points at a read-only memfd. */
#ifndef NSSET_OCI_CLONED_BINARY_H
#define NSSET_OCI_CLONED_BINARY_H

#include "nsset.h"

#include <stdbool.h>

/* Whether /proc/self/exe is already a sealed memfd copy. */
bool oci_is_cloned_binary(void);
/* If the running binary is not a sealed memfd copy: make one and fexecve it with argv (and
 * environ); does not return then.  Returns 0 when already cloned, a negative errno (err
 * filled) if the copy or the exec fails. */
int oci_ensure_cloned_binary(char **argv, struct nsset_error *err);

struct oci_config;
/* The running binary is on a read-only mount: no write can reach it through /proc/PID/exe,
 * and neither a copy (oci_ensure_cloned_binary) nor nsset-dmz is needed. */
bool oci_runtime_read_only(void);
/* `nsset run` of config c may skip oci_ensure_cloned_binary: the container's init then execs
 * its command through nsset-dmz, a tiny program run from a sealed memfd (lib/oci/dmz/dmz.c,
 * docs/oci-sec.md), so that its /proc/self/exe is never the host's binary while the command
 * is executed.  True when this build has nsset-dmz, the container gets a pid namespace of its
 * own (no other process can look at the init while it runs nsset), no user namespace and no
 * seccomp filter (which could refuse the dmz's execveat or fcntl), and the binary is not on a
 * read-only mount (which needs no dmz: the command is executed directly, ≈0.1 ms less). */
bool oci_dmz_usable(const struct oci_config *c);
/* A sealed memfd (O_CLOEXEC) holding nsset-dmz, or a negative errno (err filled). */
int oci_dmz_open(struct nsset_error *err);

#endif
