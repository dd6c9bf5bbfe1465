// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the riommu tools' user-space code: histogram slots,
 * percentiles, row deltas and sorting, table, JSON and CSV output, option
 * value parsers and the shared argp options.  Prints TAP lines
 * (ok - / not ok - NAME # why).
 */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "common.h"
#include "hist.h"
#include "opts.h"
#include "output.h"
#include "top_model.h"
#include "tap.h"
#include "../../bpf/riommu_log2.h"


#define EQ(name, e, g) do { unsigned long long _e = (e), _g = (g); \
	check(_e == _g, name, "expected %llu, got %llu", _e, _g); } while (0)
#define NEAR(name, e, g, tol) do { double _e = (e), _g = (g); \
	check(fabs(_e - _g) <= (tol), name, "expected %g +- %g, got %g", _e, (double)(tol), _g); } while (0)
#define STREQ(name, e, g) do { const char *_e = (e), *_g = (g); \
	check(_g && !strcmp(_e, _g), name, "expected '%s', got '%s'", _e, _g ? _g : "(null)"); } while (0)

/* Capture what a printer writes. */
static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

static void test_slots(void)
{
	__u64 v;
	unsigned prev = 0, s;
	int bad = 0, mono = 1;

	EQ("ilog2(1)", 0, riommu_ilog2(1));
	EQ("ilog2(2)", 1, riommu_ilog2(2));
	EQ("ilog2(1023)", 9, riommu_ilog2(1023));
	EQ("ilog2(1024)", 10, riommu_ilog2(1024));
	EQ("ilog2(2^40)", 40, riommu_ilog2(1ULL << 40));
	EQ("ilog2(2^63)", 63, riommu_ilog2(1ULL << 63));
	for (v = 0; v < (1ULL << 40); v = v < 64 ? v + 1 : v + v / 7 + 1) {
		s = riommu_fine_slot(v);
		if (s < prev)
			mono = 0;
		prev = s;
		if (v < fine_slot_low(s) || v >= fine_slot_low(s) + fine_slot_width(s))
			bad++;
	}
	check(!bad, "fine slot: value lies inside [low, low+width) of its slot", "%d misses", bad);
	check(mono, "fine slot: monotonic in the value", "not monotonic");
	EQ("fine slot: values < 16 exact", 13, riommu_fine_slot(13));
	EQ("fine slot: 2^40 clamps to the last slot", RIOMMU_FINE_SLOTS - 1,
	   riommu_fine_slot(1ULL << 41));
	check(fine_slot_width(riommu_fine_slot(1000000)) * 8 <= fine_slot_low(riommu_fine_slot(1000000)),
	      "fine slot: relative width <= 1/8", "too wide");
}

/* riommu-trace's log2 slot (BPF, no division) against ilog2(ns / unit) + 1 */
static unsigned log2_slot_div(__u64 ns, __u64 unit)
{
	__u64 v = ns / unit;
	unsigned s = v ? riommu_ilog2(v) + 1 : 0;

	return s < RIOMMU_LOG2_SLOTS ? s : RIOMMU_LOG2_SLOTS - 1;
}

static void test_log2_slot(void)
{
	static const struct { __u64 unit; __u32 k; } u[] = { { 1000, 10 }, { 1000000, 20 } };
	unsigned i, j, m, bad = 0, n = 0;
	__u64 v, c;
	int d;

	for (i = 0; i < ARRAY_SIZE(u); i++) {
		/* next to every power of two and every unit times a power of two */
		for (j = 0; j < 64; j++) {
			for (m = 0; m < 2; m++) {
				if (m && j >= 44)
					break;
				c = m ? u[i].unit << j : 1ULL << j;
				for (d = -2; d <= 2; d++) {
					if ((d < 0 && c < (__u64)-d) || (d > 0 && c > ~0ULL - d))
						continue;
					v = c + d;
					n++;
					bad += riommu_log2_slot(v, u[i].unit, u[i].k) !=
					       log2_slot_div(v, u[i].unit);
				}
			}
		}
		for (v = 0; v < (1ULL << 50); v = v < 4096 ? v + 1 : v + v / 97 + 1, n++)
			bad += riommu_log2_slot(v, u[i].unit, u[i].k) != log2_slot_div(v, u[i].unit);
		n++;
		bad += riommu_log2_slot(~0ULL, u[i].unit, u[i].k) != log2_slot_div(~0ULL, u[i].unit);
	}
	check(!bad, "trace log2 slot without division equals ilog2(ns / unit) + 1 (us, ms)",
	      "%u of %u values differ", bad, n);
}

