#!/bin/sh
# SVA: a process binds its mm to the PRI test function through
# riommu-test's character device, and the function, in ATS mode with the
# mm's PASID, writes or reads pages of the process's memory it never
# touched.  Each page faults in through the page-request queue (the core's
# SVA handler runs handle_mm_fault() and answers Success), the translation
# is retried and the DMA lands in the process's pages.  A write to a
# read-only mapping ends in Invalid Request.
# lab-plan: 13
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup
sva() { $PT -d "$BDF" sva "$@" > "$PT_OUT" 2>&1; }

sva count=1 perm=w value=0x5000
check_eq "one page: the process saw the device's write" "0 1" "$? $(pt_get pages_ok)"
check_ge "one page: it faulted in through a page request" 1 "$(pt_get resp_success)"
check_ge "one page: a PASID was allocated" 1 "$(pt_get sva_pasid)"

sva count=64 perm=w value=0x10000
check_eq "64 pages: every page holds what the device wrote" "0 64" "$? $(pt_get pages_ok)"
check_eq "64 pages: 64 page requests answered Success" 64 "$(pt_get resp_success)"
check_eq "64 pages: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"

sva count=32 group=8 perm=w value=0x20000
check_eq "groups of 8: all 32 pages written" "0 32" "$? $(pt_get pages_ok)"

sva count=16 perm=r value=0x30000
check_eq "reads: the device read what the process wrote" "0 16" "$? $(pt_get pages_ok)"

sva count=4 perm=w value=0x40000 readonly
check_eq "read-only mapping: no page written" 0 "$(pt_get pages_ok)"
check_eq "read-only mapping: 4 Invalid Requests" 4 "$(pt_get resp_invalid)"
hw_check_dmesg "sva"
tap_exit
