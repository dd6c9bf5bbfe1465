// SPDX-License-Identifier: GPL-2.0-only
/*
 * RISC-V IOMMU page-request queue and I/O page fault support.
 *
 * PCIe Page Requests (PRI) reach the driver through the page-request queue
 * (RISC-V IOMMU specification, chapter 3.3).  Each record is decoded, routed
 * to the device that owns its device id and reported to the IOPF framework.
 * The group's answer goes back to the function as an ATS.PRGR command.
 */

#define pr_fmt(fmt) "riscv-iommu: " fmt

#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "iommu-bits.h"
#include "iommu.h"
#include "iommu-pri.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Outstanding page requests granted to a PRI capable function. */
#define RISCV_IOMMU_PRI_REQS	32

/* IOFENCE.C timeout for DC and ATC invalidations [us] */
#define RISCV_IOMMU_PRI_SYNC_TIMEOUT	90000000

/* Instance numbers, used to tell IOMMUs apart in traces and debugfs. */
static DEFINE_IDA(riscv_iommu_ida);

static DEFINE_MUTEX(riscv_iommu_debugfs_lock);
static struct dentry *riscv_iommu_debugfs_root;

static u32 riscv_iommu_pri_rec_flags(u64 hdr, u64 payload, bool injected)
{
	u32 flags = 0;

	if (hdr & RISCV_IOMMU_PQ_HDR_PV)
		flags |= RISCV_IOMMU_PRI_F_PV;
	if (payload & RISCV_IOMMU_PQ_PAYLOAD_R)
		flags |= RISCV_IOMMU_PRI_F_R;
	if (payload & RISCV_IOMMU_PQ_PAYLOAD_W)
		flags |= RISCV_IOMMU_PRI_F_W;
	if (hdr & RISCV_IOMMU_PQ_HDR_EXEC)
		flags |= RISCV_IOMMU_PRI_F_X;
	if (hdr & RISCV_IOMMU_PQ_HDR_PRIV)
		flags |= RISCV_IOMMU_PRI_F_PRIV;
	if (payload & RISCV_IOMMU_PQ_PAYLOAD_L)
		flags |= RISCV_IOMMU_PRI_F_L;
	if (injected)
		flags |= RISCV_IOMMU_PRI_F_INJECTED;

	return flags;
}

/*
 * Queue an ATS.PRGR for @devid.  Device ids wider than 16 bits carry the
 * upper bits as the destination segment (DSV/DSEG); the response has a PASID
 * only when @pv is set.
 */
static void riscv_iommu_pri_send_prgr(struct riscv_iommu_device *iommu,
				      u32 devid, u32 pasid, bool pv, u32 prgi,
				      u32 code)
{
	struct riscv_iommu_command cmd;

	cmd.dword0 = FIELD_PREP(RISCV_IOMMU_CMD0_OPCODE, RISCV_IOMMU_CMD_ATS_OPCODE) |
		     FIELD_PREP(RISCV_IOMMU_CMD0_FUNC, RISCV_IOMMU_CMD_ATS_FUNC_PRGR) |
		     FIELD_PREP(RISCV_IOMMU_CMD0_ATS_RID, devid & 0xffff);
	if (devid > 0xffff)
		cmd.dword0 |= RISCV_IOMMU_CMD0_ATS_DSV |
			      FIELD_PREP(RISCV_IOMMU_CMD0_ATS_DSEG, devid >> 16);
	if (pv)
		cmd.dword0 |= RISCV_IOMMU_CMD0_ATS_PV |
			      FIELD_PREP(RISCV_IOMMU_CMD0_ATS_PID, pasid);

	cmd.dword1 = FIELD_PREP(RISCV_IOMMU_CMD1_ATS_PRGR_DST_ID, devid & 0xffff) |
		     FIELD_PREP(RISCV_IOMMU_CMD1_ATS_PRGR_RESP_CODE, code) |
		     FIELD_PREP(RISCV_IOMMU_CMD1_ATS_PRGR_PRG_INDEX, prgi);

	/*
	 * Before the command: once it is queued the function may reuse the
	 * PRG index, and a tracer must see this group end before that.
	 */
	trace_page_response(iommu->index, devid, pv ? pasid : 0,
			    pv ? RISCV_IOMMU_PRI_F_PV : 0, prgi, code);
	atomic64_inc(&iommu->pri->stats.responses);
	riscv_iommu_cmd_send(iommu, &cmd);
}

