/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * riommu-trace's log2 display slot of a latency, taken without a division
 * on the BPF side's hot path; the host unit tests check it against the
 * division.
 */
#ifndef RIOMMU_LOG2_H
#define RIOMMU_LOG2_H

#include "riommu.h"

/*
 * Slot of v = ns / unit: 0 for v == 0, else ilog2(v) + 1, at most
 * RIOMMU_LOG2_SLOTS - 1.  With 2^(k-1) < unit < 2^k (1000: k 10, 1000000:
 * k 20), ilog2(v) is ilog2(ns) - k or one more: one comparison tells.
 */
static __always_inline __u32 riommu_log2_slot(__u64 ns, __u64 unit, __u32 k)
{
	__u32 c;

	if (ns < unit)
		return 0;
	c = riommu_ilog2(ns) + 1 - k;	/* ns >= unit > 2^(k-1): no wrap */
	if (c >= RIOMMU_LOG2_SLOTS - 1)
		return RIOMMU_LOG2_SLOTS - 1;
	return ns >= unit << c ? c + 1 : c;
}

#endif
