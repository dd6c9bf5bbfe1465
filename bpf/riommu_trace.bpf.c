// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-trace: request-to-PRGR latency histograms aggregated in the kernel
 * (default), or one ring-buffer record per event (-e / -f).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "riommu_common.bpf.h"

const volatile bool events_mode = false;
const volatile __u32 ev_mask = 0;
const volatile bool per_rid = false;
const volatile bool per_pasid = false;
const volatile bool targ_ms = false;
const volatile __u32 lin_step = 0;	/* linear bucket width in units, 0 = off */

/* Histograms: slot index from hist_keys, buckets per CPU in hists. */
const volatile __u32 nhists = 256;	/* power of two */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} hist_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct riommu_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline void hist_add(__u32 iommu, __u32 rid, __u32 pasid,
				     __u32 flags, __u64 ns)
{
	__u32 ki = RIOMMU_ANY, kr = RIOMMU_ANY, kp = RIOMMU_ANY;
	struct riommu_hist *h;
	int idx;
	__u64 v;
	__u32 s;

	if (per_rid || per_pasid) {
		ki = iommu;
		kr = rid;
	}
	if (per_pasid)
		kp = (flags & RIOMMU_F_PV) ? pasid : RIOMMU_NOPASID;
	idx = key_slot(&hist_keys, nhists, riommu_key_tag(ki, kr, kp));
	h = idx < 0 ? NULL : bpf_map_lookup_elem(&hists, &idx);
	if (!h) {
		count_drop(RIOMMU_DROP_ROW_FULL);
		return;
	}
	lat_add(&h->lat, ns);
	v = targ_ms ? ns / 1000000 : ns / 1000;
	s = v ? riommu_ilog2(v) + 1 : 0;
	if (s >= RIOMMU_LOG2_SLOTS)
		s = RIOMMU_LOG2_SLOTS - 1;
	h->log2[s]++;
	if (lin_step) {
		v /= lin_step;
		s = v > RIOMMU_LIN_SLOTS ? RIOMMU_LIN_SLOTS : v;
		if (s <= RIOMMU_LIN_SLOTS)	/* bound for the verifier */
			h->lin[s]++;
	}
}

static __always_inline struct riommu_event *ev_new(__u32 type, __u64 now)
{
	struct riommu_event *e;

	if (!(ev_mask & RIOMMU_EVM(type)))
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(RIOMMU_DROP_RINGBUF);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->ts = now;	/* same clock reading as the group pairing */
	return e;
}

static __always_inline void ev_fill(struct riommu_event *e, __u64 *args)
{
	e->iommu = args[RA_IOMMU];
	e->rid = args[RA_DEVID];
	e->pasid = args[RA_PASID];
	e->flags = args[RA_FLAGS];
	e->prgi = args[RA_PRGI];
}

SEC("raw_tp/pq_consume")
int trace_pq_consume(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RA_IOMMU], devid = ctx->args[RA_DEVID];
	__u32 pasid = ctx->args[RA_PASID], flags = ctx->args[RA_FLAGS];
	__u32 prgi = ctx->args[RA_PRGI];
	struct riommu_event *e;
	__u64 now;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	now = events_mode ? bpf_ktime_get_ns() : 0;
	if (events_mode)	/* failure events name the IOMMU */
		note_rid_iommu(devid, iommu);
	if (!is_stop_marker(flags))
		grp_request(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			    prgi, flags, ctx->args[RA_LAST], now);
	if (!events_mode)
		return 0;
	e = ev_new(RIOMMU_EV_CONSUME, now);
	if (!e)
		return 0;
	ev_fill(e, (__u64 *)ctx->args);
	e->addr = ctx->args[RA_LAST];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("raw_tp/pq_report")
int trace_pq_report(struct bpf_raw_tracepoint_args *ctx)
{
	struct riommu_event *e;

	if (!events_mode || filtered(ctx->args[RA_IOMMU], ctx->args[RA_DEVID],
				     ctx->args[RA_PASID], ctx->args[RA_FLAGS]))
		return 0;
	e = ev_new(RIOMMU_EV_REPORT, bpf_ktime_get_ns());
	if (!e)
		return 0;
	ev_fill(e, (__u64 *)ctx->args);
	e->val = (int)ctx->args[RA_LAST];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("raw_tp/page_response")
int trace_page_response(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 iommu = ctx->args[RA_IOMMU], devid = ctx->args[RA_DEVID];
	__u32 pasid = ctx->args[RA_PASID], flags = ctx->args[RA_FLAGS];
	__u32 prgi = ctx->args[RA_PRGI];
	struct riommu_event *e;
	__u32 nreq = 0;
	__u64 lat, now;

	if (filtered(iommu, devid, pasid, flags))
		return 0;
	now = bpf_ktime_get_ns();
	lat = grp_response(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			   prgi, now, &nreq);
	if (!events_mode) {
		if (lat)
			hist_add(iommu, devid, pasid, flags, lat);
		return 0;
	}
	e = ev_new(RIOMMU_EV_RESPONSE, now);
	if (!e)
		return 0;
	ev_fill(e, (__u64 *)ctx->args);
	e->val = ctx->args[RA_LAST];
	e->lat = lat;
	e->reason = nreq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("raw_tp/pq_error")
int trace_pq_error(struct bpf_raw_tracepoint_args *ctx)
{
	struct riommu_event *e;
	__u32 iommu = ctx->args[RE_IOMMU];

	if (!events_mode || (targ_iommu != RIOMMU_ANY && iommu != targ_iommu))
		return 0;
	e = ev_new(RIOMMU_EV_PQ_ERROR, bpf_ktime_get_ns());
	if (!e)
		return 0;
	e->iommu = iommu;
	e->rid = RIOMMU_ANY;
	e->pasid = RIOMMU_ANY;
	e->val = ctx->args[RE_ERRORS];
	e->prgi = ctx->args[RE_HEAD];
	e->reason = ctx->args[RE_TAIL];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("raw_tp/iopf_failure")
int trace_iopf_failure(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 rid = ctx->args[RF_RID], pasid = ctx->args[RF_PASID];
	__u32 flags = ctx->args[RF_FLAGS] & 1 ? RIOMMU_F_PV : 0;
	__u32 iommu = rid_to_iommu(rid);
	struct device *dev = (struct device *)ctx->args[RF_DEV];
	struct riommu_event *e;
	const char *name;

	if (!events_mode || filtered(iommu, rid, pasid, flags))
		return 0;
	e = ev_new(RIOMMU_EV_FAILURE, bpf_ktime_get_ns());
	if (!e)
		return 0;
	e->iommu = iommu;
	e->rid = rid;
	e->pasid = pasid;
	e->flags = flags;
	e->prgi = ctx->args[RF_GRPID];
	e->addr = ctx->args[RF_ADDR];
	e->perm = ctx->args[RF_PERM];
	e->val = ctx->args[RF_CODE];
	e->reason = ctx->args[RF_REASON];
	if (dev) {
		name = BPF_CORE_READ(dev, kobj.name);
		if (name)
			bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), name);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