/*
 * Decode one page request and hand it to the IOPF framework.  Used for ring
 * records and injected ones alike, so both exercise the same path.
 */
void riscv_iommu_pri_handle_record(struct riscv_iommu_device *iommu,
				   const struct riscv_iommu_pq_record *rec,
				   bool injected)
{
	struct riscv_iommu_pri *pri = iommu->pri;
	const u64 hdr = READ_ONCE(rec->hdr);
	const u64 payload = READ_ONCE(rec->payload);
	const u32 devid = FIELD_GET(RISCV_IOMMU_PQ_HDR_DID, hdr);
	const u32 flags = riscv_iommu_pri_rec_flags(hdr, payload, injected);
	const u32 pasid = (flags & RISCV_IOMMU_PRI_F_PV) ?
			  FIELD_GET(RISCV_IOMMU_PQ_HDR_PID, hdr) : 0;
	const u32 prgi = FIELD_GET(RISCV_IOMMU_PQ_PAYLOAD_PRGI, payload);
	const u64 addr = payload & RISCV_IOMMU_PQ_PAYLOAD_ADDR;
	struct iommu_fault_page_request *prm;
	struct iopf_fault evt = {};
	struct device *dev;
	int ret;

	atomic64_inc(&pri->stats.consumed);
	trace_pq_consume(iommu->index, devid, pasid, flags, prgi, addr);

	/*
	 * Stop marker (L=1, R=W=0): it only tells the PASID may be reused and
	 * expects no response; the IOPF core must not see it.
	 */
	if ((flags & (RISCV_IOMMU_PRI_F_L | RISCV_IOMMU_PRI_F_R |
		      RISCV_IOMMU_PRI_F_W)) == RISCV_IOMMU_PRI_F_L) {
		atomic64_inc(&pri->stats.stop_markers);
		trace_pq_report(iommu->index, devid, pasid, flags, prgi, 1);
		return;
	}

	/*
	 * pri->lock keeps the device probed (release_device() drops it from
	 * the map under the same lock) while the fault is reported.  A device
	 * without a group yet is still being probed and cannot take faults.
	 */
	mutex_lock(&pri->lock);
	dev = xa_load(&pri->devs, devid);
	if (dev && READ_ONCE(dev->iommu_group))
		get_device(dev);
	else
		dev = NULL;

	if (!dev) {
		mutex_unlock(&pri->lock);
		atomic64_inc(&pri->stats.unknown_devid);
		dev_warn_ratelimited(iommu->dev,
				     "page request from unknown devid 0x%x\n",
				     devid);
		trace_pq_report(iommu->index, devid, pasid, flags, prgi, -ENODEV);
		/*
		 * Nobody else will answer this group: release the function's
		 * request credits.  Without a device to ask, echo the PASID.
		 */
		if (flags & RISCV_IOMMU_PRI_F_L)
			riscv_iommu_pri_send_prgr(iommu, devid, pasid,
						  flags & RISCV_IOMMU_PRI_F_PV,
						  prgi, RISCV_IOMMU_PRGR_INVALID);
		return;
	}

	evt.fault.type = IOMMU_FAULT_PAGE_REQ;
	prm = &evt.fault.prm;
	prm->addr = addr;
	prm->grpid = prgi;
	prm->rid = devid;
	if (flags & RISCV_IOMMU_PRI_F_R)
		prm->perm |= IOMMU_FAULT_PERM_READ;
	if (flags & RISCV_IOMMU_PRI_F_W)
		prm->perm |= IOMMU_FAULT_PERM_WRITE;
	if (flags & RISCV_IOMMU_PRI_F_X)
		prm->perm |= IOMMU_FAULT_PERM_EXEC;
	if (flags & RISCV_IOMMU_PRI_F_PRIV)
		prm->perm |= IOMMU_FAULT_PERM_PRIV;
	if (flags & RISCV_IOMMU_PRI_F_PV) {
		prm->flags |= IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
		prm->pasid = pasid;
		if (dev_is_pci(dev) &&
		    pci_prg_resp_pasid_required(to_pci_dev(dev)))
			prm->flags |= IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID;
	}
	if (flags & RISCV_IOMMU_PRI_F_L)
		prm->flags |= IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	/* Lets ->page_response() address the function again. */
	prm->private_data[0] = devid;
	prm->private_data[1] = flags;

	/*
	 * On error the core has already answered a last request through
	 * ->page_response() (Invalid Request), and a non-last one needs no
	 * answer, so nothing is left to send here.
	 */
	ret = iommu_report_device_fault(dev, &evt);
	mutex_unlock(&pri->lock);
	put_device(dev);

	trace_pq_report(iommu->index, devid, pasid, flags, prgi, ret);
	if (!ret) {
		atomic64_inc(&pri->stats.reported);
	} else {
		atomic64_inc(&pri->stats.report_errors);
		dev_warn_ratelimited(iommu->dev,
				     "page request devid 0x%x prgi %u not reported: %d\n",
				     devid, prgi, ret);
	}
}

