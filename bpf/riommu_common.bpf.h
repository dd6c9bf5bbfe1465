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

/*
 * The in-flight group table: one value per PRG index holding its
 * grp_buckets slots (slot prgi * grp_buckets + bucket, include/riommu.h), so
 * that all the probes of a request cost one map lookup.  User space sets the
 * value size with grp_buckets (riommu_grp_size()), hence no BTF type.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);	/* user space reads it in place */
	__uint(max_entries, RIOMMU_PRGI_N);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 64 * sizeof(struct riommu_grp));
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

/*
 * Time of the last PQ error per IOMMU: the driver then discards the groups
 * whose last request had not arrived, and user space reclaims their slots.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, RIOMMU_IOMMU_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} pq_error_ts SEC(".maps");

/*
 * Load a word of a map value and drop it, ahead of the accesses whose
 * address waits for other loads (a statistics slot from its tag, a probe
 * from grp_buckets): the TLB miss on the value's page then overlaps the
 * program's other first accesses instead of following them.  On the
 * benchmark's host every test run starts with a cold TLB; a warm one makes
 * this a few instructions.
 */
static __always_inline void map_touch(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		(void)*(volatile __u64 *)v;
}

static __always_inline __u64 last_pq_error(__u32 iommu)
{
	__u32 idx = iommu & (RIOMMU_IOMMU_SLOTS - 1);
	__u64 *ts = bpf_map_lookup_elem(&pq_error_ts, &idx);

	return ts ? *ts : 0;
}

static __always_inline void note_pq_error(__u32 iommu)
{
	__u32 idx = iommu & (RIOMMU_IOMMU_SLOTS - 1);
	__u64 *ts = bpf_map_lookup_elem(&pq_error_ts, &idx);

	if (ts)
		*ts = bpf_ktime_get_ns();
}

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

/*
 * A request's probes: RIOMMU_GRP_PROBES adjacent slots of its PRG index's
 * grp_buckets from its bucket on, wrapping at the end.  When they do not
 * wrap (most buckets) they are first[0..], constant offsets from one
 * pointer: no index arithmetic per probe.
 */
struct grp_win {
	struct riommu_grp *row;		/* the PRG index's slots */
	struct riommu_grp *first;	/* probe 0 when the probes do not wrap, else NULL */
	/*
	 * Bucket hash, grp_buckets - 1: 64 bits, so that the verifier, which
	 * bounds the probes with the known grp_buckets, keeps m exact across a
	 * stack spill on kernels before 5.16 too.
	 */
	__u64 h, m;
};

static __always_inline bool grp_win(struct grp_win *w, __u64 tag, __u32 prgi)
{
	__u32 idx = prgi & (RIOMMU_PRGI_N - 1);
	__u64 b;

	w->row = bpf_map_lookup_elem(&groups, &idx);
	if (w->row)	/* the probes' page, before grp_buckets is known (map_touch()) */
		(void)*(volatile __u64 *)w->row;
	w->h = riommu_grp_hash(tag);
	w->m = grp_buckets - 1;
	b = w->h & w->m;
	w->first = w->row && w->m >= RIOMMU_GRP_PROBES - 1 &&
		   b <= w->m - (RIOMMU_GRP_PROBES - 1) ? &w->row[b] : NULL;
	return w->row;
}

static __always_inline struct riommu_grp *grp_probe(const struct grp_win *w, __u32 i)
{
	return w->first ? &w->first[i] : &w->row[(w->h + i) & w->m];
}

/* Free a slot its caller owns (tag | RIOMMU_GRP_BUSY set by that caller). */
static __always_inline void grp_free(struct riommu_grp *g, __u64 busy)
{
	g->ts = 0;
	g->nreq = 0;
	g->flags = 0;
	/* ordered after the stores above: a new owner sees a clean slot */
	__sync_val_compare_and_swap(&g->tag, busy, 0);
}

/*
 * After claiming probe mine for tag: another CPU may have started the same
 * group in another probe slot at the same time (a slot between freed while
 * the two looked).  The lower slot keeps the group, the higher one's
 * requests move into it; whoever sets RIOMMU_GRP_BUSY on the higher slot
 * moves it, so it moves once.  Returns false when ours moved.
 */
