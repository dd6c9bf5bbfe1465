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

/* Filters, set by user space before load (RIOMMU_ANY = no filter). */
const volatile __u32 targ_iommu = RIOMMU_ANY;
const volatile __u32 targ_rid = RIOMMU_ANY;
const volatile __u32 targ_pasid = RIOMMU_ANY;

/* Bumped by user space at each interval boundary (see struct riommu_lat). */
__u32 epoch;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);	/* resized by user space (--groups) */
	__type(key, struct riommu_grp_key);
	__type(value, struct riommu_grp);
} groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RIOMMU_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Last IOMMU seen per RID, to attribute iopf_failure (keyed by RID only). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} rid_iommu SEC(".maps");

static __always_inline void count_drop(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&drops, &what);

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

static __always_inline void grp_key(struct riommu_grp_key *k, __u32 iommu,
				    __u32 devid, __u32 pasid, __u32 flags, __u32 prgi)
{
	k->iommu = iommu;
	k->devid = devid;
	k->pasid = (flags & RIOMMU_F_PV) ? pasid : 0;
	k->prgi = prgi;
}

static __always_inline bool is_stop_marker(__u32 flags)
{
	return (flags & RIOMMU_F_L) && !(flags & RIOMMU_F_PERM);
}

/*
 * Account a request in its group.  Returns 1 when it started a new group,
 * 0 when it joined one, -1 when the table was full (drop counted).
 */
static __always_inline int grp_request(const struct riommu_grp_key *k,
				       __u32 flags, __u64 addr, __u64 now)
{
	struct riommu_grp *g, ng = {};

	g = bpf_map_lookup_elem(&groups, k);
	if (g) {
		__sync_fetch_and_add(&g->nreq, 1);
		return 0;
	}
	ng.ts = now;
	ng.nreq = 1;
	ng.flags = flags;
	ng.addr = addr;
	/* NOEXIST: a racing first request on another CPU keeps the older ts */
	if (bpf_map_update_elem(&groups, k, &ng, BPF_NOEXIST)) {
		g = bpf_map_lookup_elem(&groups, k);
		if (g) {
			__sync_fetch_and_add(&g->nreq, 1);
			return 0;
		}
		count_drop(RIOMMU_DROP_GRP_FULL);
		return -1;
	}
	return 1;
}

/*
 * Close a group at its response.  Returns the latency in ns and the number
 * of requests, or 0 when no request was seen (drop counted).
 */
static __always_inline __u64 grp_response(const struct riommu_grp_key *k,
					  __u64 now, __u32 *nreq)
{
	struct riommu_grp *g;
	__u64 ts;

	g = bpf_map_lookup_elem(&groups, k);
	if (!g) {
		count_drop(RIOMMU_DROP_NO_REQ);
		return 0;
	}
	ts = g->ts;
	*nreq = g->nreq;
	bpf_map_delete_elem(&groups, k);
	return now > ts ? now - ts : 1;
}

static __always_inline void note_rid_iommu(__u32 rid, __u32 iommu)
{
	__u32 *v = bpf_map_lookup_elem(&rid_iommu, &rid);

	/* write only on change: the common path stays read-only */
	if (!v || *v != iommu)
		bpf_map_update_elem(&rid_iommu, &rid, &iommu, BPF_ANY);
}

static __always_inline __u32 rid_to_iommu(__u32 rid)
{
	__u32 *v = bpf_map_lookup_elem(&rid_iommu, &rid);

	return v ? *v : RIOMMU_ANY;
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
