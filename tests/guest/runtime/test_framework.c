/*
 * Guest test framework (mtb_test.h) and the required-parameter helper.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mtb_test.h"

long mtb_tests_passed;
long mtb_tests_failed;

void mtb_check(int ok, const char *file, int line, const char *expr)
{
    if (ok) {
        ++mtb_tests_passed;
        return;
    }
    ++mtb_tests_failed;
    printf("FAIL %s:%d: %s\n", file, line, expr);
}

void mtb_check_eq(long actual, long expected, const char *file, int line, const char *actual_expr,
                  const char *expected_expr)
{
    if (actual == expected) {
        ++mtb_tests_passed;
        return;
    }
    ++mtb_tests_failed;
    printf("FAIL %s:%d: %s == %s (%ld / 0x%lx vs %ld / 0x%lx)\n", file, line, actual_expr,
           expected_expr, actual, (unsigned long)actual, expected, (unsigned long)expected);
}

int mtb_test_finish(void)
{
    printf("%ld passed, %ld failed\n", mtb_tests_passed, mtb_tests_failed);
    return (int)mtb_tests_failed;
}

long mtb_param(const char *name)
{
    int found = 0;
    long value = mtb_param_lookup(name, &found);
    if (!found) {
        printf("FAIL: the harness did not set parameter '%s'\n", name);
        mtb_exit(125);
    }
    return value;
}
