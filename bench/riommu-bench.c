// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF cost of one page-request lifecycle (pq_consume, pq_report,
 * page_response) with riommu-top's and riommu-trace's programs loaded, as
 * the kernel's own BPF run-time statistics count it (BPF_ENABLE_STATS), with
 * the programs driven by BPF_PROG_TEST_RUN on the host.  Prints figures,
 * for both tools together and for each tool's group (pq_consume for the
 * request(s), page_response); the target is <= 60 ns per tool per group
 * beyond the two clock reads the latency needs.  The figures are split into
 * the clock reads (counted with fentry where the kernel allows it, each
 * costed alone) and the rest, which is shown a second time with the groups
 * on 8 PRG indexes, where the tables stay in the CPU caches.
 *
 *   riommu-bench [-n LIFECYCLES] [-r REQUESTS_PER_GROUP] [-g GROUPS_IN_FLIGHT]
 *                [-p PRG_INDEXES]
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

enum event { CONSUME, REPORT, RESPONSE };

/*
 * event: the tracepoint it runs on; tool: 0 riommu-top, 1 riommu-trace;
 * group: counted in the tool's group figure
 */
struct prog {
	const char *label;
	struct bpf_program *p;
	enum event event;
	int tool;
	bool group;
	__u64 ns0, cnt0;
};

#define TOOLS 2
static const char *const tool_names[TOOLS] = { "riommu-top", "riommu-trace" };

/* the tools' programs; the minimal pairing (micro.bpf.c); the set lifecycles run */
static struct prog progs[5], minimal[2];
static struct prog *active = progs;
static int nactive = 5;
static long reqs = 1, inflight = 64, prgis = 512;

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

/* the active programs of one event, in the order the kernel runs them */
static void fire(enum event ev, __u64 *a)
{
	int i;

	for (i = 0; i < nactive; i++)
		if (active[i].event == ev)
			run(active[i].p, a, 8);
}

static void respond(long o)
{
	__u64 a[8] = { 0, 8 + (o % 16), 1 + o % 3, RIOMMU_F_PV, (o / 16) % prgis };

	fire(RESPONSE, a);
}

/*
 * Lifecycles [from, to): groups rotate over 16 RIDs and `prgis` PRG indexes,
 * `inflight` open; each answers the group opened `inflight - 1` before.
 */
static void lifecycles(long from, long to)
{
	long k, r;

	for (k = from; k < to; k++) {
		__u32 rid = 8 + (k % 16), prgi = (k / 16) % prgis, pasid = 1 + k % 3;

		for (r = 0; r < reqs; r++) {
			__u64 a[8] = { 0, rid, pasid, RIOMMU_F_PV | RIOMMU_F_R |
				       (r == reqs - 1 ? RIOMMU_F_L : 0), prgi, 0x1000 * r };

			fire(CONSUME, a);
			fire(REPORT, a);	/* ret 0 */
		}
		if (k >= inflight - 1)
			respond(k - (inflight - 1));
	}
}

/* Answer the groups still open after lifecycle `end`. */
static void drain(long end)
{
	long o;

	for (o = end - (inflight - 1); o < end; o++)
		if (o >= 0)
			respond(o);
}

/* BPF ns of the active programs since their ns0 (set by start()). */
static void start(void)
{
	int i;

	for (i = 0; i < nactive; i++)
		stats(&active[i], &active[i].ns0, &active[i].cnt0);
}

/*
 * BPF ns since start(), net of the statistics floor: of the active programs,
 * and per tool of the programs of its group figure (tool[]).
 */
static double spent(double floor, double *tool)
{
	__u64 ns, cnt;
	double t = 0, v;
	int i;

	for (i = 0; i < TOOLS; i++)
		tool[i] = 0;
	for (i = 0; i < nactive; i++) {
		stats(&active[i], &ns, &cnt);
		v = (double)(ns - active[i].ns0) - floor * (double)(cnt - active[i].cnt0);
		t += v;
		if (active[i].group)
			tool[active[i].tool] += v;
	}
	return t;
}

