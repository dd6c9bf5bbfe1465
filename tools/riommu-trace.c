// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * riommu-trace: request-to-PRGR latency histograms of RISC-V IOMMU page
 * request groups (aggregated in the kernel), or a stream of events (-e) or
 * failure notifications (-f).
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
#include "hist.h"
#include "opts.h"
#include "output.h"
#include "riommu_trace.skel.h"

#define ALL_EVENTS (RIOMMU_EVM(RIOMMU_EV_CONSUME) | RIOMMU_EVM(RIOMMU_EV_REPORT) | \
		    RIOMMU_EVM(RIOMMU_EV_RESPONSE) | RIOMMU_EVM(RIOMMU_EV_FAILURE) | \
		    RIOMMU_EVM(RIOMMU_EV_PQ_ERROR))

enum { OPT_CSV = 0x100, OPT_RINGBUF };

/* ring buffer of -e/-f in KiB: a power of two, at least a page */
#define RINGBUF_KIB_DEFAULT	256
#define RINGBUF_KIB_MIN		64
#define RINGBUF_KIB_MAX		(1u << 20)

static struct env {
	COMMON_OPTS_GROUP(common);
	bool per_rid, per_pasid, ms, cumulative, events, failures, csv, timestamp;
	__u32 lin_step;
	__u32 ringbuf_kib;
	__u32 ev_mask;
	__u64 duration_ns;
} env = {
	.common = COMMON_OPTS_INIT(0),
	.ev_mask = ALL_EVENTS,
	.ringbuf_kib = RINGBUF_KIB_DEFAULT,
};

const char *argp_program_version = "riommu-trace 1.0";
static const char doc[] =
"Trace RISC-V IOMMU page requests: request-to-PRGR latency histograms,\n"
"event streams and failure notifications.\n"
"\n"
"USAGE: riommu-trace [OPTION...] [interval [count]]\n"
"\n"
"EXAMPLES:\n"
"    riommu-trace              # latency histogram (us), print on Ctrl-C\n"
"    riommu-trace 1 10         # print 1 second histograms, 10 times\n"
"    riommu-trace -D -m 5      # per requester ID, milliseconds, every 5 s\n"
"    riommu-trace -P -L 50 1   # per PASID, plus linear 50 us buckets\n"
"    riommu-trace -c 1         # cumulative histograms every second\n"
"    riommu-trace -e           # one line per event\n"
"    riommu-trace -e -t response,failure --rid 0x8\n"
"    riommu-trace -f           # failure notifications only\n"
"    riommu-trace -e -j -d 10  # NDJSON events for 10 seconds\n"
"    riommu-trace -e -T --csv  # CSV events\n"
"    riommu-trace -e -T --ringbuf 4096  # wall-clock times, 4 MiB ring buffer";

