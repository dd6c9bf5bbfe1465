/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types shared by the riommu BPF programs (bpf/ *.bpf.c) and the user-space
 * tools.  Included from BPF C (after vmlinux.h) and from normal C (after
 * <linux/types.h>), so only __u32/__u64 style types are used here.
 */
#ifndef RIOMMU_H
#define RIOMMU_H

/* Version of the -j / --csv record layout; bump on incompatible change. */
#define RIOMMU_SCHEMA		1

/* riscv_iommu tracepoint flags (docs/interfaces.md) */
#define RIOMMU_F_PV		0x01
#define RIOMMU_F_R		0x02
#define RIOMMU_F_W		0x04
#define RIOMMU_F_X		0x08
#define RIOMMU_F_PRIV		0x10
#define RIOMMU_F_L		0x20
#define RIOMMU_F_INJECTED	0x40
#define RIOMMU_F_PERM		(RIOMMU_F_R | RIOMMU_F_W | RIOMMU_F_X)

/* pq_error bits */
#define RIOMMU_PQ_OVF		0x1
#define RIOMMU_PQ_MF		0x2

/* ATS.PRGR codes seen in page_response */
#define RIOMMU_PRGR_SUCCESS	0x0
#define RIOMMU_PRGR_INVALID	0x1
#define RIOMMU_PRGR_FAILURE	0xf

/* Global per-CPU counters (no per-row breakdown). */
enum riommu_total {
	RIOMMU_TOT_REPORTED,	/* pq_report ret == 0 */
	RIOMMU_TOT_MAX,
};

/* Key wildcards: a row that is not per PASID, or an IOMMU-level row. */
#define RIOMMU_ANY		0xffffffffu
#define RIOMMU_NOPASID		0xfffffffeu	/* per-PASID row of requests without PV */

/* Raw tracepoint argument positions (TP_PROTO order). */
/* page request events: RA_RESULT is pq_report's ret, page_response's code */
enum { RA_IOMMU, RA_DEVID, RA_PASID, RA_FLAGS, RA_PRGI, RA_ADDR, RA_RESULT, RA_IOMMU_DEV };
enum { RF_DEV, RF_RID, RF_PASID, RF_FLAGS, RF_GRPID, RF_ADDR, RF_PERM, RF_CODE, RF_REASON };
enum { RE_IOMMU, RE_ERRORS, RE_HEAD, RE_TAIL, RE_IOMMU_DEV };

/* Pairing key of a page request group (docs/interfaces.md). */
struct riommu_grp_key {
	__u32 iommu;
	__u32 devid;
	__u32 pasid;	/* 0 when PV is clear */
	__u32 prgi;
	__u32 pv;
};

/*
 * In-flight group table: an array of 512 PRG indexes x B buckets (B a power
 * of two), slot prgi * B + bucket, with the bucket hashed from (iommu, devid)
 * and up to RIOMMU_GRP_PROBES adjacent buckets probed.  The PASID is left out
 * of the hash so that a response without one (the function does not require
 * it) probes the slots of every PASID's group with that PRG index.  An array
 * lookup is inlined by the verifier, so a lifecycle costs no hash
 * insert/delete.  tag == 0: free; tag | RIOMMU_GRP_BUSY: owned by whoever
 * set that bit (being filled in, closed or reclaimed), matched by nobody;
 * ts == 0: being filled in (readers skip it).
 */
#define RIOMMU_PRGI_N		512
#define RIOMMU_GRP_PROBES	8
#define RIOMMU_GRP_BUSY		(1ULL << 30)	/* a bit no tag has */
/* Tag bits a response without PASID cannot match: PV and the PASID. */
#define RIOMMU_GRP_PASID_BITS	(1ULL << 31 | 0xfffffULL << 9)

struct riommu_grp {
	__u64 tag;	/* riommu_grp_tag() of the owner, 0 = free */
	__u64 ts;	/* bpf_ktime_get_ns() of the first request */
	__u64 addr;	/* address of the first request */
	__u32 nreq;	/* requests seen in the group */
	__u32 flags;	/* flags of the first request, | RIOMMU_F_L once the last is seen */
};

static __always_inline __u64 riommu_grp_tag(__u32 iommu, __u32 devid, __u32 pv,
					    __u32 pasid, __u32 prgi)
{
	return 1ULL << 63 | (__u64)(iommu & 0x7f) << 56 | (__u64)(devid & 0xffffff) << 32 |
	       (__u64)(pv ? 1 : 0) << 31 | (__u64)(pv ? pasid & 0xfffff : 0) << 9 |
	       (prgi & (RIOMMU_PRGI_N - 1));
}

