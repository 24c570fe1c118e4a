/* Paths inside the container's root filesystem: lexical cleaning, and resolution that never
 * leaves the root (openat2 RESOLVE_IN_ROOT, or a component walk with O_NOFOLLOW). */
#include "../internal.h"
#include "rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40

static bool force_walk;

void oci_paths_force_walk(bool on)
{
	force_walk = on;
}

int oci_path_clean(const char *in, char *out, size_t size)
{
	if (!in || in[0] != '/')
		return -EINVAL;
	if (size < 2)
		return -ENAMETOOLONG;
	size_t len = 0;
	out[len++] = '/';
	out[len] = '\0';
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (len == 1)
				return -EXDEV;
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--; /* the slash before the dropped component */
			out[len] = '\0';
		} else {
			if (len + (len > 1) + n + 1 > size)
				return -ENAMETOOLONG;
			if (len > 1)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p = e;
	}
	return 0;
}

static int dup_cloexec(int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return r < 0 ? -errno : r;
}

/* Reopen the directory reached by the lexical, symlink-free path CUR ("a/b/c") from the root,
 * one component at a time with O_NOFOLLOW. */
static int reopen(int rootfd, const char *cur)
{
	int fd = dup_cloexec(rootfd);
	char buf[PATH_MAX];
	if (fd < 0)
		return fd;
	snprintf(buf, sizeof(buf), "%s", cur);
	for (char *save = NULL, *name = strtok_r(buf, "/", &save); name;
	     name = strtok_r(NULL, "/", &save)) {
		int nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		int e = errno;
		close(fd);
		if (nfd < 0)
			return -e;
		fd = nfd;
	}
	return fd;
}

/* The fallback (and the creating) resolver: like securejoin's MkdirAll. */
static int walk(int rootfd, const char *path, int create)
{
	char rest[2 * PATH_MAX], cur[PATH_MAX] = "", tmp[2 * PATH_MAX], link[PATH_MAX];
	int links = 0, fd;

	if (strlen(path) >= sizeof(rest))
		return -ENAMETOOLONG;
	strcpy(rest, path);
	fd = dup_cloexec(rootfd);
	if (fd < 0)
		return fd;

	char *p = rest;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			return fd;
		char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		char name[NAME_MAX + 1];
		if (n > NAME_MAX) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		const char *after = e;
		while (*after == '/')
			after++;
		bool last = *after == '\0';
		p = e;

		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = '\0';
			else
				cur[0] = '\0';
			close(fd);
			fd = reopen(rootfd, cur);
			if (fd < 0)
				return fd;
			continue;
		}

		struct stat st;
		int tries = 0;
	again:
		if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int err = errno;
			if (err != ENOENT || !create || ++tries > 5) {
				close(fd);
				return -err;
			}
			if (last && create == 'f') {
				int nfd = openat(fd, name,
						 O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (nfd >= 0)
					close(nfd);
				else if (errno != EEXIST) {
					err = errno;
					close(fd);
					return -err;
				}
			} else if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
				err = errno;
				close(fd);
				return -err;
			}
			goto again;
		}

		if (S_ISLNK(st.st_mode)) {
			if (++links > MAX_SYMLINKS) {
				close(fd);
				return -ELOOP;
			}
			ssize_t l = readlinkat(fd, name, link, sizeof(link) - 1);
			if (l < 0) {
				int err = errno;
				close(fd);
				return -err;
			}
			link[l] = '\0';
			size_t pl = strlen(p);
			if ((size_t)l + 1 + pl >= sizeof(tmp)) {
				close(fd);
				return -ENAMETOOLONG;
			}
			memcpy(tmp, link, (size_t)l);
			tmp[l] = '/';
			memcpy(tmp + l + 1, p, pl + 1);
			memcpy(rest, tmp, (size_t)l + pl + 2);
			p = rest;
			if (link[0] == '/') {
				cur[0] = '\0';
				close(fd);
				fd = dup_cloexec(rootfd);
				if (fd < 0)
					return fd;
			}
			continue;
		}

		int flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
		if (S_ISDIR(st.st_mode))
			flags |= O_DIRECTORY;
		else if (!last) {
			close(fd);
			return -ENOTDIR;
		}
		int nfd = openat(fd, name, flags);
		int err = errno;
		close(fd);
		if (nfd < 0)
			return -err; /* swapped for a symlink under us: ELOOP/ENOTDIR */
		fd = nfd;
		if (!S_ISDIR(st.st_mode))
			return fd;
		size_t cl = strlen(cur);
		if (cl + 1 + n >= sizeof(cur)) {
			close(fd);
			return -ENAMETOOLONG;
		}
		snprintf(cur + cl, sizeof(cur) - cl, "%s%s", cl ? "/" : "", name);
	}
}

static int in_root_openat2(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	for (int i = 0; i < 16; i++) {
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

/* The usual missing mount point: its parent exists.  Make the last component there and open
 * it without following anything (four calls instead of a walk from the root).  Anything else
 * (missing parents, a dangling symlink to follow, "." or "..", a race) is left to walk():
 * -EAGAIN. */
static int create_last(int rootfd, const char *path, int create)
{
	char parent[PATH_MAX], name[NAME_MAX + 1];
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= sizeof(parent))
		return -EAGAIN;
	memcpy(parent, path, len);
	parent[len] = '\0';
	char *slash = strrchr(parent, '/');
	if (!slash || strlen(slash + 1) > NAME_MAX)
		return -EAGAIN;
	strcpy(name, slash + 1);
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EAGAIN;
	if (slash == parent)
		slash[1] = '\0'; /* "/" */
	else
		*slash = '\0';
	int dir = in_root_openat2(rootfd, parent);
	if (dir < 0)
		return -EAGAIN;
	int r = 0;
	if (create == 'f') {
		int f = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (f < 0)
			r = -EAGAIN;
		else
			close(f);
	} else if (mkdirat(dir, name, 0755) < 0) {
		r = -EAGAIN;
	}
	if (r == 0) {
		struct open_how how = {
			.flags = O_PATH | O_CLOEXEC | (create == 'f' ? 0 : O_DIRECTORY),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, dir, name, &how, sizeof(how));
		r = fd >= 0 ? (int)fd : -EAGAIN;
	}
	close(dir);
	return r;
}

int oci_open_in_root(int rootfd, const char *path, int create)
{
	if (!force_walk) {
		int fd = in_root_openat2(rootfd, path);
		if (fd >= 0 || (fd != -ENOSYS && !(fd == -ENOENT && create)))
			return fd;
		if (fd == -ENOENT && (fd = create_last(rootfd, path, create)) >= 0)
			return fd;
	}
	return walk(rootfd, path, create);
}

void oci_mountinfo_unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3]) {
			*o++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}
