/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pieces shared by riommu_top.bpf.c and riommu_trace.bpf.c: filters, the
 * in-flight group table and drop counters.  Each object gets its own copy of
 * the maps, so both tools can run at the same time.
 */
#ifndef RIOMMU_COMMON_BPF_H
#define RIOMMU_COMMON_BPF_H

#include "riommu.h"

#ifndef ENODEV
#define ENODEV 19
#endif

/*
 * One body per event, two entry points: tp_btf (BTF-typed context, where the
 * kernel's BTF describes the tracepoint) and raw_tp (fallback, and the one
 * BPF_PROG_TEST_RUN can drive).  Both see the tracepoint arguments as the
 * same array of u64 in TP_PROTO order.  User space loads one of each pair
 * (riommu_select_attach()); the pair shares the section's event name.
 */
#define RIOMMU_TP(event, prog, body)					\
SEC("tp_btf/" #event)							\
int prog##_btf(__u64 *ctx)						\
{									\
	return body(ctx);						\
}									\
SEC("raw_tp/" #event)							\
int prog(struct bpf_raw_tracepoint_args *ctx)				\
{									\
	return body(ctx->args);						\
}

/*
 * Both tools trace the same five events (riommu_tps, docs/interfaces.md),
 * with bodies named <tool>_consume, _report, _response, _error and
 * _failure; the programs are <tool>_pq_consume, <tool>_pq_report,
 * <tool>_page_response, <tool>_pq_error and <tool>_iopf_failure (+ _btf).
 */
#define RIOMMU_TPS(tool)							\
RIOMMU_TP(pq_consume, tool##_pq_consume, tool##_consume)			\
RIOMMU_TP(pq_report, tool##_pq_report, tool##_report)				\
RIOMMU_TP(page_response, tool##_page_response, tool##_response)		\
RIOMMU_TP(pq_error, tool##_pq_error, tool##_error)				\
RIOMMU_TP(iopf_failure, tool##_iopf_failure, tool##_failure)

/* Filters, set by user space before load (RIOMMU_ANY = no filter). */
const volatile __u32 targ_iommu = RIOMMU_ANY;
const volatile __u32 targ_rid = RIOMMU_ANY;
const volatile __u32 targ_pasid = RIOMMU_ANY;

/* Bumped by user space at each interval boundary (see struct riommu_lat). */
__u32 epoch;

/* Buckets per PRG index of the group table, a power of two (set with its size). */
const volatile __u32 grp_buckets = 64;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* user space reads it in place */
	__uint(max_entries, 64 * RIOMMU_PRGI_N);
	__type(key, __u32);
	__type(value, struct riommu_grp);
} groups SEC(".maps");

/* Counters with no row: kept out of the per-row hash on the hot path. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RIOMMU_TOT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RIOMMU_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Last IOMMU seen per RID, to attribute iopf_failure (keyed by RID only). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RIOMMU_RID_SLOTS);
	__type(key, __u32);
	__type(value, struct riommu_rid_iommu);
} rid_iommu SEC(".maps");

static __always_inline void count_drop(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&drops, &what);

	if (v)
		*v += 1;
}

static __always_inline void count_total(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&totals, &what);

	if (v)
		*v += 1;
}

static __always_inline bool filtered(__u32 iommu, __u32 rid, __u32 pasid, __u32 flags)
{
	if (targ_iommu != RIOMMU_ANY && iommu != targ_iommu)
		return true;
	if (targ_rid != RIOMMU_ANY && rid != targ_rid)
		return true;
	if (targ_pasid != RIOMMU_ANY &&
	    (!(flags & RIOMMU_F_PV) || pasid != targ_pasid))
		return true;
	return false;
}

static __always_inline bool is_stop_marker(__u32 flags)
{
	return (flags & RIOMMU_F_L) && !(flags & RIOMMU_F_PERM);
}

static __always_inline struct riommu_grp *grp_slot(__u32 h, __u32 i, __u32 prgi)
{
	/* PRG-index-major: the probes of a key are adjacent slots */
	__u32 idx = (prgi & (RIOMMU_PRGI_N - 1)) * grp_buckets + ((h + i) & (grp_buckets - 1));

	return bpf_map_lookup_elem(&groups, &idx);
}

/*
 * Account a request in its group.  *now: the clock reading of the event, 0
 * until someone needs it; read here only for a group's first request (the
 * clock is the costly part of a lifecycle).  Returns 1 when it started a new
 * group, 0 when it joined one, -1 when no probe slot was free (drop counted).
 */
static __always_inline int grp_request(__u64 tag, __u32 prgi, __u32 flags,
				       __u64 addr, __u64 *now)
{
	__u32 h = riommu_grp_hash(tag), i, free = RIOMMU_GRP_PROBES;
	struct riommu_grp *g;
	__u64 t;

	/*
	 * One pass: join the group if it is here, else remember the first
	 * free slot.  All probes are looked at: a slot before the group's may
	 * have been freed since the group claimed its own.
	 */
	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_slot(h, i, prgi);
		if (!g)
			continue;
		t = g->tag;
		if (t == tag) {
			__sync_fetch_and_add(&g->nreq, 1);
			return 0;
		}
		if (!t && free == RIOMMU_GRP_PROBES)
			free = i;
	}
	for (i = free; i < RIOMMU_GRP_PROBES; i++) {
		__u64 old;

		g = grp_slot(h, i, prgi);
		if (!g || g->tag)
			continue;
		old = __sync_val_compare_and_swap(&g->tag, 0, tag);
		if (old == 0) {
			g->addr = addr;
			g->flags = flags;
			__sync_fetch_and_add(&g->nreq, 1);
			if (!*now)
				*now = bpf_ktime_get_ns();
			g->ts = *now;	/* last: readers skip ts == 0 */
			return 1;
		}
		if (old == tag) {	/* same group claimed it on another CPU */
			__sync_fetch_and_add(&g->nreq, 1);
			return 0;
		}
	}
	count_drop(RIOMMU_DROP_GRP_FULL);
	return -1;
}

/*
 * Close a group at its response.  Returns the latency in ns and the number
 * of requests, or 0 when no request was seen (drop counted).
 */
static __always_inline __u64 grp_response(__u64 tag, __u32 prgi, __u64 now, __u32 *nreq)
{
	__u32 h = riommu_grp_hash(tag), i;
	struct riommu_grp *g;
	__u64 ts;

	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_slot(h, i, prgi);
		if (!g || g->tag != tag)
			continue;
		ts = g->ts;
		*nreq = g->nreq;
		g->ts = 0;
		g->nreq = 0;
		/* release; losing means a duplicate response took it */
		if (__sync_val_compare_and_swap(&g->tag, tag, 0) != tag)
			break;
		if (!ts)
			ts = now;
		return now > ts ? now - ts : 1;
	}
	count_drop(RIOMMU_DROP_NO_REQ);
	return 0;
}

static __always_inline void note_rid_iommu(__u32 rid, __u32 iommu)
{
	__u32 idx = rid & (RIOMMU_RID_SLOTS - 1);
	struct riommu_rid_iommu *v = bpf_map_lookup_elem(&rid_iommu, &idx);

	/* write only on change: the common path stays read-only */
	if (v && (v->rid != rid || v->iommu != iommu + 1)) {
		v->rid = rid;
		v->iommu = iommu + 1;
	}
}

/*
 * Shared start of the pq_consume programs: the filters, the RID's IOMMU
 * (note_rid: for failure attribution), then the request joins or opens its
 * group; a stop marker has none.  *now as for grp_request().  Returns
 * CONSUME_FILTERED, CONSUME_STOP, or grp_request()'s result.
 */
enum { CONSUME_FILTERED = -3, CONSUME_STOP = -2 };

static __always_inline int consume_request(const __u64 *args, bool note_rid, __u64 *now)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 pasid = args[RA_PASID], flags = args[RA_FLAGS];
	__u32 prgi = args[RA_PRGI];

	if (filtered(iommu, devid, pasid, flags))
		return CONSUME_FILTERED;
	if (note_rid)
		note_rid_iommu(devid, iommu);
	if (is_stop_marker(flags))
		return CONSUME_STOP;
	return grp_request(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			   prgi, flags, args[RA_LAST], now);
}

/*
 * Shared start of the page_response programs: the filters, then the group
 * closes at *now (the event's one clock reading, taken here).  Returns false
 * when filtered out; *lat and *nreq as grp_response() (*lat 0: no request).
 */
static __always_inline bool response_group(const __u64 *args, __u64 *now, __u64 *lat,
					   __u32 *nreq)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 pasid = args[RA_PASID], flags = args[RA_FLAGS];
	__u32 prgi = args[RA_PRGI];

	if (filtered(iommu, devid, pasid, flags))
		return false;
	*now = bpf_ktime_get_ns();
	*lat = grp_response(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			    prgi, *now, nreq);
	return true;
}

static __always_inline __u32 rid_to_iommu(__u32 rid)
{
	__u32 idx = rid & (RIOMMU_RID_SLOTS - 1);
	struct riommu_rid_iommu *v = bpf_map_lookup_elem(&rid_iommu, &idx);

	return v && v->rid == rid && v->iommu ? v->iommu - 1 : RIOMMU_ANY;
}

/*
 * Index of the statistics slot of a key tag in a tag table of n entries (a
 * power of two), claiming a free one; -1 when all probes are taken.
 */
static __always_inline int key_slot(void *tags, __u32 n, __u64 tag)
{
	__u32 h = riommu_key_hash(tag), i, idx;
	__u64 *t, old;

	for (i = 0; i < RIOMMU_KEY_PROBES; i++) {
		idx = (h + i) & (n - 1);
		t = bpf_map_lookup_elem(tags, &idx);
		if (!t)
			return -1;
		if (*t == tag)
			return idx;
		if (*t)
			continue;
		old = __sync_val_compare_and_swap(t, 0, tag);
		if (old == 0 || old == tag)
			return idx;
	}
	return -1;
}

static __always_inline void lat_add(struct riommu_lat *l, __u64 ns)
{
	__u32 e = epoch, s = e & 1, slot = riommu_fine_slot(ns);

	l->count++;
	l->sum += ns;
	if (l->max_epoch[s] != e) {
		l->max_epoch[s] = e;
		l->max[s] = ns;
	} else if (ns > l->max[s]) {
		l->max[s] = ns;
	}
	if (slot < RIOMMU_FINE_SLOTS)
		l->fine[slot]++;
}

#endif
