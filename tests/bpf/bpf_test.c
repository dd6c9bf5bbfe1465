// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Host BPF tests: load every riommu BPF program on the running kernel and
 * drive the aggregation through BPF_PROG_TEST_RUN with synthetic tracepoint
 * arguments whose answer is known, then check the maps.  Prints TAP lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "hist.h"
#include "riommu_top.skel.h"
#include "riommu_trace.skel.h"
#include "tap.h"

static int ncpu;

#define CHECK_EQ(name, exp, got) do {						\
	unsigned long long _e = (exp), _g = (got);				\
	check(_e == _g, name, "expected %llu, got %llu", _e, _g);		\
} while (0)

static int run(struct bpf_program *p, __u64 *args, int n)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = args, .ctx_size_in = n * sizeof(__u64));
	int err = bpf_prog_test_run_opts(bpf_program__fd(p), &o);

	if (err) {
		fprintf(stderr, "test_run %s: %s\n", bpf_program__name(p), strerror(-err));
		failures++;
	}
	return err;
}

#define PV RIOMMU_F_PV
#define R RIOMMU_F_R
#define W RIOMMU_F_W
#define L RIOMMU_F_L

/* Tracepoint drivers, TP_PROTO order from docs/interfaces.md. */
static void consume(struct bpf_program *p, __u32 iommu, __u32 rid, __u32 pasid,
		    __u32 flags, __u32 prgi, __u64 addr)
{
	__u64 a[] = { iommu, rid, pasid, flags, prgi, addr, 0, 0 };

	run(p, a, 8);
}

static void report(struct bpf_program *p, __u32 iommu, __u32 rid, __u32 pasid,
		   __u32 flags, __u32 prgi, int ret)
{
	__u64 a[] = { iommu, rid, pasid, flags, prgi, 0, (__u64)(long long)ret, 0 };

	run(p, a, 8);
}

static void response(struct bpf_program *p, __u32 iommu, __u32 rid, __u32 pasid,
		     __u32 flags, __u32 prgi, __u32 code)
{
	__u64 a[] = { iommu, rid, pasid, flags, prgi, 0, code, 0 };

	run(p, a, 8);
}

static void pq_error(struct bpf_program *p, __u32 iommu, __u32 errors)
{
	__u64 a[] = { iommu, errors, 1, 2, 0 };

	run(p, a, 5);
}

static void failure(struct bpf_program *p, __u32 rid, __u32 pasid, __u32 pv,
		    __u32 grpid, __u64 addr, __u32 perm, __u32 code, __u32 reason)
{
	__u64 a[] = { 0, rid, pasid, pv, grpid, addr, perm, code, reason };

	run(p, a, 9);
}

/* Slot of a key tag in a statistics tag table, -1 if absent. */
static int find_slot(struct bpf_map *keys, __u64 tag)
{
	__u32 i, n = bpf_map__max_entries(keys);
	__u64 t;

	for (i = 0; i < n; i++)
		if (!bpf_map_lookup_elem(bpf_map__fd(keys), &i, &t) && t == tag)
			return i;
	return -1;
}

static int count_tags(struct bpf_map *keys)
{
	__u32 i, n = bpf_map__max_entries(keys);
	__u64 t;
	int c = 0;

	for (i = 0; i < n; i++)
		if (!bpf_map_lookup_elem(bpf_map__fd(keys), &i, &t) && t)
			c++;
	return c;
}

/* Merged per-CPU row; max[0] = max of the given epoch. */
static bool get_row(struct riommu_top_bpf *s, __u32 iommu, __u32 rid, __u32 pasid,
		    __u32 epoch, struct riommu_row *out)
{
	int k = find_slot(s->maps.row_keys, riommu_key_tag(iommu, rid, pasid));
	size_t vsz = (sizeof(struct riommu_row) + 7) & ~7UL;
	char *vals = calloc(ncpu, vsz);
	int c, err = -1;
	unsigned j;

	memset(out, 0, sizeof(*out));
	if (k >= 0)
		err = bpf_map_lookup_elem(bpf_map__fd(s->maps.rows), &k, vals);
	for (c = 0; !err && c < ncpu; c++) {
		const struct riommu_row *v = (void *)(vals + c * vsz);

		for (j = 0; j < offsetof(struct riommu_row, lat) / 8; j++)
			((__u64 *)out)[j] += ((const __u64 *)v)[j];
		riommu_lat_merge(&out->lat, &v->lat, epoch);
	}
	free(vals);
	return !err;
}

static __u64 drop(int fd, int what)
{
	__u64 d[RIOMMU_DROP_MAX];

	riommu_read_drops(fd, d);
	return d[what];
}

/* Slots of the group table: a value holds those of one PRG index. */
static __u32 group_slots(struct bpf_map *m)
{
	return bpf_map__max_entries(m) * (bpf_map__value_size(m) / sizeof(struct riommu_grp));
}

/* Groups in flight: slots with a tag; *found gets the one matching want. */
static int count_groups(struct bpf_map *m, __u64 want, struct riommu_grp *found)
{
	__u32 i, j, n = bpf_map__max_entries(m);
	__u32 per = bpf_map__value_size(m) / sizeof(struct riommu_grp);
	struct riommu_grp *g = calloc(per, sizeof(*g));
	int c = 0;

	for (i = 0; g && i < n; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(m), &i, g))
			continue;
		for (j = 0; j < per; j++) {
			if (!g[j].tag)
				continue;
			c++;
			if (found && g[j].tag == want)
				*found = g[j];
		}
	}
	free(g);
	return c;
}

/* Counts in the shared percentile histogram of a statistics slot. */
static __u64 fine_total(struct bpf_map *keys, struct bpf_map *fine, __u64 tag)
{
	struct riommu_fine f;
	int k = find_slot(keys, tag);
	__u64 t = 0;
	int i;

	if (k < 0 || bpf_map_lookup_elem(bpf_map__fd(fine), &k, &f))
		return 0;
	for (i = 0; i < RIOMMU_FINE_SLOTS; i++)
		t += f.slot[i];
	return t;
}

