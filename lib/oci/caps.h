/* Capabilities of the container process (process.capabilities, all five sets). */
#ifndef NSSET_OCI_CAPS_H
#define NSSET_OCI_CAPS_H

#include "nsset.h"
#include "oci/config.h"

/* "CAP_SYS_ADMIN" (any case, the "CAP_" prefix required) -> its number, for config.c.
 * -EINVAL for a name libcap does not know.  A capability known by name but not by the
 * running kernel is accepted here and skipped when applied. */
int oci_cap_from_name(const char *name, int *out);
/* The highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap). */
int oci_cap_last(void);

/* Before setresuid (needs CAP_SETPCAP): drop from the bounding set every capability the
 * kernel knows that is not in caps->bounding (unless BOUNDING_DONE: oci_caps_drop_bounding was
 * called already), and set PR_SET_KEEPCAPS so that the permitted set survives the change of
 * uid. */
int oci_caps_prepare(const struct oci_caps *caps, bool bounding_done, struct nsset_error *err);
/* The bounding set's part of oci_caps_prepare alone, for a process that can drop it early (it
 * only limits what later execs get; a user namespace entered or made afterwards would reset
 * it). */
int oci_caps_drop_bounding(const struct oci_caps *caps, struct nsset_error *err);
/* After setresuid: clear PR_SET_KEEPCAPS, set effective/permitted/inheritable (capset), then
 * the ambient set (cleared, then PR_CAP_AMBIENT_RAISE for each).  Capabilities above
 * oci_cap_last() are skipped. */
int oci_caps_apply(const struct oci_caps *caps, struct nsset_error *err);

#endif
