// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-top: live per (IOMMU, RID[, PASID]) view of RISC-V IOMMU page
 * requests: rates, groups in flight, request-to-PRGR latency, responses,
 * failure notifications, PQ errors and groups stuck without a response.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "opts.h"
#include "output.h"
#include "prom.h"
#include "top_model.h"
#include "riommu_top.skel.h"

enum { OPT_CSV = 0x100, OPT_MAXROWS, OPT_PROM };

static struct env {
	COMMON_OPTS_GROUP(common);
	int rows;
	enum top_sort sort;
	bool noclear, per_pasid, csv;
	__u64 timeout_ns;
	__u32 max_rows;
	const char *prom;	/* --prometheus [ADDR:]PORT */
} env = {
	.common = COMMON_OPTS_INIT(1000000000ULL),
	.rows = 20,
	.sort = SORT_REQ,
	.timeout_ns = 1000000000ULL,
	.max_rows = 1024,
};

const char *argp_program_version = "riommu-top 1.0";
static const char doc[] =
"Show RISC-V IOMMU page-request activity per IOMMU and requester ID.\n"
"\n"
"USAGE: riommu-top [OPTION...] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    riommu-top             # refresh every second until Ctrl-C\n"
"    riommu-top 5 10        # 5 second intervals, 10 times\n"
"    riommu-top -P -s p99   # one row per PASID, sorted by p99 latency\n"
"    riommu-top --rid 0x8   # only requester ID 0x8\n"
"    riommu-top -j 1 3      # NDJSON records, 3 intervals\n"
"    riommu-top -t 0.5      # groups without response after 0.5 s are stuck\n"
"    riommu-top --prometheus :9464 -P 15  # serve /metrics, per PASID, 15 s";