static struct riommu_top_bpf *top_load(const char *what, bool per_pasid, __u32 rid,
				       __u32 groups)
{
	struct riommu_top_bpf *s = riommu_top_bpf__open();
	int err;

	if (!s) {
		check(false, what, "open failed");
		return NULL;
	}
	s->rodata->per_pasid = per_pasid;
	s->rodata->targ_rid = rid;
	if (groups)
		s->rodata->grp_buckets = riommu_grp_size(s->maps.groups, groups);
	/* raw_tp: the entry points BPF_PROG_TEST_RUN drives (same bodies as tp_btf) */
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_top_bpf__load(s);
	check(!err, what, "load: %s", strerror(-err));
	if (err) {
		riommu_top_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static void test_top(void)
{
	struct riommu_top_bpf *s = top_load("top: all programs load", false, RIOMMU_ANY, 0);
	struct riommu_row r;
	int i;

	if (!s)
		return;
	struct bpf_program *C = s->progs.top_pq_consume, *Rp = s->progs.top_pq_report,
			   *P = s->progs.top_page_response, *E = s->progs.top_pq_error,
			   *F = s->progs.top_iopf_failure;

	/* RID 0x8, no PASID: one group of 3 requests, Success */
	for (i = 0; i < 3; i++) {
		consume(C, 0, 0x8, 0, R | (i == 2 ? L : 0), 1, 0x1000 + i * 0x1000);
		report(Rp, 0, 0x8, 0, R | (i == 2 ? L : 0), 1, 0);
	}
	usleep(3000);
	response(P, 0, 0x8, 0, 0, 1, RIOMMU_PRGR_SUCCESS);
	/* RID 0x8, PASID 5: one group of 2 requests, Invalid */
	consume(C, 0, 0x8, 5, PV | W, 2, 0x2000);
	consume(C, 0, 0x8, 5, PV | W | L, 2, 0x3000);
	response(P, 0, 0x8, 5, PV, 2, RIOMMU_PRGR_INVALID);
	/* RID 0x10 on IOMMU 1, PASID 7: 4 single-request groups, 3 Success 1 Failure */
	for (i = 0; i < 4; i++)
		consume(C, 1, 0x10, 7, PV | R | W | L, 10 + i, 0x10000);
	for (i = 0; i < 4; i++)
		response(P, 1, 0x10, 7, PV, 10 + i, i == 3 ? RIOMMU_PRGR_FAILURE : RIOMMU_PRGR_SUCCESS);
	failure(F, 0x10, 7, 1, 13, 0x10000, 3, 2, 2);
	/* same PASID value but PV clear is another group (pairing key) */
	consume(C, 1, 0x10, 7, R | L, 10, 0x5000);
	/* stop marker: no group */
	consume(C, 0, 0x8, 5, PV | L, 3, 0);
	/* reports: one unknown devid */
	report(Rp, 0, 0x30, 0, R | L, 4, -ENODEV);
	/* response without request */
	response(P, 0, 0x20, 0, 0, 99, RIOMMU_PRGR_SUCCESS);
	/* PQ error on IOMMU 0: overflow + memory fault */
	pq_error(E, 0, RIOMMU_PQ_OVF | RIOMMU_PQ_MF);
	/* group left in flight: RID 0x40, 2 requests */
	consume(C, 0, 0x40, 0, R, 7, 0x7000);
	consume(C, 0, 0x40, 0, R, 7, 0x8000);

	check(get_row(s, 0, 0x8, RIOMMU_ANY, 0, &r), "top: row iommu0 rid 0x8 exists", "missing");
	CHECK_EQ("top: rid 0x8 requests", 5, r.requests);
	CHECK_EQ("top: rid 0x8 groups", 2, r.groups);
	CHECK_EQ("top: rid 0x8 stop markers", 1, r.stop_markers);
	{
		__u32 k = RIOMMU_TOT_REPORTED;
		__u64 v[512] = {}, t = 0;
		int c;

		bpf_map_lookup_elem(bpf_map__fd(s->maps.totals), &k, v);
		for (c = 0; c < ncpu; c++)
			t += v[c];
		CHECK_EQ("top: reported (global counter)", 3, t);
	}
	CHECK_EQ("top: rid 0x8 success", 1, r.resp_success);
	CHECK_EQ("top: rid 0x8 invalid", 1, r.resp_invalid);
	CHECK_EQ("top: rid 0x8 latency count", 2, r.lat.count);
	CHECK_EQ("top: rid 0x8 fine histogram total", 2,
		 fine_total(s->maps.row_keys, s->maps.row_fine,
			    riommu_key_tag(0, 0x8, RIOMMU_ANY)));
	check(r.lat.max[0] >= 3000000 && r.lat.max[0] < 1000000000ULL,
	      "top: rid 0x8 max latency covers the 3 ms gap", "max %llu ns",
	      (unsigned long long)r.lat.max[0]);
	check(r.lat.sum >= r.lat.max[0], "top: latency sum >= max", "sum %llu",
	      (unsigned long long)r.lat.sum);

	check(get_row(s, 1, 0x10, RIOMMU_ANY, 0, &r), "top: row iommu1 rid 0x10 exists", "missing");
	CHECK_EQ("top: rid 0x10 requests", 5, r.requests);
	CHECK_EQ("top: rid 0x10 groups", 5, r.groups);
	CHECK_EQ("top: rid 0x10 success", 3, r.resp_success);
	CHECK_EQ("top: rid 0x10 failure responses", 1, r.resp_failure);
	CHECK_EQ("top: rid 0x10 failure notification attributed to iommu 1", 1, r.failures);
	CHECK_EQ("top: rid 0x10 latency count", 4, r.lat.count);

	check(get_row(s, 0, 0x20, RIOMMU_ANY, 0, &r), "top: row rid 0x20 exists", "missing");
	CHECK_EQ("top: unpaired response counted by code", 1, r.resp_success);
	CHECK_EQ("top: unpaired response has no latency", 0, r.lat.count);
	CHECK_EQ("top: response without request -> drop", 1,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_NO_REQ));

	get_row(s, 0, 0x30, RIOMMU_ANY, 0, &r);
	CHECK_EQ("top: report -ENODEV -> report_errors", 1, r.report_errors);
	CHECK_EQ("top: report -ENODEV -> unknown_devid", 1, r.unknown_devid);

	check(get_row(s, 0, RIOMMU_ANY, RIOMMU_ANY, 0, &r), "top: iommu0 row for PQ errors", "missing");
	CHECK_EQ("top: pq_errors", 1, r.pq_errors);
	CHECK_EQ("top: pq overflows", 1, r.pq_overflows);
	CHECK_EQ("top: pq memory faults", 1, r.pq_memfaults);

	/* in flight: rid 0x40 prgi 7 (2 requests) and rid 0x10 prgi 10 without PV */
	{
		struct riommu_grp g = {};

		CHECK_EQ("top: groups in flight", 2,
			 count_groups(s->maps.groups, riommu_grp_tag(0, 0x40, 0, 0, 7), &g));
		check(g.tag != 0, "top: in-flight group rid 0x40 prgi 7", "missing");
		CHECK_EQ("top: in-flight group request count", 2, g.nreq);
		CHECK_EQ("top: in-flight group first address", 0x7000, g.addr);
	}

	/* interval max: bump the epoch, one short group, max is per epoch */
	s->bss->epoch = 1;
	consume(C, 0, 0x8, 0, R | L, 50, 0);
	response(P, 0, 0x8, 0, 0, 50, RIOMMU_PRGR_SUCCESS);
	get_row(s, 0, 0x8, RIOMMU_ANY, 1, &r);
	check(r.lat.max[0] > 0 && r.lat.max[0] < 3000000, "top: epoch 1 max excludes epoch 0",
	      "max %llu ns", (unsigned long long)r.lat.max[0]);
	get_row(s, 0, 0x8, RIOMMU_ANY, 0, &r);
	check(r.lat.max[0] >= 3000000, "top: epoch 0 max still readable",
	      "max %llu ns", (unsigned long long)r.lat.max[0]);
	riommu_top_bpf__destroy(s);
}

static void test_top_per_pasid(void)
{
	struct riommu_top_bpf *s = top_load("top -P: loads", true, RIOMMU_ANY, 0);
	struct bpf_program *C, *P;
	struct riommu_row r;

	if (!s)
		return;
	C = s->progs.top_pq_consume;
	P = s->progs.top_page_response;
	consume(C, 0, 0x8, 5, PV | R | L, 1, 0);
	consume(C, 0, 0x8, 6, PV | R, 1, 0);
	consume(C, 0, 0x8, 6, PV | R | L, 1, 0);
	consume(C, 0, 0x8, 0, R | L, 1, 0);
	response(P, 0, 0x8, 6, PV, 1, RIOMMU_PRGR_SUCCESS);
	get_row(s, 0, 0x8, 5, 0, &r);
	CHECK_EQ("top -P: pasid 5 requests", 1, r.requests);
	get_row(s, 0, 0x8, 6, 0, &r);
	CHECK_EQ("top -P: pasid 6 requests", 2, r.requests);
	CHECK_EQ("top -P: pasid 6 groups", 1, r.groups);
	CHECK_EQ("top -P: pasid 6 latency count", 1, r.lat.count);
	get_row(s, 0, 0x8, RIOMMU_NOPASID, 0, &r);
	CHECK_EQ("top -P: no-PASID row requests", 1, r.requests);
	CHECK_EQ("top -P: rows", 3, count_tags(s->maps.row_keys));
	riommu_top_bpf__destroy(s);
}

static void test_top_filter(void)
{
	struct riommu_top_bpf *s = top_load("top --rid: loads", false, 0x8, 0);
	struct riommu_row r;

	if (!s)
		return;
	consume(s->progs.top_pq_consume, 0, 0x8, 0, R | L, 1, 0);
	consume(s->progs.top_pq_consume, 0, 0x9, 0, R | L, 1, 0);
	response(s->progs.top_page_response, 0, 0x9, 0, 0, 1, 0);
	get_row(s, 0, 0x8, RIOMMU_ANY, 0, &r);
	CHECK_EQ("top --rid: matching RID counted", 1, r.requests);
	CHECK_EQ("top --rid: other RID ignored", 1, count_tags(s->maps.row_keys));
	CHECK_EQ("top --rid: filtered response is no drop", 0,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_NO_REQ));
	riommu_top_bpf__destroy(s);
}

