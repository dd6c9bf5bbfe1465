/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Command-line options: value parsers (all return 0 or -EINVAL) and the
 * argp child holding the options riommu-top and riommu-trace share.
 */
#ifndef RIOMMU_TOOLS_OPTS_H
#define RIOMMU_TOOLS_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <linux/types.h>
#include "riommu.h"

/* Decimal or 0x hex, whole string, within [min, max]. */
int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
/* Seconds, decimal fraction allowed ("0.5"), > 0 and <= max_s; result in ns. */
int parse_seconds(const char *s, double max_s, __u64 *out_ns);
/* RID as a number or as bus:dev.fn ("00:01.0"), 24 bits. */
int parse_rid(const char *s, __u32 *out);
/* Comma separated event names -> RIOMMU_EVM() mask. */
int parse_event_mask(const char *s, __u32 *mask);
const char *event_name(unsigned type);

/*
 * For a bad option value: argp_error() with "NAME 'ARG' is not WHAT." (WHAT
 * from fmt, saying what is expected), which exits with status 64; returns
 * EINVAL for parsers run with ARGP_NO_EXIT.  NAME is the long option
 * ("--linear"); the sentence says "-L" where the user typed that.
 */
error_t opt_invalid(const struct argp_state *state, const char *name, const char *arg,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * An option's value with parse_u32() or parse_seconds(), else opt_invalid():
 * what is a format taking min and max, "a number of rows (%u to %u)"; the
 * seconds sentence is the same for all.  Return 0 or opt_invalid()'s value.
 */
error_t opt_u32(const struct argp_state *state, const char *name, const char *arg,
		__u32 min, __u32 max, __u32 *out, const char *what);
error_t opt_seconds(const struct argp_state *state, const char *name, const char *arg,
		    unsigned int max_s, __u64 *out_ns);

/*
 * Shared options: --rid, --pasid, --iommu, -j, --groups, --btf, -v and the
 * positional [interval [count]].  Their values, as members of a tool's env.
 */
#define COMMON_OPTS_MEMBERS						\
	__u32 rid, pasid, iommu;	/* RIOMMU_ANY: no filter */	\
	__u32 max_groups;		/* --groups */			\
	__u64 interval_ns;		/* 0: only at the end */	\
	long count;			/* intervals, -1: no limit */	\
	int nargs;			/* positional arguments seen */	\
	const char *btf_path;		/* --btf, NULL: the kernel's */	\
	bool json, verbose

struct common_opts {
	COMMON_OPTS_MEMBERS;
};

/*
 * The members in a tool's env twice over: by name (env.rid) for the tool's
 * code, and as the struct common_opts NAME that common_argp fills.
 */
#define COMMON_OPTS_GROUP(name)						\
	union {								\
		struct { COMMON_OPTS_MEMBERS; };			\
		struct common_opts name;				\
	}

/* Defaults; the tools differ only in the interval. */
#define COMMON_OPTS_INIT(interval) {					\
	.rid = RIOMMU_ANY, .pasid = RIOMMU_ANY, .iommu = RIOMMU_ANY,	\
	.max_groups = 32768, .interval_ns = (interval), .count = -1,	\
}

/*
 * The argp child parsing them.  The parent points it at its values in
 * ARGP_KEY_INIT: state->child_inputs[0] = &env.common (common_argp_parse()
 * does it for the tools).  A bad value ends the program with exit status 64
 * and one sentence naming the option.
 */
extern const struct argp common_argp;

/*
 * argp_parse() of a tool: its options and parser (no ARGP_KEY_INIT needed),
 * with common_argp as the child filling common, and [interval [count]].
 */
error_t common_argp_parse(const struct argp_option *options, argp_parser_t parser,
			  const char *doc, struct common_opts *common, int argc, char **argv);

#endif