static const struct argp_option opts[] = {
	{ "rows", 'r', "ROWS", 0, "Maximum rows to print (default 20)", 0 },
	{ "sort", 's', "KEY", 0,
	  "Sort by req, grp, inflight, age, avg, p50, p99, max, fail, inv or rid (default req)", 0 },
	{ "per-pasid", 'P', NULL, 0, "One row per PASID", 0 },
	{ "noclear", 'C', NULL, 0,
	  "Do not clear the screen between intervals (never cleared when stdout is not a terminal)", 0 },
	{ "timeout", 't', "SEC", 0, "Report groups without a response after SEC seconds as stuck (default 1)", 0 },
	{ "csv", OPT_CSV, NULL, 0, "Print CSV records (one per row per interval)", 0 },
	{ "max-rows", OPT_MAXROWS, "N", 0, "Size of the statistics table, rounded up to a power of two (default 1024)", 0 },
	{ "prometheus", OPT_PROM, "[ADDR:]PORT", 0,
	  "Serve the counters at http://ADDR:PORT/metrics, updated every interval, instead of printing them", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	__u32 v;

	switch (key) {
	case 'r':
		if (opt_u32(state, "--rows", arg, 1, 100000, &v, "a number of rows (%u to %u)"))
			return EINVAL;
		env.rows = v;
		break;
	case 's':
		if (top_sort_parse(arg, &env.sort))
			return opt_invalid(state, "--sort", arg,
					   "a sort key (req, grp, inflight, age, avg, p50, p99, max, fail, inv or rid)");
		break;
	case 'P':
		env.per_pasid = true;
		break;
	case 'C':
		env.noclear = true;
		break;
	case 't':
		return opt_seconds(state, "--timeout", arg, 86400, &env.timeout_ns);
	case OPT_CSV:
		env.csv = true;
		break;
	case OPT_PROM: {
		char host[64];
		unsigned port;

		if (prom_parse_addr(arg, host, sizeof(host), &port))
			return opt_invalid(state, "--prometheus", arg,
					   "[ADDR:]PORT (an IPv4 address and a port 1 to 65535)");
		env.prom = arg;
		break;
	}
	case OPT_MAXROWS:
		return opt_u32(state, "--max-rows", arg, 1, 1 << 16, &env.max_rows,
			       "a statistics table size (%u to %u)");
	case ARGP_KEY_END:
		if (env.json && env.csv) {
			argp_error(state, "-j and --csv cannot be used together.");
			return EINVAL;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct stuck {
	struct riommu_grp_key k;
	struct riommu_grp g;
	__u64 age;
};

/* rows[i]: the row whose key holds slot i of the BPF row table */
static struct top_row *rows;
static int nrows;
static struct stuck *stucks;
static int nstuck, cap_stuck;
static bool csv_header_done;
static struct riommu_grp_map grp_table;
static struct riommu_stats_table row_stats;	/* row_keys, rows, row_fine */
/* a row this long without events or groups in flight gives its slot back */
#define ROW_IDLE_NS	(60 * 1000000000ULL)
/* --prometheus: cumulative latency buckets per row (prom.h bounds) */
static __u64 (*lat_buckets)[PROM_LAT_BUCKETS + 1];

static int read_rows(int fd, __u32 ended)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	size_t vsz = (sizeof(struct riommu_row) + 7) & ~7UL;
	struct riommu_fine *fine = (struct riommu_fine *)row_stats.shared.mem;
	__u64 taken[RIOMMU_FINE_SLOTS];
	struct riommu_row *vals, merged;
	struct top_row *r;
	__u32 idx, j;

	vals = calloc(ncpu, vsz);
	if (!vals)
		return -ENOMEM;
	for (idx = 0; idx < (__u32)nrows; idx++) {
		__u64 tag = ((const volatile __u64 *)row_stats.tags.tag)[idx];

		r = &rows[idx];
		r->seen = false;
		r->inflight = 0;
		r->oldest_ns = 0;
		if (!tag || tag == RIOMMU_KEY_RETIRED || bpf_map_lookup_elem(fd, &idx, vals))
			continue;
		if (!r->live) {	/* a new key in this slot */
			memset(r, 0, sizeof(*r));
			riommu_key_untag(tag, &r->key.iommu, &r->key.rid, &r->key.pasid);
			r->live = true;
			r->active_ns = riommu_mono_ns();
			if (lat_buckets)
				memset(lat_buckets[idx], 0, sizeof(lat_buckets[idx]));
		}
		memset(&merged, 0, sizeof(merged));
		for (c = 0; c < ncpu; c++) {
			const struct riommu_row *v = (void *)((char *)vals + c * vsz);
			const __u64 *a = (const __u64 *)v;
			__u64 *o = (__u64 *)&merged;
			unsigned j;

			for (j = 0; j < offsetof(struct riommu_row, lat) / 8; j++)
				o[j] += a[j];
			riommu_lat_merge(&merged.lat, &v->lat, ended);
		}
		top_row_delta(&r->d, &merged, &r->total);
		r->total = merged;
		r->seen = true;
		if (r->d.lat.count) {
			riommu_take_counts(&fine[idx], taken, RIOMMU_FINE_SLOTS);
			top_row_percentiles(r, taken);
			for (j = 0; lat_buckets && j < RIOMMU_FINE_SLOTS; j++)
				if (taken[j])
					lat_buckets[idx][prom_lat_bucket(j)] += taken[j];
		} else {
			top_row_percentiles(r, NULL);
		}
	}
	free(vals);
	return 0;
}

static void read_groups(const struct riommu_ro_map *t, __u64 now)
{
	struct riommu_grp_key key;
	struct riommu_grp g;
	struct top_row *r;
	__u32 i, pasid;
	__u64 age;
	int idx;

	nstuck = 0;
	for (i = 0; i < t->n; i++) {
		if (!riommu_grp_get(t, i, &g, &key))
			continue;
		age = now > g.ts ? now - g.ts : 0;
		pasid = !env.per_pasid ? RIOMMU_ANY :
			(g.flags & RIOMMU_F_PV) ? key.pasid : RIOMMU_NOPASID;
		idx = riommu_key_find(&row_stats.tags, riommu_key_tag(key.iommu, key.devid, pasid));
		r = idx >= 0 && idx < nrows && rows[idx].live ? &rows[idx] : NULL;
		if (r) {
			r->inflight++;
			if (age > r->oldest_ns)
				r->oldest_ns = age;
		}
		if (age >= env.timeout_ns) {
			if (nstuck == cap_stuck) {
				int nc = cap_stuck ? cap_stuck * 2 : 64;
				void *p = realloc(stucks, nc * sizeof(*stucks));

				if (!p)
					continue;
				stucks = p;
				cap_stuck = nc;
			}
			stucks[nstuck].k = key;
			stucks[nstuck].g = g;
			stucks[nstuck++].age = age;
		}
	}
}

static const char *fmt(char *buf, size_t n, const char *f, double v)
{
	snprintf(buf, n, f, v);
	return buf;
}

static __u64 total_reported(struct riommu_top_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	__u32 k = RIOMMU_TOT_REPORTED;
	__u64 v[ncpu > 0 ? ncpu : 1], t = 0;

	if (ncpu > 0 && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.totals), &k, v))
		for (c = 0; c < ncpu; c++)
			t += v[c];
	return t;
}

static __u64 last_reported;

static void print_interval(struct riommu_top_bpf *skel, double iv, const __u64 *drops)
{
	__u64 req = 0, grp = 0, infl = 0, fails = 0, pqerr = 0, succ = 0, inv = 0, rfail = 0;
	double now_wall = riommu_wall_s();
	__u64 reported = total_reported(skel), d_reported = reported - last_reported;
	struct top_row **show;
	struct record rec;
	int i, nshow = 0;

	last_reported = reported;
	for (i = 0; i < nrows; i++) {
		struct top_row *r = &rows[i];

		if (!r->live)
			continue;
		if (!r->seen) {
			/* could not be read: show no activity */
			memset(&r->d, 0, sizeof(r->d));
			top_row_percentiles(r, NULL);
		}
		top_row_derive(r, iv);
		req += r->d.requests;
		grp += r->d.groups;
		infl += r->inflight;
		fails += r->d.failures;
		pqerr += r->d.pq_errors;
		succ += r->d.resp_success;
		inv += r->d.resp_invalid;
		rfail += r->d.resp_failure;
	}
	show = calloc(nrows + 1, sizeof(*show));
	if (!show)
		return;
	for (i = 0; i < nrows; i++)
		if (rows[i].live && top_row_active(&rows[i]))
			show[nshow++] = &rows[i];
	top_sort(show, nshow, env.sort);

	if (env.json || env.csv) {
		if (env.json) {
			rec_start(&rec, "summary");
			REC_FIELDS(&rec, F_DBL("time", now_wall), F_DBL("interval", iv),
				   F_U64("requests", req), F_U64("groups", grp),
				   F_U64("reported", d_reported), F_U64("inflight", infl),
				   F_U64("stuck", nstuck),
				   F_U64("resp_success", succ), F_U64("resp_invalid", inv),
				   F_U64("resp_failure", rfail),
				   F_U64("failures", fails), F_U64("pq_errors", pqerr));
			riommu_rec_drops(&rec, drops, (const int[]){ RIOMMU_DROP_GRP_FULL,
					 RIOMMU_DROP_NO_REQ, RIOMMU_DROP_ROW_FULL,
					 RIOMMU_DROP_GRP_UNANSWERED, RIOMMU_DROP_GRP_DISCARDED }, 5);
			emit_json(stdout, &rec);
		}
		for (i = 0; i < nshow; i++) {
			top_row_record(&rec, show[i], now_wall, iv, env.per_pasid);
			if (env.json) {
				emit_json(stdout, &rec);
			} else {
				if (!csv_header_done) {
					emit_csv_header(stdout, &rec);
					csv_header_done = true;
				}
				emit_csv(stdout, &rec);
			}
		}
		for (i = 0; env.json && i < nstuck; i++) {
			struct stuck *s = &stucks[i];

			rec_start(&rec, "stuck");
			REC_FIELDS(&rec, F_DBL("time", now_wall),
				   F_U64("iommu", s->k.iommu), F_U64("rid", s->k.devid),
				   F_OPT("pasid", s->g.flags & RIOMMU_F_PV, s->k.pasid),
				   F_U64("prgi", s->k.prgi), F_U64("requests", s->g.nreq),
				   F_U64("addr", s->g.addr), F_DBL("age_ms", s->age / 1e6));
			emit_json(stdout, &rec);
		}
		fflush(stdout);
		free(show);
		return;
	}

	static const struct table_col cols[] = {
		{ "IOMMU", 5 }, { "RID", 8, true }, { "PASID", 7 }, { "REQ/s", 9 },
		{ "GRP/s", 9 }, { "INFL", 6 }, { "AGE(ms)", 9 }, { "AVG(us)", 9 },
		{ "P50(us)", 9 }, { "P99(us)", 9 }, { "MAX(us)", 9 }, { "SUCC", 7 },
		{ "INV", 6 }, { "FAIL", 6 }, { "NOTIF", 6 }, { "PQERR", 6 },
	};
	char b[16][32];
	const char *cells[16];
	char tbuf[16];
	time_t t = time(NULL);

	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&t));
	if (!env.noclear)
		fputs("\033[H\033[2J", stdout);	/* main() sets noclear off a terminal */
	printf("%s riommu-top  interval %.2fs  req/s %.0f  grp/s %.0f  in-flight %llu  "
	       "stuck %d  responses %llu/%llu/%llu (succ/inv/fail)  notif %llu  pq-err %llu\n",
	       tbuf, iv, iv > 0 ? req / iv : 0, iv > 0 ? grp / iv : 0,
	       (unsigned long long)infl, nstuck, (unsigned long long)succ,
	       (unsigned long long)inv, (unsigned long long)rfail,
	       (unsigned long long)fails, (unsigned long long)pqerr);
	printf("drops since start: group-table-full %llu  response-without-request %llu  "
	       "stats-table-full %llu  groups unanswered %llu  discarded %llu\n\n",
	       (unsigned long long)drops[RIOMMU_DROP_GRP_FULL],
	       (unsigned long long)drops[RIOMMU_DROP_NO_REQ],
	       (unsigned long long)drops[RIOMMU_DROP_ROW_FULL],
	       (unsigned long long)drops[RIOMMU_DROP_GRP_UNANSWERED],
	       (unsigned long long)drops[RIOMMU_DROP_GRP_DISCARDED]);
	table_header(stdout, cols, ARRAY_SIZE(cols));
	for (i = 0; i < nshow && i < env.rows; i++) {
		struct top_row *r = show[i];
		int j;

		for (j = 0; j < 16; j++)
			cells[j] = b[j];
		if (r->key.iommu == RIOMMU_ANY)
			strcpy(b[0], "-");
		else
			snprintf(b[0], 32, "%u", r->key.iommu);
		if (r->key.rid == RIOMMU_ANY)
			strcpy(b[1], "(iommu)");
		else
			snprintf(b[1], 32, "0x%06x", r->key.rid);
		if (r->key.pasid >= RIOMMU_NOPASID)
			strcpy(b[2], "-");
		else
			snprintf(b[2], 32, "%u", r->key.pasid);
		fmt(b[3], 32, "%.0f", r->req_s);
		fmt(b[4], 32, "%.0f", r->grp_s);
		snprintf(b[5], 32, "%llu", (unsigned long long)r->inflight);
		fmt(b[6], 32, "%.1f", r->oldest_ns / 1e6);
		if (r->d.lat.count) {
			fmt(b[7], 32, "%.1f", r->avg_us);
			fmt(b[8], 32, "%.1f", r->p50_us);
			fmt(b[9], 32, "%.1f", r->p99_us);
			fmt(b[10], 32, "%.1f", r->max_us);
		} else {
			cells[7] = cells[8] = cells[9] = cells[10] = "-";
		}
		snprintf(b[11], 32, "%llu", (unsigned long long)r->d.resp_success);
		snprintf(b[12], 32, "%llu", (unsigned long long)r->d.resp_invalid);
		snprintf(b[13], 32, "%llu", (unsigned long long)r->d.resp_failure);
		snprintf(b[14], 32, "%llu", (unsigned long long)r->d.failures);
		snprintf(b[15], 32, "%llu", (unsigned long long)r->d.pq_errors);
		table_row(stdout, cols, ARRAY_SIZE(cols), cells);
	}
	if (nstuck) {
		printf("\nSTUCK groups (no PRGR after %.3f s):\n", env.timeout_ns / 1e9);
		for (i = 0; i < nstuck && i < env.rows; i++) {
			struct stuck *s = &stucks[i];

			printf("  iommu %u rid 0x%06x pasid ", s->k.iommu, s->k.devid);
			if (s->g.flags & RIOMMU_F_PV)
				printf("%u", s->k.pasid);
			else
				printf("-");
			printf(" prgi %u requests %u addr 0x%llx age %.1f ms\n", s->k.prgi,
			       s->g.nreq, (unsigned long long)s->g.addr, s->age / 1e6);
		}
		if (nstuck > env.rows)
			printf("  ... %d more\n", nstuck - env.rows);
	}
	fflush(stdout);
	free(show);
}

