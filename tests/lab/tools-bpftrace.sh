#!/bin/sh
# tools/bpftrace/*.bt run against injected page requests and report the
# known answer: per-RID request/group/response counts (riommu-rate.bt),
# the number of answered groups and their total latency, agreeing with
# tracefs (riommu-lat.bt), and failure notifications (riommu-failures.bt,
# when riommu-test is available).
# Needs: a kernel with the BPF JIT (CONFIG_BPF_JIT_ALWAYS_ON: bpftrace's
# programs are JIT-only on riscv64), /dev/fd, and time: bpftrace compiles
# each script with LLVM at start, 2-8 minutes per script under TCG, so the
# scenario needs RIOMMU_SCENARIO_TIMEOUT and the guest-run timeout >= 1200 s.
cd /src || exit 1
. tests/lab/tools-common.inc
# bpftrace builds its helpers through /dev/fd/N
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
command -v bpftrace > /dev/null || { fail "bpftrace installed"; exit 1; }
tools_trace_start
rt=0
if BDF=$(find_testdev) && bind_rt "$BDF"; then
	RT=/sys/kernel/debug/riommu-test/$BDF
	DEVID=$(cat "$RT/rid")
	echo 0x10000000 > "$RT/good_start"
	echo 0x100000 > "$RT/good_size"
	echo 0 > "$RT/delay_us"
	echo 1 > "$RT/fail_code"
	echo 1 > "$RT/reset"
	rt=1
fi

for s in rate lat failures; do
	bpftrace tools/bpftrace/riommu-$s.bt > $TMP/$s.out 2>&1 &
	eval "p_$s=\$!"
done
# bpftrace compiles at start: slow under TCG
i=0
while [ "$(cat $TMP/rate.out $TMP/lat.out $TMP/failures.out | grep -c '^Tracing')" -lt 3 ] &&
	[ "$(cat $TMP/rate.out $TMP/lat.out $TMP/failures.out | grep -c 'ERROR')" -eq 0 ] && [ $i -lt 1100 ]; do
	sleep 2
	i=$((i + 2))
done
if grep -q 'Error loading BPF program' $TMP/*.out; then
	fail "bpftrace: programs load" "the kernel cannot run bpftrace's programs (BPF JIT off? enable CONFIG_BPF_JIT_ALWAYS_ON): $(grep -h 'ERROR' $TMP/*.out | head -1)"
	kill $p_rate $p_lat $p_failures 2>/dev/null
	exit 1
fi
check_eq "bpftrace: the three scripts started (${i}s)" 3 "$(cat $TMP/rate.out $TMP/lat.out $TMP/failures.out | grep -c '^Tracing')"
sleep 1
tools_workload_unknown
[ $rt = 1 ] && inject prgi=2 addr=0x20000000 perm=rw count=2 last
sleep 3
kill -INT $p_rate $p_lat $p_failures
wait
tools_trace_stop

# riommu-rate.bt: sums over the per-second maps
rsum() { awk -v k="$1" 'index($0, k) == 1 { s += $NF } END { print s + 0 }' $TMP/rate.out; }
check_eq "riommu-rate.bt: requests of rid 0x30" 14 "$(rsum '@requests[0, 48]:')"
check_eq "riommu-rate.bt: groups of rid 0x30" 6 "$(rsum '@groups[0, 48]:')"
check_eq "riommu-rate.bt: Invalid responses to rid 0x30" 6 "$(rsum '@responses[0, 48, 1]:')"
check_eq "riommu-rate.bt: requests of rid 0x38" 2 "$(rsum '@requests[0, 56]:')"
check_eq "riommu-rate.bt: no response to rid 0x38" 0 "$(rsum '@responses[0, 56,')"

# riommu-lat.bt: answered groups and latency against tracefs
tr_latencies > $TMP/lat.txt
want=$(awk '$2 == 48 { n++ } END { print n + 0 }' $TMP/lat.txt)
check_eq "tracefs: 6 answered groups of rid 0x30" 6 "$want"
all=$(wc -l < $TMP/lat.txt)
check_eq "riommu-lat.bt: @groups" "$all" "$(awk '/^@groups:/ { print $2 }' $TMP/lat.out)"
check_eq "riommu-lat.bt: histogram total" "$all" \
	"$(awk '/^@usecs:/ { on = 1; next } on && /^\[/ { s += $3 } on && /^$/ { on = 0 } END { print s + 0 }' $TMP/lat.out)"
near "riommu-lat.bt: latency sum agrees with tracefs" \
	"$(awk '{ s += $6 } END { printf "%.0f\n", s }' $TMP/lat.txt)" "$(awk '/^@sum_ns:/ { print $2 }' $TMP/lat.out)" "$all"

# riommu-failures.bt
check_eq "riommu-failures.bt: header" 1 "$(grep -c '^TIME *DEVICE *RID' $TMP/failures.out)"
if [ $rt = 1 ]; then
	line=$(grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' $TMP/failures.out)
	check_eq "riommu-failures.bt: one failure line" 1 "$(echo "$line" | grep -c .)"
	case $line in
	*"$BDF"*"rw-"*"Invalid handler"*) pass "riommu-failures.bt: device, perm, code, reason" ;;
	*) fail "riommu-failures.bt: device, perm, code, reason" "$line" ;;
	esac
else
	skip "riommu-failures.bt: failure line" "riommu-test not available"
fi
tap_exit