/*
 * The machine is shared: each figure is the median of CHUNKS slices of the
 * run, so that a burst of other work in one slice does not move it.
 */
#define CHUNKS 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, CHUNKS, sizeof(*v), cmp_double);
	return v[CHUNKS / 2];
}

static struct micro_bpf *micro;

/* groups counted in the minimal pairing's histogram */
static __u64 histogram_total(const struct bpf_map *m)
{
	__u64 v, sum = 0;
	__u32 k;

	for (k = 0; k < bpf_map__max_entries(m); k++)
		if (!bpf_map_lookup_elem(bpf_map__fd(m), &k, &v))
			sum += v;
	return sum;
}

/* ns per run of one micro program, over `n` test runs */
static double per_run(struct bpf_program *p, long n)
{
	struct prog q = { .p = p };
	__u64 ns0, cnt0, ns, cnt, a[6] = {};
	long k;

	stats(&q, &ns0, &cnt0);
	for (k = 0; k < n; k++)
		run(p, a, 6);
	stats(&q, &ns, &cnt);
	return cnt > cnt0 ? (double)(ns - ns0) / (cnt - cnt0) : 0;
}

/*
 * Medians over the slices: BPF ns per lifecycle net of the floor (both
 * tools, and each tool's group), a clock read, the floor.
 */
struct figures {
	double net, tool[TOOLS], clk, floor;
};

/*
 * Lifecycles [from, to) in CHUNKS slices.  After each slice the statistics
 * floor and one clock read are timed alone, so that the three figures of a
 * slice see the same load on the machine.
 */