static __always_inline void riommu_grp_untag(__u64 tag, struct riommu_grp_key *k)
{
	k->iommu = (tag >> 56) & 0x7f;
	k->pv = (tag >> 31) & 1;
	k->devid = (tag >> 32) & 0xffffff;
	k->pasid = (tag >> 9) & 0xfffff;
	k->prgi = tag & (RIOMMU_PRGI_N - 1);
}

static __always_inline __u32 riommu_grp_hash(__u64 tag)
{
	__u64 h = (tag >> 32) * 0x9e3779b97f4a7c15ULL;	/* iommu and devid */

	return (__u32)(h >> 40);
}

/*
 * Statistics tables (riommu-top rows, riommu-trace histograms): a shared
 * array of key tags (power-of-two size, up to RIOMMU_KEY_PROBES adjacent
 * probes, claimed with cmpxchg, never freed) gives the index of a per-CPU
 * array slot.  Cheaper than a per-CPU hash lookup on every event.
 * Tag: bit 63 valid, 62..57 iommu (0x3f = any), 56 rid is "any",
 * 55..32 rid, 31..0 pasid (RIOMMU_ANY, RIOMMU_NOPASID or the PASID).
 */
#define RIOMMU_KEY_PROBES	8
/*
 * A slot user space took back from an idle key: probes go past it (it is
 * not 0) and match nothing (valid tags have bit 63 set); user space turns
 * it into 0 once no key's probe sequence runs through it.
 */
#define RIOMMU_KEY_RETIRED	1ULL

static __always_inline __u64 riommu_key_tag(__u32 iommu, __u32 rid, __u32 pasid)
{
	return 1ULL << 63 | (__u64)(iommu == RIOMMU_ANY ? 0x3f : iommu & 0x3f) << 57 |
	       (rid == RIOMMU_ANY ? 1ULL << 56 : (__u64)(rid & 0xffffff) << 32) | pasid;
}

static __always_inline void riommu_key_untag(__u64 tag, __u32 *iommu, __u32 *rid, __u32 *pasid)
{
	__u32 i = (tag >> 57) & 0x3f;

	*iommu = i == 0x3f ? RIOMMU_ANY : i;
	*rid = (tag >> 56) & 1 ? RIOMMU_ANY : (tag >> 32) & 0xffffff;
	*pasid = (__u32)tag;
}

static __always_inline __u32 riommu_key_hash(__u64 tag)
{
	return (__u32)((tag * 0x9e3779b97f4a7c15ULL) >> 40);
}

/* A kernel structure offset user space could not find in BTF. */
#define RIOMMU_NO_OFFSET	0xffffffffu

/* IOMMU instances told apart by the group table (7 bits of its tag). */
#define RIOMMU_IOMMU_SLOTS	128

/* Last IOMMU seen for a RID: array slot rid & 0xffff (PCI BDF). */
#define RIOMMU_RID_SLOTS	65536
struct riommu_rid_iommu {
	__u32 rid;
	__u32 iommu;	/* + 1, 0 = never seen */
};

/* Drop counters (per-CPU array index). */
enum riommu_drop {
	RIOMMU_DROP_GRP_FULL,	/* in-flight group table full (no free probe slot) */
	RIOMMU_DROP_NO_REQ,	/* response with no matching request */
	RIOMMU_DROP_ROW_FULL,	/* statistics table full */
	RIOMMU_DROP_RINGBUF,	/* ring buffer reserve failed */
	RIOMMU_DROP_GRP_UNANSWERED,	/* group's PRG index reused after its last
					 * request, no response seen: reclaimed */
	RIOMMU_DROP_GRP_DISCARDED,	/* partial group at a PQ error, reclaimed
					 * when its PRG index came back (user
					 * space counts the other ones) */
	RIOMMU_DROP_MAX,
};

/*
 * Latency histogram used for percentiles: log-linear, 8 sub-buckets per
 * power of two (<= 12.5% relative error), in nanoseconds, up to 2^40 ns.
 */
#define RIOMMU_FINE_SUB_BITS	3
#define RIOMMU_FINE_SUB		(1 << RIOMMU_FINE_SUB_BITS)
#define RIOMMU_FINE_MAX_LOG	40
#define RIOMMU_FINE_SLOTS	((RIOMMU_FINE_MAX_LOG - RIOMMU_FINE_SUB_BITS + 2) * RIOMMU_FINE_SUB)

/* Display histograms of riommu-trace (in the chosen unit). */
#define RIOMMU_LOG2_SLOTS	32
#define RIOMMU_LIN_SLOTS	64

/*
 * Latency summary, per CPU.  max is kept per interval without a
 * read-modify-clear race: user space bumps the epoch, BPF restarts
 * max[epoch & 1] when it sees a new epoch, and user space reads the slot of
 * the epoch that just ended.
 */