static __always_inline bool grp_dedup(const struct grp_win *w, __u64 tag, __u32 mine,
				      struct riommu_grp *g_mine)
{
	__u64 busy = tag | RIOMMU_GRP_BUSY;
	struct riommu_grp *g, *from, *to;
	__u32 i;

	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_probe(w, i);
		/* with fewer buckets than probes, probes wrap onto our slot */
		if (g->tag != tag || g == g_mine)
			continue;
		from = i < mine ? g_mine : g;
		to = i < mine ? g : g_mine;
		if (__sync_val_compare_and_swap(&from->tag, tag, busy) == tag) {
			if (from->ts && (!to->ts || from->ts < to->ts))
				to->ts = from->ts;
			__sync_fetch_and_add(&to->nreq, from->nreq);
			grp_free(from, busy);
		}
		if (i < mine)	/* ours moved, by us or by its owner */
			return false;
	}
	return true;
}

/*
 * Account a request in its group.  *now: the clock reading of the event, 0
 * until someone needs it; read here only for a group's first request (the
 * clock is the costly part of a lifecycle).  Returns 1 when it started a new
 * group, 0 when it joined one, -1 when no probe slot was free (drop counted).
 *
 * A function reuses a PRG index only after the group's response, so a
 * request that finds its group with the last request already seen starts a
 * new group: the old one's response was never seen (answered by the IOMMU
 * itself, or sent before the tool started); counted.  So does one that
 * finds its group partial from before the IOMMU's last PQ error (the driver
 * discarded it then; user space reclaims those not reused).
 */
