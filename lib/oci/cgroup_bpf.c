/* Device rules on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program made from the rule list,
 * loaded and attached to the container's cgroup (semantics in cgroup_bpf.h). */
#include "internal.h"
#include "oci/cgroup_bpf.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WHAT "linux.resources.devices"

/* ---- the program ------------------------------------------------------------------------ */

/* The context (struct bpf_cgroup_dev_ctx): access_type = access << 16 | type, major, minor.
 * Registers: R1 the context (then a scratch), R2 type, R3 access, R4 major, R5 minor. */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

static struct bpf_insn load_ctx(uint8_t dst, int16_t off)
{
	return insn(BPF_LDX | BPF_W | BPF_MEM, dst, BPF_REG_1, off, 0);
}

static struct bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm)
{
	return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn jmp32_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off)
{
	return insn(BPF_JMP32 | op | BPF_K, dst, 0, off, imm);
}

static struct bpf_insn ret(int32_t v)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, v);
}

static const struct bpf_insn EXIT = { .code = BPF_JMP | BPF_EXIT };

struct prog {
	struct bpf_insn *v;
	size_t n;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	p->v[p->n++] = i;
}

/* Jump from insn at to target. */
static void patch(struct prog *p, size_t at, size_t target)
{
	p->v[at].off = (int16_t)(target - at - 1);
}

/* One section per access letter:
 *     if (!(access & BIT)) goto next;
 *     for each rule, last first, that can decide BIT:
 *         if (type != T || major != MAJ || minor != MIN) goto next_rule;  (wildcards left out)
 *         allow: goto next;  deny: return 0;
 *     return 0;                  (no rule matched; left out after an unconditional rule)
 *   next:
 * The verifier refuses instructions that cannot be reached: nothing is written after a rule
 * that matches every device. */
static void section(struct prog *p, const struct oci_device_rule *rules, size_t n, int32_t bit,
		    char letter, size_t *pending)
{
	size_t np = 0;
	emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0));
	emit(p, alu32_imm(BPF_AND, BPF_REG_1, bit));
	pending[np++] = p->n;
	emit(p, jmp32_imm(BPF_JEQ, BPF_REG_1, 0, 0));
	bool open = true;
	for (size_t i = n; i-- > 0;) {
		const struct oci_device_rule *d = &rules[i];
		bool every = d->type == 'a';
		if (!every && !strchr(d->access, letter))
			continue;
		int conds = every ? 0 : 1 + (d->major >= 0) + (d->minor >= 0);
		if (conds == 0) {
			if (!d->allow) {
				emit(p, ret(0));
				emit(p, EXIT);
			}
			open = false; /* an allow falls through to next */
			break;
		}
		int left = conds + (d->allow ? 1 : 2); /* the instructions of this rule */
		emit(p, jmp32_imm(BPF_JNE, BPF_REG_2, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK
				  : BPF_DEVCG_DEV_CHAR, (int16_t)--left));
		if (d->major >= 0)
			emit(p, jmp32_imm(BPF_JNE, BPF_REG_4, (int32_t)(uint32_t)d->major, (int16_t)--left));
		if (d->minor >= 0)
			emit(p, jmp32_imm(BPF_JNE, BPF_REG_5, (int32_t)(uint32_t)d->minor, (int16_t)--left));
		if (d->allow) {
			pending[np++] = p->n;
			emit(p, insn(BPF_JMP | BPF_JA, 0, 0, 0, 0));
		} else {
			emit(p, ret(0));
			emit(p, EXIT);
		}
	}
	if (open) {
		emit(p, ret(0));
		emit(p, EXIT);
	}
	for (size_t i = 0; i < np; i++)
		patch(p, pending[i], p->n);
}