struct riommu_lat {
	__u64 count;
	__u64 sum;		/* ns */
	__u64 max[2];		/* ns */
	__u32 max_epoch[2];
};

/*
 * The percentile histogram of a row, one for all CPUs (atomic adds: a row's
 * responses mostly come from one CPU at a time, and per-CPU copies of it
 * cost 2.5 KiB per row per CPU).  User space reads it in place and takes
 * what it read away (atomic subtract), so it holds the counts since the
 * last read.
 */
struct riommu_fine {
	__u64 slot[RIOMMU_FINE_SLOTS];
};

/* riommu-top row key: (iommu, rid[, pasid]); rid == ANY is the IOMMU row. */
struct riommu_row_key {
	__u32 iommu;
	__u32 rid;
	__u32 pasid;	/* RIOMMU_ANY unless per-PASID */
	__u32 pad;
};

/* riommu-top row counters, per CPU: all monotonic except lat.max. */
struct riommu_row {
	__u64 requests;		/* pq_consume records (not stop markers) */
	__u64 groups;		/* groups started */
	__u64 stop_markers;
	__u64 reported;		/* unused: see RIOMMU_TOT_REPORTED */
	__u64 report_errors;	/* pq_report ret < 0 (incl. unknown devid) */
	__u64 unknown_devid;	/* pq_report ret == -ENODEV */
	__u64 resp_success;
	__u64 resp_invalid;
	__u64 resp_failure;
	__u64 resp_other;
	__u64 failures;		/* iommu:iopf_failure notifications */
	__u64 pq_errors;	/* IOMMU row only */
	__u64 pq_overflows;
	__u64 pq_memfaults;
	struct riommu_lat lat;
};

/* riommu-trace histogram key. */
struct riommu_hist_key {
	__u32 iommu;	/* RIOMMU_ANY unless per RID/PASID */
	__u32 rid;	/* RIOMMU_ANY unless -D or -P */
	__u32 pasid;	/* RIOMMU_ANY unless -P */
	__u32 pad;
};

/* riommu-trace histogram buckets, one for all CPUs as struct riommu_fine. */
struct riommu_hist_bins {
	__u64 log2[RIOMMU_LOG2_SLOTS];
	__u64 lin[RIOMMU_LIN_SLOTS + 1];	/* last slot: beyond the range */
	struct riommu_fine fine;
};

enum riommu_ev_type {
	RIOMMU_EV_CONSUME = 1,
	RIOMMU_EV_REPORT,
	RIOMMU_EV_RESPONSE,
	RIOMMU_EV_FAILURE,
	RIOMMU_EV_PQ_ERROR,
};

#define RIOMMU_DEVNAME_LEN	32

/* riommu-trace -e/-f event, one per tracepoint hit. */
struct riommu_event {
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u64 addr;		/* consume, failure */
	__u64 lat;		/* response: ns since the group's first request, 0 if unpaired */
	__u32 type;		/* enum riommu_ev_type */
	__u32 iommu;		/* RIOMMU_ANY for failures with unknown IOMMU */
	__u32 rid;
	__u32 pasid;
	__u32 flags;
	__u32 prgi;		/* grpid for failures; head for pq_error */
	__s32 val;		/* report: ret; response/failure: code; pq_error: errors */
	__u32 reason;		/* failure reason; pq_error: tail; response: nreq */
	__u32 perm;		/* failure perm (IOMMU_FAULT_PERM_*) */
	__u32 pad;	/* no CPU number: riscv64 inlines that helper in the JIT only,
			 * so it would fail to load on kernels running the interpreter */
	char dev[RIOMMU_DEVNAME_LEN];
};

/* Event type mask bits for riommu-trace -t. */
#define RIOMMU_EVM(t)		(1u << (t))

/* Log-linear slot of a value (shared with BPF: no loops, no division). */
static __always_inline __u32 riommu_ilog2(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xffffffffULL) << 5; v >>= s; r |= s;
	s = (v > 0xffff) << 4; v >>= s; r |= s;
	s = (v > 0xff) << 3; v >>= s; r |= s;
	s = (v > 0xf) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 riommu_fine_slot(__u64 v)
{
	__u32 e, slot;

	if (v < RIOMMU_FINE_SUB)
		return (__u32)v;
	e = riommu_ilog2(v);
	if (e > RIOMMU_FINE_MAX_LOG)
		return RIOMMU_FINE_SLOTS - 1;
	slot = (e - RIOMMU_FINE_SUB_BITS + 1) * RIOMMU_FINE_SUB +
	       (__u32)((v >> (e - RIOMMU_FINE_SUB_BITS)) & (RIOMMU_FINE_SUB - 1));
	return slot < RIOMMU_FINE_SLOTS ? slot : RIOMMU_FINE_SLOTS - 1;
}

#endif /* RIOMMU_H */
