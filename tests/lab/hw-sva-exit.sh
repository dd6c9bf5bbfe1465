#!/bin/sh
# SVA processes that leave with page requests outstanding.  A process binds
# its mm, starts the function on pages it never touched and exits at once;
# another is killed (SIGKILL) in the middle of a paced burst.  The mm goes
# (mmu_notifier release), the file is closed (unbind) while the function
# still sends page requests for the PASID: every group must get exactly one
# response (from the SVA handler, the core's teardown or the no-handler
# path), nothing may touch the freed mm (the debug kernel runs this with
# KASAN and lockdep), and the function must work for the next process.
# lab-plan: 18
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

# after_leaving WHAT: the function's burst ended with one answer per group
after_leaving() {
	$PT -d "$BDF" wait timeout=30 > "$PT_OUT" 2>&1
	check_eq "$1: the burst ended, nothing outstanding" "0 0" "$? $(pt_get outstanding)"
	sent=$(pt_get groups_sent)
	check_ge "$1: page requests were sent" 1 "$sent"
	check_eq "$1: one response per group sent" "$sent" "$(pt_get resp_total)"
	check_eq "$1: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
	check_eq "$1: page responses traced for the function match" "$sent" \
		"$(trace_dev page_response | wc -l)"
}

trace_on riscv_iommu/page_response
$PT -d "$BDF" sva count=256 perm=w value=0x1000 rate=200 nowait > "$PT_OUT" 2>&1
check_eq "exit: the process left at once, its burst under way" 0 "$?"
after_leaving "exit"
trace_off

# Counters from zero, so that what follows is this burst's alone.
$PT -d "$BDF" reset > /dev/null 2>&1
trace_on riscv_iommu/page_response
$PT -d "$BDF" sva count=240 perm=w value=0x2000 rate=30 timeout=60 > /tmp/sva-killed.out 2>&1 &
victim=$!
# Killed once the function has sent some groups, so in the middle of its
# 8 s burst: a fixed 2 s killed it before the burst started on the debug
# kernel with one vCPU (its bind alone took longer), and the checks below
# then read the exit burst's counters.  One status poll there takes up to
# 3 s: a faster burst (400 at 100/s) ended between two.
i=0
while [ $i -lt 240 ] && kill -0 "$victim" 2>/dev/null; do
	$PT -d "$BDF" status > "$PT_OUT" 2>&1
	[ "$(pt_get groups_sent)" -lt 8 ] || break
	sleep 0.5
	i=$((i + 1))
done
check_ge "kill: the burst under way when the process is killed" 8 "$(pt_get groups_sent)"
kill -9 "$victim"
wait "$victim"
check_eq "kill: the process died of SIGKILL" 137 "$?"
after_leaving "kill"
trace_off

# The function, the IOMMU and the SVA code are fine for the next process
$PT -d "$BDF" sva count=8 perm=w value=0x3000 > "$PT_OUT" 2>&1
check_eq "next process: its 8 pages written" "0 8" "$? $(pt_get pages_ok)"
check_eq "next process: a PASID again" 1 "$([ "$(pt_get sva_pasid)" -ge 1 ] && echo 1)"
hw_check_dmesg "sva-exit"
tap_exit
