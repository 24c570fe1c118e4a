/* Reading a whole (small) file into memory. */
#ifndef NSSET_OCI_READALL_H
#define NSSET_OCI_READALL_H

#include "internal.h"

#include <stddef.h>

#define OCI_READ_MAX (16u << 20)

/* Read fd to its end into a NUL-terminated buffer (*out, freed by the caller; *len_out, if not
 * NULL, its length) and close fd, also on failure; -EFBIG beyond OCI_READ_MAX bytes (a pipe
 * that never ends).  what names the file in messages. */
int oci_read_fd(int fd, const char *what, char **out, size_t *len_out, struct nsset_error *err);

#endif