static void test_top_full(void)
{
	/* one bucket: every probe of a PRG index lands on the same slot */
	struct riommu_top_bpf *s = top_load("top: loads with a one-bucket group table", false,
					    RIOMMU_ANY, 512);
	int fd, i;

	if (!s)
		return;
	fd = bpf_map__fd(s->maps.drops);
	CHECK_EQ("top: one-bucket table has 512 slots", 512, group_slots(s->maps.groups));
	for (i = 0; i < 6; i++)
		consume(s->progs.top_pq_consume, 0, 0x8 + i, 0, R | L, 0, 0);
	/* a request joining an existing group needs no new slot */
	consume(s->progs.top_pq_consume, 0, 0x8, 0, R | L, 0, 0);
	/* another PRG index of the same RID has its own slot */
	consume(s->progs.top_pq_consume, 0, 0x9, 0, R | L, 1, 0);
	CHECK_EQ("top: slot taken -> drops counted", 5, drop(fd, RIOMMU_DROP_GRP_FULL));
	CHECK_EQ("top: groups in flight with a full bucket", 2, count_groups(s->maps.groups, 0, NULL));
	for (i = 0; i < 6; i++)
		response(s->progs.top_page_response, 0, 0x8 + i, 0, 0, 0, 0);
	response(s->progs.top_page_response, 0, 0x9, 0, 0, 1, 0);
	/* a second response to the same group has no request left */
	response(s->progs.top_page_response, 0, 0x9, 0, 0, 1, 0);
	CHECK_EQ("top: responses of dropped groups and duplicates -> no-request drops", 6,
		 drop(fd, RIOMMU_DROP_NO_REQ));
	CHECK_EQ("top: table empty after responses", 0, count_groups(s->maps.groups, 0, NULL));
	riommu_top_bpf__destroy(s);
}

static void test_top_rows_full(void)
{
	struct riommu_top_bpf *s = riommu_top_bpf__open();
	int i, err;

	if (!s)
		return;
	s->rodata->nrows = riommu_table_size(s->maps.row_keys, s->maps.rows, 8);
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_top_bpf__load(s);
	check(!err, "top: loads with an 8-row table", "load: %s", strerror(-err));
	if (err)
		goto out;
	for (i = 0; i < 12; i++)
		consume(s->progs.top_pq_consume, 0, 0x100 + i, 0, R | L, 1, 0);
	CHECK_EQ("top: 8 rows fill the table", 8, count_tags(s->maps.row_keys));
	CHECK_EQ("top: rows that do not fit -> drops counted", 4,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_ROW_FULL));
out:
	riommu_top_bpf__destroy(s);
}

/* Answer RIDs rid0..rid0+n-1 on PRG index 5; how many latencies they gave */
static int answer_rids(struct riommu_top_bpf *s, __u32 rid0, int n)
{
	struct riommu_row r;
	int i, lat = 0;

	for (i = 0; i < n; i++) {
		response(s->progs.top_page_response, 0, rid0 + i, 0, 0, 5, 0);
		get_row(s, 0, rid0 + i, RIOMMU_ANY, 0, &r);
		lat += r.lat.count;
	}
	return lat;
}