/* A row's labels: iommu (when known), rid, and pasid with -P when it has one. */
static void prom_labels(char *b, size_t n, const struct top_row *r, const char *extra)
{
	int o = 0;

	if (r->key.iommu != RIOMMU_ANY)
		o += snprintf(b + o, n - o, "iommu=\"%u\",", r->key.iommu);
	if (r->key.rid != RIOMMU_ANY)
		o += snprintf(b + o, n - o, "rid=\"0x%06x\",", r->key.rid);
	if (env.per_pasid && r->key.pasid < RIOMMU_NOPASID)
		o += snprintf(b + o, n - o, "pasid=\"%u\",", r->key.pasid);
	if (extra)
		o += snprintf(b + o, n - o, "%s,", extra);
	if (o)
		b[o - 1] = 0;	/* no trailing comma */
	else
		*b = 0;
}

/* A row in use that belongs to a requester (not an IOMMU row). */
static bool requester_row(const struct top_row *r)
{
	return r->live && r->key.rid != RIOMMU_ANY;
}

/* One counter family over the requester rows (rid set). */
static void prom_rows(FILE *f, const char *name, const char *help, size_t off,
		      const char *extra)
{
	char l[160];
	int i;

	prom_header(f, name, "counter", help);
	for (i = 0; i < nrows; i++) {
		const struct top_row *r = &rows[i];

		if (!requester_row(r))
			continue;
		prom_labels(l, sizeof(l), r, extra);
		fprintf(f, "%s{%s} %llu\n", name, l,
			(unsigned long long)*(const __u64 *)((const char *)&r->total + off));
	}
}