static void timed(long from, long to, struct figures *f)
{
	double vn[CHUNKS], vc[CHUNKS], vf[CHUNKS], vt[TOOLS][CHUNKS], tool[TOOLS];
	long len = (to - from) / CHUNKS;
	int c, i;

	for (c = 0; c < CHUNKS; c++) {
		long a = from + c * len, b = c == CHUNKS - 1 ? to : a + len;

		start();
		lifecycles(a, b);
		vf[c] = per_run(micro->progs.m_nop, 5000);
		vc[c] = per_run(micro->progs.m_ktime, 5000) - vf[c];
		vn[c] = spent(vf[c], tool) / (b - a);
		for (i = 0; i < TOOLS; i++)
			vt[i][c] = tool[i] / (b - a);
	}
	f->net = median(vn);
	for (i = 0; i < TOOLS; i++)
		f->tool[i] = median(vt[i]);
	f->clk = median(vc);
	f->floor = median(vf);
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
	struct figures all, hot = { .net = -1 }, least;
	__u64 base_ns[5], base_cnt[5], pass_ns[5], pass_cnt[5], t0, t1;
	long n = 200000, runs, end;
	double reads = -1;
	const char *how;
	char cs[64], what[64];
	int sfd, c, i, err = 1;

	while ((c = getopt(argc, argv, "n:r:g:p:")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 'r': reqs = atol(optarg); break;
		case 'g': inflight = atol(optarg); break;
		case 'p': prgis = atol(optarg); break;
		default:
			fprintf(stderr, "usage: riommu-bench [-n N] [-r REQS] [-g INFLIGHT] "
				"[-p PRGIS]\n");
			return 2;
		}
	}
	if (n < CHUNKS || reqs < 1 || inflight < 1 || inflight > 4096 || prgis < 1 ||
	    prgis > RIOMMU_PRGI_N) {
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
		/* riommu-trace in its default (histogram) mode: one pinned histogram */
		tr->rodata->hist_pinned = true;
		tr->rodata->nhists = riommu_table_size(tr->maps.hist_keys, tr->maps.hists, 1);
		bpf_map__set_max_entries(tr->maps.hist_bins, tr->rodata->nhists);
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
	micro = micro_bpf__open();
	if (micro && micro_bpf__load(micro)) {
		/* no fentry here: the clock reads go uncounted */
		micro_bpf__destroy(micro);
		micro = micro_bpf__open();
		if (micro)
			bpf_program__set_autoload(micro->progs.m_count_clock, false);
		if (micro && micro_bpf__load(micro)) {
			micro_bpf__destroy(micro);
			micro = NULL;
		}
	}
	if (!top || !tr || !micro) {
		fprintf(stderr, "riommu-bench: cannot load the BPF programs (root needed)\n");
		goto out;
	}
	progs[0] = (struct prog){ "top   pq_consume", top->progs.top_pq_consume, CONSUME, 0, true };
	progs[1] = (struct prog){ "top   pq_report", top->progs.top_pq_report, REPORT, 0, false };
	progs[2] = (struct prog){ "top   page_response", top->progs.top_page_response,
				  RESPONSE, 0, true };
	progs[3] = (struct prog){ "trace pq_consume", tr->progs.trace_pq_consume, CONSUME, 1, true };
	progs[4] = (struct prog){ "trace page_response", tr->progs.trace_page_response,
				  RESPONSE, 1, true };
	minimal[0] = (struct prog){ "minimal pq_consume", micro->progs.m_min_consume, CONSUME, 0,
				    true };
	minimal[1] = (struct prog){ "minimal page_response", micro->progs.m_min_response,
				    RESPONSE, 0, true };

	/* warm up, then count the clock reads of some lifecycles (fentry on the helper) */
	lifecycles(0, inflight + warm);
	{
		struct bpf_link *l = NULL;

		if (bpf_program__fd(micro->progs.m_count_clock) >= 0)
			l = bpf_program__attach(micro->progs.m_count_clock);
		micro->bss->clock_calls = 0;
		lifecycles(inflight + warm, inflight + warm + counted);
		if (l)
			reads = (double)micro->bss->clock_calls / counted;
		bpf_link__destroy(l);
	}
	/* each tool: one reading when a group opens, one at its response */
	how = reads >= 0 ? "counted" : "2 per tool by design, not counted";
	if (reads < 0)
		reads = 4;

	sfd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (sfd < 0) {
		fprintf(stderr, "riommu-bench: BPF_ENABLE_STATS failed: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < 5; i++)
		stats(&progs[i], &base_ns[i], &base_cnt[i]);
	t0 = mono();
	end = inflight + warm + counted + n;
	timed(inflight + warm + counted, end, &all);
	t1 = mono();
	for (i = 0; i < 5; i++) {	/* per program, this pass only */
		stats(&progs[i], &pass_ns[i], &pass_cnt[i]);
		pass_ns[i] -= base_ns[i];
		pass_cnt[i] -= base_cnt[i];
	}
	drain(end);
	if (prgis > 8) {
		/* the same with the groups on 8 PRG indexes: the tables stay in cache */
		long save = prgis, nh = n / 2 < CHUNKS ? CHUNKS : n / 2;

		prgis = 8;
		lifecycles(0, inflight + warm);
		timed(inflight + warm, inflight + warm + nh, &hot);
		drain(inflight + warm + nh);
		prgis = save;
	}
	/* the minimal pairing through the same lifecycles: this machine's floor */
	active = minimal;
	nactive = ARRAY_SIZE(minimal);
	lifecycles(0, inflight + warm);
	timed(inflight + warm, inflight + warm + n, &least);
	drain(inflight + warm + n);
	active = progs;
	nactive = ARRAY_SIZE(progs);

	printf("riommu-bench: %ld lifecycles, %ld request(s) per group, %ld groups in flight "
	       "on %ld PRG indexes, %d CPUs\n", n, reqs, inflight, prgis,
	       libbpf_num_possible_cpus());
	printf("%-22s %10s %9s %9s\n", "program", "runs", "ns/run", "net");
	for (i = 0; i < 5; i++) {
		__u64 cnt = pass_cnt[i];
		double per = cnt ? (double)pass_ns[i] / cnt : 0;

		printf("%-22s %10llu %9.1f %9.1f\n", progs[i].label, (unsigned long long)cnt, per,
		       per - all.floor);
	}
	{
		/* building blocks, each alone; nop = what the statistics add */
		struct prog mp[] = {
			{ "nop (stats floor)", micro->progs.m_nop },
			{ "bpf_ktime_get_ns", micro->progs.m_ktime },
			{ "array lookup+inc", micro->progs.m_array },
			{ "array lookup+atomic add", micro->progs.m_atomic },
			{ "array lookup+cmpxchg", micro->progs.m_cas },
			{ "percpu array lookup+inc", micro->progs.m_pcpu_array },
		};
		double v[CHUNKS], floor = 0;
		int r;

		printf("building blocks (ns/run, stats floor subtracted; median of %d):\n", CHUNKS);
		for (i = 0; i < (int)ARRAY_SIZE(mp); i++) {
			for (r = 0; r < CHUNKS; r++)
				v[r] = per_run(mp[i].p, 20000);
			if (!i)
				floor = median(v);
			printf("  %-24s %8.1f\n", mp[i].label, i ? median(v) - floor : median(v));
		}
	}
	close(sfd);

	runs = 3 * reqs + 2;
	clocksource(cs, sizeof(cs));
	printf("per lifecycle, both tools (consume x%ld + report x%ld + response), net of the "
	       "stats floor (%ld runs x %.1f ns), median of %d slices:\n",
	       reqs, reqs, runs, all.floor, CHUNKS);
	printf("  %-40s %7.1f ns\n", "total", all.net);
	snprintf(what, sizeof(what), "clock reads (%.2f x %.1f ns)", reads, all.clk);
	printf("  %-40s %7.1f ns  (bpf_ktime_get_ns, clocksource %s; reads %s)\n", what,
	       reads * all.clk, cs, how);
	printf("  %-40s %7.1f ns  (map lookups, atomics, counters, histograms)\n", "the rest",
	       all.net - reads * all.clk);
	if (hot.net >= 0)
		printf("  %-40s %7.1f ns  (total %.1f ns with the groups on 8 PRG indexes)\n",
		       "the rest, tables in cache", hot.net - reads * hot.clk, hot.net);
	/* by design each tool reads the clock once when a group opens, once at its response */
	printf("per tool and group (pq_consume x%ld + page_response; riommu-top's pq_report "
	       "above), clock reads %.2f x %.1f ns each:\n", reqs, reads / TOOLS, all.clk);
	printf("  %-14s %9s %9s %9s %12s  %s\n", "tool", "total", "clocks", "the rest",
	       "rest in cache", "target: the rest <= 60 ns");
	for (i = 0; i < TOOLS; i++) {
		double clk = reads / TOOLS * all.clk, rest = all.tool[i] - clk;
		char in_cache[16] = "-";

		if (hot.net >= 0)
			snprintf(in_cache, sizeof(in_cache), "%.1f",
				 hot.tool[i] - reads / TOOLS * hot.clk);
		printf("  %-14s %9.1f %9.1f %9.1f %12s  %s\n", tool_names[i], all.tool[i], clk,
		       rest, in_cache, rest <= 60 ? "met" : "NOT met");
	}
	printf("  %-14s %9.1f %9.1f %9.1f %12s  %s\n", "minimal", least.net,
	       2 * least.clk, least.net - 2 * least.clk, "-",
	       "(a floor: bench/micro.bpf.c, see below)");
	printf("  minimal: one start time per RID and PRG index, one shared log2 histogram, "
	       "nothing else;\n  the least any tool pairing requests with responses does "
	       "(2 clock reads, by design); paired %llu of %ld groups\n",
	       (unsigned long long)histogram_total(micro->maps.min_hist),
	       inflight + warm + n);
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
	micro_bpf__destroy(micro);
	riommu_top_bpf__destroy(top);
	riommu_trace_bpf__destroy(tr);
	return err;
}
