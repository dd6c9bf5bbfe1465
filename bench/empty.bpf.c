// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Programs that do nothing, on the three tracepoints riommu-top attaches
 * to: what any BPF tool there pays per event before its first instruction
 * (bench/lab-throughput.sh's floor row).
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/pq_consume") int empty_pq_consume(void *ctx) { return 0; }
SEC("raw_tp/pq_report") int empty_pq_report(void *ctx) { return 0; }
SEC("raw_tp/page_response") int empty_page_response(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
