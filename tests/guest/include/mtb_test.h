/*
 * A tiny test framework for guest programs. Each CHECK counts one pass or one failure; a failure
 * prints `FAIL file:line: expression (values)`. End main with `return mtb_test_finish();`, which
 * prints `N passed, M failed` and returns M, so the machine's exit code is the failure count.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_TEST_H
#define MTB_TEST_H

#include "hostcall.h"
#include "mtb_libc.h"

void mtb_check(int ok, const char *file, int line, const char *expr);
void mtb_check_eq(long actual, long expected, const char *file, int line, const char *actual_expr,
                  const char *expected_expr);
int mtb_test_finish(void);
extern long mtb_tests_passed;
extern long mtb_tests_failed;

#define CHECK(cond) mtb_check((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
/* Compares as signed longs (pointers and unsigned values included) and prints both sides. */
#define CHECK_EQ(actual, expected) \
    mtb_check_eq((long)(actual), (long)(expected), __FILE__, __LINE__, #actual, #expected)

#endif
