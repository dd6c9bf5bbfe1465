// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include "opts.h"
#include "riommu.h"

int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double max_s, __u64 *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > max_s)
		return -EINVAL;
	*out = (__u64)(v * 1e9 + 0.5);
	return *out ? 0 : -EINVAL;
}

int parse_rid(const char *s, __u32 *out)
{
	unsigned bus, dev, fn;
	char tail;

	if (s && strchr(s, ':')) {
		if (sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3 ||
		    bus > 0xff || dev > 0x1f || fn > 7)
			return -EINVAL;
		*out = bus << 8 | dev << 3 | fn;
		return 0;
	}
	return parse_u32(s, 0, 0xffffff, out);
}

static const char *const ev_names[] = {
	[RIOMMU_EV_CONSUME] = "consume",
	[RIOMMU_EV_REPORT] = "report",
	[RIOMMU_EV_RESPONSE] = "response",
	[RIOMMU_EV_FAILURE] = "failure",
	[RIOMMU_EV_PQ_ERROR] = "error",
};

const char *event_name(unsigned t)
{
	return t && t < sizeof(ev_names) / sizeof(ev_names[0]) ? ev_names[t] : "?";
}

int parse_event_mask(const char *s, __u32 *mask)
{
	char buf[128], *tok, *save = NULL;
	__u32 m = 0;
	unsigned t;

	if (!s || !*s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			m |= RIOMMU_EVM(RIOMMU_EV_CONSUME) | RIOMMU_EVM(RIOMMU_EV_REPORT) |
			     RIOMMU_EVM(RIOMMU_EV_RESPONSE) | RIOMMU_EVM(RIOMMU_EV_FAILURE) |
			     RIOMMU_EVM(RIOMMU_EV_PQ_ERROR);
			continue;
		}
		for (t = 1; t < sizeof(ev_names) / sizeof(ev_names[0]); t++)
			if (!strcmp(tok, ev_names[t]))
				break;
		if (t == sizeof(ev_names) / sizeof(ev_names[0]))
			return -EINVAL;
		m |= RIOMMU_EVM(t);
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

/* The key of the long option name in an argp and its children, 0 if none. */
static int option_key(const struct argp *argp, const char *name)
{
	const struct argp_option *o;
	const struct argp_child *c;
	int key;

	for (o = argp->options; o && (o->name || o->key); o++)
		if (o->name && !strcmp(o->name, name))
			return o->key;
	for (c = argp->children; c && c->argp; c++) {
		key = option_key(c->argp, name);
		if (key)
			return key;
	}
	return 0;
}

static bool within(const char *p, const char *word)
{
	uintptr_t a = (uintptr_t)p, w = (uintptr_t)word;

	return a >= w && a <= w + strlen(word);
}

/*
 * Whether the value arg came with a short option: getopt leaves it pointing
 * into argv, in the option's own word ("-L0", "--linear=0") or as the whole
 * next word ("-L 0", "--linear 0").
 */
static bool typed_short(const struct argp_state *state, const char *arg)
{
	const char *w;
	int i;

	for (i = 1; i < state->argc; i++) {
		w = state->argv[i];
		if (arg == w)
			w = state->argv[i - 1];
		else if (!within(arg, w))
			continue;
		return w[0] == '-' && w[1] != '-';
	}
	return false;
}

error_t opt_invalid(const struct argp_state *state, const char *name, const char *arg,
		    const char *fmt, ...)
{
	char what[160], opt[3] = "-";
	va_list ap;
	int key;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!strncmp(name, "--", 2) && typed_short(state, arg)) {
		key = option_key(state->root_argp, name + 2);
		if (key > ' ' && key < 0x7f) {
			opt[1] = key;
			name = opt;
		}
	}
	argp_error(state, "%s '%s' is not %s.", name, arg, what);
	return EINVAL;
}

error_t opt_u32(const struct argp_state *state, const char *name, const char *arg,
		__u32 min, __u32 max, __u32 *out, const char *what)
{
	if (!parse_u32(arg, min, max, out))
		return 0;
	return opt_invalid(state, name, arg, what, min, max);
}

