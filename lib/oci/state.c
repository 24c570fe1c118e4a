/* The OCI state directory (see state.h): ids, atomic reservation, lock, state.json. */
#include "internal.h"
#include "oci/state.h"
#include "oci/readall.h"

#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *oci_status_name(enum oci_status s)
{
	switch (s) {
	case OCI_CREATING: return "creating";
	case OCI_CREATED: return "created";
	case OCI_RUNNING: return "running";
	case OCI_PAUSED: return "paused";
	case OCI_STOPPED: break;
	}
	return "stopped";
}

int oci_state_root(const char *opt_root, char *buf, size_t size, struct nsset_error *err)
{
	int n;
	if (opt_root && *opt_root)
		n = snprintf(buf, size, "%s", opt_root);
	else if (geteuid() == 0)
		n = snprintf(buf, size, "/run/nsset/oci");
	else if (getenv("XDG_RUNTIME_DIR") && getenv("XDG_RUNTIME_DIR")[0] == '/')
		n = snprintf(buf, size, "%s/nsset/oci", getenv("XDG_RUNTIME_DIR"));
	else
		n = snprintf(buf, size, "/tmp/nsset-%u/oci", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= size)
		return nsset_fail(err, ENAMETOOLONG, "state root is too long");
	return 0;
}

int oci_id_check(const char *id, struct nsset_error *err)
{
	size_t len = id ? strlen(id) : 0;
	if (len == 0)
		return nsset_fail(err, EINVAL, "empty container id");
	if (len > OCI_ID_MAX)
		return nsset_fail(err, EINVAL, "container id longer than %d bytes", OCI_ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return nsset_fail(err, EINVAL, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++) {
		char ch = *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '.' || ch == '+'))
			return nsset_fail(err, EINVAL,
					  "invalid container id (only letters, digits and _.+- are allowed)");
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int open_dir(const char *root, const char *id, bool lock, struct nsset_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", root, id);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return nsset_fail(err, ENOENT, "container %s does not exist", id);
		return nsset_fail_errno(err, errno, "cannot open %s", path);
	}
	while (lock && flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return nsset_fail_errno(err, e, "cannot lock %s", path);
		}
	}
	return fd;
}

int oci_state_reserve(const char *root, const char *id, struct nsset_error *err)
{
	char path[4096];
	int r = oci_id_check(id, err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s", root, id);
	/* The root is there but the first time: made only then. */
	int made = mkdir(path, 0700);
	if (made < 0 && errno == ENOENT) {
		if ((r = mkdir_p(root, 0711)) < 0)
			return nsset_fail_errno(err, -r, "cannot make the state root %s", root);
		made = mkdir(path, 0700);
	}
	if (made < 0) {
		if (errno == EEXIST)
			return nsset_fail(err, EEXIST, "container %s exists", id);
		return nsset_fail_errno(err, errno, "cannot make %s", path);
	}
	int fd = open_dir(root, id, true, err);
	if (fd < 0)
		rmdir(path);
	return fd;
}

static int open_existing(const char *root, const char *id, bool lock, struct nsset_error *err)
{
	int r = oci_id_check(id, err);
	if (r < 0)
		return r;
	int fd = open_dir(root, id, lock, err);
	if (fd < 0)
		return fd;
	/* A directory without state.json: removed by a concurrent delete while we waited for the
	 * lock, or a reservation that was never written. */
	if (faccessat(fd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		close(fd);
		return nsset_fail(err, ENOENT, "container %s does not exist", id);
	}
	return fd;
}

int oci_state_open(const char *root, const char *id, struct nsset_error *err)
{
	return open_existing(root, id, true, err);
}

int oci_state_open_unlocked(const char *root, const char *id, struct nsset_error *err)
{
	return open_existing(root, id, false, err);
}

int oci_state_remove(const char *root, const char *id, int dirfd, struct nsset_error *err)
{
	char path[4096];
	/* state.json first: from then on the container does not exist for the others.  Then
	 * the files the runtime makes there; anything else is found by reading the directory. */
	static const char *const known[] = { "state.json", "config.json", "exec.fifo" };
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		unlinkat(dirfd, known[i], 0);
	snprintf(path, sizeof(path), "%s/%s", root, id);
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	DIR *d;
	int dfd = dup(dirfd);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return nsset_fail_errno(err, errno, "cannot read the state of %s", id);
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd, e->d_name, 0);
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		return nsset_fail_errno(err, errno, "cannot remove %s", path);
	return 0;
}

int oci_state_remove_orphan(const char *root, const char *id, struct nsset_error *err)
{
	int fd = open_dir(root, id, true, err);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	int r = 0;
	/* Under the lock: still no state.json (a create that made it holds the lock until it has
	 * written one), so nothing is using it. */
	if (faccessat(fd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		r = oci_state_remove(root, id, fd, err);
	close(fd);
	return r;
}

int oci_state_put_file(int dirfd, const char *name, const char *data, size_t len,
		       struct nsset_error *err)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot write %s", name);
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			unlinkat(dirfd, tmp, 0);
			return nsset_fail_errno(err, e, "cannot write %s", name);
		}
		off += (size_t)n;
	}
	close(fd);
	/* Readers see the old file or the new one, never a part.  Over an existing file, an
	 * exchange and an unlink rather than a rename: ext4 (auto_da_alloc) starts writing the
	 * new file's blocks back when a rename replaces a file, I/O that state under /run on a
	 * disk does not need (about 0.13 ms a write here). */
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		unlinkat(dirfd, tmp, 0);
		return 0;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return nsset_fail_errno(err, e, "cannot write %s", name);
	}
	return 0;
}

