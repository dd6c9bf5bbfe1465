/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RISC-V IOMMU page-request queue (PCIe PRI) support, internal interface
 * shared by the queue consumer and the debugfs fault injector.
 */

#ifndef _RISCV_IOMMU_PRI_H_
#define _RISCV_IOMMU_PRI_H_

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "iommu.h"

/* Record flags, shared by all riscv_iommu tracepoints (ABI for tools). */
#define RISCV_IOMMU_PRI_F_PV		BIT(0)
#define RISCV_IOMMU_PRI_F_R		BIT(1)
#define RISCV_IOMMU_PRI_F_W		BIT(2)
#define RISCV_IOMMU_PRI_F_X		BIT(3)
#define RISCV_IOMMU_PRI_F_PRIV		BIT(4)
#define RISCV_IOMMU_PRI_F_L		BIT(5)
#define RISCV_IOMMU_PRI_F_INJECTED	BIT(6)

/* pq_error tracepoint error bits */
#define RISCV_IOMMU_PRI_ERR_OF		BIT(0)
#define RISCV_IOMMU_PRI_ERR_MF		BIT(1)

/* PCIe PRG Response codes, as carried by ATS.PRGR */
#define RISCV_IOMMU_PRGR_SUCCESS	0x0
#define RISCV_IOMMU_PRGR_INVALID	0x1
#define RISCV_IOMMU_PRGR_FAILURE	0xf

struct riscv_iommu_pri_stats {
	atomic64_t consumed;
	atomic64_t reported;
	atomic64_t stop_markers;
	atomic64_t unknown_devid;
	atomic64_t report_errors;
	atomic64_t responses;
	atomic64_t overflows;
	atomic64_t mem_faults;
};

struct riscv_iommu_pri {
	struct riscv_iommu_device *iommu;
	struct iopf_queue *iopf;
	/*
	 * Serializes record consumers (ring and injector) against each other,
	 * against partial-group discard and against devid map updates, so a
	 * device found in @devs stays probed while its fault is reported.
	 */
	struct mutex lock;
	struct mutex drain_lock;	/* one ring consumer at a time */
	struct xarray devs;		/* devid -> struct device */
	struct riscv_iommu_pri_stats stats;
	struct dentry *debugfs;
};

void riscv_iommu_pri_handle_record(struct riscv_iommu_device *iommu,
				   const struct riscv_iommu_pq_record *rec,
				   bool injected);
void riscv_iommu_pri_handle_errors(struct riscv_iommu_device *iommu,
				   u32 errors, bool injected);

#ifdef CONFIG_RISCV_IOMMU_PRI_INJECT
void riscv_iommu_pri_inject_init(struct riscv_iommu_device *iommu);
#else
static inline void riscv_iommu_pri_inject_init(struct riscv_iommu_device *iommu)
{
}
#endif

#endif /* _RISCV_IOMMU_PRI_H_ */