/* The exposition page: counters since start, gauges of now. */
static void prom_page(const __u64 *drops)
{
	static const struct { const char *name, *help; size_t off; const char *extra; } fams[] = {
		{ "riommu_page_requests_total", "Page requests from the PQ, stop markers excluded.",
		  offsetof(struct riommu_row, requests), NULL },
		{ "riommu_page_request_groups_total", "Page request groups started.",
		  offsetof(struct riommu_row, groups), NULL },
		{ "riommu_stop_markers_total", "Stop markers from the PQ.",
		  offsetof(struct riommu_row, stop_markers), NULL },
		{ "riommu_report_errors_total",
		  "Page requests the driver could not report to the IOPF core.",
		  offsetof(struct riommu_row, report_errors), NULL },
		{ "riommu_iopf_failures_total", "IOMMU core page request failure notifications.",
		  offsetof(struct riommu_row, failures), NULL },
	};
	static const struct { const char *code; size_t off; } codes[] = {
		{ "success", offsetof(struct riommu_row, resp_success) },
		{ "invalid", offsetof(struct riommu_row, resp_invalid) },
		{ "failure", offsetof(struct riommu_row, resp_failure) },
		{ "other", offsetof(struct riommu_row, resp_other) },
	};
	static const struct { const char *reason; int drop; } dr[] = {
		{ "group_table_full", RIOMMU_DROP_GRP_FULL },
		{ "response_without_request", RIOMMU_DROP_NO_REQ },
		{ "stats_table_full", RIOMMU_DROP_ROW_FULL },
	};
	char l[160], extra[64];
	size_t len = 0, k;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);
	int i, b;

	if (!f)
		return;
	for (k = 0; k < ARRAY_SIZE(fams); k++)
		prom_rows(f, fams[k].name, fams[k].help, fams[k].off, fams[k].extra);
	prom_header(f, "riommu_page_responses_total", "counter",
		    "Page request group responses (ATS.PRGR) by response code.");
	for (k = 0; k < ARRAY_SIZE(codes); k++) {
		snprintf(extra, sizeof(extra), "code=\"%s\"", codes[k].code);
		for (i = 0; i < nrows; i++) {
			if (!requester_row(&rows[i]))
				continue;
			prom_labels(l, sizeof(l), &rows[i], extra);
			fprintf(f, "riommu_page_responses_total{%s} %llu\n", l, (unsigned long long)
				*(const __u64 *)((const char *)&rows[i].total + codes[k].off));
		}
	}
	prom_header(f, "riommu_request_latency_seconds", "histogram",
		    "Time from a group's first page request to its response.");
	for (i = 0; lat_buckets && i < nrows; i++) {
		const struct top_row *r = &rows[i];
		__u64 cum = 0;

		if (!requester_row(r))
			continue;
		for (b = 0; b <= PROM_LAT_BUCKETS; b++) {
			cum += lat_buckets[i][b];
			if (b < PROM_LAT_BUCKETS)
				snprintf(extra, sizeof(extra), "le=\"%.9g\"",
					 (double)(1ULL << (PROM_LAT_FIRST_LOG + b)) / 1e9);
			else
				snprintf(extra, sizeof(extra), "le=\"+Inf\"");
			prom_labels(l, sizeof(l), r, extra);
			fprintf(f, "riommu_request_latency_seconds_bucket{%s} %llu\n", l,
				(unsigned long long)cum);
		}
		prom_labels(l, sizeof(l), r, NULL);
		fprintf(f, "riommu_request_latency_seconds_sum{%s} %.9f\n", l, r->total.lat.sum / 1e9);
		fprintf(f, "riommu_request_latency_seconds_count{%s} %llu\n", l,
			(unsigned long long)r->total.lat.count);
	}
	prom_header(f, "riommu_groups_in_flight", "gauge", "Page request groups without a response.");
	for (i = 0; i < nrows; i++) {
		if (!requester_row(&rows[i]))
			continue;
		prom_labels(l, sizeof(l), &rows[i], NULL);
		fprintf(f, "riommu_groups_in_flight{%s} %llu\n", l,
			(unsigned long long)rows[i].inflight);
	}
	prom_header(f, "riommu_groups_stuck", "gauge",
		    "Groups without a response for longer than the --timeout.");
	fprintf(f, "riommu_groups_stuck %d\n", nstuck);
	prom_header(f, "riommu_pq_errors_total", "counter",
		    "Page-request queue errors by kind (overflow, memory fault).");
	for (i = 0; i < nrows; i++) {
		const struct top_row *r = &rows[i];

		if (!r->live || r->key.rid != RIOMMU_ANY)
			continue;
		fprintf(f, "riommu_pq_errors_total{iommu=\"%u\",kind=\"overflow\"} %llu\n",
			r->key.iommu, (unsigned long long)r->total.pq_overflows);
		fprintf(f, "riommu_pq_errors_total{iommu=\"%u\",kind=\"memfault\"} %llu\n",
			r->key.iommu, (unsigned long long)r->total.pq_memfaults);
	}
	prom_header(f, "riommu_groups_unanswered_total", "counter",
		    "Groups whose PRG index came back with no response seen.");
	fprintf(f, "riommu_groups_unanswered_total %llu\n",
		(unsigned long long)drops[RIOMMU_DROP_GRP_UNANSWERED]);
	prom_header(f, "riommu_groups_discarded_total", "counter",
		    "Partial groups the driver discarded at a PQ error.");
	fprintf(f, "riommu_groups_discarded_total %llu\n",
		(unsigned long long)drops[RIOMMU_DROP_GRP_DISCARDED]);
	prom_header(f, "riommu_drops_total", "counter", "Events the tool could not account.");
	for (k = 0; k < ARRAY_SIZE(dr); k++)
		fprintf(f, "riommu_drops_total{reason=\"%s\"} %llu\n", dr[k].reason,
			(unsigned long long)drops[dr[k].drop]);
	if (!fclose(f))
		prom_publish(buf, len);
	free(buf);
}

