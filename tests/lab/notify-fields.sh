#!/bin/sh
# Injected page requests that must fail reach riommu-test's failure notifier
# with the request's fields, exactly once per failed group, and are traced as
# iommu:iopf_failure; requests that must succeed are not reported.  The
# handler's answers come after delay_us.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 36
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/notify-common.inc
setup_or_bail

# Success window [0x10000000, 0x10100000)
rt_setup 0x100000
trace_start
rid=$((DEVID))

# check_last TAG RID PASID PV GRPID ADDR PERM CODE REASON
check_last() {
	got="$(($(rt_last rid))) $(rt_last pasid) $(rt_last pv) $(rt_last grpid) $(rt_last addr) $(rt_last perm) $(rt_last code) $(rt_last reason)"
	check_eq "$1: notified fields" "$2 $3 $4 $5 $6 $7 $8 $9" "$got"
}

inject prgi=1 addr=0x10000000 perm=r last
wait_stat answered_success 1
check_eq "in-window group answered Success" 1 "$(rt_stat answered_success)"
check_eq "in-window group not notified" 0 "$(rt_stat total)"

inject prgi=5 addr=0x20000000 perm=rw last
wait_stat total 1
check_eq "out-of-window group: one notification" 1 "$(rt_stat total)"
check_last "out-of-window group" $rid 0 0 5 0x20000000 0x3 1 $R_HANDLER

# Three requests, the last one just past the window: the group fails once
inject prgi=7 addr=0x100fe000 perm=r count=3 last
wait_stat total 2
check_eq "group crossing the window end: one notification" 2 "$(rt_stat total)"
check_last "group crossing the window end" $rid 0 0 7 0x10100000 0x1 1 $R_HANDLER

# Four groups of two requests: four notifications, one per group
inject prgi=20 addr=0x30000000 perm=w count=2 groups=4
wait_stat total 6
check_eq "4 failing groups of 2: 4 notifications" 6 "$(rt_stat total)"
# Groups are answered concurrently, so check each one in the trace
for g in 0 1 2 3; do
	check_eq "group $((20 + g)) of 4 traced once with its last address" 1 \
		"$(trace_lines | grep -c "grpid=$((20 + g)) addr=$(printf 0x%x $((0x30001000 + g * 0x2000))) perm=0x2 code=1 reason=2")"
done

echo 2 > "$RT/fail_code"
inject prgi=40 addr=0x40000000 perm=r last
wait_stat total 7
check_last "fail_code=2 (Response Failure)" $rid 0 0 40 0x40000000 0x1 2 $R_HANDLER
echo 1 > "$RT/fail_code"

# perm: READ 0x1, EXEC 0x4, PRIV 0x8
inject prgi=42 addr=0x50000000 perm=rx priv last
wait_stat total 8
check_last "exec+priv request" $rid 0 0 42 0x50000000 0xd 1 $R_HANDLER

# No domain for PASID 3: the core answers Invalid itself, once per group
inject pasid=3 prgi=60 addr=0x10000000 perm=r count=2 last
wait_stat total 9
sleep 0.3
check_eq "PASID without handler: one notification for a 2-request group" 9 "$(rt_stat total)"
check_eq "PASID without handler: counted as no_handler" 1 "$(rt_stat no_handler)"
check_last "PASID without handler" $rid 3 1 60 0x10001000 0x1 1 $R_NO_HANDLER

# Non-last requests alone are not answered, so not reported either
inject prgi=50 addr=0x60000000 perm=r count=3
sleep 0.3
check_eq "non-last requests alone: no notification" 9 "$(rt_stat total)"
inject prgi=50 addr=0x60003000 perm=r last
wait_stat total 10
check_eq "closing the group: one notification" 10 "$(rt_stat total)"
check_last "closed group" $rid 0 0 50 0x60003000 0x1 1 $R_HANDLER

check_eq "handler saw every group with a domain" 10 "$(rt_stat handled)"
check_eq "handler answered 9 groups with a failure" 9 "$(rt_stat answered_fail)"
check_eq "by reason: handler" 9 "$(rt_stat handler)"
check_eq "nothing pending" 0 "$(rt_stat pending)"

# The tracepoint: one event per failure, with the device name and fields
check_eq "one iommu:iopf_failure event per notification" 10 "$(trace_lines | wc -l)"
check_eq "trace events name the device" 10 "$(trace_lines | grep -c " $BDF rid=")"
check_cmd "trace event fields" sh -c "grep -q 'iopf_failure: $BDF rid=$(printf 0x%x $rid) pasid=0x0 flags=0x0 grpid=5 addr=0x20000000 perm=0x3 code=1 reason=2' $TR/trace"
check_cmd "trace event with PASID" sh -c "grep -q 'pasid=0x3 flags=0x1 grpid=60 addr=0x10001000 perm=0x1 code=1 reason=1' $TR/trace"

# Latency: the answer waits for delay_us (long enough for slow debug kernels)
echo 2000000 > "$RT/delay_us"
inject prgi=70 addr=0x70000000 perm=r last
check_eq "delayed group pending" 1 "$(rt_stat pending)"
check_eq "delayed group not yet notified" 10 "$(rt_stat total)"
wait_stat total 11 150
check_eq "delayed group notified" 11 "$(rt_stat total)"
lat=$(rt_stat last_latency_us)
check_ge "delayed answer after >= 2 s" 2000000 "$lat"
check_ge "delayed answer within 10 s" 0 "$((10000000 - lat))"
echo 0 > "$RT/delay_us"

check_dmesg_clean notify-fields
tap_exit
