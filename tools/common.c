// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "opts.h"
#include "output.h"

volatile sig_atomic_t riommu_exiting;
bool riommu_verbose;

const struct riommu_tp riommu_tps[5] = {
	[TP_CONSUME] = { "riscv_iommu", "pq_consume", true },
	[TP_REPORT] = { "riscv_iommu", "pq_report", true },
	[TP_RESPONSE] = { "riscv_iommu", "page_response", true },
	[TP_PQ_ERROR] = { "riscv_iommu", "pq_error", true },
	[TP_IOPF_FAILURE] = { "iommu", "iopf_failure", false },
};

static const char *const drop_fields[RIOMMU_DROP_MAX] = {
	[RIOMMU_DROP_GRP_FULL] = "drop_group_table_full",
	[RIOMMU_DROP_NO_REQ] = "drop_response_without_request",
	[RIOMMU_DROP_ROW_FULL] = "drop_stats_table_full",
	[RIOMMU_DROP_RINGBUF] = "drop_ringbuf_full",
	[RIOMMU_DROP_GRP_UNANSWERED] = "groups_unanswered",
	[RIOMMU_DROP_GRP_DISCARDED] = "groups_discarded",
};

int riommu_libbpf_print(int level, const char *fmt, va_list ap)
{
	if (!riommu_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void riommu_setup_libbpf(bool verbose)
{
	riommu_verbose = verbose;
	libbpf_set_print((libbpf_print_fn_t)riommu_libbpf_print);
}

static void on_signal(int sig)
{
	(void)sig;
	riommu_exiting = 1;
}

int riommu_setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: sleeps and polls return early on Ctrl-C */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

static const char *tracefs_root(void)
{
	static const char *const cands[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	static char buf[512];
	const char *env = getenv("RIOMMU_TRACEFS");
	struct stat st;
	size_t i;

	if (env && *env)
		return env;
	for (i = 0; i < ARRAY_SIZE(cands); i++) {
		snprintf(buf, sizeof(buf), "%s/events", cands[i]);
		if (!stat(buf, &st) && S_ISDIR(st.st_mode))
			return cands[i];
	}
	return NULL;
}

const char *riommu_btf_path;

/* The kernel's BTF: --btf FILE, else /sys/kernel/btf/vmlinux; NULL if none. */
static struct btf *kernel_btf(void)
{
	return riommu_btf_path ? btf__parse(riommu_btf_path, NULL) : btf__load_vmlinux_btf();
}

int riommu_check_tracepoints(const char *tool, struct riommu_tp *tps, int n)
{
	const char *root = tracefs_root();
	struct btf *btf = NULL;
	char path[600];
	struct stat st;
	int i;

	if (!root) {
		btf = kernel_btf();
		if (!btf) {
			fprintf(stderr, "%s: cannot look for the riscv_iommu tracepoints: "
				"tracefs is not mounted and there is no kernel BTF to look in "
				"(mount -t tracefs nodev /sys/kernel/tracing, or give --btf FILE).\n",
				tool);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (root) {
			snprintf(path, sizeof(path), "%s/events/%s/%s", root,
				 tps[i].system, tps[i].name);
			tps[i].present = !stat(path, &st);
		} else {
			snprintf(path, sizeof(path), "btf_trace_%s", tps[i].name);
			tps[i].present = btf__find_by_name_kind(btf, path, BTF_KIND_TYPEDEF) > 0;
		}
	}
	btf__free(btf);
	for (i = 0; i < n; i++) {
		if (tps[i].required && !tps[i].present) {
			fprintf(stderr, "%s: this kernel has no %s:%s tracepoint; "
				"run it on a kernel built with CONFIG_RISCV_IOMMU_PRI and the "
				"riommu tracepoint patches (the riommu lab kernel).\n",
				tool, tps[i].system, tps[i].name);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		if (!tps[i].present && riommu_verbose)
			fprintf(stderr, "%s: %s:%s not found, not traced\n", tool,
				tps[i].system, tps[i].name);
	return 0;
}

int riommu_tool_begin(const char *tool, const struct common_opts *o, struct riommu_tp *tps,
		      int n)
{
	int i;

	riommu_setup_libbpf(o->verbose);
	riommu_btf_path = o->btf_path;
	if (getenv("RIOMMU_TEST_NOATTACH")) {
		for (i = 0; i < n; i++)
			tps[i].present = true;
		return 1;
	}
	return riommu_check_tracepoints(tool, tps, n);
}

void riommu_open_error(const char *tool)
{
	fprintf(stderr, "%s: failed to open the BPF object: %s\n", tool, strerror(errno));
}

__u32 riommu_dev_name_offset(void)
{
	const char *const path[][2] = { { "device", "kobj" }, { "kobject", "name" } };
	struct btf *btf = kernel_btf();
	__u32 off = btf ? 0 : RIOMMU_NO_OFFSET;
	size_t i;

	for (i = 0; btf && i < ARRAY_SIZE(path); i++) {
		int id = btf__find_by_name_kind(btf, path[i][0], BTF_KIND_STRUCT);
		const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
		const struct btf_member *m = t ? btf_members(t) : NULL;
		int j, n = t ? btf_vlen(t) : 0;

		for (j = 0; j < n; j++, m++)
			if (!strcmp(btf__name_by_offset(btf, m->name_off), path[i][1]))
				break;
		if (j == n) {
			off = RIOMMU_NO_OFFSET;
			break;
		}
		off += btf_member_bit_offset(t, j) / 8;
	}
	btf__free(btf);
	return off;
}

/* One sentence that names what is missing: privileges, or what failed. */
static void riommu_load_error(const char *tool, int err)
{
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "%s: not allowed to load BPF programs (%s): run it as root, "
			"or with CAP_BPF and CAP_PERFMON.\n", tool, strerror(-err));
	else
		fprintf(stderr, "%s: failed to load the BPF programs: %s "
			"(-v shows the verifier log).\n", tool, strerror(-err));
}

int riommu_tool_load_attach(const char *tool, struct bpf_object_skeleton *s, bool noattach)
{
	int err;

	if (riommu_select_attach(tool, *s->obj, noattach) < 0)
		return -1;
	err = bpf_object__load_skeleton(s);
	if (err) {
		riommu_load_error(tool, err);
		return -1;
	}
	err = noattach ? 0 : bpf_object__attach_skeleton(s);
	if (err) {
		fprintf(stderr, "%s: failed to attach to the riommu tracepoints: %s.\n",
			tool, strerror(-err));
		return -1;
	}
	if (riommu_setup_signals()) {
		fprintf(stderr, "%s: cannot set signal handlers\n", tool);
		return -1;
	}
	return 0;
}

void riommu_run_intervals(const struct riommu_intervals *iv)
{
	__u64 last = iv->start_ns, now;
	__u64 next = iv->interval_ns ? iv->start_ns + iv->interval_ns : ~0ULL;
	long count = iv->count;
	__u32 ended;
	bool woke;

	while (count != 0) {
		woke = riommu_sleep_until(next);
		now = riommu_mono_ns();
		ended = *iv->epoch;
		if (!woke && !iv->partial)
			break;
		*iv->epoch = ended + 1;
		iv->tick(iv->ctx, ended, now, (now - last) / 1e9);
		last = now;
		if (!woke)
			break;
		next += iv->interval_ns;
		if (count > 0)
			count--;
	}
}

const char *const riommu_attach_names[2] = {
	[RIOMMU_ATTACH_RAW_TP] = "raw_tp",
	[RIOMMU_ATTACH_TP_BTF] = "tp_btf",
};

/* Event name of a program in the section "<prefix><event>", else NULL. */
static const char *prog_event(const struct bpf_program *p, const char *prefix)
{
	const char *s = bpf_program__section_name(p);
	size_t n = strlen(prefix);

	return s && !strncmp(s, prefix, n) ? s + n : NULL;
}

static struct bpf_program *raw_tp_prog(struct bpf_object *obj, const char *event)
{
	struct bpf_program *p;
	const char *e;

	bpf_object__for_each_program(p, obj) {
		e = prog_event(p, "raw_tp/");
		if (e && !strcmp(e, event))
			return p;
	}
	return NULL;
}

/* tp_btf works when every wanted event has its BTF type and the kernel loads one. */
static bool tp_btf_usable(struct bpf_object *obj, char *why, size_t len)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP);
	struct btf *btf = btf__load_vmlinux_btf();
	struct bpf_program *p;
	char name[128];
	int id, fd;

	if (!btf) {
		snprintf(why, len, "the kernel has no BTF");
		return false;
	}
	bpf_object__for_each_program(p, obj) {
		const char *e = prog_event(p, "raw_tp/");

		if (!e || !bpf_program__autoload(p))
			continue;
		snprintf(name, sizeof(name), "btf_trace_%s", e);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
		if (id <= 0) {
			snprintf(why, len, "no %s in the kernel's BTF", name);
			btf__free(btf);
			return false;
		}
		if (!o.attach_btf_id)
			o.attach_btf_id = id;
	}
	btf__free(btf);
	if (!o.attach_btf_id) {
		snprintf(why, len, "no event wanted");
		return false;
	}
	/* the type alone does not say the kernel takes tp_btf programs */
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", ret0, ARRAY_SIZE(ret0), &o);
	if (fd < 0) {
		snprintf(why, len, "the kernel refuses tp_btf programs (%s)", strerror(errno));
		return false;
	}
	close(fd);
	snprintf(why, len, "the kernel's BTF describes the tracepoints");
	return true;
}

int riommu_select_attach(const char *tool, struct bpf_object *obj, bool test_run)
{
	const char *env = getenv("RIOMMU_ATTACH"), *e;
	int want = -1, type = RIOMMU_ATTACH_RAW_TP;
	struct bpf_program *p, *raw;
	char why[160];

	if (env && *env && strcmp(env, "auto")) {
		if (!strcmp(env, "raw_tp")) {
			want = RIOMMU_ATTACH_RAW_TP;
		} else if (!strcmp(env, "tp_btf")) {
			want = RIOMMU_ATTACH_TP_BTF;
		} else {
			fprintf(stderr, "%s: RIOMMU_ATTACH must be tp_btf, raw_tp or auto, "
				"not '%s'.\n", tool, env);
			return -1;
		}
	}
	if (test_run) {
		snprintf(why, sizeof(why), "BPF_PROG_TEST_RUN drives the programs");
	} else if (want == RIOMMU_ATTACH_RAW_TP) {
		snprintf(why, sizeof(why), "RIOMMU_ATTACH=raw_tp");
	} else if (tp_btf_usable(obj, why, sizeof(why))) {
		type = RIOMMU_ATTACH_TP_BTF;
		if (want == RIOMMU_ATTACH_TP_BTF)
			snprintf(why, sizeof(why), "RIOMMU_ATTACH=tp_btf");
	} else if (want == RIOMMU_ATTACH_TP_BTF) {
		fprintf(stderr, "%s: RIOMMU_ATTACH=tp_btf, but %s.\n", tool, why);
		return -1;
	}
	bpf_object__for_each_program(p, obj) {
		e = prog_event(p, "tp_btf/");
		if (!e)
			continue;
		raw = raw_tp_prog(obj, e);
		if (type == RIOMMU_ATTACH_TP_BTF && raw) {
			bpf_program__set_autoload(p, bpf_program__autoload(raw));
			bpf_program__set_autoload(raw, false);
		} else {
			bpf_program__set_autoload(p, false);
		}
	}
	if (riommu_verbose)
		fprintf(stderr, "%s: attach type %s (%s)\n", tool, riommu_attach_names[type], why);
	return type;
}

uint64_t riommu_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

double riommu_wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool riommu_sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / 1000000000ULL,
		.tv_nsec = deadline % 1000000000ULL,
	};

	while (!riommu_exiting) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

		if (!err)
			return true;
		if (err != EINTR)
			return false;
	}
	return false;
}