/*
 * Rows idle for ROW_IDLE_NS give their slot back (PASIDs come and go with
 * processes, and the table never shrinks otherwise); slots retired earlier
 * are freed once no key probes through them.
 */
static void retire_idle_rows(__u64 now)
{
	int i;

	for (i = 0; i < nrows; i++) {
		struct top_row *r = &rows[i];

		if (!r->live)
			continue;
		if (r->inflight || top_row_active(r))
			r->active_ns = now;
		else if (now - r->active_ns >= ROW_IDLE_NS && riommu_stats_retire(&row_stats, i))
			r->live = false;
	}
	riommu_stats_sweep(&row_stats);
}

/* One interval: read the tables, print. */
static void tick(void *ctx, __u32 ended, __u64 now, double iv)
{
	struct riommu_top_bpf *skel = ctx;
	__u64 drops[RIOMMU_DROP_MAX];

	read_rows(bpf_map__fd(skel->maps.rows), ended);
	riommu_grp_reclaim(&grp_table);
	read_groups(&grp_table.grp, now);
	retire_idle_rows(now);
	riommu_read_drops(bpf_map__fd(skel->maps.drops), drops);
	/* discarded at a PQ error: recycled in BPF, or reclaimed here */
	drops[RIOMMU_DROP_GRP_DISCARDED] += grp_table.reclaimed;
	if (env.prom)
		prom_page(drops);
	if (!env.prom || env.json || env.csv)
		print_interval(skel, iv, drops);
}

