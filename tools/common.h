/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by the riommu tools (user space). */
#ifndef RIOMMU_TOOLS_COMMON_H
#define RIOMMU_TOOLS_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <signal.h>
#include <linux/types.h>
#include "riommu.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern volatile sig_atomic_t riommu_exiting;
extern bool riommu_verbose;

int riommu_libbpf_print(int level, const char *fmt, va_list ap);
void riommu_setup_libbpf(bool verbose);
int riommu_setup_signals(void);

/* A tracepoint the tools attach to; "required" ones must exist. */
struct riommu_tp {
	const char *system;
	const char *name;
	bool required;
	bool present;		/* filled by riommu_check_tracepoints() */
};

/* Tracepoint set of both tools, in docs/interfaces.md order. */
extern const struct riommu_tp riommu_tps[5];
enum { TP_CONSUME, TP_REPORT, TP_RESPONSE, TP_PQ_ERROR, TP_IOPF_FAILURE };

/*
 * Look for the events in tracefs (RIOMMU_TRACEFS overrides the mount point),
 * else in kernel BTF (btf_trace_<name>).  On a missing required event print
 * one sentence to stderr and return -1.
 */
int riommu_check_tracepoints(const char *tool, struct riommu_tp *tps, int n);

/*
 * Each event has two programs in a tool's object, one per attach type, with
 * the same event after the section prefix ("tp_btf/pq_consume",
 * "raw_tp/pq_consume").  Pick one type for the whole object and switch the
 * other programs off; the raw_tp program's autoload says whether the event
 * is wanted (set those first, call before load).  tp_btf where the kernel's
 * BTF has btf_trace_<event> for every wanted event and accepts a tp_btf
 * program, else raw_tp; RIOMMU_ATTACH=tp_btf|raw_tp|auto overrides.
 * test_run: the programs are driven by BPF_PROG_TEST_RUN, which only raw_tp
 * supports.  With -v says which type and why.  Returns the type, or -1
 * after one sentence on stderr.
 */
enum riommu_attach { RIOMMU_ATTACH_RAW_TP, RIOMMU_ATTACH_TP_BTF };
struct bpf_object;
int riommu_select_attach(const char *tool, struct bpf_object *obj, bool test_run);
extern const char *const riommu_attach_names[2];

/*
 * main()'s steps shared by the tools, in libbpf-tools order: begin (before
 * open), then open the skeleton and set its rodata, then load_attach, then
 * the tool's loop; on error goto cleanup and destroy the skeleton.
 *
 * Begin: libbpf messages only with -v (o->verbose), --btf noted, then every
 * required event of tps (a
 * copy of riommu_tps, made stricter where a mode needs more) must exist.
 * RIOMMU_TEST_NOATTACH (tests/bpf) loads without attaching, the events come
 * from BPF_PROG_TEST_RUN: every event counts as present.  Returns 1 for
 * "do not attach", 0, or -1 after one sentence on stderr.
 */
struct common_opts;
int riommu_tool_begin(const char *tool, const struct common_opts *o, struct riommu_tp *tps,
		      int n);

/* --btf FILE (set by riommu_tool_begin()), NULL: /sys/kernel/btf/vmlinux. */
extern const char *riommu_btf_path;

/*
 * offsetof(struct device, kobj.name) from the kernel's BTF, so that the BPF
 * side can read a device's name without CO-RE; RIOMMU_NO_OFFSET without.
 */
__u32 riommu_dev_name_offset(void);

/* After a skeleton's open failed: one sentence on stderr. */
void riommu_open_error(const char *tool);

/*
 * The rodata every tool's object has (bpf/riommu_common.bpf.h), from the
 * shared options (struct common_opts *o): filters, group table size.
 */
#define RIOMMU_COMMON_RODATA(skel, o) do {					\
	(skel)->rodata->targ_iommu = (o)->iommu;				\
	(skel)->rodata->targ_rid = (o)->rid;					\
	(skel)->rodata->targ_pasid = (o)->pasid;				\
	(skel)->rodata->grp_buckets =						\
		riommu_grp_size((skel)->maps.groups, (o)->max_groups);	\
} while (0)

/*
 * Pick the attach type, load, attach unless noattach, catch SIGINT and
 * SIGTERM.  Returns 0, or -1 after one sentence on stderr (-v: libbpf's
 * messages before it).
 */
struct bpf_object_skeleton;
int riommu_tool_load_attach(const char *tool, struct bpf_object_skeleton *s, bool noattach);

/*
 * The interval loop: sleep to the end of each interval (interval_ns 0: to a
 * signal), close the BPF side's epoch (see struct riommu_lat) and call tick
 * with the ended epoch, the time and the interval's length in seconds;
 * count intervals, -1: no limit.  A signal ends it; partial: after one
 * last tick for the partial interval.
 */
struct riommu_intervals {
	__u64 start_ns, interval_ns;
	long count;
	bool partial;
	__u32 *epoch;			/* the skeleton's bss epoch */
	void (*tick)(void *ctx, __u32 ended, __u64 now_ns, double interval_s);
	void *ctx;
};

void riommu_run_intervals(const struct riommu_intervals *iv);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
uint64_t riommu_mono_ns(void);
double riommu_wall_s(void);
/* Sleep until the deadline or a signal; returns false when exiting. */
bool riommu_sleep_until(uint64_t mono_deadline_ns);