static void test_top_probe(void)
{
	/* 4 buckets: 8 RIDs on one PRG index fit (probing), latencies pair up */
	struct riommu_top_bpf *s = top_load("top: loads with a 4-bucket group table", false,
					    RIOMMU_ANY, 2048);
	int i, placed;

	if (!s)
		return;
	for (i = 0; i < 64; i++)
		consume(s->progs.top_pq_consume, 0, 0x100 + i, 0, R | L, 5, 0);
	placed = count_groups(s->maps.groups, 0, NULL);
	CHECK_EQ("top: probing places up to 4 groups per PRG index (rest dropped)",
		 64 - placed, drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_GRP_FULL));
	CHECK_EQ("top: 4 buckets x 1 PRG index = 4 groups", 4, placed);
	CHECK_EQ("top: every placed group pairs with its response", 4,
		 answer_rids(s, 0x100, 64));
	CHECK_EQ("top: table empty", 0, count_groups(s->maps.groups, 0, NULL));
	riommu_top_bpf__destroy(s);
}

/* A RID on IOMMU 0 whose row key's home slot in an n-slot table is h. */
static __u32 rid_with_home(__u32 h, __u32 n, __u32 from)
{
	__u32 rid;

	for (rid = from; rid < from + 100000; rid++)
		if ((riommu_key_hash(riommu_key_tag(0, rid, RIOMMU_ANY)) & (n - 1)) == h)
			return rid;
	return 0;
}

/*
 * Idle rows give their slot back: a retired slot matches nothing, is kept
 * while a key probes through it, and comes back zeroed.
 */
static void test_top_rows_retire(void)
{
	struct riommu_top_bpf *s = riommu_top_bpf__open();
	struct riommu_stats_table t = {};
	struct bpf_program *C;
	struct riommu_row r;
	__u32 a, b, h = 3;
	int err, sa, sb;

	if (!s)
		return;
	s->rodata->nrows = riommu_table_size(s->maps.row_keys, s->maps.rows, 8);
	bpf_map__set_max_entries(s->maps.row_fine, 8);
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_top_bpf__load(s);
	check(!err, "retire: loads with an 8-row table", "load: %s", strerror(-err));
	if (err)
		goto out;
	C = s->progs.top_pq_consume;
	t.vals_fd = bpf_map__fd(s->maps.rows);
	t.val_size = (sizeof(struct riommu_row) + 7) & ~7UL;
	t.shared_size = sizeof(struct riommu_fine);
	if (riommu_rw_mmap(s->maps.row_keys, &t.tags) || riommu_rw_mmap(s->maps.row_fine, &t.shared)) {
		check(false, "retire: row tables map writable", "%s", strerror(errno));
		goto out;
	}
	/* a and b share home slot h: b sits one on, its probes run through a's */
	a = rid_with_home(h, 8, 0x100);
	b = rid_with_home(h, 8, a + 1);
	consume(C, 0, a, 0, R | L, 1, 0);
	consume(C, 0, b, 0, R | L, 1, 0);
	sa = find_slot(s->maps.row_keys, riommu_key_tag(0, a, RIOMMU_ANY));
	sb = find_slot(s->maps.row_keys, riommu_key_tag(0, b, RIOMMU_ANY));
	CHECK_EQ("retire: two keys of one home slot, the second one on", (h << 8) | (h + 1),
		 ((__u32)sa << 8) | (__u32)sb);
	check(riommu_stats_retire(&t, sa), "retire: an idle key's slot is retired", "refused");
	CHECK_EQ("retire: kept while the other key probes through it", 0, riommu_stats_sweep(&t));
	consume(C, 0, b, 0, R | L, 1, 0);
	get_row(s, 0, b, RIOMMU_ANY, 0, &r);
	CHECK_EQ("retire: the other key still finds its own row past it", 2, r.requests);
	CHECK_EQ("retire: no key took the retired slot", RIOMMU_KEY_RETIRED, t.tags.tag[sa]);
	check(riommu_stats_retire(&t, sb), "retire: the second key's slot too", "refused");
	CHECK_EQ("retire: both freed once nothing probes through them", 2, riommu_stats_sweep(&t));
	consume(C, 0, b, 0, R | L, 1, 0);
	get_row(s, 0, b, RIOMMU_ANY, 0, &r);
	CHECK_EQ("retire: the key comes back to its home slot", h,
		 find_slot(s->maps.row_keys, riommu_key_tag(0, b, RIOMMU_ANY)));
	CHECK_EQ("retire: and counts from zero", 1, r.requests);
	riommu_ro_munmap(&t.tags);
	riommu_ro_munmap(&t.shared);
out:
	riommu_top_bpf__destroy(s);
}

/* The group of a tag in the table (tag set), false if absent. */
static bool has_group(struct bpf_map *m, __u32 iommu, __u32 rid, __u32 pv, __u32 pasid,
		      __u32 prgi, struct riommu_grp *g)
{
	struct riommu_grp found = {};

	count_groups(m, riommu_grp_tag(iommu, rid, pv, pasid, prgi), &found);
	if (g)
		*g = found;
	return found.tag != 0;
}

static void test_top_probe8(void)
{
	/*
	 * 8 buckets, as many as the probes: each RID's probes cover the PRG
	 * index's slots, in order from slot 0 (no wrap) or wrapping at the end
	 */
	struct riommu_top_bpf *s = top_load("top: loads with an 8-bucket group table", false,
					    RIOMMU_ANY, 4096);
	struct riommu_grp g = {};
	int i, joined = 0;

	if (!s)
		return;
	for (i = 0; i < 9; i++)
		consume(s->progs.top_pq_consume, 0, 0x200 + i, 0, R, 5, 0x1000);
	CHECK_EQ("top 8 buckets: 8 groups placed, the 9th dropped", 8 | 1 << 8,
		 count_groups(s->maps.groups, 0, NULL) |
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_GRP_FULL) << 8);
	for (i = 0; i < 9; i++)
		consume(s->progs.top_pq_consume, 0, 0x200 + i, 0, W | L, 5, 0x2000);
	for (i = 0; i < 8; i++)
		joined += has_group(s->maps.groups, 0, 0x200 + i, 0, 0, 5, &g) && g.nreq == 2 &&
			  g.addr == 0x1000 && (g.flags & L);
	CHECK_EQ("top 8 buckets: second requests join their groups", 8, joined);
	CHECK_EQ("top 8 buckets: the dropped group's last request finds no slot either", 2,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_GRP_FULL));
	CHECK_EQ("top 8 buckets: every placed group pairs with its response", 8,
		 answer_rids(s, 0x200, 9));
	CHECK_EQ("top 8 buckets: table empty", 0, count_groups(s->maps.groups, 0, NULL));
	riommu_top_bpf__destroy(s);
}

