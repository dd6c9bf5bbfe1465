/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RISC-V IOMMU page-request queue tracepoints.
 *
 * All arguments are scalars so that raw tracepoint BPF programs can read
 * them directly and tests can drive them without a live IOMMU.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM riscv_iommu

#if !defined(_TRACE_RISCV_IOMMU_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_RISCV_IOMMU_H

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(pq_consume,
	    TP_PROTO(u32 iommu, u32 devid, u32 pasid, u32 flags, u32 prgi,
		     u64 addr),
	    TP_ARGS(iommu, devid, pasid, flags, prgi, addr),
	    TP_STRUCT__entry(__field(u32, iommu)
			     __field(u32, devid)
			     __field(u32, pasid)
			     __field(u32, flags)
			     __field(u32, prgi)
			     __field(u64, addr)
	    ),
	    TP_fast_assign(__entry->iommu = iommu;
			   __entry->devid = devid;
			   __entry->pasid = pasid;
			   __entry->flags = flags;
			   __entry->prgi = prgi;
			   __entry->addr = addr;
	    ),
	    TP_printk("iommu=%u devid=0x%x pasid=%u flags=0x%x prgi=%u addr=0x%llx",
		      __entry->iommu, __entry->devid, __entry->pasid,
		      __entry->flags, __entry->prgi, __entry->addr)
);

TRACE_EVENT(pq_report,
	    TP_PROTO(u32 iommu, u32 devid, u32 pasid, u32 flags, u32 prgi,
		     int ret),
	    TP_ARGS(iommu, devid, pasid, flags, prgi, ret),
	    TP_STRUCT__entry(__field(u32, iommu)
			     __field(u32, devid)
			     __field(u32, pasid)
			     __field(u32, flags)
			     __field(u32, prgi)
			     __field(int, ret)
	    ),
	    TP_fast_assign(__entry->iommu = iommu;
			   __entry->devid = devid;
			   __entry->pasid = pasid;
			   __entry->flags = flags;
			   __entry->prgi = prgi;
			   __entry->ret = ret;
	    ),
	    TP_printk("iommu=%u devid=0x%x pasid=%u flags=0x%x prgi=%u ret=%d",
		      __entry->iommu, __entry->devid, __entry->pasid,
		      __entry->flags, __entry->prgi, __entry->ret)
);

TRACE_EVENT(page_response,
	    TP_PROTO(u32 iommu, u32 devid, u32 pasid, u32 flags, u32 prgi,
		     u32 code),
	    TP_ARGS(iommu, devid, pasid, flags, prgi, code),
	    TP_STRUCT__entry(__field(u32, iommu)
			     __field(u32, devid)
			     __field(u32, pasid)
			     __field(u32, flags)
			     __field(u32, prgi)
			     __field(u32, code)
	    ),
	    TP_fast_assign(__entry->iommu = iommu;
			   __entry->devid = devid;
			   __entry->pasid = pasid;
			   __entry->flags = flags;
			   __entry->prgi = prgi;
			   __entry->code = code;
	    ),
	    TP_printk("iommu=%u devid=0x%x pasid=%u flags=0x%x prgi=%u code=0x%x",
		      __entry->iommu, __entry->devid, __entry->pasid,
		      __entry->flags, __entry->prgi, __entry->code)
);

/* qhead/qtail: an argument named "head" collides with the perf glue. */
TRACE_EVENT(pq_error,
	    TP_PROTO(u32 iommu, u32 errors, u32 qhead, u32 qtail),
	    TP_ARGS(iommu, errors, qhead, qtail),
	    TP_STRUCT__entry(__field(u32, iommu)
			     __field(u32, errors)
			     __field(u32, head)
			     __field(u32, tail)
	    ),
	    TP_fast_assign(__entry->iommu = iommu;
			   __entry->errors = errors;
			   __entry->head = qhead;
			   __entry->tail = qtail;
	    ),
	    TP_printk("iommu=%u errors=0x%x head=%u tail=%u",
		      __entry->iommu, __entry->errors, __entry->head,
		      __entry->tail)
);

#endif /* _TRACE_RISCV_IOMMU_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