static void fill(__u64 *fine, const __u64 *vals, int n)
{
	memset(fine, 0, RIOMMU_FINE_SLOTS * sizeof(*fine));
	while (n--)
		fine[riommu_fine_slot(vals[n])]++;
}

static void test_percentiles(void)
{
	static __u64 fine[RIOMMU_FINE_SLOTS], vals[1000];
	__u64 small[] = { 1, 2, 3, 4, 5 };
	int i;

	fill(fine, small, 5);
	EQ("percentile: p50 of 1..5 exact", 3, fine_percentile(fine, RIOMMU_FINE_SLOTS, 50, 5));
	EQ("percentile: p100 of 1..5 is max", 5, fine_percentile(fine, RIOMMU_FINE_SLOTS, 100, 5));
	EQ("percentile: p1 of 1..5 is min", 1, fine_percentile(fine, RIOMMU_FINE_SLOTS, 1, 5));
	memset(fine, 0, sizeof(fine));
	EQ("percentile: empty histogram -> 0", 0, fine_percentile(fine, RIOMMU_FINE_SLOTS, 99, 0));
	for (i = 0; i < 1000; i++)
		vals[i] = (i + 1) * 1000;	/* 1 us .. 1 ms */
	fill(fine, vals, 1000);
	NEAR("percentile: p50 of uniform 1us..1ms within 12.5%", 500000,
	     fine_percentile(fine, RIOMMU_FINE_SLOTS, 50, 1000000), 62500);
	NEAR("percentile: p99 of uniform 1us..1ms within 12.5%", 990000,
	     fine_percentile(fine, RIOMMU_FINE_SLOTS, 99, 1000000), 123750);
	check(fine_percentile(fine, RIOMMU_FINE_SLOTS, 99.9, 1000000) <= 1000000,
	      "percentile: clamped to the observed max", "above max");
	for (i = 0; i < 1000; i++)
		vals[i] = i < 990 ? 10000 : 5000000;	/* 1% slow outliers */
	fill(fine, vals, 1000);
	NEAR("percentile: p50 with outliers", 10000, fine_percentile(fine, RIOMMU_FINE_SLOTS, 50, 5000000), 1250);
	check(fine_percentile(fine, RIOMMU_FINE_SLOTS, 99.5, 5000000) > 4000000,
	      "percentile: p99.5 sees the 1% outliers", "%g",
	      fine_percentile(fine, RIOMMU_FINE_SLOTS, 99.5, 5000000));
	check(fine_percentile(fine, RIOMMU_FINE_SLOTS, 99, 5000000) <= 11250,
	      "percentile: p99 is the last fast sample", "%g",
	      fine_percentile(fine, RIOMMU_FINE_SLOTS, 99, 5000000));
}

static __u64 hslots[RIOMMU_LOG2_SLOTS];

static void pr_log2(FILE *f, void *a)
{
	print_log2_hist(f, hslots, RIOMMU_LOG2_SLOTS, "usecs");
}

static __u64 lslots[5];

static void pr_lin(FILE *f, void *a)
{
	print_linear_hist(f, lslots, 4, 10, "usecs");
}

static void test_hist_print(void)
{
	__u64 lo, hi;
	char *out;

	log2_slot_range(0, &lo, &hi);
	check(lo == 0 && hi == 0, "log2 range: slot 0 is 0", "%llu-%llu", lo, hi);
	log2_slot_range(4, &lo, &hi);
	check(lo == 8 && hi == 15, "log2 range: slot 4 is 8..15", "%llu-%llu", lo, hi);
	memset(hslots, 0, sizeof(hslots));
	out = capture(pr_log2, NULL);
	STREQ("log2 print: empty histogram prints nothing", "", out);
	free(out);
	hslots[3] = 10;	/* 4..7 */
	hslots[5] = 5;	/* 16..31 */
	out = capture(pr_log2, NULL);
	check(strstr(out, "         4 -> 7          : 10         |****************************************|") != NULL,
	      "log2 print: full bar for the biggest slot", "%s", out);
	check(strstr(out, "        16 -> 31         : 5          |********************") != NULL,
	      "log2 print: half bar", "%s", out);
	check(strstr(out, "        8 -> 15         : 0 ") != NULL || strstr(out, "         8 -> 15         : 0") != NULL,
	      "log2 print: empty slot between kept", "%s", out);
	EQ("log2 print: header + 3 lines", 4, (unsigned long long)(strchr(out, 0) - out ? ({ int n = 0; for (char *p = out; *p; p++) n += *p == '\n'; n; }) : 0));
	free(out);
	memset(lslots, 0, sizeof(lslots));
	lslots[1] = 2;
	lslots[4] = 1;
	out = capture(pr_lin, NULL);
	check(strstr(out, "        10 -> 19         : 2") != NULL, "linear print: bucket 10..19", "%s", out);
	check(strstr(out, "        40 -> ...        : 1") != NULL, "linear print: overflow bucket", "%s", out);
	free(out);
}

