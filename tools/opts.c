// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
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