error_t opt_seconds(const struct argp_state *state, const char *name, const char *arg,
		    unsigned int max_s, __u64 *out_ns)
{
	if (!parse_seconds(arg, max_s, out_ns))
		return 0;
	return opt_invalid(state, name, arg,
			   "a number of seconds (above 0, at most %u, fractions allowed)", max_s);
}

/* Limits of the shared options. */
#define MAX_PASID	0xfffff		/* 20-bit PCIe PASID */
#define MAX_IOMMU	0xfffffff
#define MAX_GROUPS	(1u << 22)
#define MAX_INTERVAL_S	86400
#define MAX_COUNT	0x7fffffff	/* fits a 32-bit long */

/* argp keeps a child's keys apart from its parent's: no clash with the tools' */
enum { OPT_RID = 0x100, OPT_PASID, OPT_IOMMU, OPT_GROUPS, OPT_BTF };

static const struct argp_option common_options[] = {
	{ "rid", OPT_RID, "RID", 0, "Only this requester ID (number or bus:dev.fn)", 0 },
	{ "pasid", OPT_PASID, "PASID", 0, "Only requests with this PASID", 0 },
	{ "iommu", OPT_IOMMU, "N", 0, "Only IOMMU instance N", 0 },
	{ "json", 'j', NULL, 0, "Print NDJSON records, one JSON object per line", 0 },
	{ "groups", OPT_GROUPS, "N", 0,
	  "In-flight group table slots, rounded up to 512 x a power of two (default 32768)", 0 },
	{ "btf", OPT_BTF, "FILE", 0,
	  "The kernel's BTF from FILE, for kernels that ship it apart from /sys/kernel/btf/vmlinux", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf debug messages and the attach type used", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	struct common_opts *o = state->input;
	__u32 v;

	/* the parent did not hand over its values: a bug, not a user error */
	if (!o)
		return key == ARGP_KEY_INIT ? EINVAL : ARGP_ERR_UNKNOWN;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case OPT_RID:
		if (parse_rid(arg, &o->rid))
			return opt_invalid(state, "--rid", arg,
					   "a requester ID (a number up to 0xffffff, or bus:dev.fn such as 00:01.0)");
		break;
	case OPT_PASID:
		return opt_u32(state, "--pasid", arg, 0, MAX_PASID, &o->pasid,
			       "a PASID (%u to %#x)");
	case OPT_IOMMU:
		return opt_u32(state, "--iommu", arg, 0, MAX_IOMMU, &o->iommu,
			       "an IOMMU instance number (%u to %u)");
	case 'j':
		o->json = true;
		break;
	case OPT_GROUPS:
		return opt_u32(state, "--groups", arg, 1, MAX_GROUPS, &o->max_groups,
			       "a group table size (%u to %u)");
	case OPT_BTF:
		if (access(arg, R_OK))
			return opt_invalid(state, "--btf", arg, "a readable BTF file");
		o->btf_path = arg;
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		if (o->nargs == 0) {
			if (opt_seconds(state, "interval", arg, MAX_INTERVAL_S, &o->interval_ns))
				return EINVAL;
		} else if (o->nargs == 1) {
			if (opt_u32(state, "count", arg, 1, MAX_COUNT, &v,
				    "a number of intervals (%u to %u)"))
				return EINVAL;
			o->count = v;
		} else {
			argp_error(state, "unexpected argument '%s': only [interval [count]] may follow the options.",
				   arg);
			return EINVAL;
		}
		o->nargs++;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp common_argp = { .options = common_options, .parser = common_parse };

struct tool_input {
	struct common_opts *common;
	argp_parser_t parse;
};

/* The tool's parser, after handing common_argp its values. */
static error_t tool_parse(int key, char *arg, struct argp_state *state)
{
	const struct tool_input *in = state->input;

	if (key == ARGP_KEY_INIT)
		state->child_inputs[0] = in->common;
	return in->parse(key, arg, state);
}

error_t common_argp_parse(const struct argp_option *options, argp_parser_t parser,
			  const char *doc, struct common_opts *common, int argc, char **argv)
{
	static const struct argp_child children[] = { { &common_argp, 0, NULL, 0 }, {} };
	const struct argp argp = { options, tool_parse, "[interval [count]]", doc, children };
	struct tool_input in = { common, parser };

	return argp_parse(&argp, argc, argv, 0, NULL, &in);
}
