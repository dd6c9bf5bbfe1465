// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
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

error_t opt_invalid(const struct argp_state *state, const char *name, const char *arg,
		    const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	argp_error(state, "%s '%s' is not %s.", name, arg, what);
	return EINVAL;
}

/* Limits of the shared options. */
#define MAX_PASID	0xfffff		/* 20-bit PCIe PASID */
#define MAX_IOMMU	0xfffffff
#define MAX_GROUPS	(1u << 22)
#define MAX_INTERVAL_S	86400
#define MAX_COUNT	0x7fffffff	/* fits a 32-bit long */

/* argp keeps a child's keys apart from its parent's: no clash with the tools' */
enum { OPT_RID = 0x100, OPT_PASID, OPT_IOMMU, OPT_GROUPS };

static const struct argp_option common_options[] = {
	{ "rid", OPT_RID, "RID", 0, "Only this requester ID (number or bus:dev.fn)", 0 },
	{ "pasid", OPT_PASID, "PASID", 0, "Only requests with this PASID", 0 },
	{ "iommu", OPT_IOMMU, "N", 0, "Only IOMMU instance N", 0 },
	{ "json", 'j', NULL, 0, "Print NDJSON records, one JSON object per line", 0 },
	{ "groups", OPT_GROUPS, "N", 0,
	  "In-flight group table slots, rounded up to 512 x a power of two (default 32768)", 0 },
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
		if (parse_u32(arg, 0, MAX_PASID, &o->pasid))
			return opt_invalid(state, "--pasid", arg, "a PASID (0 to %#x)", MAX_PASID);
		break;
	case OPT_IOMMU:
		if (parse_u32(arg, 0, MAX_IOMMU, &o->iommu))
			return opt_invalid(state, "--iommu", arg,
					   "an IOMMU instance number (0 to %u)", MAX_IOMMU);
		break;
	case 'j':
		o->json = true;
		break;
	case OPT_GROUPS:
		if (parse_u32(arg, 1, MAX_GROUPS, &o->max_groups))
			return opt_invalid(state, "--groups", arg,
					   "a group table size (1 to %u)", MAX_GROUPS);
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		if (o->nargs == 0) {
			if (parse_seconds(arg, MAX_INTERVAL_S, &o->interval_ns))
				return opt_invalid(state, "interval", arg,
						   "a number of seconds (above 0, at most %u, fractions allowed)",
						   MAX_INTERVAL_S);
		} else if (o->nargs == 1) {
			if (parse_u32(arg, 1, MAX_COUNT, &v))
				return opt_invalid(state, "count", arg,
						   "a number of intervals (1 to %u)", MAX_COUNT);
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
