/* Small string builders for what runs on every create: names in messages (made before any
 * error, for each mount, device and JSON member) and bounded copies, without printf (whose
 * per-call cost shows in a run: ≈280 calls, slow in musl's). */
#include "internal.h"

#include <stdint.h>
#include <string.h>

size_t nsset_strcpy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memmove(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

char *nsset_put_uint(char *p, uint64_t v)
{
	char t[20];
	int k = 0;
	do
		t[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k)
		*p++ = t[--k];
	return p;
}

void nsset_index_name(char *out, size_t size, const char *prefix, size_t i)
{
	char num[24];
	*nsset_put_uint(num, i) = '\0';
	NSSET_CONCAT(out, size, prefix, "[", num, "]");
}

size_t nsset_concat(char *out, size_t size, const char *const *parts, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = len < size ? nsset_strcpy(out + len, size - len, parts[i])
				      : strlen(parts[i]);
		len += k;
	}
	if (n == 0 && size)
		out[0] = '\0';
	return len;
}
