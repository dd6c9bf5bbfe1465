// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"
#include "top_model.h"
#include "hist.h"

static const char *const sort_names[SORT_NR] = {
	[SORT_REQ] = "req", [SORT_GRP] = "grp", [SORT_INFLIGHT] = "inflight",
	[SORT_AGE] = "age", [SORT_AVG] = "avg", [SORT_P50] = "p50",
	[SORT_P99] = "p99", [SORT_MAX] = "max", [SORT_FAIL] = "fail",
	[SORT_INVALID] = "inv", [SORT_RID] = "rid",
};

int top_sort_parse(const char *s, enum top_sort *out)
{
	int i;

	for (i = 0; s && i < SORT_NR; i++) {
		if (!strcmp(s, sort_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

#define NCOUNTERS (offsetof(struct riommu_row, lat) / sizeof(__u64))

void top_row_delta(struct riommu_row *d, const struct riommu_row *now,
		   const struct riommu_row *prev)
{
	const __u64 *a = (const __u64 *)now, *b = (const __u64 *)prev;
	__u64 *o = (__u64 *)d;
	unsigned i;

	for (i = 0; i < NCOUNTERS; i++)
		o[i] = a[i] - b[i];
	d->lat.count = now->lat.count - prev->lat.count;
	d->lat.sum = now->lat.sum - prev->lat.sum;
	d->lat.max[0] = now->lat.max[0];
}

void top_row_derive(struct top_row *r, double iv)
{
	const struct riommu_lat *l = &r->d.lat;

	r->req_s = iv > 0 ? r->d.requests / iv : 0;
	r->grp_s = iv > 0 ? r->d.groups / iv : 0;
	r->avg_us = l->count ? (double)l->sum / l->count / 1e3 : 0;
	r->max_us = l->count ? l->max[0] / 1e3 : 0;
}

void top_row_percentiles(struct top_row *r, const __u64 *fine)
{
	__u64 max = r->d.lat.max[0];

	r->p50_us = fine ? fine_percentile(fine, RIOMMU_FINE_SLOTS, 50, max) / 1e3 : 0;
	r->p99_us = fine ? fine_percentile(fine, RIOMMU_FINE_SLOTS, 99, max) / 1e3 : 0;
}

static double sort_val(const struct top_row *r, enum top_sort k)
{
	switch (k) {
	case SORT_REQ: return r->d.requests;
	case SORT_GRP: return r->d.groups;
	case SORT_INFLIGHT: return r->inflight;
	case SORT_AGE: return r->oldest_ns;
	case SORT_AVG: return r->avg_us;
	case SORT_P50: return r->p50_us;
	case SORT_P99: return r->p99_us;
	case SORT_MAX: return r->max_us;
	case SORT_FAIL: return r->d.failures + r->d.resp_failure;
	case SORT_INVALID: return r->d.resp_invalid;
	default: return 0;
	}
}

static enum top_sort cur_key;

static int row_cmp(const void *pa, const void *pb)
{
	const struct top_row *a = *(struct top_row *const *)pa, *b = *(struct top_row *const *)pb;
	double va, vb;

	if (cur_key != SORT_RID) {
		va = sort_val(a, cur_key);
		vb = sort_val(b, cur_key);
		if (va != vb)
			return va > vb ? -1 : 1;	/* biggest first */
	}
	/* stable, readable ties */
	return riommu_key_cmp(a->key.iommu, a->key.rid, a->key.pasid,
			      b->key.iommu, b->key.rid, b->key.pasid);
}

void top_sort(struct top_row **rows, int n, enum top_sort k)
{
	cur_key = k;
	qsort(rows, n, sizeof(*rows), row_cmp);
}

bool top_row_active(const struct top_row *r)
{
	const __u64 *a = (const __u64 *)&r->d;
	unsigned i;

	if (r->inflight)
		return true;
	for (i = 0; i < NCOUNTERS; i++)
		if (a[i])
			return true;
	return false;
}

void top_row_record(struct record *rec, const struct top_row *r, double t,
		    double iv, bool per_pasid)
{
	const struct riommu_row *d = &r->d;

	rec_start(rec, "row");
	REC_FIELDS(rec, F_DBL("time", t), F_DBL("interval", iv),
		   /* a failure of a RID no request named has no known IOMMU */
		   F_OPT("iommu", r->key.iommu != RIOMMU_ANY, r->key.iommu),
		   F_OPT("rid", r->key.rid != RIOMMU_ANY, r->key.rid),
		   F_OPT("pasid", per_pasid && r->key.pasid < RIOMMU_NOPASID, r->key.pasid),
		   F_U64("requests", d->requests), F_DBL("req_s", r->req_s),
		   F_U64("groups", d->groups), F_DBL("grp_s", r->grp_s),
		   F_U64("inflight", r->inflight), F_DBL("oldest_ms", r->oldest_ns / 1e6),
		   /* latency */
		   F_U64("lat_count", d->lat.count), F_U64("lat_sum_ns", d->lat.sum),
		   F_DBL("lat_avg_us", r->avg_us), F_DBL("lat_p50_us", r->p50_us),
		   F_DBL("lat_p99_us", r->p99_us), F_DBL("lat_max_us", r->max_us),
		   /* responses, failure notifications, PQ errors */
		   F_U64("resp_success", d->resp_success), F_U64("resp_invalid", d->resp_invalid),
		   F_U64("resp_failure", d->resp_failure), F_U64("resp_other", d->resp_other),
		   F_U64("failures", d->failures), F_U64("pq_errors", d->pq_errors),
		   F_U64("pq_overflows", d->pq_overflows), F_U64("pq_memfaults", d->pq_memfaults),
		   /* pq_report */
		   F_U64("stop_markers", d->stop_markers), F_U64("report_errors", d->report_errors),
		   F_U64("unknown_devid", d->unknown_devid));
}