int riommu_read_drops(int fd, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus(), i, c;
	__u64 *v;

	if (ncpu <= 0)
		return -EINVAL;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < RIOMMU_DROP_MAX; i++) {
		__u32 k = i;

		out[i] = 0;
		if (bpf_map_lookup_elem(fd, &k, v))
			continue;
		for (c = 0; c < ncpu; c++)
			out[i] += v[c];
	}
	free(v);
	return 0;
}

void riommu_emit_clock(const char *tool)
{
	__u64 m0 = riommu_mono_ns();
	double wall = riommu_wall_s();
	__u64 m1 = riommu_mono_ns();
	struct record rec;

	rec_start(&rec, "clock");
	REC_FIELDS(&rec, F_STR("tool", tool), F_DBL("time", wall),
		   F_U64("ts_ns", m0 + (m1 - m0) / 2));
	emit_json(stdout, &rec);
}

void riommu_rec_drops(struct record *rec, const __u64 *drops, const int *which, int n)
{
	int i;

	for (i = 0; i < n; i++)
		rec_u64(rec, drop_fields[which[i]], drops[which[i]]);
}

void riommu_lat_merge(struct riommu_lat *dst, const struct riommu_lat *src, __u32 ended)
{
	__u32 s = ended & 1;

	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max_epoch[s] == ended && src->max[s] > dst->max[0])
		dst->max[0] = src->max[s];
}