/*
 * A function whose PRG Response PASID Required bit is clear gets responses
 * without a PASID: they still close the group its PASID's requests opened.
 */
static void test_top_pasidless_response(void)
{
	struct riommu_top_bpf *s = top_load("top -P: loads (responses without PASID)", true,
					    RIOMMU_ANY, 0);
	struct bpf_program *C, *P;
	struct riommu_row r;

	if (!s)
		return;
	C = s->progs.top_pq_consume;
	P = s->progs.top_page_response;
	/* PASIDs 5 and 6 both use PRG index 3; the responses cannot tell them apart */
	consume(C, 0, 0x8, 5, PV | R | L, 3, 0x1000);
	usleep(2000);
	consume(C, 0, 0x8, 6, PV | R, 3, 0x2000);
	consume(C, 0, 0x8, 6, PV | W | L, 3, 0x3000);
	response(P, 0, 0x8, 0, 0, 3, RIOMMU_PRGR_SUCCESS);
	get_row(s, 0, 0x8, 5, 0, &r);
	CHECK_EQ("pasidless: first response closes the oldest group (PASID 5)", 1, r.resp_success);
	CHECK_EQ("pasidless: PASID 5 latency counted", 1, r.lat.count);
	check(has_group(s->maps.groups, 0, 0x8, 1, 6, 3, NULL) &&
	      count_groups(s->maps.groups, 0, NULL) == 1,
	      "pasidless: PASID 6's group still open", "%d groups",
	      count_groups(s->maps.groups, 0, NULL));
	response(P, 0, 0x8, 0, 0, 3, RIOMMU_PRGR_INVALID);
	get_row(s, 0, 0x8, 6, 0, &r);
	CHECK_EQ("pasidless: second response closes PASID 6's group", 1, r.resp_invalid);
	CHECK_EQ("pasidless: PASID 6 latency counted", 1, r.lat.count);
	CHECK_EQ("pasidless: no response without request", 0,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_NO_REQ));
	CHECK_EQ("pasidless: no row for PASID-less responses", 0,
		 find_slot(s->maps.row_keys, riommu_key_tag(0, 0x8, RIOMMU_NOPASID)) + 1);
	CHECK_EQ("pasidless: table empty", 0, count_groups(s->maps.groups, 0, NULL));

	/* with PASIDs in the responses, each closes its own, in any order */
	consume(C, 0, 0x8, 5, PV | R | L, 4, 0);
	consume(C, 0, 0x8, 6, PV | R | L, 4, 0);
	response(P, 0, 0x8, 6, PV, 4, RIOMMU_PRGR_SUCCESS);
	check(has_group(s->maps.groups, 0, 0x8, 1, 5, 4, NULL) &&
	      !has_group(s->maps.groups, 0, 0x8, 1, 6, 4, NULL),
	      "with PASID: the response closes its PASID's group, not the oldest", "");
	response(P, 0, 0x8, 5, PV, 4, RIOMMU_PRGR_SUCCESS);
	get_row(s, 0, 0x8, 5, 0, &r);
	CHECK_EQ("with PASID: PASID 5 latencies", 2, r.lat.count);
	CHECK_EQ("with PASID: table empty", 0, count_groups(s->maps.groups, 0, NULL));
	riommu_top_bpf__destroy(s);
}

/* --pasid with responses that carry none: the group decides. */
static void test_top_pasid_filter_pasidless(void)
{
	struct riommu_top_bpf *s = riommu_top_bpf__open();
	struct bpf_program *C, *P;
	struct riommu_row r;
	int err;

	if (!s)
		return;
	s->rodata->targ_pasid = 5;
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_top_bpf__load(s);
	check(!err, "top --pasid: loads", "load: %s", strerror(-err));
	if (err)
		goto out;
	C = s->progs.top_pq_consume;
	P = s->progs.top_page_response;
	consume(C, 0, 0x8, 5, PV | R | L, 8, 0);
	consume(C, 0, 0x8, 6, PV | R | L, 9, 0);
	response(P, 0, 0x8, 0, 0, 8, RIOMMU_PRGR_SUCCESS);	/* PASID 5's */
	response(P, 0, 0x8, 0, 0, 9, RIOMMU_PRGR_SUCCESS);	/* PASID 6's */
	response(P, 0, 0x8, 0, 0, 10, RIOMMU_PRGR_SUCCESS);	/* nobody's */
	get_row(s, 0, 0x8, RIOMMU_ANY, 0, &r);
	CHECK_EQ("top --pasid 5: the PASID-less response of PASID 5's group counts", 1,
		 r.resp_success);
	CHECK_EQ("top --pasid 5: and its latency", 1, r.lat.count);
	CHECK_EQ("top --pasid 5: other PASID-less responses are no drop", 0,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_NO_REQ));
out:
	riommu_top_bpf__destroy(s);
}

/*
 * Groups that never see a response: a PRG index reused after the last
 * request, and partial groups the driver discards at a PQ error.
 */