int oci_state_get_file(int dirfd, const char *name, char **data, struct nsset_error *err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "cannot read %s", name);
	return oci_read_fd(fd, name, data, NULL, err);
}

int oci_state_write(int dirfd, const struct oci_state *s, struct nsset_error *err)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "bundle", json_object_new_string(s->bundle ? s->bundle : ""));
	json_object_object_add(o, "pid", json_object_new_int64(s->pid));
	json_object_object_add(o, "startTime", json_object_new_uint64(s->start_time));
	json_object_object_add(o, "creator", json_object_new_int64(s->creator));
	json_object_object_add(o, "creatorStartTime", json_object_new_uint64(s->creator_start));
	json_object_object_add(o, "created", json_object_new_string(s->created ? s->created : ""));
	if (s->cgroup)
		json_object_object_add(o, "cgroup", json_object_new_string(s->cgroup));
	json_object_object_add(o, "namespaces", json_object_new_uint64(s->ns_new));
	json_object_object_add(o, "started", json_object_new_boolean(s->started));
	json_object_object_add(o, "exitStatus", json_object_new_int(s->exit_status));
	for (char **p = s->annotations; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		char key[1024];
		size_t kl = eq ? (size_t)(eq - *p) : strlen(*p);
		if (kl >= sizeof(key))
			continue;
		memcpy(key, *p, kl);
		key[kl] = '\0';
		json_object_object_add(a, key, json_object_new_string(eq ? eq + 1 : ""));
	}
	json_object_object_add(o, "annotations", a);
	size_t len;
	const char *str = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	int r = oci_state_put_file(dirfd, "state.json", str, len, err);
	json_object_put(o);
	return r;
}

void oci_state_clear(struct oci_state *s)
{
	free(s->bundle);
	free(s->created);
	free(s->cgroup);
	if (s->annotations)
		for (char **p = s->annotations; *p; p++)
			free(*p);
	free(s->annotations);
	memset(s, 0, sizeof(*s));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

int oci_state_read(int dirfd, struct oci_state *s, struct nsset_error *err)
{
	char *data;
	memset(s, 0, sizeof(*s));
	int r = oci_state_get_file(dirfd, "state.json", &data, err);
	if (r < 0)
		return r;
	struct json_object *o = json_tokener_parse(data), *a;
	free(data);
	if (!o || !json_object_is_type(o, json_type_object) || !get_str(o, "id")) {
		json_object_put(o);
		return nsset_fail(err, EINVAL, "state.json is corrupt");
	}
	snprintf(s->id, sizeof(s->id), "%s", get_str(o, "id"));
	s->bundle = dup_or_null(get_str(o, "bundle"));
	s->created = dup_or_null(get_str(o, "created"));
	s->cgroup = dup_or_null(get_str(o, "cgroup"));
	s->pid = (pid_t)get_int(o, "pid");
	s->creator = (pid_t)get_int(o, "creator");
	struct json_object *v;
	if (json_object_object_get_ex(o, "startTime", &v))
		s->start_time = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "creatorStartTime", &v))
		s->creator_start = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "namespaces", &v))
		s->ns_new = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "started", &v))
		s->started = json_object_get_boolean(v);
	s->exit_status = json_object_object_get_ex(o, "exitStatus", &v) ? json_object_get_int(v) : -1;
	if (json_object_object_get_ex(o, "annotations", &a) && json_object_is_type(a, json_type_object)) {
		size_t n = (size_t)json_object_object_length(a), i = 0;
		s->annotations = calloc(n + 1, sizeof(char *));
		json_object_object_foreach(a, key, val) {
			if (!s->annotations)
				break;
			if (asprintf(&s->annotations[i], "%s=%s", key,
				     val ? json_object_get_string(val) : "") < 0)
				s->annotations[i] = NULL;
			else
				i++;
		}
	}
	json_object_put(o);
	return 0;
}

