#!/bin/sh
# Page-request queue errors (PQOF overflow, PQMF memory fault), forced
# through the injector's error= token into the driver's error path: each is
# counted, traced as pq_error with the right bits, warned about, and the
# driver keeps working.  A group whose first request was queued before the
# overflow is still answered exactly once when its last request comes, and
# only the requests after the overflow reach the handler: the partial group
# is discarded (its first request lies outside riommu-test's window, so the
# answer says which requests the handler saw; a control group without an
# overflow between the same two requests gets Invalid).
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 23
cd /src || exit 1
. tests/lab/riscv-pq-common.inc
pq_require

pq_setup_testdev 0x10000000

trace_start
o0=$(pqs overflows)
m0=$(pqs mem_faults)
r0=$(pqs injected_responses)

# Control: the same two requests without an overflow between them form one
# group the handler sees whole; its first request is outside the window.
check_cmd "control: partial request outside the window" inj "devid=$DEV prgi=29 addr=0x1000 perm=r"
check_cmd "control: last request inside the window" inj "devid=$DEV prgi=29 addr=0x10001000 perm=r last"
wait_pqs injected_responses $((r0 + 1))
r0=$(pqs injected_responses)
# A partial group is pending in the IOPF core when the overflow hits
check_cmd "partial request before the overflow" inj "devid=$DEV prgi=30 addr=0x1000 perm=r"
check_cmd "overflow injected" inj "error=overflow"
check_cmd "memory fault injected" inj "error=memfault"
check_cmd "both injected" inj "error=both"
check_cmd "records then overflow in one line" inj "devid=$DEV prgi=31 addr=0x10000000 perm=r last error=overflow"
check_eq "overflows counted" 3 $(( $(pqs overflows) - o0 ))
check_eq "memory faults counted" 2 $(( $(pqs mem_faults) - m0 ))

# The group closes after the overflow: one response, Success
check_cmd "last request after the overflow" inj "devid=$DEV prgi=30 addr=0x10001000 perm=r last"
wait_pqs injected_responses $((r0 + 2))
check_cmd "normal group after the errors" inj "devid=$DEV prgi=32 addr=0x10000000 perm=rw count=4 last"
wait_pqs injected_responses $((r0 + 3))
sleep 0.2
trace_snap
check_eq "pq_error OF traced" 2 "$(tcount pq_error "iommu=0 errors=OF ")"
check_eq "pq_error MF traced" 1 "$(tcount pq_error "iommu=0 errors=MF ")"
check_eq "pq_error OF|MF traced" 1 "$(tcount pq_error "iommu=0 errors=OF|MF ")"
check_eq "group across the overflow: one response" 1 "$(tcount page_response "devid=$DEV " "prgi=30 ")"
check_eq "control group: the handler saw both requests (Invalid)" 1 "$(tcount page_response "devid=$DEV " "prgi=29 " "code=Invalid")"
check_eq "group across the overflow: only the request after it reached the handler (Success)" 1 \
	"$(tcount page_response "devid=$DEV " "prgi=30 " "code=Success")"
check_eq "group with the overflow line answered" 1 "$(tcount page_response "devid=$DEV " "prgi=31 " "code=Success")"
check_eq "later group answered Success" 1 "$(tcount page_response "devid=$DEV " "prgi=32 " "code=Success")"
check_eq "responses counter" $((r0 + 3)) "$(pqs injected_responses)"
dmesg | grep -q 'page request queue error (injected): overflow:1' &&
	pass "overflow warned in dmesg" || fail "overflow warned in dmesg"
# Hardware queue still enabled and sane after the error path
check_cmd "PQ still accepts injections" inj "devid=$DEV prgi=33 addr=0x10000000 perm=r last"

trace_stop
tap_exit