int oci_cgroup_bpf_program(const struct oci_device_rule *rules, size_t n, struct bpf_insn **insns,
			   size_t *n_insns, struct nsset_error *err)
{
	static const struct { int32_t bit; char letter; } letters[] = {
		{ BPF_DEVCG_ACC_READ, 'r' }, { BPF_DEVCG_ACC_WRITE, 'w' }, { BPF_DEVCG_ACC_MKNOD, 'm' },
	};
	if (n > OCI_CGROUP_BPF_MAX_RULES)
		return nsset_fail(err, E2BIG, WHAT ": %zu rules, at most %d on cgroup v2", n,
				  OCI_CGROUP_BPF_MAX_RULES);
	for (size_t i = 0; i < n; i++)
		if (!strchr("acb", rules[i].type) || !rules[i].type || !rules[i].access[0] ||
		    strspn(rules[i].access, "rwm") != strlen(rules[i].access))
			return nsset_fail(err, EINVAL, WHAT "[%zu]: not a normalised rule", i);
	/* At most 6 + 3 * (3 + 5 * n + 2) + 2 instructions; a section's jumps stay far below
	 * the 16-bit offset limit. */
	size_t cap = 8 + NSSET_ARRAY_SIZE(letters) * (5 + 5 * n);
	struct prog p = { malloc(cap * sizeof(*p.v)), 0 };
	size_t *pending = malloc((n + 1) * sizeof(*pending));
	if (!p.v || !pending) {
		free(p.v);
		free(pending);
		return nsset_fail(err, ENOMEM, "out of memory");
	}
	emit(&p, load_ctx(BPF_REG_2, 0));
	emit(&p, alu32_imm(BPF_AND, BPF_REG_2, 0xffff));
	emit(&p, load_ctx(BPF_REG_3, 0));
	emit(&p, alu32_imm(BPF_RSH, BPF_REG_3, 16));
	emit(&p, load_ctx(BPF_REG_4, 4));
	emit(&p, load_ctx(BPF_REG_5, 8));
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(letters); i++)
		section(&p, rules, n, letters[i].bit, letters[i].letter, pending);
	emit(&p, ret(1));
	emit(&p, EXIT);
	free(pending);
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}

/* ---- load and attach ---------------------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct bpf_insn *v, size_t n, struct nsset_error *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)v;
	a.insn_cnt = (uint32_t)n;
	/* The program calls no helper, so the kernel asks for no particular license; this is
	 * nsset's own (GPL-2.0-or-later), in the kernel's spelling. */
	a.license = (uintptr_t)"GPL";
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e != EINVAL && e != EACCES)
		return nsset_fail_errno(err, e, WHAT ": cannot load the device program (BPF_PROG_LOAD)");
	/* Refused by the verifier: again with its log, for the message. */
	char log[4096] = "";
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	size_t len = strlen(log);
	while (len > 0 && log[len - 1] == '\n')
		log[--len] = '\0';
	const char *last = strrchr(log, '\n');
	return nsset_fail(err, e, WHAT ": the kernel refused the device program: %s (%s)",
			  strerror(e), last ? last + 1 : log);
}

/* The ids of the device programs attached to the cgroup itself.  *ids: malloc'd. */
static int query(int dirfd, uint32_t **ids, uint32_t *n, struct nsset_error *err)
{
	uint32_t cap = 64;
	*ids = NULL;
	for (;;) {
		uint32_t *v = realloc(*ids, cap * sizeof(*v));
		if (!v)
			return nsset_fail(err, ENOMEM, "out of memory");
		*ids = v;
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)dirfd;
		a.query.attach_type = BPF_CGROUP_DEVICE;
		a.query.prog_ids = (uintptr_t)v;
		a.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &a) == 0) {
			*n = a.query.prog_cnt;
			return 0;
		}
		if (errno != ENOSPC || cap >= 65536)
			return nsset_fail_errno(err, errno, WHAT ": cannot list the device programs "
						"of the cgroup (BPF_PROG_QUERY)");
		cap *= 4;
	}
}

static int detach(int dirfd, uint32_t id, struct nsset_error *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return errno == ENOENT ? 0 : nsset_fail_errno(err, errno, WHAT ": cannot open the "
							    "device program %u", id);
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	int r = sys_bpf(BPF_PROG_DETACH, &a);
	int e = errno;
	close(fd);
	if (r < 0 && e != ENOENT)
		return nsset_fail_errno(err, e, WHAT ": cannot detach the former device program %u", id);
	return 0;
}

int oci_cgroup_bpf_attach(const char *dir, const struct oci_device_rule *rules, size_t n,
			  struct nsset_error *err)
{
	struct bpf_insn *v;
	size_t nv;
	uint32_t *old = NULL, nold = 0;
	int dirfd = -1, fd = -1, r;

	if ((r = oci_cgroup_bpf_program(rules, n, &v, &nv, err)) < 0)
		return r;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = nsset_fail_errno(err, errno, WHAT ": cannot open the cgroup %s", dir);
		goto out;
	}
	if ((fd = r = load(v, nv, err)) < 0)
		goto out;
	if ((r = query(dirfd, &old, &nold, NULL)) < 0)
		nold = 0; /* not a cgroup: the attach below says so */
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if ((r = sys_bpf(BPF_PROG_ATTACH, &a)) < 0) {
		if (errno == EBADF) /* what the kernel says of a directory that is no cgroup */
			r = nsset_fail(err, ENOTDIR, WHAT ": cannot attach the device program to %s: "
				       "not a cgroup v2 directory", dir);
		else
			r = nsset_fail_errno(err, errno, WHAT ": cannot attach the device program to %s", dir);
		goto out;
	}
	for (uint32_t i = 0; i < nold && r == 0; i++)
		r = detach(dirfd, old[i], err);
out:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	free(old);
	free(v);
	return r < 0 ? r : 0;
}
