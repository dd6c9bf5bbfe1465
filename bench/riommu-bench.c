// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF cost of one page-request lifecycle (pq_consume, pq_report,
 * page_response) with riommu-top's and riommu-trace's programs loaded, as
 * the kernel's own BPF run-time statistics count it (BPF_ENABLE_STATS), with
 * the programs driven by BPF_PROG_TEST_RUN on the host.  Prints figures;
 * the target is <= 200 ns per lifecycle for both tools together.
 *
 *   riommu-bench [-n LIFECYCLES] [-r REQUESTS_PER_GROUP] [-g GROUPS_IN_FLIGHT]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "common.h"
#include "riommu_top.skel.h"
#include "riommu_trace.skel.h"
#include "micro.skel.h"

struct prog {
	const char *label;
	struct bpf_program *p;
	__u64 ns0, cnt0;
};

static struct prog progs[5];
static long reqs = 1, inflight = 64;

static void stats(struct prog *p, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*ns = *cnt = 0;
	if (!bpf_prog_get_info_by_fd(bpf_program__fd(p->p), &info, &len)) {
		*ns = info.run_time_ns;
		*cnt = info.run_cnt;
	}
}

static int run(struct bpf_program *p, __u64 *a, int n)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = a, .ctx_size_in = n * 8);

	return bpf_prog_test_run_opts(bpf_program__fd(p), &o);
}

static __u64 mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Lifecycles [from, to): groups rotate over RIDs/PRG indexes, `inflight` open. */
static void lifecycles(long from, long to)
{
	long k, r;

	for (k = from; k < to; k++) {
		__u32 rid = 8 + (k % 16), prgi = (k / 16) % 512, pasid = 1 + k % 3;

		for (r = 0; r < reqs; r++) {
			__u64 a[6] = { 0, rid, pasid, RIOMMU_F_PV | RIOMMU_F_R |
				       (r == reqs - 1 ? RIOMMU_F_L : 0), prgi, 0x1000 * r };

			run(progs[0].p, a, 6);
			run(progs[3].p, a, 6);
			a[5] = 0;
			run(progs[1].p, a, 6);
		}
		if (k >= inflight - 1) {
			/* answer the group opened `inflight - 1` lifecycles ago */
			long o = k - (inflight - 1);
			__u64 a[6] = { 0, 8 + (o % 16), 1 + o % 3, RIOMMU_F_PV, (o / 16) % 512, 0 };

			run(progs[2].p, a, 6);
			run(progs[4].p, a, 6);
		}
	}
}

