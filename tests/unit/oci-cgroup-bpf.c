/* Unit tests for the cgroup v2 device program (lib/oci/cgroup_bpf.c): the instructions are run
 * by a small interpreter of the few opcodes the generator writes, and compared with the rule
 * semantics of cgroup_bpf.h written out plainly (a model), for hand-picked and for random rule
 * lists.  The structure the verifier insists on (jumps in range, every instruction reachable,
 * no falling off the end) is checked too.  The kernel's side: tests/integration/oci-cgroup-v2.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "oci/cgroup_bpf.h"

#define C BPF_DEVCG_DEV_CHAR
#define B BPF_DEVCG_DEV_BLOCK
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD

static int run(const struct bpf_insn *p, size_t n, uint32_t type, uint32_t major, uint32_t minor,
	       uint32_t access)
{
	uint32_t ctx[3] = { access << 16 | type, major, minor };
	uint64_t r[11] = { 0 };
	bool r0_set = false, r1_ctx = true;
	size_t pc = 0;
	for (int steps = 0; steps < 1000000; steps++) {
		assert_true(pc < n);
		const struct bpf_insn *i = &p[pc++];
		uint8_t d = i->dst_reg;
		assert_true(d <= 10);
		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			assert_int_equal(i->src_reg, BPF_REG_1);
			assert_true(r1_ctx);
			assert_true(i->off == 0 || i->off == 4 || i->off == 8);
			r[d] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[d] = (uint32_t)r[d] & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[d] = (uint32_t)r[d] >> i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[d] = (uint32_t)r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[d] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			if ((uint32_t)r[d] == (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			if ((uint32_t)r[d] != (uint32_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			assert_true(r0_set);
			assert_true(r[0] == 0 || r[0] == 1);
			return (int)r[0];
		default:
			fail_msg("unexpected opcode %#x at %zu", i->code, pc - 1);
		}
		if (i->code != (BPF_JMP | BPF_JA) && BPF_CLASS(i->code) != BPF_JMP32) {
			if (d == BPF_REG_0)
				r0_set = true;
			if (d == BPF_REG_1)
				r1_ctx = false;
		}
	}
	fail_msg("the program does not end");
	return -1;
}

/* What the verifier checks of the shape: every jump lands inside, every instruction can be
 * reached, the last one does not fall through. */
