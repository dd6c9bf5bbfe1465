/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* TAP lines for the C tests: one "ok - NAME" or "not ok - NAME # why" per check. */
#ifndef RIOMMU_TESTS_TAP_H
#define RIOMMU_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int failures;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("ok - %s\n", name);
		return;
	}
	failures++;
	printf("not ok - %s # ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#endif