/*
 * PQOF/PQMF: page requests were lost, so groups with a non-last request
 * already queued may never see their last one.  Drop those partial groups.
 */
void riscv_iommu_pri_handle_errors(struct riscv_iommu_device *iommu,
				   u32 errors, bool injected)
{
	struct riscv_iommu_pri *pri = iommu->pri;
	u32 head = riscv_iommu_readl(iommu, RISCV_IOMMU_REG_PQH);
	u32 tail = riscv_iommu_readl(iommu, RISCV_IOMMU_REG_PQT);

	if (errors & RISCV_IOMMU_PRI_ERR_OF)
		atomic64_inc(&pri->stats.overflows);
	if (errors & RISCV_IOMMU_PRI_ERR_MF)
		atomic64_inc(&pri->stats.mem_faults);
	trace_pq_error(iommu->index, errors, head, tail);

	dev_warn_ratelimited(iommu->dev,
			     "page request queue error%s: overflow:%d memory fault:%d, partial groups discarded\n",
			     injected ? " (injected)" : "",
			     !!(errors & RISCV_IOMMU_PRI_ERR_OF),
			     !!(errors & RISCV_IOMMU_PRI_ERR_MF));

	mutex_lock(&pri->lock);
	iopf_queue_discard_partial(pri->iopf);
	mutex_unlock(&pri->lock);
}

/* Consume all records currently in the ring. */
static void riscv_iommu_pri_drain(struct riscv_iommu_device *iommu)
{
	struct riscv_iommu_queue *queue = &iommu->priq;
	struct riscv_iommu_pq_record *recs = queue->base;
	unsigned int idx;
	int cnt, len;

	mutex_lock(&iommu->pri->drain_lock);
	do {
		cnt = riscv_iommu_queue_consume(queue, &idx);
		for (len = 0; len < cnt; idx++, len++)
			riscv_iommu_pri_handle_record(iommu,
						      &recs[idx & queue->mask],
						      false);
		riscv_iommu_queue_release(queue, cnt);
		cond_resched();
	} while (cnt > 0);
	mutex_unlock(&iommu->pri->drain_lock);
}

