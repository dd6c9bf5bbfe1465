// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Building blocks of the riommu programs, timed alone by riommu-bench. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "riommu.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} pca SEC(".maps");

SEC("raw_tp") int m_nop(void *ctx) { return 0; }

SEC("raw_tp") int m_ktime(void *ctx)
{
	return bpf_ktime_get_ns() == 0;
}

SEC("raw_tp") int m_array(void *ctx)
{
	__u32 k = 7;
	__u64 *v = bpf_map_lookup_elem(&arr, &k);

	if (v)
		*v += 1;
	return 0;
}

SEC("raw_tp") int m_atomic(void *ctx)
{
	__u32 k = 7;
	__u64 *v = bpf_map_lookup_elem(&arr, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("raw_tp") int m_cas(void *ctx)
{
	__u32 k = 7;
	__u64 *v = bpf_map_lookup_elem(&arr, &k);

	if (v)
		__sync_val_compare_and_swap(v, *v, *v + 1);
	return 0;
}

/* the tools' per-CPU counters (rows, histogram summaries) */
SEC("raw_tp") int m_pcpu_array(void *ctx)
{
	__u32 k = 7;
	__u64 *v = bpf_map_lookup_elem(&pca, &k);

	if (v)
		*v += 1;
	return 0;
}

/*
 * The least a tool pairing requests with responses can do: one start time
 * per RID and PRG index (no hashing, no PASID, no counters), one shared log2
 * histogram.  The bench drives it through the same lifecycles as the tools:
 * its cost beyond the clock reads is this machine's floor for any such tool.
 */
#define MIN_SLOTS (16 * 512)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MIN_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} min_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} min_hist SEC(".maps");

static __always_inline __u32 min_slot(const __u64 *args)
{
	return (args[1] * 512 + args[4]) & (MIN_SLOTS - 1);	/* RID, PRG index */
}

SEC("raw_tp") int m_min_consume(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 k = min_slot(ctx->args);
	__u64 *ts = bpf_map_lookup_elem(&min_start, &k);

	if (ts && !*ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp") int m_min_response(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 k = min_slot(ctx->args), b;
	__u64 *ts = bpf_map_lookup_elem(&min_start, &k), *h, lat;

	if (!ts || !*ts)
		return 0;
	lat = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	b = riommu_ilog2(lat);
	h = bpf_map_lookup_elem(&min_hist, &b);
	if (h)
		__sync_fetch_and_add(h, 1);
	return 0;
}

/* Counts the clock reads of the programs under test (attached for one pass). */
__u64 clock_calls;

SEC("fentry/bpf_ktime_get_ns") int m_count_clock(void *ctx)
{
	__sync_fetch_and_add(&clock_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
