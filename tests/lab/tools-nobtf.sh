#!/bin/sh
# The tools on a kernel built without BTF (the debug kernel has no
# CONFIG_DEBUG_INFO_BTF): their programs carry no CO-RE relocation, so they
# load as raw tracepoints and count an injected workload exactly; failure
# events have no device name (nothing to find its offset in).
# lab-variants: debug
# lab-plan: 8
# Loading both tools under KASAN on one vCPU beside another guest took
# 345 s once (the verifier): the limit leaves room for that.
# lab-timeout: 600
cd /src || exit 1
. tests/lib/tap.sh
BIN=${RIOMMU_BIN:-/src/build/riscv64}
INJ=/sys/kernel/debug/iommu/riscv/iommu0/pq_inject
U1=0x30
TMP=/tmp/tools-nobtf
mkdir -p $TMP
check_eq "the kernel has no BTF" no "$([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no)"
"$BIN/riommu-top" -v -j 1 > $TMP/top.json 2> $TMP/top.err &
top=$!
"$BIN/riommu-trace" -e -j > $TMP/ev.json 2> $TMP/ev.err &
trace=$!
# The tools' BPF links, from their fdinfo: bpftool link list loads a BPF
# program of its own at every call, which under KASAN slowed the tools'
# loading it was waiting for.
links() { cat /proc/$top/fdinfo/* /proc/$trace/fdinfo/* 2>/dev/null | grep -c '^link_type:'; }
i=0
while [ "$(links)" -lt 6 ] && [ $i -lt 900 ]; do sleep 0.5; i=$((i + 1)); done
check_ge "both tools attached (3 programs each)" 6 "$(links)"
# known answer for $U1: 14 requests in 6 groups, each answered Invalid by
# the driver (no device), and a stop marker
echo "devid=$U1 pasid=5 prgi=10 addr=0x1000 perm=r count=3 groups=4 last" > "$INJ"
echo "devid=$U1 pasid=6 prgi=20 addr=0x8000 perm=w groups=2 last" > "$INJ"
echo "devid=$U1 pasid=5 prgi=40 addr=0 perm= last" > "$INJ"
sleep 2.5
kill -INT $top $trace
wait $top; r1=$?
wait $trace; r2=$?
check_eq "both exit 0" "0 0" "$r1 $r2"
check_eq "riommu-top -v: attached as raw tracepoints, saying why" 1 \
	"$(grep -c 'attach type raw_tp (the kernel has no BTF)' $TMP/top.err)"
sum() { jq -s --arg r "$((U1))" "[.[] | select(.type == \"row\" and (.rid | tostring) == \$r) | .$1] | add // 0" $TMP/top.json; }
check_eq "riommu-top: requests, groups, Invalid responses, stop markers of $U1" "14 6 6 1" \
	"$(sum requests) $(sum groups) $(sum resp_invalid) $(sum stop_markers)"
ev() { jq -s "[.[] | select(.type == \"event\" and .event == \"$1\")] | length" $TMP/ev.json; }
check_eq "riommu-trace -e: consume, report (all but the stop marker), response events" "15 14 6" \
	"$(ev consume) $(ev report) $(ev response)"
check_eq "riommu-trace -e: every response paired with its requests" 6 \
	"$(jq -s '[.[] | select(.type == "event" and .event == "response" and .lat_ns != null)] | length' $TMP/ev.json)"
check_eq "riommu-trace: nothing on stderr" "" "$(cat $TMP/ev.err)"
tap_exit
