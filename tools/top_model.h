/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* riommu-top rows: interval deltas, derived figures, sorting, records. */
#ifndef RIOMMU_TOOLS_TOP_MODEL_H
#define RIOMMU_TOOLS_TOP_MODEL_H

#include <stdbool.h>
#include <linux/types.h>
#include "riommu.h"
#include "output.h"

enum top_sort {
	SORT_REQ, SORT_GRP, SORT_INFLIGHT, SORT_AGE, SORT_AVG, SORT_P50,
	SORT_P99, SORT_MAX, SORT_FAIL, SORT_INVALID, SORT_RID, SORT_NR,
};

struct top_row {
	struct riommu_row_key key;
	struct riommu_row total;	/* since start; lat.max[0] = interval max */
	struct riommu_row d;		/* this interval */
	__u64 inflight;
	__u64 oldest_ns;		/* age of the oldest in-flight group, 0 if none */
	__u64 active_ns;		/* last interval with events or groups in flight */
	bool live;			/* its key holds a slot of the row table */
	bool seen;			/* present in this interval's read */
	/* derived */
	double req_s, grp_s, avg_us, p50_us, p99_us, max_us;
};

int top_sort_parse(const char *s, enum top_sort *out);
/* d = now - prev for the monotonic counters; d.lat.max[0] = now.lat.max[0] */
void top_row_delta(struct riommu_row *d, const struct riommu_row *now,
		   const struct riommu_row *prev);
/* rates, average and max of the interval (d) */
void top_row_derive(struct top_row *r, double interval_s);
/* p50 and p99 of the interval from its percentile histogram counts */
void top_row_percentiles(struct top_row *r, const __u64 *fine);
/* sort an array of row pointers */
void top_sort(struct top_row **rows, int n, enum top_sort k);
/* true when the row has anything to show for the interval */
bool top_row_active(const struct top_row *r);
void top_row_record(struct record *rec, const struct top_row *r, double t,
		    double interval_s, bool per_pasid);

#endif