static void test_top_stale_groups(void)
{
	struct riommu_top_bpf *s = top_load("top: loads (stale groups)", false, RIOMMU_ANY, 0);
	struct riommu_grp_map m = {};
	struct bpf_program *C, *P;
	struct riommu_row r;
	struct riommu_grp g = {};
	int fd;

	if (!s)
		return;
	C = s->progs.top_pq_consume;
	P = s->progs.top_page_response;
	fd = bpf_map__fd(s->maps.drops);
	/* the IOMMU answered the first group itself: its PRG index comes back */
	consume(C, 0, 0x20, 0, R | L, 7, 0x1000);
	consume(C, 0, 0x20, 0, W | L, 7, 0x2000);
	get_row(s, 0, 0x20, RIOMMU_ANY, 0, &r);
	CHECK_EQ("stale: a request after the last one starts a new group", 2, r.groups);
	CHECK_EQ("stale: the old group counted unanswered", 1,
		 drop(fd, RIOMMU_DROP_GRP_UNANSWERED));
	check(has_group(s->maps.groups, 0, 0x20, 0, 0, 7, &g) && g.nreq == 1 &&
	      g.addr == 0x2000 && count_groups(s->maps.groups, 0, NULL) == 1,
	      "stale: one group in flight, the new one", "nreq %u addr 0x%llx", g.nreq,
	      (unsigned long long)g.addr);
	response(P, 0, 0x20, 0, 0, 7, RIOMMU_PRGR_SUCCESS);
	get_row(s, 0, 0x20, RIOMMU_ANY, 0, &r);
	CHECK_EQ("stale: the response closes the new group", 1, r.lat.count);

	/* PQ error: the driver drops the groups whose last request is missing */
	consume(C, 0, 0x21, 0, R, 1, 0);		/* partial, comes back */
	consume(C, 0, 0x22, 0, R | L, 2, 0);		/* complete, waits */
	consume(C, 0, 0x24, 0, R, 4, 0);		/* partial, never back */
	usleep(2000);
	pq_error(s->progs.top_pq_error, 0, RIOMMU_PQ_OVF);
	usleep(2000);
	consume(C, 0, 0x23, 0, R, 3, 0);		/* partial, after the error */
	consume(C, 0, 0x21, 0, R | L, 1, 0);
	CHECK_EQ("pq error: a discarded partial group's PRG index restarts it", 1,
		 drop(fd, RIOMMU_DROP_GRP_DISCARDED));
	check(has_group(s->maps.groups, 0, 0x21, 0, 0, 1, &g) && g.nreq == 1,
	      "pq error: the restarted group has only the new request", "nreq %u", g.nreq);
	if (riommu_grp_mmap(s->maps.groups, s->maps.pq_error_ts, &m)) {
		check(false, "pq error: group table maps writable", "%s", strerror(errno));
		goto out;
	}
	CHECK_EQ("pq error: user space reclaims the partial group from before", 1,
		 riommu_grp_reclaim(&m));
	check(!has_group(s->maps.groups, 0, 0x24, 0, 0, 4, NULL) &&
	      has_group(s->maps.groups, 0, 0x22, 0, 0, 2, NULL) &&
	      has_group(s->maps.groups, 0, 0x23, 0, 0, 3, NULL) &&
	      count_groups(s->maps.groups, 0, NULL) == 3,
	      "pq error: complete and newer groups stay", "%d groups",
	      count_groups(s->maps.groups, 0, NULL));
	CHECK_EQ("pq error: a second pass reclaims nothing", 0, riommu_grp_reclaim(&m));
	CHECK_EQ("pq error: reclaimed total", 1, m.reclaimed);
	/* a reclaimed slot is clean for the next group */
	consume(C, 0, 0x24, 0, R | L, 4, 0x5000);
	check(has_group(s->maps.groups, 0, 0x24, 0, 0, 4, &g) && g.nreq == 1 && g.ts,
	      "pq error: a reclaimed slot starts clean", "nreq %u", g.nreq);
out:
	riommu_grp_munmap(&m);
	riommu_top_bpf__destroy(s);
}

