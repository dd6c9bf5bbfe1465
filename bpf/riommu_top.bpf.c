// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-top: per (IOMMU, RID[, PASID]) counters and request-to-PRGR latency,
 * aggregated in the kernel.  No per-event traffic to user space.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "riommu_common.bpf.h"

const volatile bool per_pasid = false;

/* Rows: slot index from row_keys, counters per CPU in rows. */
const volatile __u32 nrows = 1024;	/* power of two, set with the sizes */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);	/* resized by user space (--max-rows) */
	__type(key, __u32);
	__type(value, __u64);
} row_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct riommu_row);
} rows SEC(".maps");

static __always_inline struct riommu_row *row_get(__u32 iommu, __u32 rid,
						  __u32 pasid, __u32 flags)
{
	__u32 p;
	int idx;

	if (!per_pasid || rid == RIOMMU_ANY)
		p = RIOMMU_ANY;
	else
		p = (flags & RIOMMU_F_PV) ? pasid : RIOMMU_NOPASID;
	idx = key_slot(&row_keys, nrows, riommu_key_tag(iommu, rid, p));
	if (idx < 0) {
		count_drop(RIOMMU_DROP_ROW_FULL);
		return NULL;
	}
	return bpf_map_lookup_elem(&rows, &idx);
}

SEC("raw_tp/pq_consume")
int top_pq_consume(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RA_IOMMU], devid = ctx->args[RA_DEVID];
	__u32 pasid = ctx->args[RA_PASID], flags = ctx->args[RA_FLAGS];
	__u32 prgi = ctx->args[RA_PRGI];
	struct riommu_row *r;
	int started;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	note_rid_iommu(devid, iommu);
	r = row_get(iommu, devid, pasid, flags);
	if (is_stop_marker(flags)) {
		if (r)
			r->stop_markers++;
		return 0;
	}
	started = grp_request(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			      prgi, flags, ctx->args[RA_LAST], 0);
	if (r) {
		r->requests++;
		if (started > 0)
			r->groups++;
	}
	return 0;
}

SEC("raw_tp/pq_report")
int top_pq_report(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RA_IOMMU], devid = ctx->args[RA_DEVID];
	__u32 pasid = ctx->args[RA_PASID], flags = ctx->args[RA_FLAGS];
	int ret = (int)ctx->args[RA_LAST];
	struct riommu_row *r;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	if (ret == 0) {		/* common path: no row lookup */
		count_total(RIOMMU_TOT_REPORTED);
		return 0;
	}
	r = row_get(iommu, devid, pasid, flags);
	if (!r)
		return 0;
	if (ret < 0) {
		r->report_errors++;
		if (ret == -ENODEV)
			r->unknown_devid++;
	}
	return 0;
}

SEC("raw_tp/page_response")
int top_page_response(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RA_IOMMU], devid = ctx->args[RA_DEVID];
	__u32 pasid = ctx->args[RA_PASID], flags = ctx->args[RA_FLAGS];
	__u32 prgi = ctx->args[RA_PRGI], code = ctx->args[RA_LAST];
	struct riommu_row *r;
	__u32 nreq = 0;
	__u64 lat;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	lat = grp_response(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			   prgi, bpf_ktime_get_ns(), &nreq);
	r = row_get(iommu, devid, pasid, flags);
	if (!r)
		return 0;
	if (code == RIOMMU_PRGR_SUCCESS)
		r->resp_success++;
	else if (code == RIOMMU_PRGR_INVALID)
		r->resp_invalid++;
	else if (code == RIOMMU_PRGR_FAILURE)
		r->resp_failure++;
	else
		r->resp_other++;
	if (lat)
		lat_add(&r->lat, lat);
	return 0;
}

SEC("raw_tp/pq_error")
int top_pq_error(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RE_IOMMU], errors = ctx->args[RE_ERRORS];
	struct riommu_row *r;

	if (targ_iommu != RIOMMU_ANY && iommu != targ_iommu)
		return 0;
	r = row_get(iommu, RIOMMU_ANY, RIOMMU_ANY, 0);
	if (!r)
		return 0;
	r->pq_errors++;
	if (errors & RIOMMU_PQ_OVF)
		r->pq_overflows++;
	if (errors & RIOMMU_PQ_MF)
		r->pq_memfaults++;
	return 0;
}

SEC("raw_tp/iopf_failure")
int top_iopf_failure(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 rid = ctx->args[RF_RID], pasid = ctx->args[RF_PASID];
	__u32 flags = ctx->args[RF_FLAGS] & 1 ? RIOMMU_F_PV : 0;
	__u32 iommu = rid_to_iommu(rid);
	struct riommu_row *r;

	if (filtered(iommu, rid, pasid, flags))
		return 0;
	r = row_get(iommu, rid, pasid, flags);
	if (r)
		r->failures++;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