/* The kernel's clocksource: what a bpf_ktime_get_ns() costs depends on it. */
static void clocksource(char *buf, size_t len)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	const long warm = 1000, counted = 1000;
	struct riommu_top_bpf *top = NULL;
	struct riommu_trace_bpf *tr = NULL;
	struct micro_bpf *m = NULL;
	double total = 0, floor = 0, clk = -1, reads = -1, net;
	long n = 200000, runs;
	char cs[64];
	__u64 t0, t1;
	int sfd, c, i, err = 1;
	long k;

	while ((c = getopt(argc, argv, "n:r:g:")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 'r': reqs = atol(optarg); break;
		case 'g': inflight = atol(optarg); break;
		default:
			fprintf(stderr, "usage: riommu-bench [-n N] [-r REQS] [-g INFLIGHT]\n");
			return 2;
		}
	}
	if (n < 1 || reqs < 1 || inflight < 1 || inflight > 4096) {
		fprintf(stderr, "riommu-bench: bad arguments\n");
		return 2;
	}
	riommu_setup_libbpf(getenv("V") != NULL);
	top = riommu_top_bpf__open();
	if (top && (riommu_select_attach("riommu-bench", top->obj, true) < 0 ||
		    riommu_top_bpf__load(top))) {
		riommu_top_bpf__destroy(top);
		top = NULL;
	}
	tr = riommu_trace_bpf__open();
	if (tr) {
		/* riommu-trace in its default (histogram) mode */
		bpf_program__set_autoload(tr->progs.trace_pq_report, false);
		bpf_program__set_autoload(tr->progs.trace_pq_error, false);
		bpf_program__set_autoload(tr->progs.trace_iopf_failure, false);
		bpf_map__set_max_entries(tr->maps.events, 4096);
		if (riommu_select_attach("riommu-bench", tr->obj, true) < 0 ||
		    riommu_trace_bpf__load(tr)) {
			riommu_trace_bpf__destroy(tr);
			tr = NULL;
		}
	}
	m = micro_bpf__open();
	if (m && micro_bpf__load(m)) {
		/* no fentry here: the clock reads go uncounted */
		micro_bpf__destroy(m);
		m = micro_bpf__open();
		if (m)
			bpf_program__set_autoload(m->progs.m_count_clock, false);
		if (m && micro_bpf__load(m)) {
			micro_bpf__destroy(m);
			m = NULL;
		}
	}
	if (!top || !tr || !m) {
		fprintf(stderr, "riommu-bench: cannot load the BPF programs (root needed)\n");
		goto out;
	}
	progs[0] = (struct prog){ "top   pq_consume", top->progs.top_pq_consume };
	progs[1] = (struct prog){ "top   pq_report", top->progs.top_pq_report };
	progs[2] = (struct prog){ "top   page_response", top->progs.top_page_response };
	progs[3] = (struct prog){ "trace pq_consume", tr->progs.trace_pq_consume };
	progs[4] = (struct prog){ "trace page_response", tr->progs.trace_page_response };

	/* warm up, then count the clock reads of some lifecycles (fentry on the helper) */
	lifecycles(0, inflight + warm);
	{
		struct bpf_link *l = NULL;

		if (bpf_program__fd(m->progs.m_count_clock) >= 0)
			l = bpf_program__attach(m->progs.m_count_clock);
		m->bss->clock_calls = 0;
		lifecycles(inflight + warm, inflight + warm + counted);
		if (l)
			reads = (double)m->bss->clock_calls / counted;
		bpf_link__destroy(l);
	}

	sfd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (sfd < 0) {
		fprintf(stderr, "riommu-bench: BPF_ENABLE_STATS failed: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < 5; i++)
		stats(&progs[i], &progs[i].ns0, &progs[i].cnt0);
	t0 = mono();
	lifecycles(inflight + warm + counted, inflight + warm + counted + n);
	t1 = mono();
	{
		/* building blocks, each alone; nop = what the statistics add */
		__u64 a[6] = {}, key[2] = { 8, 0xffffffff }, zero = 0, ns, cnt;
		struct prog mp[] = {
			{ "nop (stats floor)", m->progs.m_nop },
			{ "bpf_ktime_get_ns", m->progs.m_ktime },
			{ "array lookup+inc", m->progs.m_array },
			{ "array lookup+atomic add", m->progs.m_atomic },
			{ "array lookup+cmpxchg", m->progs.m_cas },
			{ "percpu hash lookup+inc", m->progs.m_pcpu_hash },
		};

		bpf_map_update_elem(bpf_map__fd(m->maps.pch), key, &zero, BPF_ANY);
		printf("riommu-bench: %ld lifecycles, %ld request(s) per group, %ld groups in flight, "
		       "%d CPUs\n", n, reqs, inflight, libbpf_num_possible_cpus());
		printf("building blocks (ns/run, stats floor subtracted):\n");
		for (i = 0; i < (int)ARRAY_SIZE(mp); i++) {
			for (k = 0; k < 100000; k++)
				run(mp[i].p, a, 6);
			stats(&mp[i], &ns, &cnt);
			if (!cnt)
				continue;
			if (!i)
				floor = (double)ns / cnt;
			else if (mp[i].p == m->progs.m_ktime)
				clk = (double)ns / cnt - floor;
			printf("  %-24s %8.1f\n", mp[i].label, i ? (double)ns / cnt - floor :
			       (double)ns / cnt);
		}
	}
	close(sfd);

	printf("%-22s %10s %9s %9s\n", "program", "runs", "ns/run", "net");
	for (i = 0; i < 5; i++) {
		__u64 ns, cnt;
		double per;

		stats(&progs[i], &ns, &cnt);
		ns -= progs[i].ns0;
		cnt -= progs[i].cnt0;
		per = cnt ? (double)ns / cnt : 0;
		printf("%-22s %10llu %9.1f %9.1f\n", progs[i].label, (unsigned long long)cnt, per,
		       per - floor);
		total += (double)ns;
	}
	runs = 3 * reqs + 2;
	net = total / n - runs * floor;
	clocksource(cs, sizeof(cs));
	printf("per lifecycle, both tools (consume x%ld + report x%ld + response), "
	       "net of the stats floor (%ld runs x %.1f ns):\n", reqs, reqs, runs, floor);
	printf("  %-40s %7.1f ns\n", "total", net);
	if (clk >= 0) {
		char what[64];
		/* each tool: one reading when a group opens, one at its response */
		const char *how = reads >= 0 ? "counted" : "2 per tool by design, not counted";

		if (reads < 0)
			reads = 4;
		snprintf(what, sizeof(what), "clock reads (%.2f x %.1f ns)", reads, clk);
		printf("  %-40s %7.1f ns  (bpf_ktime_get_ns on clocksource %s; %s)\n", what,
		       reads * clk, cs, how);
		printf("  %-40s %7.1f ns  (map lookups, atomics, counters, histograms)\n",
		       "the rest", net - reads * clk);
	}
	printf("target <= 200 ns per lifecycle: %s (total %.0f ns", net <= 200 ? "met" : "NOT met",
	       net);
	if (clk >= 0)
		printf(", without the clock reads %.0f ns", net - reads * clk);
	printf(")\n");
	printf("(wall clock incl. %ld syscalls per lifecycle: %.0f ns)\n", runs,
	       (double)(t1 - t0) / n);
	{
		__u64 d[RIOMMU_DROP_MAX];

		riommu_read_drops(bpf_map__fd(top->maps.drops), d);
		printf("drops (top): group-table-full %llu response-without-request %llu\n",
		       (unsigned long long)d[RIOMMU_DROP_GRP_FULL],
		       (unsigned long long)d[RIOMMU_DROP_NO_REQ]);
	}
	err = 0;
out:
	micro_bpf__destroy(m);
	riommu_top_bpf__destroy(top);
	riommu_trace_bpf__destroy(tr);
	return err;
}
