/* uid/gid maps of a user namespace: parsing INNER:OUTER:COUNT, checking, writing. */
#include "internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* [a, a+n) and [b, b+m) overlap (64-bit arithmetic: no overflow). */
static bool overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

static int check_range(const struct nsset_idmap *r, struct nsset_error *err)
{
	if (r->count == 0)
		return nsset_fail(err, EINVAL, "map %" PRIu32 ":%" PRIu32 ":0: the count is zero",
				  r->inner, r->outer);
	if ((uint64_t)r->inner + r->count - 1 > UINT32_MAX - 1 ||
	    (uint64_t)r->outer + r->count - 1 > UINT32_MAX - 1)
		return nsset_fail(err, EINVAL,
				  "map %" PRIu32 ":%" PRIu32 ":%" PRIu32 ": ids past 4294967294",
				  r->inner, r->outer, r->count);
	return 0;
}

static int check_pair(const struct nsset_idmap *a, const struct nsset_idmap *b,
		      struct nsset_error *err)
{
	const char *side = NULL;
	if (overlap(a->inner, a->count, b->inner, b->count))
		side = "inside";
	else if (overlap(a->outer, a->count, b->outer, b->count))
		side = "outside";
	if (!side)
		return 0;
	return nsset_fail(err, EINVAL,
			  "maps %" PRIu32 ":%" PRIu32 ":%" PRIu32 " and %" PRIu32 ":%" PRIu32
			  ":%" PRIu32 " overlap %s",
			  a->inner, a->outer, a->count, b->inner, b->outer, b->count, side);
}

int nsset_idmaps_check(const struct nsset_idmap *v, size_t n, struct nsset_error *err)
{
	if (n > NSSET_IDMAP_MAX)
		return nsset_fail(err, EINVAL, "more than %d map ranges", NSSET_IDMAP_MAX);
	for (size_t i = 0; i < n; i++) {
		int r = check_range(&v[i], err);
		if (r < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if ((r = check_pair(&v[j], &v[i], err)) < 0)
				return r;
	}
	return 0;
}

int nsset_idmaps_add(struct nsset_idmaps *maps, struct nsset_idmap range, struct nsset_error *err)
{
	int r = check_range(&range, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < maps->n; i++)
		if ((r = check_pair(&maps->v[i], &range, err)) < 0)
			return r;
	if (maps->n >= NSSET_IDMAP_MAX)
		return nsset_fail(err, EINVAL, "more than %d map ranges", NSSET_IDMAP_MAX);
	struct nsset_idmap *v = realloc(maps->v, (maps->n + 1) * sizeof(*v));
	if (!v)
		return nsset_fail_errno(err, ENOMEM, "cannot grow the map");
	v[maps->n++] = range;
	maps->v = v;
	return 0;
}

/* One unsigned 32-bit decimal number ending at `end` (':' ',' or NUL). */
static bool parse_u32(const char **p, char end, uint32_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (*s != end && !(end == ',' && *s == '\0'))
		return false;
	*out = (uint32_t)v;
	*p = s;
	return true;
}

int nsset_idmaps_parse(struct nsset_idmaps *maps, const char *spec, struct nsset_error *err)
{
	struct nsset_idmaps added = { 0 };
	const char *p = spec;
	int r = 0;

	if (!spec || !*spec)
		return nsset_fail(err, EINVAL, "empty map (want INNER:OUTER:COUNT)");
	/* Parse into a copy so that a bad range leaves maps as it was. */
	if (maps->n) {
		added.v = malloc(maps->n * sizeof(*added.v));
		if (!added.v)
			return nsset_fail_errno(err, ENOMEM, "cannot copy the map");
		memcpy(added.v, maps->v, maps->n * sizeof(*added.v));
		added.n = maps->n;
	}
	for (;;) {
		const char *start = p;
		struct nsset_idmap m;
		if (!parse_u32(&p, ':', &m.inner) || !(p++, parse_u32(&p, ':', &m.outer)) ||
		    !(p++, parse_u32(&p, ',', &m.count))) {
			size_t len = strcspn(start, ",");
			r = nsset_fail(err, EINVAL, "malformed map '%.*s' (want INNER:OUTER:COUNT)",
				       (int)len, start);
			break;
		}
		if ((r = nsset_idmaps_add(&added, m, err)) < 0)
			break;
		if (*p == '\0')
			break;
		p++; /* ',' */
		if (*p == '\0') {
			r = nsset_fail(err, EINVAL, "malformed map '%s' (trailing comma)", spec);
			break;
		}
	}
	if (r < 0) {
		nsset_idmaps_free(&added);
		return r;
	}
	free(maps->v);
	*maps = added;
	return 0;
}

void nsset_idmaps_free(struct nsset_idmaps *maps)
{
	free(maps->v);
	maps->v = NULL;
	maps->n = 0;
}

#if NSSET_BUILD_USER_NS

/* Write /proc/PID/NAME (pid 0: /proc/self/NAME). */
static int write_file(pid_t pid, const char *name, const char *data, struct nsset_error *err)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot open %s", path);
	size_t len = strlen(data);
	ssize_t n = write(fd, data, len);
	int e = errno;
	close(fd);
	if (n < 0)
		return nsset_fail_errno(err, e, "cannot write %s", path);
	if ((size_t)n != len)
		return nsset_fail(err, EIO, "short write to %s", path);
	return 0;
}

