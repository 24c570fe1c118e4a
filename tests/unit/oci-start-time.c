/* Unit tests for oci_start_time_between (lib/oci/state.c): the start time /proc/PID/stat
 * gives a process made between two CLOCK_BOOTTIME readings, or 0 where it cannot be sure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>
#include <unistd.h>

#include "oci/state.h"

static struct timespec ts(long long sec, long nsec)
{
	struct timespec t = { .tv_sec = (time_t)sec, .tv_nsec = nsec };
	return t;
}

static void within_one_tick(void **state)
{
	(void)state;
	long hz = sysconf(_SC_CLK_TCK);
	assert_true(hz > 0);
	long tick = 1000000000L / hz;
	/* 1234 s and a bit: well inside the tick that starts at 1234 s */
	struct timespec b = ts(1234, 3 * tick + tick / 4), a = ts(1234, 3 * tick + tick / 2);
	assert_int_equal(oci_start_time_between(&b, &a), 1234ULL * (unsigned long long)hz + 3);
	/* the same reading twice */
	assert_int_equal(oci_start_time_between(&b, &b), 1234ULL * (unsigned long long)hz + 3);
}

static void near_or_across_a_tick_is_unsure(void **state)
{
	(void)state;
	long tick = 1000000000L / sysconf(_SC_CLK_TCK);
	/* across a tick */
	struct timespec b = ts(50, tick - 1000), a = ts(50, tick + 1000);
	assert_int_equal(oci_start_time_between(&b, &a), 0);
	/* inside one tick, but within 0.1 ms of its end or start */
	b = ts(50, tick - 90000);
	a = ts(50, tick - 80000);
	assert_int_equal(oci_start_time_between(&b, &a), 0);
	b = ts(50, tick + 10000);
	a = ts(50, tick + 20000);
	assert_int_equal(oci_start_time_between(&b, &a), 0);
	/* readings in the wrong order */
	b = ts(50, tick / 2 + 10);
	a = ts(50, tick / 2);
	assert_int_equal(oci_start_time_between(&b, &a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(within_one_tick),
		cmocka_unit_test(near_or_across_a_tick_is_unsure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
