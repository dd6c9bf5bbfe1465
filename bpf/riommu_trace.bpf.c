// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-trace: request-to-PRGR latency histograms aggregated in the kernel
 * (default), or one ring-buffer record per event (-e / -f).
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
#include "riommu_log2.h"

const volatile bool events_mode = false;
const volatile __u32 ev_mask = 0;
const volatile bool per_rid = false;
const volatile bool per_pasid = false;
const volatile bool targ_ms = false;
const volatile __u32 lin_step = 0;	/* linear bucket width in units, 0 = off */
/* offsetof(struct device, kobj.name) from BTF (user space; 0 today) */
const volatile __u32 dev_name_off = RIOMMU_NO_OFFSET;

/* Histograms: slot index from hist_keys, buckets per CPU in hists. */
const volatile __u32 nhists = 256;	/* power of two */
/*
 * Without -D and -P there is one histogram: user space writes its key into
 * slot 0 and the programs skip the key table (one map fewer per response).
 */
const volatile bool hist_pinned = false;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} hist_keys SEC(".maps");

/* count, sum, max per CPU; the buckets shared by the CPUs (atomic adds) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct riommu_lat);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct riommu_hist_bins);
} hist_bins SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Key tag of the histogram of (iommu, rid, pasid) (-D, -P). */
static __always_inline __u64 hist_tag(__u32 iommu, __u32 rid, __u32 pasid, __u32 flags)
{
	__u32 ki = RIOMMU_ANY, kr = RIOMMU_ANY, kp = RIOMMU_ANY;

	if (per_rid || per_pasid) {
		ki = iommu;
		kr = rid;
	}
	if (per_pasid)
		kp = (flags & RIOMMU_F_PV) ? pasid : RIOMMU_NOPASID;
	return riommu_key_tag(ki, kr, kp);
}

static __always_inline void hist_add(__u32 iommu, __u32 rid, __u32 pasid,
				     __u32 flags, __u64 ns)
{
	struct riommu_hist_bins *b;
	struct riommu_lat *h;
	int idx;
	__u64 v;
	__u32 s;

	idx = hist_pinned ? 0 : key_slot(&hist_keys, nhists, hist_tag(iommu, rid, pasid, flags));
	h = idx < 0 ? NULL : bpf_map_lookup_elem(&hists, &idx);
	b = idx < 0 ? NULL : bpf_map_lookup_elem(&hist_bins, &idx);
	if (!h || !b) {
		count_drop(RIOMMU_DROP_ROW_FULL);
		return;
	}
	lat_add(h, &b->fine, ns);
	s = targ_ms ? riommu_log2_slot(ns, 1000000, 20) : riommu_log2_slot(ns, 1000, 10);
	if (s >= RIOMMU_LOG2_SLOTS)	/* bound for the verifier */
		s = RIOMMU_LOG2_SLOTS - 1;
	__sync_fetch_and_add(&b->log2[s], 1);
	if (lin_step) {
		v = (targ_ms ? ns / 1000000 : ns / 1000) / lin_step;
		s = v > RIOMMU_LIN_SLOTS ? RIOMMU_LIN_SLOTS : v;
		if (s <= RIOMMU_LIN_SLOTS)	/* bound for the verifier */
			__sync_fetch_and_add(&b->lin[s], 1);
	}
}

