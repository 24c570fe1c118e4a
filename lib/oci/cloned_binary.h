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

#endif