void riommu_take_counts(void *shared, __u64 *out, unsigned int n)
{
	__u64 *c = shared, v;
	unsigned int i;

	for (i = 0; i < n; i++) {
		v = __atomic_load_n(&c[i], __ATOMIC_RELAXED);
		if (v)	/* what BPF adds meanwhile stays for the next read */
			__atomic_fetch_sub(&c[i], v, __ATOMIC_RELAXED);
		out[i] = v;
	}
}

bool riommu_stats_retire(struct riommu_stats_table *t, __u32 idx)
{
	__u64 *tag = (__u64 *)t->tags.tag + idx, old = *(volatile __u64 *)tag;

	if (!old || old == RIOMMU_KEY_RETIRED)
		return false;
	return __atomic_compare_exchange_n(tag, &old, RIOMMU_KEY_RETIRED, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

unsigned int riommu_stats_sweep(struct riommu_stats_table *t)
{
	__u64 *tags = (__u64 *)t->tags.tag, tag, expect;
	__u32 n = t->tags.n, p, q, h;
	unsigned int freed = 0;
	bool needed;
	void *zero;

	zero = calloc(libbpf_num_possible_cpus(), t->val_size);
	if (!zero)
		return 0;
	for (p = 0; p < n; p++) {
		if (__atomic_load_n(&tags[p], __ATOMIC_RELAXED) != RIOMMU_KEY_RETIRED)
			continue;
		/* needed while a key sits past it on its own probe sequence */
		needed = false;
		for (q = (p + 1) & (n - 1); q != p && !needed; q = (q + 1) & (n - 1)) {
			tag = __atomic_load_n(&tags[q], __ATOMIC_RELAXED);
			if (!tag)
				break;	/* no key probes past an empty slot */
			if (tag == RIOMMU_KEY_RETIRED)
				continue;
			h = riommu_key_hash(tag) & (n - 1);
			needed = ((p - h) & (n - 1)) < ((q - h) & (n - 1));
		}
		if (needed)
			continue;
		/* a slot handed out again starts from zero */
		bpf_map_update_elem(t->vals_fd, &p, zero, BPF_ANY);
		if (t->shared.mem)
			memset((char *)t->shared.mem + (size_t)p * t->shared_size, 0, t->shared_size);
		expect = RIOMMU_KEY_RETIRED;
		if (__atomic_compare_exchange_n(&tags[p], &expect, 0, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			freed++;
	}
	free(zero);
	return freed;
}

int riommu_key_find(const struct riommu_ro_map *tags, __u64 tag)
{
	__u32 h = riommu_key_hash(tag), i, idx;

	for (i = 0; i < RIOMMU_KEY_PROBES && tags->n; i++) {
		idx = (h + i) & (tags->n - 1);
		if (((const volatile __u64 *)tags->tag)[idx] == tag)
			return idx;
	}
	return -1;
}

int riommu_key_cmp(__u32 iommu_a, __u32 rid_a, __u32 pasid_a,
		   __u32 iommu_b, __u32 rid_b, __u32 pasid_b)
{
	const __u32 a[] = { iommu_a, rid_a, pasid_a }, b[] = { iommu_b, rid_b, pasid_b };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a); i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

const char *riommu_prgr_name(unsigned code)
{
	switch (code) {
	case RIOMMU_PRGR_SUCCESS: return "Success";
	case RIOMMU_PRGR_INVALID: return "Invalid";
	case RIOMMU_PRGR_FAILURE: return "Failure";
	default: return "Unknown";
	}
}

const char *riommu_core_code_name(unsigned code)
{
	static const char *const n[] = { "Success", "Invalid", "Failure" };

	return code < ARRAY_SIZE(n) ? n[code] : "Unknown";
}

const char *riommu_reason_name(unsigned reason)
{
	static const char *const n[] = {
		[1] = "no-handler", [2] = "handler", [3] = "nomem",
		[4] = "teardown", [5] = "report",
	};

	return reason && reason < ARRAY_SIZE(n) ? n[reason] : "unknown";
}

static void perm_str(char *buf, size_t len, bool r, bool w, bool x, bool p)
{
	snprintf(buf, len, "%c%c%c%s", r ? 'r' : '-', w ? 'w' : '-', x ? 'x' : '-',
		 p ? "p" : "");
}

void riommu_flags_perm(char *buf, size_t len, __u32 f)
{
	perm_str(buf, len, f & RIOMMU_F_R, f & RIOMMU_F_W, f & RIOMMU_F_X, f & RIOMMU_F_PRIV);
}

void riommu_fault_perm(char *buf, size_t len, __u32 perm)
{
	/* IOMMU_FAULT_PERM_READ/WRITE/EXEC/PRIV = bits 0..3 */
	perm_str(buf, len, perm & 1, perm & 2, perm & 4, perm & 8);
}

__u32 riommu_grp_size(struct bpf_map *map, __u32 slots)
{
	__u32 need = (slots + RIOMMU_PRGI_N - 1) / RIOMMU_PRGI_N, b = 1;

	while (b < need)	/* power of two: the BPF side masks */
		b <<= 1;
	/* one value per PRG index with its b slots (bpf/riommu_common.bpf.h) */
	bpf_map__set_max_entries(map, RIOMMU_PRGI_N);
	bpf_map__set_value_size(map, b * sizeof(struct riommu_grp));
	return b;
}

static int map_mmap(struct bpf_map *map, struct riommu_ro_map *m, int prot)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t elem = (bpf_map__value_size(map) + 7) & ~7UL;	/* the kernel's stride */
	void *p;

	m->n = bpf_map__max_entries(map);
	m->len = ((size_t)m->n * elem + pg - 1) / pg * pg;
	p = mmap(NULL, m->len, prot, MAP_SHARED, bpf_map__fd(map), 0);
	m->mem = p == MAP_FAILED ? NULL : p;
	return m->mem ? 0 : -errno;
}

int riommu_ro_mmap(struct bpf_map *map, struct riommu_ro_map *m)
{
	return map_mmap(map, m, PROT_READ);
}

int riommu_rw_mmap(struct bpf_map *map, struct riommu_ro_map *m)
{
	return map_mmap(map, m, PROT_READ | PROT_WRITE);
}

int riommu_grp_mmap(struct bpf_map *groups, struct bpf_map *pq_error_ts,
		    struct riommu_grp_map *m)
{
	int err = map_mmap(groups, &m->grp, PROT_READ | PROT_WRITE);

	/* slots, not values: a value holds the slots of one PRG index */
	m->grp.n = m->grp.len / sizeof(struct riommu_grp);
	if (!err)
		err = map_mmap(pq_error_ts, &m->pq_error_ts, PROT_READ);
	if (err)
		riommu_grp_munmap(m);
	return err;
}

void riommu_grp_munmap(struct riommu_grp_map *m)
{
	riommu_ro_munmap(&m->grp);
	riommu_ro_munmap(&m->pq_error_ts);
}

__u64 riommu_grp_reclaim(struct riommu_grp_map *m)
{
	struct riommu_grp *g = (struct riommu_grp *)m->grp.grp;
	const volatile __u64 *err_ts = m->pq_error_ts.tag;
	__u64 tag, ts, n = 0;
	__u32 i;

	if (!g || !err_ts)
		return 0;
	for (i = 0; i < m->grp.n; i++, g++) {
		tag = __atomic_load_n(&g->tag, __ATOMIC_ACQUIRE);
		if (!tag || (tag & RIOMMU_GRP_BUSY))
			continue;
		ts = __atomic_load_n(&g->ts, __ATOMIC_RELAXED);
		if (!ts || ts >= err_ts[(tag >> 56) & (RIOMMU_IOMMU_SLOTS - 1)] ||
		    (__atomic_load_n(&g->flags, __ATOMIC_RELAXED) & RIOMMU_F_L))
			continue;
		/* owned like the BPF side owns a slot it closes */
		if (!__atomic_compare_exchange_n(&g->tag, &tag, tag | RIOMMU_GRP_BUSY, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			continue;
		if (__atomic_load_n(&g->flags, __ATOMIC_RELAXED) & RIOMMU_F_L) {
			/* its last request came in meanwhile: leave it */
			__atomic_store_n(&g->tag, tag, __ATOMIC_RELEASE);
			continue;
		}
		g->ts = 0;
		g->nreq = 0;
		g->flags = 0;
		__atomic_store_n(&g->tag, 0, __ATOMIC_RELEASE);
		n++;
	}
	m->reclaimed += n;
	return n;
}

void riommu_ro_munmap(struct riommu_ro_map *m)
{
	if (m->mem)
		munmap((void *)m->mem, m->len);
	m->mem = NULL;
}

bool riommu_grp_get(const struct riommu_ro_map *t, __u32 i, struct riommu_grp *g,
		    struct riommu_grp_key *k)
{
	const volatile struct riommu_grp *s = &t->grp[i];

	g->tag = s->tag;
	if (!g->tag)
		return false;
	g->ts = s->ts;
	g->addr = s->addr;
	g->nreq = s->nreq;
	g->flags = s->flags;
	/* skip slots being filled in or recycled while we copied */
	if (!g->ts || s->tag != g->tag)
		return false;
	riommu_grp_untag(g->tag, k);
	return true;
}

__u32 riommu_table_size(struct bpf_map *tags, struct bpf_map *vals, __u32 n)
{
	__u32 p = 1;

	while (p < n)
		p <<= 1;
	bpf_map__set_max_entries(tags, p);
	bpf_map__set_max_entries(vals, p);
	return p;
}
