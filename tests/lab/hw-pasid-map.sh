#!/bin/sh
# PASID: a paging domain attached to one PASID of the PRI test function
# (riommu-test's pasid_map: iommu_attach_device_pasid(), the driver's
# set_dev_pasid writing a process context) translates DMA with that PASID
# only.  A DMA write with the PASID lands in the domain's page; with another
# PASID, or without one (the requester ID's own domain, process context 0),
# it faults; after detach the PASID faults too.  A 20-bit PASID needs the
# process directory's inner levels.  QEMU carries 8 bits of PASID in
# untranslated DMA, so the DMAs use PASIDs below 256.
# lab-plan: 21
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup
IOVA=0x20000000
dma() { $PT -d "$BDF" dma addr=$IOVA "$@" | awk '$1 == "dma_status" { print $2 }'; }

check_eq "PASID enabled in the function by the IOMMU driver" 1 "$(pt_status pasid_enabled)"
check_cmd "PASID 7: domain attached" sh -c "echo 7 > $RT/pasid_map"
check_eq "pasid_map reads 7" 7 "$(cat "$RT/pasid_map")"
check_eq "its page starts zeroed" 0x0 "$(cat "$RT/pasid_buf")"
check_eq "DMA with PASID 7: completed" 1 "$(dma value=0x1234abcd pasid=7)"
check_eq "DMA with PASID 7: landed in the domain's page" 0x1234abcd "$(cat "$RT/pasid_buf")"
check_eq "DMA with PASID 8 (nothing attached): faulted" 2 "$(dma value=0x8 pasid=8)"
check_eq "DMA without PASID (the RID's domain has no page there): faulted" 2 "$(dma value=0x9)"
check_eq "the page kept PASID 7's value" 0x1234abcd "$(cat "$RT/pasid_buf")"
check_cmd "a second PASID domain refused while one is mapped" \
	sh -c "! echo 9 > $RT/pasid_map 2> /dev/null"
check_cmd "PASID 7: detached" sh -c "echo 0 > $RT/pasid_map"
check_eq "DMA with PASID 7 after detach: faulted" 2 "$(dma value=0x7 pasid=7)"

# the same PC slot, and one far away in the directory (PDI[2], PDI[1])
check_cmd "PASID 200: domain attached" sh -c "echo 200 > $RT/pasid_map"
check_eq "DMA with PASID 200: completed" 1 "$(dma value=0xc8 pasid=200)"
check_eq "DMA with PASID 200: landed" 0xc8 "$(cat "$RT/pasid_buf")"
check_cmd "PASID 200: detached" sh -c "echo 0 > $RT/pasid_map"
check_cmd "PASID 0xabcde (20 bits, inner directory levels): attached and detached" \
	sh -c "echo $((0xabcde)) > $RT/pasid_map && echo 0 > $RT/pasid_map"

# the requester ID still translates through its own domain: a page request
# group answered Success and its DMA after Success
pt run addr=$GOOD count=2 group=1 perm=w dma=0x55 timeout=10
check_eq "RID traffic after the PASID work: 2 groups answered Success" 2 "$(pt_get resp_success)"
check_eq "RID traffic: the DMA after Success reached the IOMMU" 2 "$(( $(pt_get dma_ok) + $(pt_get dma_fail) ))"
tap_exit