static void test_top_model(void)
{
	static struct top_row rows[4], *order[4];
	static struct riommu_row now, prev, d;
	static __u64 fine[RIOMMU_FINE_SLOTS];
	enum top_sort k;
	int i;

	memset(&now, 0, sizeof(now));
	memset(&prev, 0, sizeof(prev));
	now.requests = 30; prev.requests = 10;
	now.groups = 7; prev.groups = 2;
	now.failures = 3;
	now.lat.count = 5; prev.lat.count = 2;
	now.lat.sum = 5000; prev.lat.sum = 2000;
	now.lat.max[0] = 1500;
	top_row_delta(&d, &now, &prev);
	EQ("delta: requests", 20, d.requests);
	EQ("delta: groups", 5, d.groups);
	EQ("delta: failures", 3, d.failures);
	EQ("delta: latency count", 3, d.lat.count);
	EQ("delta: latency sum", 3000, d.lat.sum);
	EQ("delta: max is the interval max", 1500, d.lat.max[0]);

	memset(rows, 0, sizeof(rows));
	rows[0].d = d;
	top_row_derive(&rows[0], 2.0);
	fine[riommu_fine_slot(1000)] = 3;
	top_row_percentiles(&rows[0], fine);
	NEAR("derive: req/s", 10, rows[0].req_s, 1e-9);
	NEAR("derive: grp/s", 2.5, rows[0].grp_s, 1e-9);
	NEAR("derive: avg us", 1.0, rows[0].avg_us, 1e-9);
	NEAR("derive: max us", 1.5, rows[0].max_us, 1e-9);
	check(rows[0].p50_us >= 0.96 && rows[0].p50_us <= 1.024, "derive: p50 us inside the slot of 1 us", "%g", rows[0].p50_us);

	memset(rows, 0, sizeof(rows));
	for (i = 0; i < 4; i++) {
		rows[i].key.iommu = 0;
		rows[i].key.rid = 0x10 - i;
		rows[i].key.pasid = RIOMMU_ANY;
	}
	rows[0].d.requests = 5;
	rows[1].d.requests = 50;
	rows[2].d.requests = 5;
	rows[3].d.requests = 1;
	rows[3].inflight = 9;
	rows[0].p99_us = 100;
	for (i = 0; i < 4; i++)
		order[i] = &rows[i];
	top_sort(order, 4, SORT_REQ);
	EQ("sort req: biggest first", 50, order[0]->d.requests);
	EQ("sort req: ties by rid", 0xe, order[1]->key.rid);
	EQ("sort req: ties by rid (2)", 0x10, order[2]->key.rid);
	top_sort(order, 4, SORT_RID);
	EQ("sort rid: ascending", 0xd, order[0]->key.rid);
	top_sort(order, 4, SORT_INFLIGHT);
	EQ("sort inflight", 9, order[0]->inflight);
	top_sort(order, 4, SORT_P99);
	NEAR("sort p99", 100, order[0]->p99_us, 0);
	check(!top_sort_parse("p99", &k) && k == SORT_P99, "sort key parse p99", "bad");
	check(top_sort_parse("bogus", &k) != 0, "sort key parse rejects bogus", "accepted");
	check(top_sort_parse(NULL, &k) != 0, "sort key parse rejects NULL", "accepted");
	memset(&rows[0], 0, sizeof(rows[0]));
	check(!top_row_active(&rows[0]), "idle row is not shown", "active");
	rows[0].inflight = 1;
	check(top_row_active(&rows[0]), "row with a group in flight is shown", "inactive");
}

