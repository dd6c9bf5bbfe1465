// SPDX-License-Identifier: GPL-2.0
/*
 * Test endpoint for IOMMU page request handling
 *
 * Binds to a spare PCI function (through driver_override, or by ID for QEMU's
 * PRI test function), takes over its DMA, attaches a paging domain with its
 * own fault handler, registers a page request failure notifier for the
 * function's Requester ID, and then enables the function as a bus master so
 * that it can send page requests. Page requests for the function (from the
 * device, or from an IOMMU driver's fault injector) then get a known answer,
 * and the failures the IOMMU core reports can be checked against it.
 *
 * The fault handler answers a group Success when every request in it lies in
 * [good_start, good_start + good_size), and fail_code otherwise, after
 * delay_us microseconds (rounded up to a jiffy). When the domain is detached
 * (debugfs "attach", unbind, or removal), groups still waiting for their
 * delay are left to the IOMMU core, which answers them when the device leaves
 * its fault queue: that is the path this driver exists to exercise.
 *
 * debugfs, /sys/kernel/debug/riommu-test/<pci-name>/:
 *   stats       (r)  "name value" lines: total, no_handler, handler, nomem,
 *                    teardown, report, other (failures by reason), handled,
 *                    answered_success, answered_fail, pending,
 *                    last_latency_us (request to response of the last group
 *                    this handler answered)
 *   last        (r)  "name value" lines of the last failure: valid, rid,
 *                    pasid, pv, grpid, perm, addr, code, reason
 *   reset       (w)  any write clears stats and last
 *   notifier    (rw) 1 registered, 0 not; write 0/1 to unregister/register
 *   rid         (rw) Requester ID used by the next registration (default:
 *                    the function's bus/devfn)
 *   attach      (rw) 1 if the fault domain is attached; write 0/1
 *   good_start  (rw) start of the Success window (default 0x10000000)
 *   good_size   (rw) size of the Success window (default 0x10000000)
 *   delay_us    (rw) delay before answering a group (default 0)
 *   in_queue    (rw) 1: answer from a work item on the IOMMU's fault queue,
 *                    sleeping delay_us there, the way the SVA handler
 *                    works (teardown must wait for it); 0 (default): from
 *                    this driver's own delayed work
 *   fail_code   (rw) code outside the window: 1 Invalid (default), 2 Failure
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

/* iommu_attach_group_handle(): a domain with a fault handler on the RID */
#include "iommu-priv.h"

#define RT_NR_REASONS	(IOMMU_IOPF_FAIL_REPORT + 1)

struct riommu_test {
	struct pci_dev			*pdev;
	/* Embedded so the fault handler finds us from group->attach_handle */
	struct iommu_attach_handle	handle;
	struct iommu_domain		*domain;
	struct workqueue_struct		*wq;
	struct dentry			*dir;

	/* Serialises attach/detach and notifier (un)registration */
	struct mutex			ctl_lock;
	bool				attached;
	bool				registered;
	u32				reg_rid;

	/* Knobs, read locklessly by the fault handler */
	u32				rid;
	u64				good_start;
	u64				good_size;
	u32				delay_us;
	bool				in_queue;
	u32				fail_code;

	/* Groups waiting for their answer */
	spinlock_t			req_lock;
	struct list_head		pending;
	unsigned int			nr_pending;
	bool				accepting;

	/* What the notifier and the handler saw; taken from any context */
	spinlock_t			stat_lock;
	u64				reasons[RT_NR_REASONS];
	u64				total;
	u64				handled;
	u64				answered_success;
	u64				answered_fail;
	u64				last_latency_us;
	bool				last_valid;
	struct iommu_iopf_failure	last;
};

struct riommu_test_req {
	struct list_head		node;
	struct delayed_work		dwork;
	struct riommu_test		*t;
	struct iopf_group		*group;
	enum iommu_page_response_code	code;
	ktime_t				start;
};

static struct dentry *riommu_test_root;

static void riommu_test_failure(struct device *dev,
				const struct iommu_iopf_failure *f, void *data)
{
	struct riommu_test *t = data;
	unsigned long flags;

	spin_lock_irqsave(&t->stat_lock, flags);
	t->reasons[f->reason < RT_NR_REASONS ? f->reason : 0]++;
	t->total++;
	t->last = *f;
	t->last_valid = true;
	spin_unlock_irqrestore(&t->stat_lock, flags);
}