/* Page-request queue interrupt thread. */
irqreturn_t riscv_iommu_priq_process(int irq, void *data)
{
	struct riscv_iommu_queue *queue = data;
	struct riscv_iommu_device *iommu = queue->iommu;
	u32 ctrl, errors = 0;

	/* Clear PIP first: records landing during the drain raise it again. */
	riscv_iommu_writel(iommu, RISCV_IOMMU_REG_IPSR, RISCV_IOMMU_IPSR_PIP);

	riscv_iommu_pri_drain(iommu);

	ctrl = riscv_iommu_readl(iommu, queue->qcr);
	if (ctrl & (RISCV_IOMMU_PQCSR_PQOF | RISCV_IOMMU_PQCSR_PQMF)) {
		/* Both bits are write-1-to-clear; PQEN/PIE are written back as read. */
		riscv_iommu_writel(iommu, queue->qcr, ctrl);
		if (ctrl & RISCV_IOMMU_PQCSR_PQOF)
			errors |= RISCV_IOMMU_PRI_ERR_OF;
		if (ctrl & RISCV_IOMMU_PQCSR_PQMF)
			errors |= RISCV_IOMMU_PRI_ERR_MF;
		riscv_iommu_pri_handle_errors(iommu, errors, false);
	}

	return IRQ_HANDLED;
}

void riscv_iommu_page_response(struct device *dev, struct iopf_fault *evt,
			       struct iommu_page_response *msg)
{
	struct riscv_iommu_device *iommu = dev_to_iommu(dev);
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	u32 code;

	if (!iommu->pri)
		return;

	/*
	 * iommu_report_device_fault() also "answers" a non-last request it
	 * cannot route.  PRI wants exactly one response per group, for its
	 * last request, so ignore those.
	 */
	if (!(prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))
		return;

	switch (msg->code) {
	case IOMMU_PAGE_RESP_SUCCESS:
		code = RISCV_IOMMU_PRGR_SUCCESS;
		break;
	case IOMMU_PAGE_RESP_INVALID:
		code = RISCV_IOMMU_PRGR_INVALID;
		break;
	default:
		code = RISCV_IOMMU_PRGR_FAILURE;
		break;
	}

	riscv_iommu_pri_send_prgr(iommu, (u32)prm->private_data[0], msg->pasid,
				  prm->flags & IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID,
				  msg->grpid, code);
}

/* Invalidate the whole device ATC of every function id of @dev. */
void riscv_iommu_pri_ats_inval(struct riscv_iommu_device *iommu,
			       struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct riscv_iommu_info *info = dev_iommu_priv_get(dev);
	struct riscv_iommu_command cmd;
	unsigned int i;

	if (!info || !info->ats_enabled)
		return;
	/*
	 * A function that is gone (surprise removal) never completes an ATS
	 * invalidation: the IOFENCE would wait out its whole timeout.
	 */
	if (dev_is_pci(dev) && !pci_device_is_present(to_pci_dev(dev)))
		return;

	for (i = 0; i < fwspec->num_ids; i++) {
		u32 devid = fwspec->ids[i];

		cmd.dword0 = FIELD_PREP(RISCV_IOMMU_CMD0_OPCODE, RISCV_IOMMU_CMD_ATS_OPCODE) |
			     FIELD_PREP(RISCV_IOMMU_CMD0_FUNC, RISCV_IOMMU_CMD_ATS_FUNC_INVAL) |
			     FIELD_PREP(RISCV_IOMMU_CMD0_ATS_RID, devid & 0xffff);
		if (devid > 0xffff)
			cmd.dword0 |= RISCV_IOMMU_CMD0_ATS_DSV |
				      FIELD_PREP(RISCV_IOMMU_CMD0_ATS_DSEG, devid >> 16);
		/* S=1 with address bits 62:12 set and bit 63 clear: all of it */
		cmd.dword1 = RISCV_IOMMU_CMD1_ATS_INVAL_S | GENMASK_ULL(62, 12);
		riscv_iommu_cmd_send(iommu, &cmd);
	}
	riscv_iommu_cmd_sync(iommu, RISCV_IOMMU_PRI_SYNC_TIMEOUT);
}

