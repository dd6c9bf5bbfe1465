// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-top: per (IOMMU, RID[, PASID]) counters and request-to-PRGR latency,
 * aggregated in the kernel.  No per-event traffic to user space.
 */
/*
 * UAPI headers, not vmlinux.h: no CO-RE relocation anywhere, so the raw_tp
 * programs load on a kernel without BTF (libbpf asks for the kernel's BTF
 * as soon as an object has one).
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
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

/* percentile histogram per row, shared by the CPUs (struct riommu_fine) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct riommu_fine);
} row_fine SEC(".maps");

/* Key tag of the row of (iommu, rid[, pasid]). */
static __always_inline __u64 row_tag(__u32 iommu, __u32 rid, __u32 pasid, __u32 flags)
{
	__u32 p;

	if (!per_pasid || rid == RIOMMU_ANY)
		p = RIOMMU_ANY;
	else
		p = (flags & RIOMMU_F_PV) ? pasid : RIOMMU_NOPASID;
	return riommu_key_tag(iommu, rid, p);
}

static __always_inline struct riommu_row *row_get_idx(__u32 iommu, __u32 rid,
						      __u32 pasid, __u32 flags, int *slot)
{
	int idx;

	idx = key_slot(&row_keys, nrows, row_tag(iommu, rid, pasid, flags));
	if (idx < 0) {
		count_drop(RIOMMU_DROP_ROW_FULL);
		return NULL;
	}
	*slot = idx;
	return bpf_map_lookup_elem(&rows, &idx);
}

static __always_inline struct riommu_row *row_get(__u32 iommu, __u32 rid,
						  __u32 pasid, __u32 flags)
{
	int slot;

	return row_get_idx(iommu, rid, pasid, flags, &slot);
}

static __always_inline int top_consume(const __u64 *args)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 pasid = args[RA_PASID], flags = args[RA_FLAGS];
	struct riommu_row *r;
	__u64 now = 0;
	int ret;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	/* the row before the group: its loads overlap the group table's (map_touch()) */
	r = row_get(iommu, devid, pasid, flags);
	ret = consume_request(args, true, &now);
	if (!r)
		return 0;
	if (ret == CONSUME_STOP) {
		r->stop_markers++;
		return 0;
	}
	r->requests++;
	if (ret > 0)
		r->groups++;
	return 0;
}

static __always_inline int top_report(const __u64 *args)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 pasid = args[RA_PASID], flags = args[RA_FLAGS];
	int ret = (int)args[RA_RESULT];
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

static __always_inline int top_response(const __u64 *args)
{
	__u32 code = args[RA_RESULT], nreq = 0, pasid, flags;
	struct riommu_row *r;
	__u64 lat, now;
	int slot;

	/*
	 * The row's home slot and the epoch before the group closes (its
	 * atomics and the clock read order the loads after them): map_touch().
	 * A response without its PASID may end on another row: a hint only.
	 */
	slot = riommu_key_hash(row_tag(args[RA_IOMMU], args[RA_DEVID], args[RA_PASID],
				       args[RA_FLAGS])) & (nrows - 1);
	map_touch(&row_keys, slot);
	map_touch(&rows, slot);
	(void)*(volatile __u32 *)&epoch;
	if (!response_group(args, &now, &lat, &nreq, &pasid, &flags))
		return 0;
	/* the row of the group's PASID, which the response may not carry */
	r = row_get_idx(args[RA_IOMMU], args[RA_DEVID], pasid, flags, &slot);
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
		lat_add(&r->lat, bpf_map_lookup_elem(&row_fine, &slot), lat);
	return 0;
}

static __always_inline int top_error(const __u64 *args)
{
	__u32 iommu = args[RE_IOMMU], errors = args[RE_ERRORS];
	struct riommu_row *r;

	if (targ_iommu != RIOMMU_ANY && iommu != targ_iommu)
		return 0;
	note_pq_error(iommu);
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

static __always_inline int top_failure(const __u64 *args)
{
	__u32 rid = args[RF_RID], pasid = args[RF_PASID];
	__u32 flags = args[RF_FLAGS] & 1 ? RIOMMU_F_PV : 0;
	__u32 iommu = rid_to_iommu(rid);
	struct riommu_row *r;

	if (filtered(iommu, rid, pasid, flags))
		return 0;
	r = row_get(iommu, rid, pasid, flags);
	if (r)
		r->failures++;
	return 0;
}

RIOMMU_TPS(top)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
