/* enter-try REGISTRY NAME|PID [KINDS]: call nsset_enter (or nsset_enter_pid) in this process and
 * print the result and this process's namespace inodes before and after, for the tests of
 * all-or-nothing entering:
 *   before KIND=INO ...
 *   result 0|-ERRNO MESSAGE
 *   after KIND=INO ... */
#include "nsset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void inodes(const char *label)
{
	size_t n;
	const struct nsset_kind *ks = nsset_kinds(&n);
	printf("%s", label);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		struct stat st;
		snprintf(path, sizeof(path), "/proc/self/ns/%s%s", ks[i].name,
			 ks[i].flag == NSSET_PID ? "_for_children" : "");
		if (stat(path, &st) == 0)
			printf(" %s=%lu", ks[i].name, (unsigned long)st.st_ino);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	struct nsset_error err = { 0, "" };
	nsset_flags_t kinds = 0;
	if (argc < 3) {
		fprintf(stderr, "usage: enter-try REGISTRY NAME|PID [KINDS]\n");
		return 2;
	}
	if (argc > 3 && nsset_flags_parse(argv[3], &kinds, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	inodes("before");
	char *end;
	long pid = strtol(argv[2], &end, 10);
	int r = *end == '\0' ? nsset_enter_pid((pid_t)pid, kinds, NULL, &err)
			     : nsset_enter(argv[1], argv[2], kinds, NULL, &err);
	printf("result %d %s\n", r, r < 0 ? err.msg : "");
	inodes("after");
	return 0;
}
