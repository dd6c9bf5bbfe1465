// SPDX-License-Identifier: GPL-2.0
/*
 * Page request failure notifier
 *
 * An endpoint that uses PRI learns that a page request failed only from the
 * response code, and many endpoints do not tell their driver which request it
 * was. The core knows: it either sent the failing response itself or was
 * handed it by the fault handler. This lets the endpoint driver register for
 * those failures, per Requester ID, and traces every one of them.
 */

#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include <trace/events/iommu.h>

#include "iommu-priv.h"

struct iopf_failure_notifier {
	struct list_head	node;
	struct device		*dev;
	u32			rid;
	iommu_iopf_failure_fn	fn;
	void			*data;
};

/*
 * Failures are rare and few endpoints register, so one list is enough.
 * Readers walk it under RCU; writers serialise on the mutex.
 */
static LIST_HEAD(iopf_notifiers);
static DEFINE_MUTEX(iopf_notifiers_lock);

static struct iopf_failure_notifier *
iopf_notifier_find(struct device *dev, u32 rid)
{
	struct iopf_failure_notifier *n;

	list_for_each_entry(n, &iopf_notifiers, node)
		if (n->dev == dev && n->rid == rid)
			return n;
	return NULL;
}

/**
 * iommu_register_iopf_failure_notifier() - Get told about failed page requests
 * @dev: the endpoint device, which must be behind an IOMMU
 * @rid: the Requester ID the IOMMU reports for the requests of interest
 * @fn: the callback
 * @data: passed to @fn
 *
 * @fn is called once for every page request group answered other than
 * Success, among those reported for @dev with Requester ID @rid: when the
 * fault handler answers the group with an error, when no handler is attached,
 * when the core cannot queue the group, and when pending groups are answered
 * because the device is removed from its fault queue. @fn is called after the
 * response has been handed to the IOMMU driver.
 *
 * Calling context: @fn runs under rcu_read_lock() and must not sleep. It is
 * called from the IOMMU driver's fault reporting context (usually a threaded
 * interrupt), from the fault handler's context (a workqueue for SVA, a write
 * to the fault file for iommufd), or from iopf_queue_remove_device() with the
 * fault queue locks held. It must not call into the IOMMU API for @dev; record
 * what is needed and defer the rest to a work item.
 *
 * The caller must unregister before @dev is released, typically in its
 * driver's remove().
 *
 * Return: 0 on success, -EINVAL without @fn, -ENODEV if @dev is not behind an
 * IOMMU, -EBUSY if a callback is already registered for (@dev, @rid),
 * -ENOMEM.
 */
int iommu_register_iopf_failure_notifier(struct device *dev, u32 rid,
					 iommu_iopf_failure_fn fn, void *data)
{
	struct iopf_failure_notifier *n;
	int ret = 0;

	if (!fn)
		return -EINVAL;
	if (!device_iommu_mapped(dev))
		return -ENODEV;

	n = kzalloc_obj(*n);
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->rid = rid;
	n->fn = fn;
	n->data = data;

	mutex_lock(&iopf_notifiers_lock);
	if (iopf_notifier_find(dev, rid))
		ret = -EBUSY;
	else
		list_add_tail_rcu(&n->node, &iopf_notifiers);
	mutex_unlock(&iopf_notifiers_lock);

	if (ret)
		kfree(n);
	return ret;
}
EXPORT_SYMBOL_GPL(iommu_register_iopf_failure_notifier);

/**
 * iommu_unregister_iopf_failure_notifier() - Stop failure notifications
 * @dev: the device given at registration
 * @rid: the Requester ID given at registration
 *
 * When this returns, the callback is not running and will not be called again,
 * so its data may be freed. May sleep; must not be called from the callback.
 */
void iommu_unregister_iopf_failure_notifier(struct device *dev, u32 rid)
{
	struct iopf_failure_notifier *n;

	mutex_lock(&iopf_notifiers_lock);
	n = iopf_notifier_find(dev, rid);
	if (n)
		list_del_rcu(&n->node);
	mutex_unlock(&iopf_notifiers_lock);

	if (WARN_ON(!n))
		return;

	/* Callbacks run entirely inside RCU read-side sections */
	synchronize_rcu();
	kfree(n);
}
EXPORT_SYMBOL_GPL(iommu_unregister_iopf_failure_notifier);

/**
 * iopf_notify_failure() - Report a non-Success page response
 * @dev: the device the request was reported for
 * @prm: the last page request of the group
 * @code: the response code that was sent
 * @reason: why
 *
 * Called by the IOPF core after answering a group other than Success. Traces
 * the failure, then calls the callback registered for (@dev, @prm->rid), if
 * any.
 */
void iopf_notify_failure(struct device *dev,
			 const struct iommu_fault_page_request *prm,
			 enum iommu_page_response_code code,
			 enum iommu_iopf_failure_reason reason)
{
	bool pv = prm->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
	struct iommu_iopf_failure failure = {
		.rid	= prm->rid,
		.pasid	= pv ? prm->pasid : 0,
		.flags	= pv ? IOMMU_FAULT_PAGE_REQUEST_PASID_VALID : 0,
		.grpid	= prm->grpid,
		.perm	= prm->perm,
		.addr	= prm->addr,
		.code	= code,
		.reason	= reason,
	};
	struct iopf_failure_notifier *n;

	trace_iopf_failure(dev, failure.rid, failure.pasid, failure.flags,
			   failure.grpid, failure.addr, failure.perm,
			   failure.code, failure.reason);

	if (list_empty(&iopf_notifiers))
		return;

	rcu_read_lock();
	list_for_each_entry_rcu(n, &iopf_notifiers, node) {
		if (n->dev == dev && n->rid == failure.rid) {
			n->fn(dev, &failure, n->data);
			break;
		}
	}
	rcu_read_unlock();
}