static __always_inline int grp_request(__u64 tag, __u32 prgi, __u32 flags,
				       __u64 addr, __u64 *now)
{
	__u64 busy = tag | RIOMMU_GRP_BUSY, t, old;
	struct riommu_grp *g;
	struct grp_win w;
	__u32 i, stale;

	if (!grp_win(&w, tag, prgi))
		return -1;
	/*
	 * The group's slot, if it is here.  All probes are looked at: a slot
	 * before the group's may have been freed since the group claimed its
	 * own.  A key has one slot (grp_dedup()).
	 */
	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_probe(&w, i);
		if (g->tag == tag)
			break;
		g = NULL;
	}
	if (g) {
		if (!(g->flags & RIOMMU_F_L)) {
			t = g->ts;
			/* only a join reads the error time: one map fewer for a new group */
			if (!t || t >= last_pq_error(tag >> 56)) {
				if (flags & RIOMMU_F_L)
					__sync_fetch_and_or(&g->flags, RIOMMU_F_L);
				__sync_fetch_and_add(&g->nreq, 1);
				return 0;
			}
			/* partial at a PQ error: the driver dropped it */
			stale = RIOMMU_DROP_GRP_DISCARDED;
		} else {
			stale = RIOMMU_DROP_GRP_UNANSWERED;
		}
		/* losing: closed meanwhile */
		if (__sync_val_compare_and_swap(&g->tag, tag, busy) == tag) {
			count_drop(stale);
			grp_free(g, busy);
		}
	}
	/* the first free probe */
	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_probe(&w, i);
		if (g->tag)
			continue;
		old = __sync_val_compare_and_swap(&g->tag, 0, tag);
		if (old == 0) {
			g->addr = addr;
			g->flags = flags;
			__sync_fetch_and_add(&g->nreq, 1);
			if (!grp_dedup(&w, tag, i, g))
				return 0;
			if (!*now)
				*now = bpf_ktime_get_ns();
			if (!g->ts)	/* dedup may have brought an older start */
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
 * Close a group at its response.  A response with a PASID closes that
 * PASID's group; one without closes the oldest group of the function with
 * the PRG index, whatever its PASID (a function that does not require the
 * PASID in responses keeps its PRG indexes unique across PASIDs).  Returns
 * true when a group closed, with its start time (0: its first request was
 * still being accounted), number of requests and tag.
 */
static __always_inline bool grp_response(__u64 tag, __u32 prgi, __u64 *start, __u32 *nreq,
					 __u64 *gtag)
{
	__u64 mask = (tag >> 31) & 1 ? ~0ULL : ~RIOMMU_GRP_PASID_BITS;
	struct riommu_grp *g, *best = NULL;
	__u64 t, ts, best_ts = ~0ULL;
	struct grp_win w;
	__u32 i;

	if (!grp_win(&w, tag, prgi))
		return false;
	for (i = 0; i < RIOMMU_GRP_PROBES; i++) {
		g = grp_probe(&w, i);
		t = g->tag;
		if (t == tag) {	/* the exact key: only one group has it */
			if (!best || g->ts < best_ts)
				best = g;
			break;
		}
		if (mask == ~0ULL || !t || (t & RIOMMU_GRP_BUSY) || (t & mask) != tag)
			continue;
		ts = g->ts;
		if (ts < best_ts || !best) {
			best = g;
			best_ts = ts;
		}
	}
	if (!best)
		return false;
	t = best->tag;
	/* taking it; losing means a duplicate response took it */
	if (!t || (t & RIOMMU_GRP_BUSY) || (t & mask) != tag ||
	    __sync_val_compare_and_swap(&best->tag, t, t | RIOMMU_GRP_BUSY) != t)
		return false;
	*start = best->ts;
	*nreq = best->nreq;
	*gtag = t;
	grp_free(best, t | RIOMMU_GRP_BUSY);
	return true;
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
 * Shared part of the pq_consume programs, for a request the filters let
 * through: the RID's IOMMU (note_rid: for failure attribution), then the
 * request joins or opens its group; a stop marker has none.  *now as for
 * grp_request().  Returns CONSUME_STOP, or grp_request()'s result.
 */
enum { CONSUME_STOP = -2 };

static __always_inline int consume_request(const __u64 *args, bool note_rid, __u64 *now)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 pasid = args[RA_PASID], flags = args[RA_FLAGS];
	__u32 prgi = args[RA_PRGI];

	if (note_rid)
		note_rid_iommu(devid, iommu);
	if (is_stop_marker(flags))
		return CONSUME_STOP;
	return grp_request(riommu_grp_tag(iommu, devid, flags & RIOMMU_F_PV, pasid, prgi),
			   prgi, flags, args[RA_ADDR], now);
}

/*
 * Shared start of the page_response programs: the filters, then the group
 * closes at *now (the event's one clock reading, taken here).  Returns false
 * when filtered out; *lat: the group's latency in ns, 0 when no request was
 * seen; *nreq: its requests.  *pasid and *flags: the group's PASID and PV
 * when one closed (a response need not carry the PASID its requests had),
 * else the response's.
 */
static __always_inline bool response_group(const __u64 *args, __u64 *now, __u64 *lat,
					   __u32 *nreq, __u32 *pasid, __u32 *flags)
{
	__u32 iommu = args[RA_IOMMU], devid = args[RA_DEVID];
	__u32 prgi = args[RA_PRGI];
	__u64 gtag = 0, start = 0;
	bool pasid_filter_by_group, closed;

	*pasid = args[RA_PASID];
	*flags = args[RA_FLAGS];
	/* without a PASID, the PASID filter applies to the group it closes */
	pasid_filter_by_group = !(*flags & RIOMMU_F_PV) && targ_pasid != RIOMMU_ANY;
	if (pasid_filter_by_group ? filtered(iommu, devid, targ_pasid, RIOMMU_F_PV) :
				    filtered(iommu, devid, *pasid, *flags))
		return false;
	closed = grp_response(riommu_grp_tag(iommu, devid, *flags & RIOMMU_F_PV, *pasid, prgi),
			      prgi, &start, nreq, &gtag);
	if (!closed && pasid_filter_by_group)
		return false;	/* no group of the PASID: not ours to count */
	/*
	 * After the group's slot, not before: the clock read waits for the
	 * loads before it, so their TLB misses overlap (map_touch()).
	 */
	*now = bpf_ktime_get_ns();
	*lat = 0;
	if (closed) {
		struct riommu_grp_key k;

		if (!start)	/* its first request was being accounted */
			start = *now;
		*lat = *now > start ? *now - start : 1;
		riommu_grp_untag(gtag, &k);
		*pasid = k.pv ? k.pasid : *pasid;
		*flags = (*flags & ~RIOMMU_F_PV) | (k.pv ? RIOMMU_F_PV : 0);
	} else {
		count_drop(RIOMMU_DROP_NO_REQ);
	}
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

static __always_inline void lat_add(struct riommu_lat *l, struct riommu_fine *f, __u64 ns)
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
	if (f && slot < RIOMMU_FINE_SLOTS)
		__sync_fetch_and_add(&f->slot[slot], 1);
}

#endif