static struct riommu_trace_bpf *trace_load(const char *what, bool events, __u32 mask,
					   bool per_rid, bool per_pasid, __u32 lin,
					   __u32 ringbuf)
{
	struct riommu_trace_bpf *s = riommu_trace_bpf__open();
	int err;

	if (!s) {
		check(false, what, "open failed");
		return NULL;
	}
	s->rodata->events_mode = events;
	s->rodata->ev_mask = mask;
	s->rodata->per_rid = per_rid;
	s->rodata->per_pasid = per_pasid;
	s->rodata->lin_step = lin;
	if (ringbuf)
		bpf_map__set_max_entries(s->maps.events, ringbuf);
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_trace_bpf__load(s);
	check(!err, what, "load: %s", strerror(-err));
	if (err) {
		riommu_trace_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* A histogram: per-CPU summary merged, shared buckets */
struct test_hist {
	__u64 log2[RIOMMU_LOG2_SLOTS];
	__u64 lin[RIOMMU_LIN_SLOTS + 1];
	struct riommu_lat lat;
};

static bool get_hist(struct riommu_trace_bpf *s, __u32 iommu, __u32 rid, __u32 pasid,
		     struct test_hist *out)
{
	int k = find_slot(s->maps.hist_keys, riommu_key_tag(iommu, rid, pasid));
	size_t vsz = (sizeof(struct riommu_lat) + 7) & ~7UL;
	char *vals = calloc(ncpu, vsz);
	struct riommu_hist_bins b;
	int c, err = -1;

	memset(out, 0, sizeof(*out));
	if (k >= 0)
		err = bpf_map_lookup_elem(bpf_map__fd(s->maps.hists), &k, vals) ||
		      bpf_map_lookup_elem(bpf_map__fd(s->maps.hist_bins), &k, &b);
	for (c = 0; !err && c < ncpu; c++)
		riommu_lat_merge(&out->lat, (void *)(vals + c * vsz), 0);
	if (!err) {
		memcpy(out->log2, b.log2, sizeof(out->log2));
		memcpy(out->lin, b.lin, sizeof(out->lin));
	}
	free(vals);
	return !err;
}

static __u64 sum(const __u64 *a, int n)
{
	__u64 t = 0;

	while (n--)
		t += a[n];
	return t;
}

static void test_trace_hist(void)
{
	struct riommu_trace_bpf *s = trace_load("trace: histogram programs load", false, 0,
						false, true, 100, 0);
	struct bpf_program *C, *P;
	struct test_hist h;
	int i;

	if (!s)
		return;
	C = s->progs.trace_pq_consume;
	P = s->progs.trace_page_response;
	/* RID 0x8 PASID 1: 3 groups of 2 requests; RID 0x9 no PASID: 2 groups */
	for (i = 0; i < 3; i++) {
		consume(C, 0, 0x8, 1, PV | R, i, 0);
		consume(C, 0, 0x8, 1, PV | R | L, i, 0);
	}
	for (i = 0; i < 2; i++)
		consume(C, 0, 0x9, 0, W | L, i, 0);
	usleep(2000);
	for (i = 0; i < 3; i++)
		response(P, 0, 0x8, 1, PV, i, 0);
	for (i = 0; i < 2; i++)
		response(P, 0, 0x9, 0, 0, i, 1);
	response(P, 0, 0x9, 0, 0, 77, 0);	/* no request */

	check(get_hist(s, 0, 0x8, 1, &h), "trace -P: hist rid 0x8 pasid 1 exists", "missing");
	CHECK_EQ("trace -P: rid 0x8 pasid 1 count", 3, h.lat.count);
	CHECK_EQ("trace -P: log2 total", 3, sum(h.log2, RIOMMU_LOG2_SLOTS));
	CHECK_EQ("trace -P: linear total", 3, sum(h.lin, RIOMMU_LIN_SLOTS + 1));
	{
		/* 2 ms = 2000 us: log2 slot of >= 2000 us is >= 11 */
		int first = -1;

		for (i = 0; i < RIOMMU_LOG2_SLOTS; i++)
			if (h.log2[i] && first < 0)
				first = i;
		check(first >= 11, "trace -P: log2 slot matches >= 2 ms in us", "slot %d", first);
		CHECK_EQ("trace -P: linear buckets of 100 us put 2 ms at >= slot 20", 3,
			 sum(h.lin + 20, RIOMMU_LIN_SLOTS + 1 - 20));
	}
	check(get_hist(s, 0, 0x9, RIOMMU_NOPASID, &h), "trace -P: hist rid 0x9 no PASID exists",
	      "missing");
	CHECK_EQ("trace -P: rid 0x9 count", 2, h.lat.count);
	CHECK_EQ("trace: response without request -> drop", 1,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_NO_REQ));
	CHECK_EQ("trace -P: histogram keys", 2, count_tags(s->maps.hist_keys));
	riommu_trace_bpf__destroy(s);
}

/*
 * riommu-trace without -D and -P: one histogram in slot 0 whose key user
 * space writes; the programs never look a key up nor write one.
 */
static void test_trace_hist_pinned(void)
{
	const char *what = "trace (no -D/-P): pinned histogram programs load";
	struct riommu_trace_bpf *s = riommu_trace_bpf__open();
	__u64 any = riommu_key_tag(RIOMMU_ANY, RIOMMU_ANY, RIOMMU_ANY);
	struct bpf_program *C, *P;
	struct test_hist h;
	__u32 slot0 = 0;
	int i, err;

	if (!s) {
		check(false, what, "open failed");
		return;
	}
	s->rodata->hist_pinned = true;
	s->rodata->nhists = riommu_table_size(s->maps.hist_keys, s->maps.hists, 1);
	bpf_map__set_max_entries(s->maps.hist_bins, s->rodata->nhists);
	riommu_select_attach("bpf_test", s->obj, true);
	err = riommu_trace_bpf__load(s);
	check(!err, what, "load: %s", strerror(-err));
	if (err) {
		riommu_trace_bpf__destroy(s);
		return;
	}
	C = s->progs.trace_pq_consume;
	P = s->progs.trace_page_response;
	/* 3 groups of RID 0x8 PASID 1 and 3 of RID 0x9 without PASID */
	for (i = 0; i < 3; i++) {
		consume(C, 0, 0x8, 1, PV | R | L, i, 0);
		consume(C, 0, 0x9, 0, W | L, i, 0);
	}
	usleep(2000);
	for (i = 0; i < 3; i++) {
		response(P, 0, 0x8, 1, PV, i, 0);
		response(P, 0, 0x9, 0, 0, i, 0);
	}
	CHECK_EQ("trace (no -D/-P): the programs write no histogram key", 0,
		 count_tags(s->maps.hist_keys));
	bpf_map_update_elem(bpf_map__fd(s->maps.hist_keys), &slot0, &any, BPF_ANY);
	check(get_hist(s, RIOMMU_ANY, RIOMMU_ANY, RIOMMU_ANY, &h),
	      "trace (no -D/-P): the one histogram is slot 0", "missing");
	CHECK_EQ("trace (no -D/-P): both RIDs' 6 groups in it", 6, h.lat.count);
	CHECK_EQ("trace (no -D/-P): log2 total", 6, sum(h.log2, RIOMMU_LOG2_SLOTS));
	riommu_trace_bpf__destroy(s);
}

struct evlog {
	int n;
	struct riommu_event ev[64];
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct evlog *l = ctx;

	if (len >= sizeof(struct riommu_event) && l->n < 64)
		memcpy(&l->ev[l->n++], data, sizeof(struct riommu_event));
	return 0;
}

static void test_trace_events(void)
{
	__u32 all = RIOMMU_EVM(RIOMMU_EV_CONSUME) | RIOMMU_EVM(RIOMMU_EV_REPORT) |
		    RIOMMU_EVM(RIOMMU_EV_RESPONSE) | RIOMMU_EVM(RIOMMU_EV_FAILURE) |
		    RIOMMU_EVM(RIOMMU_EV_PQ_ERROR);
	struct riommu_trace_bpf *s = trace_load("trace -e: event programs load", true, all,
						false, false, 0, 0);
	static struct evlog log;
	struct ring_buffer *rb;

	if (!s)
		return;
	rb = ring_buffer__new(bpf_map__fd(s->maps.events), on_event, &log, NULL);
	check(rb != NULL, "trace -e: ring buffer opens", "%s", strerror(errno));
	if (!rb)
		goto out;
	consume(s->progs.trace_pq_consume, 2, 0x18, 9, PV | R | W | L, 33, 0xabc000);
	report(s->progs.trace_pq_report, 2, 0x18, 9, PV | R | W | L, 33, 0);
	response(s->progs.trace_page_response, 2, 0x18, 9, PV, 33, RIOMMU_PRGR_INVALID);
	failure(s->progs.trace_iopf_failure, 0x18, 9, 1, 33, 0xabc000, 3, 1, 1);
	pq_error(s->progs.trace_pq_error, 2, RIOMMU_PQ_OVF);
	ring_buffer__consume(rb);
	CHECK_EQ("trace -e: 5 events", 5, log.n);
	if (log.n == 5) {
		CHECK_EQ("trace -e: order consume", RIOMMU_EV_CONSUME, log.ev[0].type);
		CHECK_EQ("trace -e: consume addr", 0xabc000, log.ev[0].addr);
		CHECK_EQ("trace -e: consume prgi", 33, log.ev[0].prgi);
		CHECK_EQ("trace -e: order report", RIOMMU_EV_REPORT, log.ev[1].type);
		CHECK_EQ("trace -e: order response", RIOMMU_EV_RESPONSE, log.ev[2].type);
		CHECK_EQ("trace -e: response code", RIOMMU_PRGR_INVALID, log.ev[2].val);
		CHECK_EQ("trace -e: response latency = response ts - first request ts",
			 log.ev[2].ts - log.ev[0].ts, log.ev[2].lat);
		CHECK_EQ("trace -e: response nreq", 1, log.ev[2].reason);
		CHECK_EQ("trace -e: order failure", RIOMMU_EV_FAILURE, log.ev[3].type);
		CHECK_EQ("trace -e: failure attributed to iommu 2", 2, log.ev[3].iommu);
		CHECK_EQ("trace -e: failure pasid", 9, log.ev[3].pasid);
		CHECK_EQ("trace -e: failure perm", 3, log.ev[3].perm);
		CHECK_EQ("trace -e: failure reason", 1, log.ev[3].reason);
		CHECK_EQ("trace -e: failure with no device has empty name", 0, log.ev[3].dev[0]);
		CHECK_EQ("trace -e: order pq_error", RIOMMU_EV_PQ_ERROR, log.ev[4].type);
		CHECK_EQ("trace -e: pq_error bits", RIOMMU_PQ_OVF, log.ev[4].val);
	}
	ring_buffer__free(rb);
out:
	riommu_trace_bpf__destroy(s);
}

static void test_trace_ringbuf_full(void)
{
	struct riommu_trace_bpf *s = trace_load("trace -f: loads with a 1-page ring buffer",
						true, RIOMMU_EVM(RIOMMU_EV_FAILURE), false,
						false, 0, 4096);
	int i, n = 100, fit;

	if (!s)
		return;
	for (i = 0; i < n; i++)
		failure(s->progs.trace_iopf_failure, 0x8, 0, 0, i, 0, 1, 1, 1);
	/* consume events are masked out: no ring traffic, no drops */
	consume(s->progs.trace_pq_consume, 0, 0x8, 0, R | L, 1, 0);
	fit = 4096 / (((sizeof(struct riommu_event) + 8 + 7) / 8) * 8);
	CHECK_EQ("trace: ring buffer full -> drops counted", n - fit,
		 drop(bpf_map__fd(s->maps.drops), RIOMMU_DROP_RINGBUF));
	riommu_trace_bpf__destroy(s);
}

/* Programs of one attach type that will load, and whether each has its twin. */
static int count_progs(struct bpf_object *obj, const char *prefix, bool loaded, int *twinless)
{
	const char *other = strcmp(prefix, "raw_tp/") ? "raw_tp/" : "tp_btf/";
	struct bpf_program *p, *q;
	size_t n = strlen(prefix);
	int c = 0;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		bool twin = false;

		if (strncmp(sec, prefix, n))
			continue;
		bpf_object__for_each_program(q, obj) {
			const char *t = bpf_program__section_name(q);

			if (!strncmp(t, other, strlen(other)) &&
			    !strcmp(t + strlen(other), sec + n))
				twin = true;
		}
		if (!twin)
			(*twinless)++;
		if (!loaded || bpf_program__autoload(p))
			c++;
	}
	return c;
}