static void riommu_test_respond(struct work_struct *work)
{
	struct riommu_test_req *req = container_of(to_delayed_work(work),
						   struct riommu_test_req,
						   dwork);
	struct riommu_test *t = req->t;
	unsigned long flags;

	spin_lock_irqsave(&t->req_lock, flags);
	if (list_empty(&req->node)) {
		/* Detach took it over; the core answers the group */
		spin_unlock_irqrestore(&t->req_lock, flags);
		return;
	}
	list_del_init(&req->node);
	t->nr_pending--;
	spin_unlock_irqrestore(&t->req_lock, flags);

	spin_lock_irqsave(&t->stat_lock, flags);
	if (req->code == IOMMU_PAGE_RESP_SUCCESS)
		t->answered_success++;
	else
		t->answered_fail++;
	t->last_latency_us = ktime_us_delta(ktime_get(), req->start);
	spin_unlock_irqrestore(&t->stat_lock, flags);

	iopf_group_response(req->group, req->code);
	iopf_free_group(req->group);
	kfree(req);
}

static enum iommu_page_response_code
riommu_test_decide(struct riommu_test *t, struct iopf_group *group)
{
	u64 start = READ_ONCE(t->good_start);
	u64 size = READ_ONCE(t->good_size);
	u32 fail = READ_ONCE(t->fail_code);
	struct iopf_fault *iopf;

	if (fail != IOMMU_PAGE_RESP_FAILURE)
		fail = IOMMU_PAGE_RESP_INVALID;

	list_for_each_entry(iopf, &group->faults, list) {
		u64 addr = iopf->fault.prm.addr;

		if (addr < start || addr - start >= size)
			return fail;
	}
	return IOMMU_PAGE_RESP_SUCCESS;
}

/* in_queue: the group's answer from the fault queue's workqueue */
static void riommu_test_respond_in_queue(struct work_struct *work)
{
	struct iopf_group *group = container_of(work, struct iopf_group, work);
	struct riommu_test *t = container_of(group->attach_handle,
					     struct riommu_test, handle);
	enum iommu_page_response_code code = riommu_test_decide(t, group);
	unsigned long flags;

	fsleep(READ_ONCE(t->delay_us));
	spin_lock_irqsave(&t->stat_lock, flags);
	if (code == IOMMU_PAGE_RESP_SUCCESS)
		t->answered_success++;
	else
		t->answered_fail++;
	spin_unlock_irqrestore(&t->stat_lock, flags);
	iopf_group_response(group, code);
	iopf_free_group(group);
}

/* Called by iommu_report_device_fault(), in the IOMMU driver's context */
static int riommu_test_iopf_handler(struct iopf_group *group)
{
	struct riommu_test *t = container_of(group->attach_handle,
					     struct riommu_test, handle);
	struct riommu_test_req *req;
	unsigned long flags;

	if (READ_ONCE(t->in_queue)) {
		spin_lock_irqsave(&t->stat_lock, flags);
		t->handled++;
		spin_unlock_irqrestore(&t->stat_lock, flags);
		INIT_WORK(&group->work, riommu_test_respond_in_queue);
		if (!queue_work(group->fault_param->queue->wq, &group->work))
			return -EBUSY;
		return 0;
	}

	req = kzalloc_obj(*req);
	if (!req)
		return -ENOMEM;

	INIT_LIST_HEAD(&req->node);
	INIT_DELAYED_WORK(&req->dwork, riommu_test_respond);
	req->t = t;
	req->group = group;
	req->code = riommu_test_decide(t, group);
	req->start = ktime_get();

	spin_lock_irqsave(&t->stat_lock, flags);
	t->handled++;
	spin_unlock_irqrestore(&t->stat_lock, flags);

	spin_lock_irqsave(&t->req_lock, flags);
	if (!t->accepting) {
		/*
		 * Being detached: the group stays on the device's fault queue
		 * and iopf_queue_remove_device() answers it.
		 */
		spin_unlock_irqrestore(&t->req_lock, flags);
		kfree(req);
		return 0;
	}
	list_add_tail(&req->node, &t->pending);
	t->nr_pending++;
	queue_delayed_work(t->wq, &req->dwork,
			   usecs_to_jiffies(READ_ONCE(t->delay_us)));
	spin_unlock_irqrestore(&t->req_lock, flags);

	return 0;
}

