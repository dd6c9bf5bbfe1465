// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Building blocks of the riommu programs, timed alone by riommu-bench. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

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

/* Counts the clock reads of the programs under test (attached for one pass). */
__u64 clock_calls;

SEC("fentry/bpf_ktime_get_ns") int m_count_clock(void *ctx)
{
	__sync_fetch_and_add(&clock_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
