// SPDX-License-Identifier: GPL-2.0-only
/*
 * RISC-V IOMMU page request injector (debug only).
 *
 * /sys/kernel/debug/riscv-iommu/iommu<N>/pq_inject takes one line of
 * whitespace separated tokens per write:
 *
 *   devid=N [pasid=N] prgi=N addr=N perm=[r][w][x] [priv] [last]
 *   [count=N] [groups=N] [rate=N] [error=overflow|memfault|both]
 *
 * Each synthetic record goes through riscv_iommu_pri_handle_record(), the
 * consumer used for the hardware ring, so decoding, device lookup, IOPF
 * reporting and the ATS.PRGR sent by ->page_response() all run for real.
 *
 * count repeats a request within one group; only the last repetition has L,
 * and only if "last" is given.  groups=N sends N groups of count requests,
 * PRG index prgi, prgi + 1, ... (mod 512), each closed by L.  addr advances
 * by 4 KiB per record.  rate=N paces the burst at N records per second
 * (0: as fast as possible); no lock is held between records.  error= runs
 * the overflow/memory fault handling after the records, if any.
 */

#define pr_fmt(fmt) "riscv-iommu: " fmt

#include <linux/bitfield.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "iommu-bits.h"
#include "iommu.h"
#include "iommu-pri.h"

#define INJECT_MAX_LINE		512
#define INJECT_MAX_RECORDS	10000000ULL
#define INJECT_PRGI_COUNT	512

/* Tokens that make a record; all or none of them must be given. */
#define INJECT_DEVID	BIT(0)
#define INJECT_PRGI	BIT(1)
#define INJECT_ADDR	BIT(2)
#define INJECT_PERM	BIT(3)
#define INJECT_RECORD	(INJECT_DEVID | INJECT_PRGI | INJECT_ADDR | INJECT_PERM)

struct riscv_iommu_inject {
	u32 devid;
	u32 pasid;
	u32 prgi;
	u64 addr;
	u32 count;
	u32 groups;
	u32 rate;
	u32 errors;
	bool pv, priv, last, r, w, x, use_groups;
	unsigned int seen;
};