int main(int argc, char **argv)
{
	struct riommu_tp tps[ARRAY_SIZE(riommu_tps)];
	struct riommu_top_bpf *skel = NULL;
	int noattach, err;

	if (common_argp_parse(opts, parse_arg, doc, &env.common, argc, argv))
		return 2;
	memcpy(tps, riommu_tps, sizeof(tps));
	noattach = riommu_tool_begin("riommu-top", &env.common, tps, ARRAY_SIZE(tps));
	if (noattach < 0)
		return 1;

	skel = riommu_top_bpf__open();
	if (!skel) {
		riommu_open_error("riommu-top");
		return 1;
	}
	RIOMMU_COMMON_RODATA(skel, &env.common);
	skel->rodata->per_pasid = env.per_pasid;
	skel->rodata->nrows = riommu_table_size(skel->maps.row_keys, skel->maps.rows, env.max_rows);
	bpf_map__set_max_entries(skel->maps.row_fine, skel->rodata->nrows);
	env.max_rows = skel->rodata->nrows;
	nrows = env.max_rows;
	if (!tps[TP_IOPF_FAILURE].present)
		bpf_program__set_autoload(skel->progs.top_iopf_failure, false);

	err = 1;
	rows = calloc(env.max_rows, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "riommu-top: out of memory\n");
		goto cleanup;
	}
	if (riommu_tool_load_attach("riommu-top", skel->skeleton, noattach))
		goto cleanup;
	row_stats.vals_fd = bpf_map__fd(skel->maps.rows);
	row_stats.val_size = (sizeof(struct riommu_row) + 7) & ~7UL;
	row_stats.shared_size = sizeof(struct riommu_fine);
	if (riommu_rw_mmap(skel->maps.row_keys, &row_stats.tags) ||
	    riommu_rw_mmap(skel->maps.row_fine, &row_stats.shared)) {
		fprintf(stderr, "riommu-top: cannot map the row table: %s\n", strerror(errno));
		goto cleanup;
	}
	if (riommu_grp_mmap(skel->maps.groups, skel->maps.pq_error_ts, &grp_table)) {
		fprintf(stderr, "riommu-top: cannot map the group table: %s\n", strerror(errno));
		goto cleanup;
	}
	if (env.prom) {
		char why[160];

		lat_buckets = calloc(nrows, sizeof(*lat_buckets));
		if (!lat_buckets || prom_start(env.prom, why, sizeof(why))) {
			fprintf(stderr, "riommu-top: --prometheus: %s\n",
				lat_buckets ? why : "out of memory");
			goto cleanup;
		}
		prom_page((const __u64[RIOMMU_DROP_MAX]){ 0 });
	}
	if (!isatty(STDOUT_FILENO))
		env.noclear = true;
	if (env.json)
		riommu_emit_clock("riommu-top");
	if (env.prom)
		fprintf(stderr, "Serving RISC-V IOMMU page request metrics at http://%s/metrics... "
			"Hit Ctrl-C to end.\n", env.prom);
	else if (!env.json && !env.csv)
		fprintf(stderr, "Tracing RISC-V IOMMU page requests... Hit Ctrl-C to end.\n");

	/* a signal ends the run; JSON/CSV still get the partial interval */
	riommu_run_intervals(&(struct riommu_intervals){
		.start_ns = riommu_mono_ns(), .interval_ns = env.interval_ns,
		.count = env.count, .partial = env.json || env.csv,
		.epoch = &skel->bss->epoch, .tick = tick, .ctx = skel,
	});
	err = 0;

cleanup:
	prom_stop();
	free(lat_buckets);
	riommu_grp_munmap(&grp_table);
	riommu_ro_munmap(&row_stats.tags);
	riommu_ro_munmap(&row_stats.shared);
	riommu_top_bpf__destroy(skel);
	free(rows);
	free(stucks);
	return err;
}
