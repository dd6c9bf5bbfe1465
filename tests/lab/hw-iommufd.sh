#!/bin/sh
# iommufd fault queues, used the way a VMM forwards a device's page
# requests to its guest: pri-testdev binds the PRI test function to
# vfio-pci, opens its cdev, binds it to /dev/iommu, allocates an IOAS, a
# fault queue and a fault-capable HWPT, attaches it, and has the function
# DMA (ATS mode) at IOVAs nothing maps.  Each page request arrives on the
# fault fd; the program maps the page (IOMMU_IOAS_MAP) and answers Success,
# the function retries and its DMA lands in the program's memory.  Also:
# Invalid answers, a PASID's HWPT, and groups left pending when the HWPT is
# detached, when the fault fd is closed, and when the program exits:
# iommufd answers each of them exactly once.
# lab-plan: 21
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup
# The lab's interrupt controller does not isolate MSIs per device (no MSI
# page tables in the IOMMU driver yet), so iommufd refuses to bind until an
# admin accepts that, as one must on such a platform.
echo 1 > /sys/module/iommufd/parameters/allow_unsafe_interrupts
ifd() {
	$PT -d "$BDF" iommufd "$@" > "$PT_OUT" 2>&1
	rc=$?
	[ $rc -eq 0 ] || grep -v '^[a-z_0-9]* [0-9x]*$' "$PT_OUT" | sed 's/^/# /'
	return $rc
}
vals() { for n in "$@"; do printf '%s ' "$(pt_get "$n")"; done; }

ifd count=4 perm=w value=0x5000
check_eq "Success: every page written once its fault was answered" "0 4" "$? $(pt_get pages_ok)"
check_eq "Success: 4 faults read, 4 groups answered, 4 pages mapped" "4 4 4 " \
	"$(vals faults_read fault_groups_answered pages_mapped)"
check_eq "Success: each fault names the device, its IOVA, write permission" "0 4 " \
	"$(vals faults_bad faults_perm_ok)"
check_eq "Success: the function got 4 responses, all Success" "4 4 0 " \
	"$(vals resp_total resp_success resp_unexpected)"
check_eq "the function is bound to vfio-pci" vfio-pci \
	"$(basename "$(readlink "/sys/bus/pci/devices/$BDF/driver")")"

ifd count=16 group=4 perm=w value=0x6000
check_eq "groups of 4: 16 pages written, 4 groups answered" "0 16 4" \
	"$? $(pt_get pages_ok) $(pt_get fault_groups_answered)"

ifd count=8 perm=r value=0x7000
check_eq "reads: the function read what the program had in its pages" "0 8" "$? $(pt_get pages_ok)"

ifd count=3 perm=w value=0x9000 answer=invalid
check_eq "Invalid: no page written, 3 Invalid Requests, nothing else" "0 3 3 0 " \
	"$(vals pages_ok resp_invalid resp_total resp_success)"

ifd count=4 perm=w value=0x8000 pasid=7
check_eq "PASID 7: pages written through the PASID's HWPT" "0 4" "$? $(pt_get pages_ok)"
check_eq "PASID 7: every fault carries the PASID" "4 0 " "$(vals faults_read faults_bad)"

ifd count=4 perm=w leave=detach
check_eq "detach with faults pending: 4 groups outstanding before it" 4 "$(pt_get outstanding_before)"
check_eq "detach with faults pending: iommufd answered each group once, Invalid" "4 4 0 0 " \
	"$(vals resp_total resp_invalid resp_unexpected outstanding)"

ifd count=4 perm=w leave=close
check_eq "fault fd closed: nothing answered while the HWPT holds the queue" "4 4" \
	"$(pt_get outstanding_before) $(pt_get outstanding_after_close)"
check_eq "fault fd closed, then detach: each group answered once, Invalid" "4 4 0 0 " \
	"$(vals resp_total resp_invalid resp_unexpected outstanding)"

trace_on riscv_iommu/page_response
ifd count=4 perm=w leave=exit
check_eq "exit with faults pending: the program left 4 groups outstanding" 4 "$(pt_get outstanding_before)"
sleep 1
trace_off
check_eq "exit with faults pending: iommufd answered each group once, Invalid" "4 4" \
	"$(trace_dev page_response | wc -l) $(trace_dev page_response | grep -c 'code=Invalid')"

# Back to riommu-test: PRI works again for the kernel's own fault handler
bind_rt "$BDF"
check_eq "riommu-test bound again" riommu-test \
	"$(basename "$(readlink "/sys/bus/pci/devices/$BDF/driver")")"
pt run addr=$GOOD count=2 perm=r
check_eq "after vfio: 2 groups answered Success by riommu-test" "0 2 2" \
	"$? $(pt_get resp_total) $(pt_get resp_success)"
hw_check_dmesg "iommufd"
tap_exit