static int riommu_test_attach(struct riommu_test *t)
{
	struct device *dev = &t->pdev->dev;
	struct iommu_domain *domain;
	int ret;

	lockdep_assert_held(&t->ctl_lock);
	if (t->attached)
		return 0;

	domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	/* Must be set before attach: the IOMMU driver enables PRI on it */
	domain->iopf_handler = riommu_test_iopf_handler;

	spin_lock_irq(&t->req_lock);
	t->accepting = true;
	spin_unlock_irq(&t->req_lock);

	ret = iommu_attach_group_handle(domain, dev->iommu_group, &t->handle);
	if (ret) {
		spin_lock_irq(&t->req_lock);
		t->accepting = false;
		spin_unlock_irq(&t->req_lock);
		iommu_domain_free(domain);
		return ret;
	}
	t->domain = domain;
	t->attached = true;
	return 0;
}

static void riommu_test_detach(struct riommu_test *t)
{
	struct riommu_test_req *req;

	lockdep_assert_held(&t->ctl_lock);
	if (!t->attached)
		return;

	/* Stop answering; whatever is still pending is left to the core */
	spin_lock_irq(&t->req_lock);
	t->accepting = false;
	while ((req = list_first_entry_or_null(&t->pending,
					       struct riommu_test_req, node))) {
		list_del_init(&req->node);
		t->nr_pending--;
		spin_unlock_irq(&t->req_lock);
		cancel_delayed_work_sync(&req->dwork);
		kfree(req);
		spin_lock_irq(&t->req_lock);
	}
	spin_unlock_irq(&t->req_lock);
	/* Answers already under way must finish before the groups go away */
	flush_workqueue(t->wq);

	iommu_detach_group_handle(t->domain, t->pdev->dev.iommu_group);
	iommu_domain_free(t->domain);
	t->domain = NULL;
	t->attached = false;
}

static int riommu_test_register(struct riommu_test *t)
{
	u32 rid = READ_ONCE(t->rid);
	int ret;

	lockdep_assert_held(&t->ctl_lock);
	if (t->registered)
		return 0;

	ret = iommu_register_iopf_failure_notifier(&t->pdev->dev, rid,
						   riommu_test_failure, t);
	if (ret)
		return ret;
	t->reg_rid = rid;
	t->registered = true;
	return 0;
}

static void riommu_test_unregister(struct riommu_test *t)
{
	lockdep_assert_held(&t->ctl_lock);
	if (!t->registered)
		return;

	iommu_unregister_iopf_failure_notifier(&t->pdev->dev, t->reg_rid);
	t->registered = false;
}

/* Detach first: the core reports the groups it answers for us */
static void riommu_test_stop(struct riommu_test *t)
{
	mutex_lock(&t->ctl_lock);
	riommu_test_detach(t);
	riommu_test_unregister(t);
	mutex_unlock(&t->ctl_lock);
}