/*
 * First NDJSON record of a run: the wall clock (time, Unix seconds) and the
 * monotonic clock (ts_ns, the clock of bpf_ktime_get_ns()) read together, so
 * that a record's ts_ns converts to a date.
 */
void riommu_emit_clock(const char *tool);

/* Sum per-CPU u64 drop counters; out must hold RIOMMU_DROP_MAX values. */
int riommu_read_drops(int map_fd, __u64 *out);
/* The drop_<name> fields of the counters in which[], in that order. */
struct record;
void riommu_rec_drops(struct record *rec, const __u64 *drops, const int *which, int n);

/* Sum/merge per-CPU latency summaries; ended_epoch picks the max slot. */
void riommu_lat_merge(struct riommu_lat *dst, const struct riommu_lat *src, __u32 ended_epoch);
/* Max of one merged summary for the ended epoch (stored in max[0]). */

/*
 * Read n shared u64 counters (struct riommu_fine, histogram buckets) into
 * out and subtract what was read, so they count from now on.
 */
void riommu_take_counts(void *shared, __u64 *out, unsigned int n);

/*
 * A BPF array user space reads in place (BPF_F_MMAPABLE), mapped read-only
 * after load: the in-flight group table, or a statistics table's tags.
 */
struct riommu_ro_map {
	union {
		const void *mem;
		const struct riommu_grp *grp;
		const __u64 *tag;
	};
	__u32 n;
	size_t len;
};

struct bpf_map;
int riommu_ro_mmap(struct bpf_map *map, struct riommu_ro_map *m);
/* The same, writable: the shared histograms user space takes counts from. */
int riommu_rw_mmap(struct bpf_map *map, struct riommu_ro_map *m);
void riommu_ro_munmap(struct riommu_ro_map *m);

/*
 * The in-flight group table mapped writable, with the BPF side's time of
 * each IOMMU's last PQ error (pq_error_ts).  After a PQ error the driver
 * discards every group whose last request had not arrived; the BPF side
 * recycles such a slot when its PRG index comes back (groups_discarded),
 * riommu_grp_reclaim() frees the others and counts them in reclaimed.
 */
struct riommu_grp_map {
	struct riommu_ro_map grp;
	struct riommu_ro_map pq_error_ts;
	__u64 reclaimed;
};

int riommu_grp_mmap(struct bpf_map *groups, struct bpf_map *pq_error_ts,
		    struct riommu_grp_map *m);
void riommu_grp_munmap(struct riommu_grp_map *m);
/* Free the slots of groups discarded at a PQ error; returns how many. */
__u64 riommu_grp_reclaim(struct riommu_grp_map *m);

/*
 * In-flight group table: size it before load (slots rounded up to 512 x a
 * power of two; returns the bucket count for the grp_buckets rodata).
 */
__u32 riommu_grp_size(struct bpf_map *map, __u32 slots);
/* Copy slot i if it holds a group (tag set and filled in). */
bool riommu_grp_get(const struct riommu_ro_map *t, __u32 i, struct riommu_grp *g,
		    struct riommu_grp_key *k);

/*
 * Statistics tables: a tag array (mapped) and a per-CPU value array of the
 * same size, a power of two.  Size both before load; returns the size for
 * the BPF side's rodata.
 */
__u32 riommu_table_size(struct bpf_map *tags, struct bpf_map *vals, __u32 n);

/*
 * Order of statistics keys, riommu-top's rows and riommu-trace's histograms
 * alike (both from riommu_key_untag()): IOMMU, RID, PASID, each ascending.
 */
/*
 * Giving statistics slots back: a tag table mapped writable, the per-CPU
 * value array (vals_fd, val_size bytes per CPU per slot) and the shared one
 * (shared, shared_size bytes per slot, may be unmapped).  retire() takes an
 * idle key's slot away (RIOMMU_KEY_RETIRED); sweep() later zeroes retired
 * slots no key probes through and frees them (returns how many).  Values
 * an update in flight wrote after retire() are cleared by sweep().
 */
struct riommu_stats_table {
	struct riommu_ro_map tags;
	int vals_fd;
	size_t val_size;
	struct riommu_ro_map shared;
	size_t shared_size;
};

bool riommu_stats_retire(struct riommu_stats_table *t, __u32 idx);
unsigned int riommu_stats_sweep(struct riommu_stats_table *t);

/* Slot of a key tag in a mapped statistics tag table (the BPF side's probes), or -1. */
int riommu_key_find(const struct riommu_ro_map *tags, __u64 tag);

int riommu_key_cmp(__u32 iommu_a, __u32 rid_a, __u32 pasid_a,
		   __u32 iommu_b, __u32 rid_b, __u32 pasid_b);

const char *riommu_prgr_name(unsigned code);
const char *riommu_core_code_name(unsigned code);
const char *riommu_reason_name(unsigned reason);
/* "rw", "r-x", ... from riscv_iommu flags or IOMMU_FAULT_PERM_* bits. */
void riommu_flags_perm(char *buf, size_t len, __u32 flags);
void riommu_fault_perm(char *buf, size_t len, __u32 perm);

#endif