static const struct argp_option opts[] = {
	{ "per-rid", 'D', NULL, 0, "One histogram per (IOMMU, requester ID)", 0 },
	{ "per-pasid", 'P', NULL, 0, "One histogram per (IOMMU, requester ID, PASID)", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds (default microseconds)", 0 },
	{ "linear", 'L', "STEP", 0, "Also print a linear histogram with STEP-unit buckets", 0 },
	{ "cumulative", 'c', NULL, 0, "Do not reset the histograms at each interval", 0 },
	{ "events", 'e', NULL, 0, "Print one line per event instead of histograms", 0 },
	{ "failures", 'f', NULL, 0, "Print failure notifications only", 0 },
	{ "types", 't', "LIST", 0,
	  "Events for -e: comma list of consume, report, response, failure, error, all", 0 },
	{ "duration", 'd', "SEC", 0, "Stop after SEC seconds (-e, -f)", 0 },
	{ "timestamp", 'T', NULL, 0, "Start event lines (-e, -f) with the wall-clock time", 0 },
	{ "csv", OPT_CSV, NULL, 0, "Print CSV: a header line, then one line per histogram or event", 0 },
	{ "ringbuf", OPT_RINGBUF, "KIB", 0,
	  "Ring buffer for -e and -f in KiB, a power of two (default 256)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'D':
		env.per_rid = true;
		break;
	case 'P':
		env.per_pasid = true;
		break;
	case 'm':
		env.ms = true;
		break;
	case 'L':
		return opt_u32(state, "--linear", arg, 1, 1000000, &env.lin_step,
			       "a bucket width (%u to %u)");
	case 'c':
		env.cumulative = true;
		break;
	case 'e':
		env.events = true;
		break;
	case 'f':
		env.failures = true;
		break;
	case 't':
		if (parse_event_mask(arg, &env.ev_mask))
			return opt_invalid(state, "--types", arg,
					   "an event list (comma list of consume, report, response, failure, error, all)");
		break;
	case 'd':
		return opt_seconds(state, "--duration", arg, 31536000, &env.duration_ns);
	case 'T':
		env.timestamp = true;
		break;
	case OPT_CSV:
		env.csv = true;
		break;
	case OPT_RINGBUF:
		if (opt_u32(state, "--ringbuf", arg, RINGBUF_KIB_MIN, RINGBUF_KIB_MAX,
			    &env.ringbuf_kib, "a ring buffer size in KiB (%u to %u)"))
			return EINVAL;
		if (env.ringbuf_kib & (env.ringbuf_kib - 1))
			return opt_invalid(state, "--ringbuf", arg, "a power of two");
		break;
	case ARGP_KEY_END:
		if (env.json && env.csv) {
			argp_error(state, "-j and --csv cannot be used together.");
			return EINVAL;
		}
		if (env.timestamp && (env.json || env.csv)) {
			argp_error(state, "-T applies to text output; -j and --csv records carry times.");
			return EINVAL;
		}
		if (env.events && env.failures) {
			argp_error(state, "-e and -f cannot be used together.");
			return EINVAL;
		}
		if ((env.events || env.failures) && env.nargs) {
			argp_error(state, "interval and count apply to histograms; use -d with -e or -f.");
			return EINVAL;
		}
		if (!(env.events || env.failures) && env.duration_ns) {
			argp_error(state, "-d applies to -e or -f; use interval and count for histograms.");
			return EINVAL;
		}
		if (env.ringbuf_kib != RINGBUF_KIB_DEFAULT && !(env.events || env.failures)) {
			argp_error(state, "--ringbuf applies to -e or -f.");
			return EINVAL;
		}
		if (env.failures)
			env.ev_mask = RIOMMU_EVM(RIOMMU_EV_FAILURE);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* CSV columns: NDJSON records' fields, fixed (docs/man/riommu-trace.8). */
static const char *const hist_csv_cols[] = {
	"schema", "type", "time", "interval", "cumulative", "iommu", "rid", "pasid", "unit",
	"count", "sum_ns", "avg", "p50", "p90", "p99", "p999", "max",
};
static const char *const event_csv_cols[] = {
	"schema", "type", "event", "ts_ns", "time_s", "iommu", "rid", "pasid", "prgi",
	"flags", "addr", "perm", "last", "ret", "code", "code_name", "lat_ns", "requests",
	"reason", "reason_name", "dev", "errors", "head", "tail",
};
static bool csv_header_done;

/* A record as NDJSON, or as CSV in the fixed columns. */
static void emit(struct record *rec, const char *const *cols, int ncols)
{
	struct record row;

	if (!env.csv) {
		emit_json(stdout, rec);
		return;
	}
	rec_project(&row, rec, cols, ncols);
	if (!csv_header_done) {
		emit_csv_header(stdout, &row);
		csv_header_done = true;
	}
	emit_csv(stdout, &row);
}

/* ---- histogram mode ---- */

/* A histogram's totals since start, in user space. */
struct hist_totals {
	__u64 log2[RIOMMU_LOG2_SLOTS];
	__u64 lin[RIOMMU_LIN_SLOTS + 1];
	__u64 fine[RIOMMU_FINE_SLOTS];
	struct riommu_lat lat;		/* lat.max[0] = interval max */
};

struct hslot {
	struct riommu_hist_key key;
	struct hist_totals prev;	/* totals at the previous read */
	struct hist_totals cur;		/* totals now */
	__u64 run_max;			/* max since start (cumulative mode) */
	bool live;			/* its key holds slot i of the table */
	__u64 active_ns;		/* last interval with a group */
};

/* hs[i]: the histogram whose key holds slot i of the BPF tables */
static struct hslot *hs;
static __u32 nhs;
static struct riommu_stats_table hist_stats;	/* hist_keys, hists, hist_bins */
/* a histogram this long without a group gives its slot back (not with -c) */
#define HIST_IDLE_NS	(60 * 1000000000ULL)

static int hkey_cmp(const void *a, const void *b)
{
	const struct riommu_hist_key *x = &(*(struct hslot *const *)a)->key;
	const struct riommu_hist_key *y = &(*(struct hslot *const *)b)->key;

	return riommu_key_cmp(x->iommu, x->rid, x->pasid, y->iommu, y->rid, y->pasid);
}

static void read_hists(int fd, const struct riommu_ro_map *kt, __u32 ended)
{
	struct riommu_hist_bins *bins = (struct riommu_hist_bins *)hist_stats.shared.mem;
	int ncpu = libbpf_num_possible_cpus(), c;
	size_t vsz = (sizeof(struct riommu_lat) + 7) & ~7UL;
	struct riommu_hist_bins taken;
	char *vals = calloc(ncpu, vsz);
	struct hslot *h;
	__u32 idx, j;

	if (!vals)
		return;
	for (idx = 0; idx < kt->n && idx < nhs; idx++) {
		__u64 tag = ((const volatile __u64 *)kt->tag)[idx];

		if (!tag || tag == RIOMMU_KEY_RETIRED || bpf_map_lookup_elem(fd, &idx, vals))
			continue;
		h = &hs[idx];
		if (!h->live) {	/* a new key in this slot */
			memset(h, 0, sizeof(*h));
			riommu_key_untag(tag, &h->key.iommu, &h->key.rid, &h->key.pasid);
			h->live = true;
			h->active_ns = riommu_mono_ns();
		}
		h->prev = h->cur;
		memset(&h->cur.lat, 0, sizeof(h->cur.lat));
		for (c = 0; c < ncpu; c++)
			riommu_lat_merge(&h->cur.lat, (void *)(vals + c * vsz), ended);
		/* the shared buckets hold the counts since the last read */
		riommu_take_counts(&bins[idx], (__u64 *)&taken, sizeof(taken) / 8);
		for (j = 0; j < RIOMMU_LOG2_SLOTS; j++)
			h->cur.log2[j] += taken.log2[j];
		for (j = 0; j <= RIOMMU_LIN_SLOTS; j++)
			h->cur.lin[j] += taken.lin[j];
		for (j = 0; j < RIOMMU_FINE_SLOTS; j++)
			h->cur.fine[j] += taken.fine.slot[j];
		if (h->cur.lat.max[0] > h->run_max)
			h->run_max = h->cur.lat.max[0];
	}
	free(vals);
}

/* What to show for one key: delta or cumulative. */
static void hist_view(const struct hslot *h, struct hist_totals *o)
{
	int j;

	*o = h->cur;
	if (env.cumulative) {
		o->lat.max[0] = h->run_max;
		return;
	}
	for (j = 0; j < RIOMMU_LOG2_SLOTS; j++)
		o->log2[j] -= h->prev.log2[j];
	for (j = 0; j <= RIOMMU_LIN_SLOTS; j++)
		o->lin[j] -= h->prev.lin[j];
	o->lat.count -= h->prev.lat.count;
	o->lat.sum -= h->prev.lat.sum;
	for (j = 0; j < RIOMMU_FINE_SLOTS; j++)
		o->fine[j] -= h->prev.fine[j];
}

static void key_label(char *buf, size_t n, const struct riommu_hist_key *k)
{
	int o;

	if (k->rid == RIOMMU_ANY) {
		snprintf(buf, n, "all requesters");
		return;
	}
	o = snprintf(buf, n, "iommu %u rid 0x%06x", k->iommu, k->rid);
	if (k->pasid == RIOMMU_NOPASID)
		snprintf(buf + o, n - o, " pasid -");
	else if (k->pasid != RIOMMU_ANY)
		snprintf(buf + o, n - o, " pasid %u", k->pasid);
}

static void json_hist_array(char *buf, size_t n, const __u64 *slots, unsigned ns, bool lin)
{
	size_t o = 0;
	unsigned i;
	__u64 lo, hi;
	bool first = true;

	o += snprintf(buf + o, n - o, "[");
	for (i = 0; i < ns && o < n; i++) {
		if (!slots[i])
			continue;
		if (lin) {
			lo = (__u64)i * env.lin_step;
			hi = i == ns - 1 ? 0 : lo + env.lin_step - 1;
		} else {
			log2_slot_range(i, &lo, &hi);
		}
		if (lin && i == ns - 1)
			o += snprintf(buf + o, n - o, "%s{\"low\":%llu,\"high\":null,\"count\":%llu}",
				      first ? "" : ",", (unsigned long long)lo,
				      (unsigned long long)slots[i]);
		else
			o += snprintf(buf + o, n - o, "%s{\"low\":%llu,\"high\":%llu,\"count\":%llu}",
				      first ? "" : ",", (unsigned long long)lo,
				      (unsigned long long)hi, (unsigned long long)slots[i]);
		first = false;
	}
	if (o < n)
		snprintf(buf + o, n - o, "]");
}

static void print_hists(double iv)
{
	const char *unit = env.ms ? "msecs" : "usecs";
	double div = env.ms ? 1e6 : 1e3;
	static char arr1[8192], arr2[16384];
	static struct hist_totals v;
	struct hslot **order;
	struct record rec;
	char label[96], tbuf[16];
	time_t t = time(NULL);
	int i, n = 0;
	__u32 j;

	order = calloc(nhs + 1, sizeof(*order));
	if (!order)
		return;
	for (j = 0; j < nhs; j++)
		if (hs[j].live)
			order[n++] = &hs[j];
	qsort(order, n, sizeof(*order), hkey_cmp);
	if (!env.json && !env.csv) {
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&t));
		printf("\n%s\n", tbuf);
	}
	for (i = 0; i < n; i++) {
		const struct riommu_lat *l;
		double p50, p90, p99, p999, avg, max;

		hist_view(order[i], &v);
		l = &v.lat;
		if (!l->count)
			continue;
		avg = (double)l->sum / l->count / div;
		p50 = fine_percentile(v.fine, RIOMMU_FINE_SLOTS, 50, l->max[0]) / div;
		p90 = fine_percentile(v.fine, RIOMMU_FINE_SLOTS, 90, l->max[0]) / div;
		p99 = fine_percentile(v.fine, RIOMMU_FINE_SLOTS, 99, l->max[0]) / div;
		p999 = fine_percentile(v.fine, RIOMMU_FINE_SLOTS, 99.9, l->max[0]) / div;
		max = l->max[0] / div;
		if (env.json || env.csv) {
			const struct riommu_hist_key *k = &order[i]->key;

			rec_start(&rec, "hist");
			REC_FIELDS(&rec, F_DBL("time", riommu_wall_s()), F_DBL("interval", iv),
				   F_U64("cumulative", env.cumulative),
				   F_OPT("iommu", k->rid != RIOMMU_ANY, k->iommu),
				   F_OPT("rid", k->rid != RIOMMU_ANY, k->rid),
				   F_OPT("pasid", k->pasid < RIOMMU_NOPASID, k->pasid),
				   F_STR("unit", env.ms ? "ms" : "us"),
				   F_U64("count", l->count), F_U64("sum_ns", l->sum),
				   F_DBL("avg", avg), F_DBL("p50", p50), F_DBL("p90", p90),
				   F_DBL("p99", p99), F_DBL("p999", p999), F_DBL("max", max));
			json_hist_array(arr1, sizeof(arr1), v.log2, RIOMMU_LOG2_SLOTS, false);
			rec_raw(&rec, "log2", arr1);
			if (env.lin_step) {
				json_hist_array(arr2, sizeof(arr2), v.lin, RIOMMU_LIN_SLOTS + 1, true);
				rec_raw(&rec, "linear", arr2);
			}
			emit(&rec, hist_csv_cols, ARRAY_SIZE(hist_csv_cols));
			continue;
		}
		key_label(label, sizeof(label), &order[i]->key);
		printf("\n%s\n", label);
		print_log2_hist(stdout, v.log2, RIOMMU_LOG2_SLOTS, unit);
		if (env.lin_step) {
			printf("\n");
			print_linear_hist(stdout, v.lin, RIOMMU_LIN_SLOTS, env.lin_step, unit);
		}
		printf("count %llu  avg %.1f  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f (%s)\n",
		       (unsigned long long)l->count, avg, p50, p90, p99, p999, max, unit);
	}
	fflush(stdout);
	free(order);
}

/* ---- event mode ---- */

static __u64 start_ns;
static struct riommu_grp_map grp_table;

static void flag_str(char *b, size_t n, __u32 f)
{
	char perm[8];

	riommu_flags_perm(perm, sizeof(perm), f);
	snprintf(b, n, "%s%s%s", perm, f & RIOMMU_F_L ? " L" : "",
		 f & RIOMMU_F_INJECTED ? " inj" : "");
}

/* Monotonic minus wall clock at start: -T turns event times into dates. */
static double mono_to_wall_s;

static void print_wall(__u64 ts_ns)
{
	double w = ts_ns / 1e9 + mono_to_wall_s;
	time_t t = (time_t)w;
	struct tm tm;
	char b[16];

	localtime_r(&t, &tm);
	strftime(b, sizeof(b), "%H:%M:%S", &tm);
	printf("%s.%03d ", b, (int)((w - t) * 1000));
}

static int handle_event(void *ctx, void *data, size_t len)
{
	const struct riommu_event *e = data;
	double rel = e->ts > start_ns ? (e->ts - start_ns) / 1e9 : 0;
	char pasid[16], rid[16], iommu[16], perm[8], detail[160], fl[16];
	bool pv = e->flags & RIOMMU_F_PV;
	struct record rec;

	if (len < sizeof(*e))
		return 0;
	if (env.json || env.csv) {
		char dev[RIOMMU_DEVNAME_LEN + 1];

		rec_start(&rec, "event");
		REC_FIELDS(&rec, F_STR("event", event_name(e->type)), F_U64("ts_ns", e->ts),
			   F_DBL("time_s", rel), F_OPT("iommu", e->iommu != RIOMMU_ANY, e->iommu));
		if (e->type == RIOMMU_EV_PQ_ERROR) {
			REC_FIELDS(&rec, F_U64("errors", (__u32)e->val), F_U64("head", e->prgi),
				   F_U64("tail", e->reason));
			emit(&rec, event_csv_cols, ARRAY_SIZE(event_csv_cols));
			return 0;
		}
		REC_FIELDS(&rec, F_U64("rid", e->rid), F_OPT("pasid", pv, e->pasid),
			   F_U64("prgi", e->prgi), F_U64("flags", e->flags));
		switch (e->type) {
		case RIOMMU_EV_CONSUME:
			rec_u64(&rec, "addr", e->addr);
			riommu_flags_perm(perm, sizeof(perm), e->flags);
			rec_str(&rec, "perm", perm);
			rec_u64(&rec, "last", !!(e->flags & RIOMMU_F_L));
			break;
		case RIOMMU_EV_REPORT:
			rec_s64(&rec, "ret", e->val);
			break;
		case RIOMMU_EV_RESPONSE:
			rec_u64(&rec, "code", (__u32)e->val);
			rec_str(&rec, "code_name", riommu_prgr_name(e->val));
			/* no request seen: no latency */
			REC_FIELDS(&rec, F_OPT("lat_ns", e->lat, e->lat),
				   F_OPT("requests", e->lat, e->reason));
			break;
		case RIOMMU_EV_FAILURE:
			rec_u64(&rec, "addr", e->addr);
			riommu_fault_perm(perm, sizeof(perm), e->perm);
			rec_str(&rec, "perm", perm);
			rec_u64(&rec, "code", (__u32)e->val);
			rec_str(&rec, "code_name", riommu_core_code_name(e->val));
			rec_u64(&rec, "reason", e->reason);
			rec_str(&rec, "reason_name", riommu_reason_name(e->reason));
			memcpy(dev, e->dev, RIOMMU_DEVNAME_LEN);
			dev[RIOMMU_DEVNAME_LEN] = 0;
			rec_str(&rec, "dev", dev);
			break;
		}
		emit(&rec, event_csv_cols, ARRAY_SIZE(event_csv_cols));
		return 0;
	}

	if (env.timestamp)
		print_wall(e->ts);
	snprintf(iommu, sizeof(iommu), e->iommu == RIOMMU_ANY ? "?" : "%u", e->iommu);
	snprintf(rid, sizeof(rid), "0x%06x", e->rid);
	if (pv)
		snprintf(pasid, sizeof(pasid), "%u", e->pasid);
	else
		strcpy(pasid, "-");
	if (env.failures) {
		riommu_fault_perm(perm, sizeof(perm), e->perm);
		printf("%-12.6f %-5s %-8s %-7s %-5u 0x%-16llx %-5s %-8s %-10s %s\n", rel, iommu,
		       rid, pasid, e->prgi, (unsigned long long)e->addr, perm,
		       riommu_core_code_name(e->val), riommu_reason_name(e->reason),
		       e->dev[0] ? e->dev : "-");
		return 0;
	}
	switch (e->type) {
	case RIOMMU_EV_CONSUME:
		flag_str(fl, sizeof(fl), e->flags);
		snprintf(detail, sizeof(detail), "addr=0x%llx %s", (unsigned long long)e->addr, fl);
		break;
	case RIOMMU_EV_REPORT:
		snprintf(detail, sizeof(detail), "ret=%d%s", e->val,
			 e->val == 0 ? " (reported)" :
			 e->val == -ENODEV ? " (unknown devid)" : "");
		break;
	case RIOMMU_EV_RESPONSE:
		if (e->lat)
			snprintf(detail, sizeof(detail), "code=%s lat=%.3fus requests=%u",
				 riommu_prgr_name(e->val), e->lat / 1e3, e->reason);
		else
			snprintf(detail, sizeof(detail), "code=%s lat=- (no request seen)",
				 riommu_prgr_name(e->val));
		break;
	case RIOMMU_EV_FAILURE:
		riommu_fault_perm(perm, sizeof(perm), e->perm);
		snprintf(detail, sizeof(detail), "addr=0x%llx perm=%s code=%s reason=%s dev=%s",
			 (unsigned long long)e->addr, perm, riommu_core_code_name(e->val),
			 riommu_reason_name(e->reason), e->dev[0] ? e->dev : "-");
		break;
	case RIOMMU_EV_PQ_ERROR:
		snprintf(detail, sizeof(detail), "errors=%s%s head=%u tail=%u",
			 e->val & RIOMMU_PQ_OVF ? "PQOF " : "", e->val & RIOMMU_PQ_MF ? "PQMF " : "",
			 e->prgi, e->reason);
		printf("%-12.6f %-8s %-5s %-8s %-7s %-5s %s\n", rel, "error", iommu, "-", "-", "-",
		       detail);
		return 0;
	default:
		return 0;
	}
	printf("%-12.6f %-8s %-5s %-8s %-7s %-5u %s\n", rel, event_name(e->type), iommu, rid,
	       pasid, e->prgi, detail);
	return 0;
}

/* At exit: the drop counters, a "drops" record with -j, else stderr if any. */
static void report_drops(struct riommu_trace_bpf *skel)
{
	__u64 drops[RIOMMU_DROP_MAX];

	riommu_grp_reclaim(&grp_table);
	riommu_read_drops(bpf_map__fd(skel->maps.drops), drops);
	drops[RIOMMU_DROP_GRP_DISCARDED] += grp_table.reclaimed;
	if (env.json) {
		struct record rec;

		rec_start(&rec, "drops");
		riommu_rec_drops(&rec, drops, (const int[]){ RIOMMU_DROP_RINGBUF,
				 RIOMMU_DROP_GRP_FULL, RIOMMU_DROP_NO_REQ,
				 RIOMMU_DROP_GRP_UNANSWERED, RIOMMU_DROP_GRP_DISCARDED }, 5);
		emit_json(stdout, &rec);
	} else if (drops[RIOMMU_DROP_RINGBUF] || drops[RIOMMU_DROP_GRP_FULL]) {
		fprintf(stderr, "riommu-trace: lost %llu events (ring buffer full), %llu groups "
			"(group table full)\n", (unsigned long long)drops[RIOMMU_DROP_RINGBUF],
			(unsigned long long)drops[RIOMMU_DROP_GRP_FULL]);
	}
}

/* Once a second: events lost to a full ring buffer since the last call. */
static void warn_lost(struct riommu_trace_bpf *skel, __u64 *seen)
{
	__u64 drops[RIOMMU_DROP_MAX];

	if (riommu_read_drops(bpf_map__fd(skel->maps.drops), drops) ||
	    drops[RIOMMU_DROP_RINGBUF] == *seen)
		return;
	fprintf(stderr, "riommu-trace: lost %llu events in the last second (ring buffer full: "
		"raise --ringbuf or trace fewer events)\n",
		(unsigned long long)(drops[RIOMMU_DROP_RINGBUF] - *seen));
	*seen = drops[RIOMMU_DROP_RINGBUF];
}

static int run_events(struct riommu_trace_bpf *skel)
{
	struct ring_buffer *rb;
	__u64 end, next_reclaim, lost = 0;
	int err = 0;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "riommu-trace: cannot open the ring buffer: %s\n", strerror(errno));
		return 1;
	}
	if (!env.json && !env.csv) {
		if (env.timestamp)
			printf("%-12s ", "TIME");
		if (env.failures)
			printf("%-12s %-5s %-8s %-7s %-5s %-18s %-5s %-8s %-10s %s\n", "TIME(s)",
			       "IOMMU", "RID", "PASID", "GRPID", "ADDR", "PERM", "CODE", "REASON",
			       "DEVICE");
		else
			printf("%-12s %-8s %-5s %-8s %-7s %-5s %s\n", "TIME(s)", "EVENT", "IOMMU",
			       "RID", "PASID", "PRGI", "DETAIL");
	}
	end = env.duration_ns ? start_ns + env.duration_ns : 0;
	next_reclaim = riommu_mono_ns() + 1000000000ULL;
	while (!riommu_exiting && (!end || riommu_mono_ns() < end)) {
		if (riommu_mono_ns() >= next_reclaim) {
			riommu_grp_reclaim(&grp_table);
			warn_lost(skel, &lost);
			next_reclaim += 1000000000ULL;
		}
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "riommu-trace: ring buffer poll: %s\n", strerror(-err));
			break;
		}
		err = 0;
		fflush(stdout);
	}
	ring_buffer__consume(rb);
	report_drops(skel);
	fflush(stdout);
	ring_buffer__free(rb);
	return err ? 1 : 0;
}