/* Set or clear DC.tc EN_ATS/EN_PRI for all ids of @dev, then invalidate. */
static void riscv_iommu_pri_set_dc(struct riscv_iommu_device *iommu,
				   struct device *dev, bool enable)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	const u64 bits = RISCV_IOMMU_DC_TC_EN_ATS | RISCV_IOMMU_DC_TC_EN_PRI;
	struct riscv_iommu_command cmd;
	struct riscv_iommu_dc *dc;
	unsigned int i;
	u64 tc;

	for (i = 0; i < fwspec->num_ids; i++) {
		dc = riscv_iommu_get_dc(iommu, fwspec->ids[i]);
		if (!dc)
			continue;
		tc = READ_ONCE(dc->tc);
		WRITE_ONCE(dc->tc, enable ? tc | bits : tc & ~bits);

		riscv_iommu_cmd_iodir_inval_ddt(&cmd);
		riscv_iommu_cmd_iodir_set_did(&cmd, fwspec->ids[i]);
		riscv_iommu_cmd_send(iommu, &cmd);
	}
	riscv_iommu_cmd_sync(iommu, RISCV_IOMMU_PRI_SYNC_TIMEOUT);
}

static int riscv_iommu_pri_enable_pci(struct riscv_iommu_info *info,
				      struct pci_dev *pdev)
{
	int ret;

	ret = pci_enable_ats(pdev, PAGE_SHIFT);
	if (ret)
		return ret;
	info->ats_enabled = true;

	ret = pci_reset_pri(pdev);
	if (!ret)
		ret = pci_enable_pri(pdev, RISCV_IOMMU_PRI_REQS);
	if (ret) {
		pci_disable_ats(pdev);
		info->ats_enabled = false;
		return ret;
	}
	info->pri_enabled = true;

	return 0;
}

static int riscv_iommu_pri_enable_iopf(struct riscv_iommu_device *iommu,
				       struct device *dev)
{
	struct riscv_iommu_info *info = dev_iommu_priv_get(dev);
	struct pci_dev *pdev = dev_is_pci(dev) ? to_pci_dev(dev) : NULL;
	int ret;

	iommu_group_mutex_assert(dev);

	if (!iommu->pri)
		return -EOPNOTSUPP;

	if (info->iopf_refcount) {
		info->iopf_refcount++;
		return 0;
	}

	if (pdev && pci_ats_supported(pdev) && pci_pri_supported(pdev)) {
		ret = riscv_iommu_pri_enable_pci(info, pdev);
		if (ret)
			return ret;
	} else if (!IS_ENABLED(CONFIG_RISCV_IOMMU_PRI_INJECT)) {
		return -ENODEV;
	}
	/*
	 * Otherwise the function cannot send page requests itself and only the
	 * debugfs injector speaks for it.  Accepting it lets lab setups without
	 * PRI hardware drive the whole report/response path on a plain PCI
	 * function; ATS/PRI stay off in the device and its device context.
	 */

	ret = iopf_queue_add_device(iommu->pri->iopf, dev);
	if (ret)
		goto err_disable_pci;

	if (info->pri_enabled)
		riscv_iommu_pri_set_dc(iommu, dev, true);
	info->iopf_refcount = 1;

	return 0;

err_disable_pci:
	if (info->pri_enabled) {
		pci_disable_pri(pdev);
		info->pri_enabled = false;
	}
	if (info->ats_enabled) {
		pci_disable_ats(pdev);
		info->ats_enabled = false;
	}
	return ret;
}

static void riscv_iommu_pri_disable_iopf(struct riscv_iommu_device *iommu,
					 struct device *dev)
{
	struct riscv_iommu_info *info = dev_iommu_priv_get(dev);