static int riommu_test_stats_show(struct seq_file *s, void *unused)
{
	static const char * const names[RT_NR_REASONS] = {
		[0]				= "other",
		[IOMMU_IOPF_FAIL_NO_HANDLER]	= "no_handler",
		[IOMMU_IOPF_FAIL_HANDLER]	= "handler",
		[IOMMU_IOPF_FAIL_NOMEM]		= "nomem",
		[IOMMU_IOPF_FAIL_TEARDOWN]	= "teardown",
		[IOMMU_IOPF_FAIL_REPORT]	= "report",
	};
	struct riommu_test *t = s->private;
	u64 reasons[RT_NR_REASONS];
	u64 total, handled, ok, fail, lat;
	unsigned int pending;
	int i;

	spin_lock_irq(&t->stat_lock);
	memcpy(reasons, t->reasons, sizeof(reasons));
	total = t->total;
	handled = t->handled;
	ok = t->answered_success;
	fail = t->answered_fail;
	lat = t->last_latency_us;
	spin_unlock_irq(&t->stat_lock);

	spin_lock_irq(&t->req_lock);
	pending = t->nr_pending;
	spin_unlock_irq(&t->req_lock);

	seq_printf(s, "total %llu\n", total);
	for (i = 1; i < RT_NR_REASONS; i++)
		seq_printf(s, "%s %llu\n", names[i], reasons[i]);
	seq_printf(s, "%s %llu\n", names[0], reasons[0]);
	seq_printf(s, "handled %llu\n", handled);
	seq_printf(s, "answered_success %llu\n", ok);
	seq_printf(s, "answered_fail %llu\n", fail);
	seq_printf(s, "pending %u\n", pending);
	seq_printf(s, "last_latency_us %llu\n", lat);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(riommu_test_stats);

static int riommu_test_last_show(struct seq_file *s, void *unused)
{
	struct riommu_test *t = s->private;
	struct iommu_iopf_failure f;
	bool valid;

	spin_lock_irq(&t->stat_lock);
	f = t->last;
	valid = t->last_valid;
	spin_unlock_irq(&t->stat_lock);

	seq_printf(s, "valid %d\n", valid);
	seq_printf(s, "rid 0x%x\n", f.rid);
	seq_printf(s, "pasid %u\n", f.pasid);
	seq_printf(s, "pv %d\n",
		   !!(f.flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID));
	seq_printf(s, "grpid %u\n", f.grpid);
	seq_printf(s, "perm 0x%x\n", f.perm);
	seq_printf(s, "addr 0x%llx\n", f.addr);
	seq_printf(s, "code %u\n", f.code);
	seq_printf(s, "reason %u\n", f.reason);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(riommu_test_last);

static ssize_t riommu_test_reset_write(struct file *file,
				       const char __user *buf, size_t count,
				       loff_t *ppos)
{
	struct riommu_test *t = file->private_data;

	spin_lock_irq(&t->stat_lock);
	memset(t->reasons, 0, sizeof(t->reasons));
	t->total = 0;
	t->handled = 0;
	t->answered_success = 0;
	t->answered_fail = 0;
	t->last_latency_us = 0;
	t->last_valid = false;
	memset(&t->last, 0, sizeof(t->last));
	spin_unlock_irq(&t->stat_lock);
	return count;
}

static const struct file_operations riommu_test_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= riommu_test_reset_write,
};

/* The "notifier" and "attach" switches: read 0/1, write 0 or 1 */
static int riommu_test_switch(struct riommu_test *t, u64 val,
			      int (*on)(struct riommu_test *t),
			      void (*off)(struct riommu_test *t))
{
	int ret = 0;

	if (val > 1)
		return -EINVAL;
	mutex_lock(&t->ctl_lock);
	if (val)
		ret = on(t);
	else
		off(t);
	mutex_unlock(&t->ctl_lock);
	return ret;
}

static int riommu_test_notifier_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct riommu_test *)data)->registered);
	return 0;
}

static int riommu_test_notifier_set(void *data, u64 val)
{
	return riommu_test_switch(data, val, riommu_test_register,
				  riommu_test_unregister);
}
DEFINE_DEBUGFS_ATTRIBUTE(riommu_test_notifier_fops, riommu_test_notifier_get,
			 riommu_test_notifier_set, "%llu\n");

static int riommu_test_attach_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct riommu_test *)data)->attached);
	return 0;
}

static int riommu_test_attach_set(void *data, u64 val)
{
	return riommu_test_switch(data, val, riommu_test_attach,
				  riommu_test_detach);
}
DEFINE_DEBUGFS_ATTRIBUTE(riommu_test_attach_fops, riommu_test_attach_get,
			 riommu_test_attach_set, "%llu\n");

static void riommu_test_debugfs_init(struct riommu_test *t)
{
	struct dentry *d;

	d = debugfs_create_dir(pci_name(t->pdev), riommu_test_root);
	t->dir = d;
	debugfs_create_file("stats", 0400, d, t, &riommu_test_stats_fops);
	debugfs_create_file("last", 0400, d, t, &riommu_test_last_fops);
	debugfs_create_file("reset", 0200, d, t, &riommu_test_reset_fops);
	debugfs_create_file_unsafe("notifier", 0600, d, t,
				   &riommu_test_notifier_fops);
	debugfs_create_file_unsafe("attach", 0600, d, t,
				   &riommu_test_attach_fops);
	debugfs_create_x32("rid", 0600, d, &t->rid);
	debugfs_create_x64("good_start", 0600, d, &t->good_start);
	debugfs_create_x64("good_size", 0600, d, &t->good_size);
	debugfs_create_u32("delay_us", 0600, d, &t->delay_us);
	debugfs_create_bool("in_queue", 0600, d, &t->in_queue);
	debugfs_create_u32("fail_code", 0600, d, &t->fail_code);
}