/* now: the event's clock reading, 0: none yet (read here, once the mask lets it through) */
static __always_inline struct riommu_event *ev_new(__u32 type, __u64 now)
{
	struct riommu_event *e;

	if (!(ev_mask & RIOMMU_EVM(type)))
		return NULL;
	if (!now)
		now = bpf_ktime_get_ns();
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

/* What names an event's group; pq_error: PQ head in prgi (docs/interfaces.md). */
static __always_inline void ev_id(struct riommu_event *e, __u32 iommu, __u32 rid, __u32 pasid,
				  __u32 flags, __u32 prgi)
{
	e->iommu = iommu;
	e->rid = rid;
	e->pasid = pasid;
	e->flags = flags;
	e->prgi = prgi;
}

/* ev_id() from the arguments of the riscv_iommu page request events */
static __always_inline void ev_fill(struct riommu_event *e, const __u64 *args)
{
	ev_id(e, args[RA_IOMMU], args[RA_DEVID], args[RA_PASID], args[RA_FLAGS], args[RA_PRGI]);
}

static __always_inline int trace_consume(const __u64 *args)
{
	/* failure events name the IOMMU: only they need the RID's */
	bool note_rid = events_mode && (ev_mask & RIOMMU_EVM(RIOMMU_EV_FAILURE));
	struct riommu_event *e;
	__u64 now = 0;

	if (filtered(args[RA_IOMMU], args[RA_DEVID], args[RA_PASID], args[RA_FLAGS]))
		return 0;
	consume_request(args, note_rid, &now);
	if (!events_mode)
		return 0;
	e = ev_new(RIOMMU_EV_CONSUME, now);	/* now 0: the group was joined */
	if (!e)
		return 0;
	ev_fill(e, args);
	e->addr = args[RA_ADDR];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int trace_report(const __u64 *args)
{
	struct riommu_event *e;

	if (!events_mode || filtered(args[RA_IOMMU], args[RA_DEVID], args[RA_PASID],
				     args[RA_FLAGS]))
		return 0;
	e = ev_new(RIOMMU_EV_REPORT, 0);
	if (!e)
		return 0;
	ev_fill(e, args);
	e->val = (int)args[RA_RESULT];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int trace_response(const __u64 *args)
{
	__u32 nreq = 0, pasid, flags;
	struct riommu_event *e;
	__u64 lat, now;

	if (!events_mode) {
		/*
		 * The histogram's home slot and the epoch before the group
		 * closes (its atomics and the clock read order the loads after
		 * them): map_touch().  A response without its PASID may end on
		 * another histogram with -P: a hint only.
		 */
		__u32 home = 0;

		if (!hist_pinned) {
			home = riommu_key_hash(hist_tag(args[RA_IOMMU], args[RA_DEVID],
							args[RA_PASID], args[RA_FLAGS])) &
			       (nhists - 1);
			map_touch(&hist_keys, home);
		}
		map_touch(&hists, home);
		map_touch(&hist_bins, home);
		(void)*(volatile __u32 *)&epoch;
	}
	if (!response_group(args, &now, &lat, &nreq, &pasid, &flags))
		return 0;
	if (!events_mode) {
		if (lat)	/* the group's PASID: the response may not carry it */
			hist_add(args[RA_IOMMU], args[RA_DEVID], pasid, flags, lat);
		return 0;
	}
	e = ev_new(RIOMMU_EV_RESPONSE, now);
	if (!e)
		return 0;
	ev_fill(e, args);
	e->val = args[RA_RESULT];
	e->lat = lat;
	e->reason = nreq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int trace_error(const __u64 *args)
{
	struct riommu_event *e;
	__u32 iommu = args[RE_IOMMU];

	if (targ_iommu != RIOMMU_ANY && iommu != targ_iommu)
		return 0;
	note_pq_error(iommu);
	if (!events_mode)
		return 0;
	e = ev_new(RIOMMU_EV_PQ_ERROR, 0);
	if (!e)
		return 0;
	ev_id(e, iommu, RIOMMU_ANY, RIOMMU_ANY, 0, args[RE_HEAD]);
	e->val = args[RE_ERRORS];
	e->reason = args[RE_TAIL];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

static __always_inline int trace_failure(const __u64 *args)
{
	__u32 rid = args[RF_RID], pasid = args[RF_PASID];
	__u32 flags = args[RF_FLAGS] & 1 ? RIOMMU_F_PV : 0;
	__u32 iommu = rid_to_iommu(rid);
	const char *dev = (const char *)args[RF_DEV];
	struct riommu_event *e;
	const char *name = NULL;

	if (!events_mode || filtered(iommu, rid, pasid, flags))
		return 0;
	e = ev_new(RIOMMU_EV_FAILURE, 0);
	if (!e)
		return 0;
	ev_id(e, iommu, rid, pasid, flags, args[RF_GRPID]);
	e->addr = args[RF_ADDR];
	e->perm = args[RF_PERM];
	e->val = args[RF_CODE];
	e->reason = args[RF_REASON];
	if (dev && dev_name_off != RIOMMU_NO_OFFSET &&
	    !bpf_probe_read_kernel(&name, sizeof(name), dev + dev_name_off) && name)
		bpf_probe_read_kernel_str(e->dev, sizeof(e->dev), name);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

RIOMMU_TPS(trace)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
