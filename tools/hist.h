/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms and percentiles (user space side of struct riommu_lat). */
#ifndef RIOMMU_TOOLS_HIST_H
#define RIOMMU_TOOLS_HIST_H

#include <stdio.h>
#include <linux/types.h>

/* Smallest value and width (ns) of a fine slot. */
__u64 fine_slot_low(unsigned slot);
__u64 fine_slot_width(unsigned slot);

/*
 * p-th percentile (0 < p <= 100) in ns, interpolated inside the slot and
 * clamped to max when max is non-zero.  Returns 0 for an empty histogram.
 */
double fine_percentile(const __u64 *fine, unsigned nslots, double p, __u64 max);

/* log2 display histogram: slot 0 = 0, slot i = [2^(i-1), 2^i - 1]. */
void log2_slot_range(unsigned slot, __u64 *low, __u64 *high);
void print_log2_hist(FILE *f, const __u64 *slots, unsigned n, const char *unit);
/* linear histogram, last slot counts values >= n * step */
void print_linear_hist(FILE *f, const __u64 *slots, unsigned n, unsigned step,
		       const char *unit);

#endif