static int riommu_test_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct riommu_test *t;
	int ret;

	if (!device_iommu_mapped(dev))
		return dev_err_probe(dev, -ENODEV, "not behind an IOMMU\n");

	t = devm_kzalloc(dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	t->pdev = pdev;
	mutex_init(&t->ctl_lock);
	spin_lock_init(&t->req_lock);
	spin_lock_init(&t->stat_lock);
	INIT_LIST_HEAD(&t->pending);
	t->rid = pci_dev_id(pdev);
	t->good_start = 0x10000000;
	t->good_size = 0x10000000;
	t->fail_code = IOMMU_PAGE_RESP_INVALID;

	t->wq = alloc_workqueue("riommu-test/%s", WQ_UNBOUND, 0,
				pci_name(pdev));
	if (!t->wq)
		return -ENOMEM;

	/* The fault domain replaces the DMA API's, so own the DMA first */
	ret = iommu_device_claim_dma_owner(dev, t);
	if (ret) {
		dev_err_probe(dev, ret, "cannot claim DMA ownership\n");
		goto err_wq;
	}

	mutex_lock(&t->ctl_lock);
	ret = riommu_test_attach(t);
	/* Not fatal: failures without a handler can still be tested */
	if (ret)
		dev_warn(dev, "fault domain not attached: %d\n", ret);
	ret = riommu_test_register(t);
	if (ret) {
		riommu_test_detach(t);
		mutex_unlock(&t->ctl_lock);
		dev_err_probe(dev, ret, "cannot register failure notifier\n");
		goto err_owner;
	}
	mutex_unlock(&t->ctl_lock);

	/*
	 * Only now may the function send page requests: they reach our
	 * handler. Released by devres after remove().
	 */
	ret = pcim_enable_device(pdev);
	if (ret) {
		dev_err_probe(dev, ret, "cannot enable the function\n");
		goto err_stop;
	}
	pci_set_master(pdev);

	pci_set_drvdata(pdev, t);
	riommu_test_debugfs_init(t);
	dev_info(dev, "rid 0x%x, fault domain %sattached\n", t->rid,
		 t->attached ? "" : "not ");
	return 0;

err_stop:
	riommu_test_stop(t);
err_owner:
	iommu_device_release_dma_owner(dev);
err_wq:
	destroy_workqueue(t->wq);
	return ret;
}

static void riommu_test_remove(struct pci_dev *pdev)
{
	struct riommu_test *t = pci_get_drvdata(pdev);

	/* Waits for debugfs users, so nothing below races with them */
	debugfs_remove_recursive(t->dir);
	/* No new page requests once the fault domain starts to go */
	pci_clear_master(pdev);

	riommu_test_stop(t);

	iommu_device_release_dma_owner(&pdev->dev);
	destroy_workqueue(t->wq);
	dev_info(&pdev->dev, "removed after %llu failures (%llu at teardown)\n",
		 t->total, t->reasons[IOMMU_IOPF_FAIL_TEARDOWN]);
}

/*
 * Any spare function can be bound through driver_override; functions made
 * for this are bound automatically.
 */
static const struct pci_device_id riommu_test_ids[] = {
	/* QEMU riommu-pri-testdev (lab patch): ATS, PASID and PRI */
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, 0x00f1) },
	{ }
};
MODULE_DEVICE_TABLE(pci, riommu_test_ids);

static struct pci_driver riommu_test_driver = {
	.name			= "riommu-test",
	.id_table		= riommu_test_ids,
	.probe			= riommu_test_probe,
	.remove			= riommu_test_remove,
	/* The DMA API is not used, the device runs in our domain */
	.driver_managed_dma	= true,
};

static int __init riommu_test_init(void)
{
	int ret;

	riommu_test_root = debugfs_create_dir("riommu-test", NULL);
	ret = pci_register_driver(&riommu_test_driver);
	if (ret)
		debugfs_remove(riommu_test_root);
	return ret;
}
module_init(riommu_test_init);

static void __exit riommu_test_exit(void)
{
	pci_unregister_driver(&riommu_test_driver);
	debugfs_remove(riommu_test_root);
}
module_exit(riommu_test_exit);

MODULE_DESCRIPTION("Test endpoint for IOMMU page request failure reporting");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("IOMMUFD_INTERNAL");