/* Sizes the man pages' OVERHEAD sections state. */
static void test_sizes(void)
{
	EQ("riommu-top: row counters per CPU (riommu-top.8)", 152, sizeof(struct riommu_row));
	EQ("riommu-top: shared percentile histogram per row", 2496, sizeof(struct riommu_fine));
	EQ("riommu-trace: histogram summary per CPU (riommu-trace.8)", 40, sizeof(struct riommu_lat));
	EQ("riommu-trace: shared buckets per histogram", 3272, sizeof(struct riommu_hist_bins));
}

/* Shared counters are taken: read, and what was read subtracted. */
static void test_take_counts(void)
{
	__u64 shared[3] = { 3, 0, 5 }, out[3];

	riommu_take_counts(shared, out, 3);
	EQ("take: values read", 8, out[0] + out[2] + out[1] * 100);
	EQ("take: shared counters left at 0", 0, shared[0] + shared[1] + shared[2]);
	shared[1] += 2;
	riommu_take_counts(shared, out, 3);
	EQ("take: only what came since", 2, out[0] + out[1] + out[2] * 100);
}

/* riommu_key_find() probes as the BPF side's key_slot() claims. */
static void test_key_find(void)
{
	static __u64 tags[8];
	struct riommu_ro_map m = { .tag = tags, .n = 8 };
	__u64 a = riommu_key_tag(0, 0x10, RIOMMU_ANY), b = riommu_key_tag(0, 0x18, 5);
	__u32 h = riommu_key_hash(b);

	tags[h & 7] = a;		/* b's first probe is taken: it sits one on */
	tags[(h + 1) & 7] = b;
	EQ("key_find: a tag one probe on", (h + 1) & 7, riommu_key_find(&m, b));
	EQ("key_find: an absent tag", -1, riommu_key_find(&m, riommu_key_tag(1, 0x18, 5)));
}

static struct record grec;

static void pr_json(FILE *f, void *a) { emit_json(f, &grec); }
static void pr_csvh(FILE *f, void *a) { emit_csv_header(f, &grec); }
static void pr_csv(FILE *f, void *a) { emit_csv(f, &grec); }

static const struct table_col tcols[] = { { "RID", 8, true }, { "REQ/s", 6 } };

static void pr_table(FILE *f, void *a)
{
	const char *cells[] = { "0x000008", "12" };
	const char *cells2[] = { NULL, "3" };

	table_header(f, tcols, 2);
	table_row(f, tcols, 2, cells);
	table_row(f, tcols, 2, cells2);
}

static void test_output(void)
{
	struct top_row r;
	char *out, buf[64];
	int i;

	rec_init(&grec);
	rec_u64(&grec, "schema", 1);
	rec_str(&grec, "type", "row");
	rec_s64(&grec, "ret", -19);
	rec_dbl(&grec, "lat", 1.5);
	rec_null(&grec, "pasid");
	rec_str(&grec, "dev", "a\"b,c");
	rec_raw(&grec, "log2", "[1,2]");
	out = capture(pr_json, NULL);
	STREQ("json: record", "{\"schema\":1,\"type\":\"row\",\"ret\":-19,\"lat\":1.500,\"pasid\":null,"
	      "\"dev\":\"a\\\"b,c\",\"log2\":[1,2]}\n", out);
	free(out);
	out = capture(pr_csvh, NULL);
	STREQ("csv: header skips raw fields", "schema,type,ret,lat,pasid,dev\n", out);
	free(out);
	out = capture(pr_csv, NULL);
	STREQ("csv: row, null empty, RFC 4180 quoting", "1,row,-19,1.500,,\"a\"\"b,c\"\n", out);
	free(out);
	STREQ("json escape: control characters", "x\\u0001\\n\\\\", json_escape(buf, sizeof(buf), "x\001\n\\"));
	rec_init(&grec);
	for (i = 0; i < REC_MAX_FIELDS + 2; i++)
		rec_u64(&grec, "f", i);
	check(grec.overflow && grec.n == REC_MAX_FIELDS, "record: overflow is flagged, not written past", "n=%d", grec.n);
	rec_init(&grec);
	rec_dbl(&grec, "nan", NAN);
	out = capture(pr_json, NULL);
	STREQ("json: NaN becomes null", "{\"nan\":null}\n", out);
	free(out);

	memset(&r, 0, sizeof(r));
	r.key.iommu = 1;
	r.key.rid = 0x8;
	r.key.pasid = 5;
	r.d.requests = 4;
	top_row_record(&grec, &r, 100.0, 1.0, true);
	out = capture(pr_json, NULL);
	check(strstr(out, "\"schema\":1,\"type\":\"row\"") && strstr(out, "\"iommu\":1,\"rid\":8,\"pasid\":5,\"requests\":4"),
	      "top record: schema, key and counts", "%s", out);
	free(out);
	top_row_record(&grec, &r, 100.0, 1.0, false);
	out = capture(pr_json, NULL);
	check(strstr(out, "\"pasid\":null") != NULL, "top record: pasid null without -P", "%s", out);
	free(out);
	out = capture(pr_csvh, NULL);
	check(!strncmp(out, "schema,type,time,interval,iommu,rid,pasid,requests,req_s",
			strlen("schema,type,time,interval,iommu,rid,pasid,requests,req_s")),
	      "top csv: header starts with the schema field", "%s", out);
	free(out);
	out = capture(pr_table, NULL);
	STREQ("table: aligned columns, '-' for missing cells",
	      "RID       REQ/s\n0x000008     12\n-             3\n", out);
	free(out);
}