static int format_map(const struct nsset_idmap *v, size_t n, char **out, struct nsset_error *err)
{
	size_t size = n * 33 + 1, used = 0;
	char *buf = malloc(size);
	if (!buf)
		return nsset_fail_errno(err, ENOMEM, "cannot format the map");
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(buf + used, size - used, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
					 v[i].inner, v[i].outer, v[i].count);
	*out = buf;
	return 0;
}

/* newuidmap PID INNER OUTER COUNT...; the helper is setuid root and checks /etc/subuid. */
static int run_helper(const char *helper, pid_t pid, const struct nsset_idmap *v, size_t n,
		      struct nsset_error *err)
{
	size_t argc = 2 + 3 * n + 1;
	char **argv = calloc(argc, sizeof(*argv));
	char *nums = malloc((1 + 3 * n) * 12);
	if (!argv || !nums) {
		free(argv);
		free(nums);
		return nsset_fail_errno(err, ENOMEM, "cannot run %s", helper);
	}
	size_t a = 0, off = 0;
	argv[a++] = (char *)helper;
#define NUM(x) (argv[a++] = nums + off, off += (size_t)sprintf(nums + off, "%" PRIu32, (uint32_t)(x)) + 1)
	NUM(pid);
	for (size_t i = 0; i < n; i++) {
		NUM(v[i].inner);
		NUM(v[i].outer);
		NUM(v[i].count);
	}
#undef NUM
	argv[a] = NULL;

	int r = 0;
	pid_t h = fork();
	if (h < 0) {
		r = nsset_fail_errno(err, errno, "cannot run %s", helper);
	} else if (h == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		execvp(helper, argv);
		_exit(errno == ENOENT ? 127 : 126);
	} else {
		int st;
		while (waitpid(h, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			r = nsset_fail(err, ENOENT, "%s is not installed (package uidmap); it is needed "
				       "to map ids other than your own", helper);
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			r = nsset_fail(err, EPERM, "%s refused the map (see /etc/sub%cid)", helper,
				       helper[3] == 'u' ? 'u' : 'g');
	}
	free(argv);
	free(nums);
	return r;
}

/* May the caller write this map itself?  Root can; others only their own single id. */
static bool direct(const struct nsset_idmap *v, size_t n, uint32_t self)
{
	if (geteuid() == 0)
		return true;
	return n == 1 && v[0].count == 1 && v[0].outer == self;
}

static int write_one(pid_t pid, const char *file, const char *helper,
		     const struct nsset_idmap *v, size_t n, uint32_t self, struct nsset_error *err)
{
	if (!direct(v, n, self))
		return run_helper(helper, pid, v, n, err);
	char *text = NULL;
	int r = format_map(v, n, &text, err);
	if (r < 0)
		return r;
	r = write_file(pid, file, text, err);
	free(text);
	return r;
}

int nsset_idmaps_write(pid_t pid, const struct nsset_idmap *uid, size_t nuid,
		       const struct nsset_idmap *gid, size_t ngid, struct nsset_error *err)
{
	int r;
	if ((r = nsset_idmaps_check(uid, nuid, err)) < 0 || (r = nsset_idmaps_check(gid, ngid, err)) < 0)
		return r;
	if (nuid && (r = write_one(pid, "uid_map", "newuidmap", uid, nuid, geteuid(), err)) < 0)
		return r;
	if (ngid) {
		/* An unprivileged process writing its own gid_map must deny setgroups first. */
		if (geteuid() != 0 && direct(gid, ngid, getegid()) &&
		    (r = write_file(pid, "setgroups", "deny", err)) < 0)
			return r;
		if ((r = write_one(pid, "gid_map", "newgidmap", gid, ngid, getegid(), err)) < 0)
			return r;
	}
	return 0;
}

int nsset__idmap_write_self(const struct nsset_idmap *uid, const struct nsset_idmap *gid,
			    struct nsset_error *err)
{
	char u[40], g[40];
	int r;
	snprintf(u, sizeof(u), "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", uid->inner, uid->outer, uid->count);
	snprintf(g, sizeof(g), "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", gid->inner, gid->outer, gid->count);
	if ((r = write_file(0, "setgroups", "deny", err)) < 0 ||
	    (r = write_file(0, "uid_map", u, err)) < 0 ||
	    (r = write_file(0, "gid_map", g, err)) < 0)
		return r;
	return 0;
}

#else

int nsset_idmaps_write(pid_t pid, const struct nsset_idmap *uid, size_t nuid,
		       const struct nsset_idmap *gid, size_t ngid, struct nsset_error *err)
{
	(void)pid, (void)uid, (void)nuid, (void)gid, (void)ngid;
	return nsset_flags_check(NSSET_USER, err);
}

#endif
