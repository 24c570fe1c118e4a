/* linux.netDevices: host network devices moved into the container's network namespace. */
#ifndef NSSET_OCI_NETDEV_H
#define NSSET_OCI_NETDEV_H

#include "internal.h"
#include "oci/config.h"

#include <sys/types.h>

/* Move each device into the network namespace of process pid (the container's, already
 * made), renamed, with its permanent global addresses, and set it up.  Called in the
 * runtime's (host's) namespace.  Stops at the first failure (err names the device); devices
 * moved before it stay in the container's namespace, which takes them with it. */
int oci_netdevs_move(const struct oci_config *c, pid_t pid, struct nsset_error *err);

#endif