static void test_opts(void)
{
	__u32 v = 0, m = 0;
	__u64 ns = 0;

	check(!parse_u32("42", 0, 100, &v) && v == 42, "parse_u32: decimal", "%u", v);
	check(!parse_u32("0x10", 0, 100, &v) && v == 16, "parse_u32: hex", "%u", v);
	check(parse_u32("101", 0, 100, &v) != 0, "parse_u32: above max rejected", "accepted");
	check(parse_u32("0", 1, 100, &v) != 0, "parse_u32: below min rejected", "accepted");
	check(parse_u32("-1", 0, 100, &v) != 0, "parse_u32: negative rejected", "accepted");
	check(parse_u32("12x", 0, 100, &v) != 0, "parse_u32: trailing junk rejected", "accepted");
	check(parse_u32("", 0, 100, &v) != 0, "parse_u32: empty rejected", "accepted");
	check(parse_u32("99999999999999999999", 0, ~0u, &v) != 0, "parse_u32: overflow rejected", "accepted");
	check(!parse_seconds("0.5", 10, &ns) && ns == 500000000, "parse_seconds: fraction", "%llu", ns);
	check(!parse_seconds("2", 10, &ns) && ns == 2000000000ULL, "parse_seconds: integer", "%llu", ns);
	check(parse_seconds("0", 10, &ns) != 0, "parse_seconds: zero rejected", "accepted");
	check(parse_seconds("-1", 10, &ns) != 0, "parse_seconds: negative rejected", "accepted");
	check(parse_seconds("abc", 10, &ns) != 0, "parse_seconds: text rejected", "accepted");
	check(parse_seconds("11", 10, &ns) != 0, "parse_seconds: above max rejected", "accepted");
	check(parse_seconds("nan", 10, &ns) != 0, "parse_seconds: nan rejected", "accepted");
	check(!parse_rid("00:01.0", &v) && v == 8, "parse_rid: bus:dev.fn", "%u", v);
	check(!parse_rid("3:1f.7", &v) && v == 0x3ff, "parse_rid: bus:dev.fn max dev/fn", "%x", v);
	check(!parse_rid("0x8", &v) && v == 8, "parse_rid: number", "%u", v);
	check(parse_rid("1:2", &v) != 0, "parse_rid: malformed bdf rejected", "accepted");
	check(parse_rid("00:20.0", &v) != 0, "parse_rid: device > 31 rejected", "accepted");
	check(parse_rid("0x1000000", &v) != 0, "parse_rid: > 24 bits rejected", "accepted");
	check(!parse_event_mask("consume,response", &m) &&
	      m == (RIOMMU_EVM(RIOMMU_EV_CONSUME) | RIOMMU_EVM(RIOMMU_EV_RESPONSE)),
	      "parse_event_mask: list", "%x", m);
	check(!parse_event_mask("all", &m) && m == 0x3e, "parse_event_mask: all", "%x", m);
	check(parse_event_mask("consume,bogus", &m) != 0, "parse_event_mask: unknown rejected", "accepted");
	check(parse_event_mask("", &m) != 0, "parse_event_mask: empty rejected", "accepted");
	check(parse_event_mask(",", &m) != 0, "parse_event_mask: no names rejected", "accepted");
	STREQ("event_name: failure", "failure", event_name(RIOMMU_EV_FAILURE));
}