static int inject_u32(const char *val, u32 min, u32 max, u32 *out)
{
	if (!val || kstrtou32(val, 0, out) || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

static int inject_perm(const char *val, struct riscv_iommu_inject *req)
{
	if (!val)
		return -EINVAL;

	req->r = false;
	req->w = false;
	req->x = false;
	for (; *val; val++) {
		bool *bit;

		switch (*val) {
		case 'r':
			bit = &req->r;
			break;
		case 'w':
			bit = &req->w;
			break;
		case 'x':
			bit = &req->x;
			break;
		default:
			return -EINVAL;
		}
		if (*bit)
			return -EINVAL;
		*bit = true;
	}

	/* PCIe: Execute Requested is only valid together with Read. */
	return req->x && !req->r ? -EINVAL : 0;
}

static int inject_token(char *key, char *val, struct riscv_iommu_inject *req)
{
	if (!strcmp(key, "devid")) {
		req->seen |= INJECT_DEVID;
		return inject_u32(val, 0, FIELD_MAX(RISCV_IOMMU_PQ_HDR_DID),
				  &req->devid);
	}
	if (!strcmp(key, "pasid")) {
		req->pv = true;
		return inject_u32(val, 0, FIELD_MAX(RISCV_IOMMU_PQ_HDR_PID),
				  &req->pasid);
	}
	if (!strcmp(key, "prgi")) {
		req->seen |= INJECT_PRGI;
		return inject_u32(val, 0, INJECT_PRGI_COUNT - 1, &req->prgi);
	}
	if (!strcmp(key, "addr")) {
		req->seen |= INJECT_ADDR;
		if (!val || kstrtou64(val, 0, &req->addr) ||
		    !IS_ALIGNED(req->addr, SZ_4K))
			return -EINVAL;
		return 0;
	}
	if (!strcmp(key, "perm")) {
		req->seen |= INJECT_PERM;
		return inject_perm(val, req);
	}
	if (!strcmp(key, "count"))
		return inject_u32(val, 1, U32_MAX, &req->count);
	if (!strcmp(key, "groups")) {
		req->use_groups = true;
		return inject_u32(val, 1, U32_MAX, &req->groups);
	}
	if (!strcmp(key, "rate"))
		return inject_u32(val, 0, U32_MAX, &req->rate);
	if (!strcmp(key, "error") && val) {
		if (!strcmp(val, "overflow"))
			req->errors = RISCV_IOMMU_PRI_ERR_OF;
		else if (!strcmp(val, "memfault"))
			req->errors = RISCV_IOMMU_PRI_ERR_MF;
		else if (!strcmp(val, "both"))
			req->errors = RISCV_IOMMU_PRI_ERR_OF | RISCV_IOMMU_PRI_ERR_MF;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(key, "priv") && !val) {
		req->priv = true;
		return 0;
	}
	if (!strcmp(key, "last") && !val) {
		req->last = true;
		return 0;
	}
	return -EINVAL;
}

static int riscv_iommu_inject_parse(struct device *dev, char *buf,
				    struct riscv_iommu_inject *req)
{
	char *tok, *val;

	req->count = 1;
	req->groups = 1;

	while ((tok = strsep(&buf, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (val)
			*val++ = '\0';
		if (inject_token(tok, val, req)) {
			dev_err(dev, "pq_inject: bad token '%.32s%s%.32s'\n",
				tok, val ? "=" : "", val ?: "");
			return -EINVAL;
		}
	}

	if (req->seen && req->seen != INJECT_RECORD) {
		dev_err(dev, "pq_inject: missing token '%s'\n",
			!(req->seen & INJECT_DEVID) ? "devid" :
			!(req->seen & INJECT_PRGI) ? "prgi" :
			!(req->seen & INJECT_ADDR) ? "addr" : "perm");
		return -EINVAL;
	}
	if (!req->seen && !req->errors) {
		dev_err(dev, "pq_inject: missing token 'devid'\n");
		return -EINVAL;
	}
	/* R=W=0 is only meaningful as a stop marker, which is last. */
	if (req->seen && !req->r && !req->w && !req->last && !req->use_groups) {
		dev_err(dev, "pq_inject: bad token 'perm=' (empty perm is a stop marker, needs 'last')\n");
		return -EINVAL;
	}
	if (req->seen &&
	    (u64)req->count * req->groups > INJECT_MAX_RECORDS) {
		dev_err(dev, "pq_inject: bad token 'count=%u' (more than %llu records)\n",
			req->count, INJECT_MAX_RECORDS);
		return -EINVAL;
	}

	return 0;
}

/* Sleep until record @n of a burst paced at @rate per second is due. */
static void riscv_iommu_inject_pace(u64 start, u64 n, u32 rate)
{
	s64 ahead;

	if (!rate)
		return;

	ahead = start + div_u64(n * NSEC_PER_SEC, rate) - ktime_get_ns();
	/* Short waits are folded into the next one instead of spinning. */
	if (ahead >= 20 * NSEC_PER_USEC) {
		u64 us = div_u64(ahead, NSEC_PER_USEC);

		usleep_range(us, us + us / 8 + 10);
	}
}

static int riscv_iommu_inject_run(struct riscv_iommu_device *iommu,
				  const struct riscv_iommu_inject *req)
{
	const u64 start = ktime_get_ns();
	struct riscv_iommu_pq_record rec;
	u64 n = 0;
	u32 g, c;

	for (g = 0; req->seen && g < req->groups; g++) {
		const u32 prgi = (req->prgi + g) % INJECT_PRGI_COUNT;

		for (c = 0; c < req->count; c++, n++) {
			const bool last = c == req->count - 1 &&
					  (req->use_groups || req->last);

			rec.hdr = FIELD_PREP(RISCV_IOMMU_PQ_HDR_DID, req->devid);
			if (req->pv)
				rec.hdr |= RISCV_IOMMU_PQ_HDR_PV |
					   FIELD_PREP(RISCV_IOMMU_PQ_HDR_PID, req->pasid);
			if (req->priv)
				rec.hdr |= RISCV_IOMMU_PQ_HDR_PRIV;
			if (req->x)
				rec.hdr |= RISCV_IOMMU_PQ_HDR_EXEC;

			rec.payload = ((req->addr + n * SZ_4K) &
				       RISCV_IOMMU_PQ_PAYLOAD_ADDR) |
				      FIELD_PREP(RISCV_IOMMU_PQ_PAYLOAD_PRGI, prgi);
			if (req->r)
				rec.payload |= RISCV_IOMMU_PQ_PAYLOAD_R;
			if (req->w)
				rec.payload |= RISCV_IOMMU_PQ_PAYLOAD_W;
			if (last)
				rec.payload |= RISCV_IOMMU_PQ_PAYLOAD_L;

			riscv_iommu_pri_handle_record(iommu, &rec, true);

			riscv_iommu_inject_pace(start, n + 1, req->rate);
			cond_resched();
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}

	if (req->errors)
		riscv_iommu_pri_handle_errors(iommu, req->errors, true);

	return 0;
}

static ssize_t riscv_iommu_inject_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	struct riscv_iommu_device *iommu = file->private_data;
	struct riscv_iommu_inject req = {};
	char *buf;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!len || len > INJECT_MAX_LINE)
		return -EINVAL;

	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	ret = riscv_iommu_inject_parse(iommu->dev, buf, &req);
	kfree(buf);
	if (!ret)
		ret = riscv_iommu_inject_run(iommu, &req);

	return ret ? ret : len;
}

static const struct file_operations riscv_iommu_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = riscv_iommu_inject_write,
	.llseek = noop_llseek,
};

void riscv_iommu_pri_inject_init(struct riscv_iommu_device *iommu)
{
	debugfs_create_file("pq_inject", 0200, iommu->pri->debugfs, iommu,
			    &riscv_iommu_inject_fops);
}