	iommu_group_mutex_assert(dev);

	if (!iommu->pri || !info->iopf_refcount || --info->iopf_refcount)
		return;

	/*
	 * Stop page requests at the IOMMU and consume what is already queued
	 * before the IOPF core answers the pending groups and forgets the
	 * device; only then turn PRI off in the function.
	 */
	if (info->pri_enabled)
		riscv_iommu_pri_set_dc(iommu, dev, false);
	if (iommu->priq.iommu)
		riscv_iommu_pri_drain(iommu);

	/*
	 * Not while a record is being reported: a group the core allocates
	 * after the device left the queue would never be answered.  Injected
	 * records are not stopped by the device context, so this matters.
	 * Handlers already queued for the device finish first (under the
	 * lock, so no new report slips in): none may run on an address space
	 * its owner tears down once this returns.  They never take pri->lock.
	 */
	mutex_lock(&iommu->pri->lock);
	iopf_queue_flush_dev(dev);
	iopf_queue_remove_device(iommu->pri->iopf, dev);
	mutex_unlock(&iommu->pri->lock);

	if (info->pri_enabled) {
		pci_disable_pri(to_pci_dev(dev));
		info->pri_enabled = false;
	}
	if (info->ats_enabled) {
		riscv_iommu_pri_ats_inval(iommu, dev);
		pci_disable_ats(to_pci_dev(dev));
		info->ats_enabled = false;
	}
}

/*
 * Called by the attach paths before the device context is switched, the
 * same way the Intel and SMMUv3 drivers do it: IOPF is on for a device as
 * long as one of its attached domains has an iopf_handler.
 */
int riscv_iommu_pri_domain_replace(struct riscv_iommu_device *iommu,
				   struct device *dev,
				   struct iommu_domain *new,
				   struct iommu_domain *old)
{
	int ret;

	if (new && new->iopf_handler) {
		ret = riscv_iommu_pri_enable_iopf(iommu, dev);
		if (ret)
			return ret;
	}

	if (old && old->iopf_handler)
		riscv_iommu_pri_disable_iopf(iommu, dev);

	return 0;
}

/*
 * Record the device ids of @dev so page requests can be routed to it.  Any
 * PCI segment and any id the firmware assigned work, as the ids are taken
 * from the fwspec instead of being derived from the BDF.
 */
int riscv_iommu_pri_probe(struct riscv_iommu_device *iommu, struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct riscv_iommu_pri *pri = iommu->pri;
	unsigned int i;
	int ret = 0;

	if (!pri)
		return 0;

	mutex_lock(&pri->lock);
	for (i = 0; i < fwspec->num_ids; i++) {
		ret = xa_insert(&pri->devs, fwspec->ids[i], dev, GFP_KERNEL);
		if (ret == -EBUSY) {
			/* Aliased id: requests keep going to the first owner. */
			dev_warn(dev, "devid 0x%x already in use, page requests go to %s\n",
				 fwspec->ids[i],
				 dev_name(xa_load(&pri->devs, fwspec->ids[i])));
			ret = 0;
		} else if (ret) {
			break;
		}
	}
	mutex_unlock(&pri->lock);

	if (ret)
		riscv_iommu_pri_release(iommu, dev);

	return ret;
}

void riscv_iommu_pri_release(struct riscv_iommu_device *iommu,
			     struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct riscv_iommu_info *info = dev_iommu_priv_get(dev);
	struct riscv_iommu_pri *pri = iommu->pri;
	unsigned int i;

	if (!pri)
		return;

	/* The release domain has no iopf_handler, so this is a leak. */
	if (info && WARN_ON(info->iopf_refcount)) {
		info->iopf_refcount = 1;
		riscv_iommu_pri_disable_iopf(iommu, dev);
	}

	mutex_lock(&pri->lock);
	for (i = 0; i < fwspec->num_ids; i++)
		xa_cmpxchg(&pri->devs, fwspec->ids[i], dev, NULL, 0);
	mutex_unlock(&pri->lock);
}

