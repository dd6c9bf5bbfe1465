/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Option value parsers shared by the tools (all return 0 or -EINVAL). */
#ifndef RIOMMU_TOOLS_OPTS_H
#define RIOMMU_TOOLS_OPTS_H

#include <linux/types.h>

/* Decimal or 0x hex, whole string, within [min, max]. */
int parse_u32(const char *s, __u32 min, __u32 max, __u32 *out);
/* Seconds, decimal fraction allowed ("0.5"), > 0 and <= max_s; result in ns. */
int parse_seconds(const char *s, double max_s, __u64 *out_ns);
/* RID as a number or as bus:dev.fn ("00:01.0"), 24 bits. */
int parse_rid(const char *s, __u32 *out);
/* Comma separated event names -> RIOMMU_EVM() mask. */
int parse_event_mask(const char *s, __u32 *mask);
const char *event_name(unsigned type);

#endif
