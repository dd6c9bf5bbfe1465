// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "hist.h"
#include "riommu.h"

__u64 fine_slot_low(unsigned s)
{
	unsigned g, e;

	if (s < RIOMMU_FINE_SUB)
		return s;
	g = s / RIOMMU_FINE_SUB;
	e = g + RIOMMU_FINE_SUB_BITS - 1;
	return (__u64)(RIOMMU_FINE_SUB + s % RIOMMU_FINE_SUB) << (e - RIOMMU_FINE_SUB_BITS);
}

__u64 fine_slot_width(unsigned s)
{
	unsigned e;

	if (s < RIOMMU_FINE_SUB)
		return 1;
	e = s / RIOMMU_FINE_SUB + RIOMMU_FINE_SUB_BITS - 1;
	return 1ULL << (e - RIOMMU_FINE_SUB_BITS);
}

double fine_percentile(const __u64 *fine, unsigned n, double p, __u64 max)
{
	__u64 total = 0, cum = 0;
	double rank, v;
	unsigned i;

	for (i = 0; i < n; i++)
		total += fine[i];
	if (!total || p <= 0)
		return 0;
	if (p > 100)
		p = 100;
	/* rank of the sample, 1-based (nearest-rank definition) */
	rank = p / 100.0 * total;
	if (rank < 1)
		rank = 1;
	for (i = 0; i < n; i++) {
		if (!fine[i])
			continue;
		if (cum + fine[i] >= rank) {
			/* spread the slot's samples evenly over its width */
			v = fine_slot_low(i) +
			    (rank - cum) / fine[i] * (double)fine_slot_width(i);
			if (fine_slot_width(i) == 1)
				v = fine_slot_low(i);
			if (max && v > max)
				v = max;
			return v;
		}
		cum += fine[i];
	}
	return max;
}

void log2_slot_range(unsigned s, __u64 *low, __u64 *high)
{
	if (!s) {
		*low = *high = 0;
		return;
	}
	*low = 1ULL << (s - 1);
	*high = (1ULL << s) - 1;
}

static void stars(FILE *f, __u64 v, __u64 vmax, int width)
{
	int n = vmax ? (int)(v * width / vmax) : 0, i;

	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

void print_log2_hist(FILE *f, const __u64 *slots, unsigned n, const char *unit)
{
	unsigned i, first = n, last = 0;
	__u64 vmax = 0, lo, hi;
	char lbl[32];

	for (i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (first == n)
			first = i;
		last = i;
		if (slots[i] > vmax)
			vmax = slots[i];
	}
	if (first == n)
		return;
	snprintf(lbl, sizeof(lbl), "%s", unit);
	fprintf(f, "%24s : %-10s %s\n", lbl, "count", "distribution");
	for (i = first; i <= last; i++) {
		log2_slot_range(i, &lo, &hi);
		fprintf(f, "%10llu -> %-10llu : %-10llu |", (unsigned long long)lo,
			(unsigned long long)hi, (unsigned long long)slots[i]);
		stars(f, slots[i], vmax, 40);
		fputs("|\n", f);
	}
}

void print_linear_hist(FILE *f, const __u64 *slots, unsigned n, unsigned step,
		       const char *unit)
{
	unsigned i, first = n + 1, last = 0;
	__u64 vmax = 0;

	for (i = 0; i <= n; i++) {
		if (!slots[i])
			continue;
		if (first > n)
			first = i;
		last = i;
		if (slots[i] > vmax)
			vmax = slots[i];
	}
	if (first > n)
		return;
	fprintf(f, "%24s : %-10s %s\n", unit, "count", "distribution");
	for (i = first; i <= last; i++) {
		if (i == n)
			fprintf(f, "%10llu -> %-10s : %-10llu |",
				(unsigned long long)n * step, "...",
				(unsigned long long)slots[i]);
		else
			fprintf(f, "%10llu -> %-10llu : %-10llu |",
				(unsigned long long)i * step,
				(unsigned long long)(i + 1) * step - 1,
				(unsigned long long)slots[i]);
		stars(f, slots[i], vmax, 40);
		fputs("|\n", f);
	}
}
