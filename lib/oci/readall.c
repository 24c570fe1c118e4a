/* Reading a whole (small) file into memory, for config.json, process files and state. */
#include "oci/readall.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int oci_read_fd(int fd, const char *what, char **out, size_t *len_out, struct nsset_error *err)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	*out = NULL;
	for (;;) {
		if (!buf) {
			close(fd);
			return nsset_fail(err, ENOMEM, "out of memory");
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return nsset_fail_errno(err, e, "cannot read %s", what);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > OCI_READ_MAX) { /* a pipe that never ends: refused, not read into memory */
			free(buf);
			close(fd);
			return nsset_fail(err, EFBIG, "%s is larger than 16 MiB", what);
		}
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	if (len_out)
		*len_out = len;
	return 0;
}