static void check_shape(const struct bpf_insn *p, size_t n)
{
	bool *seen = calloc(n, 1);
	size_t *todo = malloc(n * sizeof(*todo)), nt = 0;
	assert_non_null(seen);
	assert_non_null(todo);
	todo[nt++] = 0;
	seen[0] = true;
	while (nt) {
		size_t pc = todo[--nt], next[2];
		int k = 0;
		uint8_t code = p[pc].code;
		if (code == (BPF_JMP | BPF_EXIT)) {
			continue;
		} else if (code == (BPF_JMP | BPF_JA)) {
			next[k++] = pc + 1 + (size_t)(ptrdiff_t)p[pc].off;
		} else if (BPF_CLASS(code) == BPF_JMP32) {
			assert_true(p[pc].off >= 0);
			next[k++] = pc + 1;
			next[k++] = pc + 1 + (size_t)p[pc].off;
		} else {
			next[k++] = pc + 1;
		}
		for (int j = 0; j < k; j++) {
			assert_true(next[j] < n);
			if (!seen[next[j]]) {
				seen[next[j]] = true;
				todo[nt++] = next[j];
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("instruction %zu cannot be reached", i);
	free(seen);
	free(todo);
}

/* The semantics of cgroup_bpf.h, plainly. */
static bool model(const struct oci_device_rule *rules, size_t n, uint32_t type, uint32_t major,
		  uint32_t minor, uint32_t access)
{
	static const struct { uint32_t bit; char letter; } l[] = { { R, 'r' }, { W, 'w' }, { M, 'm' } };
	for (size_t b = 0; b < 3; b++) {
		if (!(access & l[b].bit))
			continue;
		bool allowed = false;
		for (size_t i = n; i-- > 0;) {
			const struct oci_device_rule *d = &rules[i];
			bool match = d->type == 'a' ||
				((d->type == 'c' ? C : B) == type && (d->major < 0 || (uint32_t)d->major == major) &&
				 (d->minor < 0 || (uint32_t)d->minor == minor) && strchr(d->access, l[b].letter));
			if (match) {
				allowed = d->allow;
				break;
			}
		}
		if (!allowed)
			return false;
	}
	return true;
}

static void program(const struct oci_device_rule *rules, size_t n, struct bpf_insn **p, size_t *np)
{
	struct nsset_error err = { 0 };
	assert_int_equal(oci_cgroup_bpf_program(rules, n, p, np, &err), 0);
	check_shape(*p, *np);
}

/* rules, then: type major minor access -> expected */
struct ask {
	uint32_t type, major, minor, access;
	int want;
};

static void expect(const struct oci_device_rule *rules, size_t n, const struct ask *a, size_t na)
{
	struct bpf_insn *p;
	size_t np;
	program(rules, n, &p, &np);
	for (size_t i = 0; i < na; i++) {
		int got = run(p, np, a[i].type, a[i].major, a[i].minor, a[i].access);
		if (got != a[i].want)
			fail_msg("ask %zu (type %u %u:%u access %u): program says %d, expected %d", i,
				 a[i].type, a[i].major, a[i].minor, a[i].access, got, a[i].want);
		assert_int_equal(model(rules, n, a[i].type, a[i].major, a[i].minor, a[i].access), a[i].want);
	}
	free(p);
}

#define RULE(allow, type, maj, min, acc) { allow, type, maj, min, acc }
#define EXPECT(rules, ...) do { \
	const struct ask a_[] = { __VA_ARGS__ }; \
	expect(rules, sizeof(rules) / sizeof(rules[0]), a_, sizeof(a_) / sizeof(a_[0])); \
} while (0)

static void deny_all_then_allow(void **state)
{
	(void)state;
	const struct oci_device_rule rules[] = {
		RULE(false, 'a', -1, -1, "rwm"),
		RULE(true, 'c', 1, 3, "rw"),
		RULE(true, 'c', 136, -1, "rwm"),
		RULE(true, 'b', -1, -1, "m"),
	};
	EXPECT(rules,
	       { C, 1, 3, R, 1 }, { C, 1, 3, W, 1 }, { C, 1, 3, R | W, 1 }, { C, 1, 3, M, 0 },
	       { C, 1, 4, R, 0 }, { B, 1, 3, R, 0 }, { C, 136, 7, R | W, 1 }, { C, 137, 7, R, 0 },
	       { B, 8, 0, M, 1 }, { B, 8, 0, R, 0 }, { C, 8, 0, M, 0 });
}

static void the_last_rule_wins(void **state)
{
	(void)state;
	/* a later deny of "w" takes writing away, reading stays */
	const struct oci_device_rule later_deny[] = {
		RULE(true, 'c', 1, 3, "rwm"),
		RULE(false, 'c', 1, 3, "w"),
	};
	EXPECT(later_deny, { C, 1, 3, R, 1 }, { C, 1, 3, W, 0 }, { C, 1, 3, R | W, 0 }, { C, 1, 3, M, 1 });
	/* a later allow wins over an earlier deny; a wildcard rule later wins over a precise one */
	const struct oci_device_rule later_allow[] = {
		RULE(false, 'c', 1, 3, "rwm"),
		RULE(true, 'c', 1, -1, "r"),
		RULE(false, 'c', -1, 5, "r"),
	};
	EXPECT(later_allow, { C, 1, 3, R, 1 }, { C, 1, 3, W, 0 }, { C, 1, 5, R, 0 }, { C, 1, 6, R, 1 });
	/* "r" and "w" allowed by two rules: an open for both is allowed */
	const struct oci_device_rule split[] = {
		RULE(true, 'c', 1, 3, "r"),
		RULE(true, 'c', 1, 3, "w"),
	};
	EXPECT(split, { C, 1, 3, R | W, 1 }, { C, 1, 3, M, 0 });
	/* nothing after a deny of everything counts for more: the defaults come last */
	const struct oci_device_rule all_last[] = {
		RULE(true, 'c', 1, 3, "rwm"),
		RULE(false, 'a', -1, -1, "rwm"),
	};
	EXPECT(all_last, { C, 1, 3, R, 0 }, { B, 1, 3, M, 0 });
	const struct oci_device_rule allow_all_last[] = {
		RULE(false, 'c', 1, 3, "rwm"),
		RULE(true, 'a', -1, -1, "rwm"),
	};
	EXPECT(allow_all_last, { C, 1, 3, R | W, 1 }, { B, 9, 9, M, 1 });
}

static void type_a_is_every_device(void **state)
{
	(void)state;
	/* as the kernel's v1 "a": its major, minor and access do not narrow it */
	const struct oci_device_rule rules[] = {
		RULE(true, 'c', 1, 3, "rwm"),
		RULE(false, 'a', 7, 7, "r"),
	};
	EXPECT(rules, { C, 1, 3, W, 0 }, { C, 1, 3, M, 0 }, { B, 7, 7, R, 0 });
}

static void no_rule_denies_and_no_access_allows(void **state)
{
	(void)state;
	const struct oci_device_rule none[] = { RULE(true, 'c', 99, 99, "m") };
	EXPECT(none, { C, 1, 3, R, 0 }, { C, 99, 99, R, 0 }, { C, 99, 99, M, 1 }, { C, 1, 3, 0, 1 });
	struct bpf_insn *p;
	size_t np;
	program(NULL, 0, &p, &np);
	assert_int_equal(run(p, np, C, 1, 3, R), 0);
	assert_int_equal(run(p, np, B, 8, 0, M), 0);
	free(p);
}

static void large_numbers(void **state)
{
	(void)state;
	/* majors and minors are 32-bit in the context: compared as such */
	const struct oci_device_rule rules[] = {
		RULE(true, 'c', 4294967295LL, 2147483648LL, "r"),
		RULE(true, 'b', 259, 1048575, "rw"),
	};
	EXPECT(rules, { C, 4294967295u, 2147483648u, R, 1 }, { C, 2147483647u, 2147483648u, R, 0 },
	       { B, 259, 1048575, R | W, 1 }, { B, 259, 1048574, R, 0 });
}

static void random_rule_lists_match_the_model(void **state)
{
	(void)state;
	static const char *const acc[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
	static const int64_t nums[] = { -1, 1, 5 };
	static const uint32_t asked[] = { 1, 5, 7 };
	srand(4);
	for (int round = 0; round < 2000; round++) {
		struct oci_device_rule rules[10];
		size_t n = (size_t)(rand() % 10);
		for (size_t i = 0; i < n; i++) {
			rules[i].allow = rand() % 2;
			rules[i].type = "acbcb"[rand() % 5];
			rules[i].major = nums[rand() % 3];
			rules[i].minor = nums[rand() % 3];
			strcpy(rules[i].access, acc[rand() % 7]);
		}
		struct bpf_insn *p;
		size_t np;
		program(rules, n, &p, &np);
		for (uint32_t t = B; t <= C; t++)
			for (size_t ma = 0; ma < 3; ma++)
				for (size_t mi = 0; mi < 3; mi++)
					for (uint32_t a = 1; a <= 7; a++) {
						bool want = model(rules, n, t, asked[ma], asked[mi], a);
						int got = run(p, np, t, asked[ma], asked[mi], a);
						if (got != (int)want)
							fail_msg("round %d: type %u %u:%u access %u: program %d, "
								 "model %d", round, t, asked[ma], asked[mi], a,
								 got, want);
					}
		free(p);
	}
}

static void bad_rules_are_refused(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	struct bpf_insn *p = NULL;
	size_t np;
	struct oci_device_rule bad[] = { RULE(true, 'u', 1, 3, "rw") };
	assert_int_equal(oci_cgroup_bpf_program(bad, 1, &p, &np, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "linux.resources.devices[0]: not a normalised rule"));
	bad[0].type = 'c';
	strcpy(bad[0].access, "");
	assert_int_equal(oci_cgroup_bpf_program(bad, 1, &p, &np, &err), -EINVAL);
	strcpy(bad[0].access, "x");
	assert_int_equal(oci_cgroup_bpf_program(bad, 1, &p, &np, &err), -EINVAL);
	assert_null(p);
	struct oci_device_rule *many = calloc(OCI_CGROUP_BPF_MAX_RULES + 1, sizeof(*many));
	assert_non_null(many);
	for (size_t i = 0; i <= OCI_CGROUP_BPF_MAX_RULES; i++)
		many[i] = (struct oci_device_rule)RULE(i % 2, 'c', (int64_t)i, -1, "rw");
	assert_int_equal(oci_cgroup_bpf_program(many, OCI_CGROUP_BPF_MAX_RULES + 1, &p, &np, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "at most 4096 on cgroup v2"));
	/* the most there may be: every jump still fits */
	program(many, OCI_CGROUP_BPF_MAX_RULES, &p, &np);
	assert_int_equal(run(p, np, C, 4095, 0, R), 1);
	assert_int_equal(run(p, np, C, 4094, 0, R | W), 0);
	free(p);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deny_all_then_allow),
		cmocka_unit_test(the_last_rule_wins),
		cmocka_unit_test(type_a_is_every_device),
		cmocka_unit_test(no_rule_denies_and_no_access_allows),
		cmocka_unit_test(large_numbers),
		cmocka_unit_test(random_rule_lists_match_the_model),
		cmocka_unit_test(bad_rules_are_refused),
	};
	return cmocka_run_group_tests_name("oci-cgroup-bpf", tests, NULL, NULL);
}