static int select_with(struct bpf_object *obj, const char *env, bool test_run)
{
	int r;

	if (env)
		setenv("RIOMMU_ATTACH", env, 1);
	else
		unsetenv("RIOMMU_ATTACH");
	r = riommu_select_attach("bpf_test", obj, test_run);
	unsetenv("RIOMMU_ATTACH");
	return r;
}

/*
 * Attach type selection on this host, whose kernel has no riscv_iommu
 * tracepoints (so no btf_trace_pq_consume): raw_tp unless forced, tp_btf
 * refused when forced, one program of each pair loads.
 */
static void test_attach_select(void)
{
	struct riommu_top_bpf *t = riommu_top_bpf__open();
	struct riommu_trace_bpf *r = riommu_trace_bpf__open();
	int twinless = 0;

	if (!t || !r) {
		check(false, "attach: skeletons open", "open failed");
		goto out;
	}
	CHECK_EQ("attach: top has a tp_btf program per event", 5,
		 count_progs(t->obj, "tp_btf/", false, &twinless));
	CHECK_EQ("attach: top has a raw_tp program per event", 5,
		 count_progs(t->obj, "raw_tp/", false, &twinless));
	CHECK_EQ("attach: trace has a tp_btf program per event", 5,
		 count_progs(r->obj, "tp_btf/", false, &twinless));
	CHECK_EQ("attach: trace has a raw_tp program per event", 5,
		 count_progs(r->obj, "raw_tp/", false, &twinless));
	CHECK_EQ("attach: every program has its twin for the same event", 0, twinless);

	CHECK_EQ("attach: RIOMMU_ATTACH=bogus refused", -1, select_with(t->obj, "bogus", false));
	CHECK_EQ("attach: RIOMMU_ATTACH=tp_btf refused without the BTF types", -1,
		 select_with(t->obj, "tp_btf", false));
	CHECK_EQ("attach: test run uses raw_tp even when tp_btf is asked", RIOMMU_ATTACH_RAW_TP,
		 select_with(t->obj, "tp_btf", true));
	CHECK_EQ("attach: RIOMMU_ATTACH=raw_tp", RIOMMU_ATTACH_RAW_TP,
		 select_with(t->obj, "raw_tp", false));
	/* an event switched off by the tool stays off in the chosen type */
	bpf_program__set_autoload(r->progs.trace_pq_error, false);
	CHECK_EQ("attach: auto falls back to raw_tp here", RIOMMU_ATTACH_RAW_TP,
		 select_with(r->obj, NULL, false));
	CHECK_EQ("attach: no tp_btf program loads after the fallback", 0,
		 count_progs(r->obj, "tp_btf/", true, &twinless));
	CHECK_EQ("attach: the wanted raw_tp programs load", 4,
		 count_progs(r->obj, "raw_tp/", true, &twinless));
	check(!riommu_trace_bpf__load(r), "attach: trace loads after the fallback", "load failed");
out:
	riommu_top_bpf__destroy(t);
	riommu_trace_bpf__destroy(r);
}

int main(void)
{
	riommu_setup_libbpf(getenv("V") != NULL);
	ncpu = libbpf_num_possible_cpus();
	test_top();
	test_top_per_pasid();
	test_top_filter();
	test_top_full();
	test_top_probe();
	test_top_probe8();
	test_top_rows_full();
	test_top_rows_retire();
	test_top_pasidless_response();
	test_top_pasid_filter_pasidless();
	test_top_stale_groups();
	test_trace_hist();
	test_trace_hist_pinned();
	test_trace_events();
	test_trace_ringbuf_full();
	test_attach_select();
	return failures ? 1 : 0;
}