unsigned long long oci_start_time_between(const struct timespec *before,
					  const struct timespec *after)
{
	/* proc(5): field 22 is the task's start_boottime (taken by clone) in clock ticks, in
	 * the reader's time namespace, as CLOCK_BOOTTIME is.  A margin on both sides covers any
	 * difference between the vDSO's reading and the kernel's. */
	const unsigned long long margin = 100000; /* ns */
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0 || 1000000000 % hz)
		return 0;
	unsigned long long tick = 1000000000ULL / (unsigned long long)hz;
	unsigned long long b = (unsigned long long)before->tv_sec * 1000000000ULL +
			       (unsigned long long)before->tv_nsec,
			   a = (unsigned long long)after->tv_sec * 1000000000ULL +
			       (unsigned long long)after->tv_nsec;
	if (b < margin || a < b || (b - margin) / tick != (a + margin) / tick)
		return 0;
	return b / tick;
}

unsigned long long oci_proc_start_time(pid_t pid, bool *zombie)
{
	char path[64], buf[1024];
	if (zombie)
		*zombie = false;
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	p += 2; /* field 3: state */
	if (zombie)
		*zombie = (*p == 'Z' || *p == 'X');
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	return strtoull(p, NULL, 10);
}

enum oci_status oci_state_status(int dirfd, const struct oci_state *s, bool frozen)
{
	bool zombie;
	if (s->pid <= 0) {
		if (s->creator > 0 && oci_proc_start_time(s->creator, &zombie) == s->creator_start && !zombie)
			return OCI_CREATING;
		return OCI_STOPPED;
	}
	unsigned long long st = oci_proc_start_time(s->pid, &zombie);
	if (st == 0 || st != s->start_time || zombie)
		return OCI_STOPPED;
	if (!s->started) {
		/* Still being made by its creator, or made and waiting for start. */
		if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
			if (s->creator > 0 && oci_proc_start_time(s->creator, NULL) == s->creator_start)
				return OCI_CREATING;
			return OCI_CREATED;
		}
	}
	return frozen ? OCI_PAUSED : OCI_RUNNING;
}

char *oci_state_json(const struct oci_state *s, enum oci_status status)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "status", json_object_new_string(oci_status_name(status)));
	json_object_object_add(o, "pid", json_object_new_int64(status == OCI_STOPPED ? 0 : s->pid));
	json_object_object_add(o, "bundle", json_object_new_string(s->bundle ? s->bundle : ""));
	if (s->created && *s->created)
		json_object_object_add(o, "created", json_object_new_string(s->created));
	if (s->annotations && s->annotations[0]) {
		struct json_object *a = json_object_new_object();
		for (char **p = s->annotations; *p; p++) {
			char *eq = strchr(*p, '=');
			if (!eq)
				continue;
			*eq = '\0';
			json_object_object_add(a, *p, json_object_new_string(eq + 1));
			*eq = '=';
		}
		json_object_object_add(o, "annotations", a);
	}
	char *out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int oci_state_list(const char *root, char ***ids, size_t *n, struct nsset_error *err)
{
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(root);
	if (!d) {
		if (errno == ENOENT) {
			*ids = calloc(1, sizeof(char *));
			return *ids ? 0 : nsset_fail(err, ENOMEM, "out of memory");
		}
		return nsset_fail_errno(err, errno, "cannot read %s", root);
	}
	size_t cap = 16, len = 0;
	char **v = calloc(cap, sizeof(char *));
	struct dirent *e;
	while (v && (e = readdir(d))) {
		if (e->d_name[0] == '.' || oci_id_check(e->d_name, NULL) < 0)
			continue;
		/* No state.json: being reserved or removed, or an orphan of a killed create:
		 * not a container (open_existing says so too). */
		char sj[300];
		snprintf(sj, sizeof(sj), "%s/state.json", e->d_name);
		if (faccessat(dirfd(d), sj, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (len + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(char *));
			if (!nv)
				break;
			v = nv;
		}
		v[len] = strdup(e->d_name);
		if (v[len])
			v[++len] = NULL;
	}
	closedir(d);
	if (!v)
		return nsset_fail(err, ENOMEM, "out of memory");
	v[len] = NULL;
	qsort(v, len, sizeof(char *), cmp_str);
	*ids = v;
	*n = len;
	return 0;
}