/* A parent like the tools': no options of its own, common_argp as its child. */
static struct common_opts copts;
static bool give_input = true;

static error_t parent_parse(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	if (give_input)
		state->child_inputs[0] = &copts;
	return 0;
}

static const struct argp_child children[] = { { &common_argp, 0, NULL, 0 }, {} };
static const struct argp parent_argp = { NULL, parent_parse, "[interval [count]]", NULL, children };

struct parse_run {
	int status;		/* exit status, -1 if it did not exit */
	char out[8192];
	char err[1024];		/* stderr, cut to its first line */
	int err_lines;
};

static void read_all(int fd, char *buf, size_t n)
{
	size_t o = 0;
	ssize_t r;

	while (o < n - 1 && (r = read(fd, buf + o, n - 1 - o)) > 0)
		o += r;
	buf[o] = 0;
	while (read(fd, &(char){ 0 }, 1) > 0)
		;
}

/*
 * Parse "riommu-top ARGS..." in a child process, since bad options exit:
 * exit status, stdout (the parsed values on success) and stderr.
 */
static void parse_run(struct parse_run *r, const char *args)
{
	int out[2], err[2], st;
	pid_t pid;
	char *nl;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	fflush(stdout);	/* else the child's exit() prints our TAP lines again */
	if (pipe(out) || pipe(err))
		return;
	pid = fork();
	if (pid == 0) {
		char line[256], *argv[16] = { "riommu-top" }, *save = NULL, *tok;
		int argc = 1;

		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		snprintf(line, sizeof(line), "%s", args);
		for (tok = strtok_r(line, " ", &save); tok && argc < 15; tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		copts = (struct common_opts)COMMON_OPTS_INIT(1000000000ULL);
		if (argp_parse(&parent_argp, argc, argv, 0, NULL, NULL))
			exit(2);
		printf("rid=%x pasid=%x iommu=%x groups=%u interval=%llu count=%ld nargs=%d json=%d verbose=%d",
		       copts.rid, copts.pasid, copts.iommu, copts.max_groups,
		       (unsigned long long)copts.interval_ns, copts.count, copts.nargs,
		       copts.json, copts.verbose);
		exit(0);
	}
	close(out[1]);
	close(err[1]);
	if (pid > 0) {
		read_all(out[0], r->out, sizeof(r->out));
		read_all(err[0], r->err, sizeof(r->err));
		for (nl = r->err; (nl = strchr(nl, '\n')); nl++)
			r->err_lines++;
		nl = strchr(r->err, '\n');
		if (nl)
			*nl = 0;
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
			r->status = WEXITSTATUS(st);
	}
	close(out[0]);
	close(err[0]);
}

/* Parses: exit 0, nothing on stderr, the values expected. */
static void parse_ok(const char *args, const char *want)
{
	struct parse_run r;
	char name[128];

	parse_run(&r, args);
	snprintf(name, sizeof(name), "common options: '%s' parses", args);
	check(r.status == 0 && !r.err_lines && !strcmp(r.out, want), name,
	      "exit %d, stderr '%s', got '%s', expected '%s'", r.status, r.err, r.out, want);
}

/* Rejected: exit 64 (EX_USAGE), the sentence, then argp's --help hint. */
static void parse_bad(const char *args, const char *sentence)
{
	struct parse_run r;
	char name[160];

	parse_run(&r, args);
	snprintf(name, sizeof(name), "common options: '%s' exits 64", args);
	check(r.status == 64, name, "exit %d", r.status);
	snprintf(name, sizeof(name), "common options: '%s' says why in one line", args);
	check(!strcmp(r.err, sentence) && r.err_lines == 2, name,
	      "expected '%s' and a hint line, got '%s' (%d lines)", sentence, r.err, r.err_lines);
}

static void test_common_argp(void)
{
	char *argv[] = { "riommu-top", "--rid", "xyz", NULL };
	struct parse_run r;

	parse_ok("", "rid=ffffffff pasid=ffffffff iommu=ffffffff groups=32768 interval=1000000000 "
		 "count=-1 nargs=0 json=0 verbose=0");
	parse_ok("--rid 00:01.0 --pasid 0x10 --iommu 2 -j -v --groups 1024 0.25 3",
		 "rid=8 pasid=10 iommu=2 groups=1024 interval=250000000 count=3 nargs=2 json=1 verbose=1");
	parse_ok("5 --rid=0x30 -jv", "rid=30 pasid=ffffffff iommu=ffffffff groups=32768 "
		 "interval=5000000000 count=-1 nargs=1 json=1 verbose=1");
	parse_ok("--pasid 0xfffff --rid 0xffffff --iommu 0 1 2147483647",
		 "rid=ffffff pasid=fffff iommu=0 groups=32768 interval=1000000000 count=2147483647 "
		 "nargs=2 json=0 verbose=0");

	parse_bad("--rid 1:2", "riommu-top: --rid '1:2' is not a requester ID "
		  "(a number up to 0xffffff, or bus:dev.fn such as 00:01.0).");
	parse_bad("--rid 0x1000000", "riommu-top: --rid '0x1000000' is not a requester ID "
		  "(a number up to 0xffffff, or bus:dev.fn such as 00:01.0).");
	parse_bad("--pasid 0x100000", "riommu-top: --pasid '0x100000' is not a PASID (0 to 0xfffff).");
	parse_bad("--iommu -1", "riommu-top: --iommu '-1' is not an IOMMU instance number (0 to 268435455).");
	parse_bad("--groups 0", "riommu-top: --groups '0' is not a group table size (1 to 4194304).");
	parse_bad("0", "riommu-top: interval '0' is not a number of seconds "
		  "(above 0, at most 86400, fractions allowed).");
	parse_bad("1s", "riommu-top: interval '1s' is not a number of seconds "
		  "(above 0, at most 86400, fractions allowed).");
	parse_bad("1 0", "riommu-top: count '0' is not a number of intervals (1 to 2147483647).");
	parse_bad("1 -2", "riommu-top: invalid option -- '2'");
	parse_bad("1 2 3", "riommu-top: unexpected argument '3': only [interval [count]] may follow the options.");
	parse_bad("-x", "riommu-top: invalid option -- 'x'");
	parse_bad("--bogus", "riommu-top: unrecognized option '--bogus'");
	parse_bad("--rid", "riommu-top: option '--rid' requires an argument");

	parse_run(&r, "-h");
	check(r.status == 0 && strstr(r.out, "Usage: riommu-top [OPTION...] [interval [count]]") &&
	      strstr(r.out, "--rid=RID") && strstr(r.out, "-j, --json"),
	      "common options: -h prints the help with the shared options", "exit %d: %s", r.status, r.out);

	/* without exiting, a bad value is an error return */
	copts = (struct common_opts)COMMON_OPTS_INIT(0);
	EQ("common options: bad value returns EINVAL under ARGP_NO_EXIT", EINVAL,
	   argp_parse(&parent_argp, 3, argv, ARGP_NO_EXIT | ARGP_NO_ERRS, NULL, NULL));
	EQ("common options: bad value leaves the default", RIOMMU_ANY, copts.rid);
	give_input = false;
	EQ("common options: a parent that forgets child_inputs gets EINVAL", EINVAL,
	   argp_parse(&parent_argp, 1, argv, ARGP_NO_EXIT | ARGP_NO_ERRS, NULL, NULL));
	give_input = true;
}

static void test_names(void)
{
	char b[8];

	STREQ("prgr code 0xf", "Failure", riommu_prgr_name(0xf));
	STREQ("prgr code 1", "Invalid", riommu_prgr_name(1));
	STREQ("core code 2", "Failure", riommu_core_code_name(2));
	STREQ("reason 4", "teardown", riommu_reason_name(4));
	STREQ("reason 9", "unknown", riommu_reason_name(9));
	riommu_flags_perm(b, sizeof(b), RIOMMU_F_R | RIOMMU_F_X | RIOMMU_F_PRIV);
	STREQ("flags perm r-xp", "r-xp", b);
	riommu_fault_perm(b, sizeof(b), 2);
	STREQ("fault perm -w-", "-w-", b);
}

int main(void)
{
	test_slots();
	test_log2_slot();
	test_percentiles();
	test_hist_print();
	test_top_model();
	test_output();
	test_opts();
	test_common_argp();
	test_names();
	test_sizes();
	test_take_counts();
	test_key_find();
	return failures ? 1 : 0;
}
