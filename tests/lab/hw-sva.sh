#!/bin/sh
# SVA: a process binds its mm to the PRI test function through
# riommu-test's character device, and the function, in ATS mode with the
# mm's PASID, writes or reads pages of the process's memory it never
# touched.  Each page faults in through the page-request queue (the core's
# SVA handler runs handle_mm_fault() and answers Success), the translation
# is retried and the DMA lands in the process's pages.  A write to a
# read-only mapping ends in Invalid Request, and the failure notifier
# delivers each failed group to the process through the file it bound with.
# lab-plan: 23
# lab-variants: lab debug
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
check_eq "64 pages: no failure delivered to the process" 0 "$(pt_get sva_failures)"

sva count=32 group=8 perm=w value=0x20000
check_eq "groups of 8: all 32 pages written" "0 32" "$? $(pt_get pages_ok)"

sva count=16 perm=r value=0x30000
check_eq "reads: the device read what the process wrote" "0 16" "$? $(pt_get pages_ok)"

sva count=1 perm=w value=0x50000 readonly
check_eq "read-only page: one Invalid Request" "1 0" "$(pt_get resp_invalid) $(pt_get pages_ok)"
check_eq "read-only page: one failure delivered to the process, for its PASID and page" \
	"1 1 0" "$(pt_get sva_failures) $(pt_get sva_failures_match) $(pt_get sva_failures_lost)"
rec=$(awk '$1 == "sva_failure_first" { $1 = ""; print }' "$PT_OUT")
check_eq "read-only page: the record names the page" "addr=$(pt_get sva_buf)" \
	"$(echo "$rec" | tr ' ' '\n' | grep '^addr=')"
check_eq "read-only page: the record names the PASID" "pasid=$(pt_get sva_pasid)" \
	"$(echo "$rec" | tr ' ' '\n' | grep '^pasid=')"
check_eq "read-only page: Invalid from the SVA handler, for a write" "code=Invalid reason=handler 1" \
	"$(echo "$rec" | tr ' ' '\n' | grep -E '^(code|reason)=' | tr '\n' ' ')$(echo "$rec" | tr ' ' '\n' | grep -c '^perm=.*w')"
check_eq "read-only page: the record's requester ID is the function's" "rid=$DEVID" \
	"$(echo "$rec" | tr ' ' '\n' | grep '^rid=')"

sva count=4 perm=w value=0x40000 readonly
check_eq "read-only mapping: no page written" 0 "$(pt_get pages_ok)"
check_eq "read-only mapping: 4 Invalid Requests" 4 "$(pt_get resp_invalid)"
check_eq "read-only mapping: 4 failures delivered, all for the PASID's pages" "4 4" \
	"$(pt_get sva_failures) $(pt_get sva_failures_match)"

# The same process opening the file twice: its mm has one PASID, one notifier
$PT -d "$BDF" sva-open > "$PT_OUT" 2>&1
check_eq "the file's first record is the binding" "bound pasid=" "$(awk '$1 == "first_record" { print $2, $3 }' "$PT_OUT" | sed 's/[0-9]*$//')"
check_eq "a second open by the same process is refused" EBUSY "$(pt_get second_open)"
hw_check_dmesg "sva"
tap_exit