/* Without -D and -P: one histogram, pinned to slot 0 (hist_pinned). */
static bool one_histogram(void)
{
	return !env.per_rid && !env.per_pasid;
}

/* One histogram interval: read the table, print. */
/* Keys idle for HIST_IDLE_NS give their slot back (PASIDs come and go). */
static void retire_idle_hists(__u64 now)
{
	__u32 i;

	if (env.cumulative || one_histogram())
		return;
	for (i = 0; i < nhs; i++) {
		struct hslot *h = &hs[i];

		if (!h->live)
			continue;
		if (h->cur.lat.count != h->prev.lat.count)
			h->active_ns = now;
		else if (now - h->active_ns >= HIST_IDLE_NS && riommu_stats_retire(&hist_stats, i))
			h->live = false;
	}
	riommu_stats_sweep(&hist_stats);
}

static void tick(void *ctx, __u32 ended, __u64 now, double iv)
{
	struct riommu_trace_bpf *skel = ctx;

	riommu_grp_reclaim(&grp_table);
	read_hists(bpf_map__fd(skel->maps.hists), &hist_stats.tags, ended);
	print_hists(iv);
	retire_idle_hists(now);
}

int main(int argc, char **argv)
{
	struct riommu_tp tps[ARRAY_SIZE(riommu_tps)];
	struct riommu_trace_bpf *skel = NULL;
	int noattach, err;
	bool ev;

	if (common_argp_parse(opts, parse_arg, doc, &env.common, argc, argv))
		return 2;
	ev = env.events || env.failures;
	memcpy(tps, riommu_tps, sizeof(tps));
	if (env.failures)
		tps[TP_IOPF_FAILURE].required = true;
	noattach = riommu_tool_begin("riommu-trace", &env.common, tps, ARRAY_SIZE(tps));
	if (noattach < 0)
		return 1;

	skel = riommu_trace_bpf__open();
	if (!skel) {
		riommu_open_error("riommu-trace");
		return 1;
	}
	RIOMMU_COMMON_RODATA(skel, &env.common);
	skel->rodata->events_mode = ev;
	skel->rodata->ev_mask = env.ev_mask;
	skel->rodata->per_rid = env.per_rid;
	skel->rodata->per_pasid = env.per_pasid;
	skel->rodata->targ_ms = env.ms;
	skel->rodata->lin_step = env.lin_step;
	if (ev && (env.ev_mask & RIOMMU_EVM(RIOMMU_EV_FAILURE))) {
		skel->rodata->dev_name_off = riommu_dev_name_offset();
		if (skel->rodata->dev_name_off == RIOMMU_NO_OFFSET && env.verbose)
			fprintf(stderr, "riommu-trace: no kernel BTF to find device names in: "
				"failures show dev \"\" (give --btf FILE)\n");
	}
	/* only what the mode needs; consume, response and pq_error always pair groups */
	if (!ev || !(env.ev_mask & RIOMMU_EVM(RIOMMU_EV_REPORT)))
		bpf_program__set_autoload(skel->progs.trace_pq_report, false);
	if (!ev || !(env.ev_mask & RIOMMU_EVM(RIOMMU_EV_FAILURE)) ||
	    !tps[TP_IOPF_FAILURE].present)
		bpf_program__set_autoload(skel->progs.trace_iopf_failure, false);
	if (!ev) {
		bpf_map__set_max_entries(skel->maps.events, 4096);
		if (one_histogram()) {
			skel->rodata->hist_pinned = true;
			skel->rodata->nhists = riommu_table_size(skel->maps.hist_keys,
								 skel->maps.hists, 1);
		}
	} else {
		bpf_map__set_max_entries(skel->maps.events, env.ringbuf_kib * 1024);
		/* histograms unused: smallest tables */
		skel->rodata->nhists = riommu_table_size(skel->maps.hist_keys, skel->maps.hists, 1);
	}
	bpf_map__set_max_entries(skel->maps.hist_bins, skel->rodata->nhists);

	err = 1;
	if (riommu_tool_load_attach("riommu-trace", skel->skeleton, noattach))
		goto cleanup;
	if (riommu_grp_mmap(skel->maps.groups, skel->maps.pq_error_ts, &grp_table)) {
		fprintf(stderr, "riommu-trace: cannot map the group table: %s\n", strerror(errno));
		goto cleanup;
	}
	start_ns = riommu_mono_ns();
	mono_to_wall_s = riommu_wall_s() - start_ns / 1e9;
	if (env.json)
		riommu_emit_clock("riommu-trace");
	if (ev) {
		if (!env.json && !env.csv)
			fprintf(stderr, "Tracing RISC-V IOMMU %s... Hit Ctrl-C to end.\n",
				env.failures ? "failure notifications" : "page request events");
		err = run_events(skel);
		goto cleanup;
	}

	nhs = skel->rodata->nhists;
	hs = calloc(nhs, sizeof(*hs));
	hist_stats.vals_fd = bpf_map__fd(skel->maps.hists);
	hist_stats.val_size = (sizeof(struct riommu_lat) + 7) & ~7UL;
	hist_stats.shared_size = sizeof(struct riommu_hist_bins);
	if (!hs || riommu_rw_mmap(skel->maps.hist_keys, &hist_stats.tags) ||
	    riommu_rw_mmap(skel->maps.hist_bins, &hist_stats.shared)) {
		fprintf(stderr, "riommu-trace: cannot map the histogram table: %s\n", strerror(errno));
		goto cleanup;
	}
	if (skel->rodata->hist_pinned)	/* the one key; never retired */
		((__u64 *)hist_stats.tags.tag)[0] = riommu_key_tag(RIOMMU_ANY, RIOMMU_ANY,
								   RIOMMU_ANY);
	if (!env.json && !env.csv)
		fprintf(stderr, "Tracing RISC-V IOMMU request-to-PRGR latency... Hit Ctrl-C to end.\n");
	/* interval 0: one histogram at Ctrl-C, so a signal still prints */
	riommu_run_intervals(&(struct riommu_intervals){
		.start_ns = start_ns, .interval_ns = env.interval_ns,
		.count = env.count, .partial = true,
		.epoch = &skel->bss->epoch, .tick = tick, .ctx = skel,
	});
	report_drops(skel);
	err = 0;
cleanup:
	riommu_grp_munmap(&grp_table);
	riommu_ro_munmap(&hist_stats.tags);
	riommu_ro_munmap(&hist_stats.shared);
	riommu_trace_bpf__destroy(skel);
	free(hs);
	return err;
}