static int riscv_iommu_pri_stats_show(struct seq_file *s, void *unused)
{
	struct riscv_iommu_pri_stats *st = &((struct riscv_iommu_pri *)s->private)->stats;

	seq_printf(s, "consumed %lld\n", atomic64_read(&st->consumed));
	seq_printf(s, "reported %lld\n", atomic64_read(&st->reported));
	seq_printf(s, "stop_markers %lld\n", atomic64_read(&st->stop_markers));
	seq_printf(s, "unknown_devid %lld\n", atomic64_read(&st->unknown_devid));
	seq_printf(s, "report_errors %lld\n", atomic64_read(&st->report_errors));
	seq_printf(s, "responses %lld\n", atomic64_read(&st->responses));
	seq_printf(s, "overflows %lld\n", atomic64_read(&st->overflows));
	seq_printf(s, "mem_faults %lld\n", atomic64_read(&st->mem_faults));

	return 0;
}
DEFINE_SHOW_ATTRIBUTE(riscv_iommu_pri_stats);

void riscv_iommu_pri_debugfs_init(struct riscv_iommu_device *iommu)
{
	struct riscv_iommu_pri *pri = iommu->pri;
	char name[16];

	if (!pri)
		return;

	mutex_lock(&riscv_iommu_debugfs_lock);
	if (!riscv_iommu_debugfs_root)
		riscv_iommu_debugfs_root = debugfs_create_dir("riscv-iommu", NULL);
	mutex_unlock(&riscv_iommu_debugfs_lock);

	snprintf(name, sizeof(name), "iommu%d", iommu->index);
	pri->debugfs = debugfs_create_dir(name, riscv_iommu_debugfs_root);
	debugfs_create_file("pq_stats", 0400, pri->debugfs, pri,
			    &riscv_iommu_pri_stats_fops);
	riscv_iommu_pri_inject_init(iommu);
}

/* Stop debugfs users before the IOMMU goes away. */
void riscv_iommu_pri_debugfs_remove(struct riscv_iommu_device *iommu)
{
	if (!iommu->pri)
		return;

	debugfs_remove_recursive(iommu->pri->debugfs);
	iommu->pri->debugfs = NULL;
}

int riscv_iommu_pri_init(struct riscv_iommu_device *iommu)
{
	struct riscv_iommu_pri *pri;
	int id;

	id = ida_alloc(&riscv_iommu_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	iommu->index = id;

	/* Page requests only come with ATS; no ATS, no page-request queue. */
	if (!(iommu->caps & RISCV_IOMMU_CAPABILITIES_ATS))
		return 0;

	pri = kzalloc_obj(*pri);
	if (!pri)
		goto err_free_id;

	pri->iommu = iommu;
	mutex_init(&pri->lock);
	mutex_init(&pri->drain_lock);
	xa_init(&pri->devs);
	pri->iopf = iopf_queue_alloc(dev_name(iommu->dev));
	if (!pri->iopf) {
		kfree(pri);
		goto err_free_id;
	}
	iommu->pri = pri;

	return 0;

err_free_id:
	ida_free(&riscv_iommu_ida, id);
	return -ENOMEM;
}

void riscv_iommu_pri_free(struct riscv_iommu_device *iommu)
{
	struct riscv_iommu_pri *pri = iommu->pri;

	if (pri) {
		riscv_iommu_pri_debugfs_remove(iommu);
		iopf_queue_free(pri->iopf);
		xa_destroy(&pri->devs);
		mutex_destroy(&pri->drain_lock);
		mutex_destroy(&pri->lock);
		kfree(pri);
		iommu->pri = NULL;
	}
	ida_free(&riscv_iommu_ida, iommu->index);
}
