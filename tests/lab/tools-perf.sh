#!/bin/sh
# The docs/perf.md recipes on real page requests (two PRI test devices, plus
# injected records hardware does not send): perf stat counts (also with
# field filters) and perf record/perf script pairing requests with their
# responses give the known answer (tools_workload_small).
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev
# lab-plan: 15
cd /src || exit 1
. tests/lab/tools-common.inc
command -v perf > /dev/null || { fail "perf installed"; exit 1; }
tools_setup
W='. tests/lab/tools-common.inc; tools_workload_small'

# perf stat: hits per event
perf stat -x, -o $TMP/stat.csv -e riscv_iommu:pq_consume -e riscv_iommu:pq_report \
	-e riscv_iommu:page_response -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf stat exits 0" 0 $?
check_workload_small
cnt() { awk -F, -v e="$1" '$3 == e { print $1 }' $TMP/stat.csv; }
check_eq "perf stat: pq_consume" 19 "$(cnt riscv_iommu:pq_consume)"
check_eq "perf stat: pq_report (the stop marker is not reported)" 18 "$(cnt riscv_iommu:pq_report)"
check_eq "perf stat: page_response" 7 "$(cnt riscv_iommu:page_response)"

# perf stat with filters on fields
perf stat -x, -o $TMP/f1.csv -e riscv_iommu:pq_consume --filter "devid == $D2" -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf stat --filter 'devid == $D2'" 2 "$(awk -F, '$3 == "riscv_iommu:pq_consume" { print $1 }' $TMP/f1.csv)"
perf stat -x, -o $TMP/f2.csv -e riscv_iommu:pq_consume --filter 'flags & 0x20' -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf stat --filter 'flags & 0x20' (last requests + stop marker)" 8 "$(awk -F, '$3 == "riscv_iommu:pq_consume" { print $1 }' $TMP/f2.csv)"
perf stat -x, -o $TMP/f3.csv -e riscv_iommu:page_response --filter "devid == $D1 && result == 0" -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf stat --filter 'devid == $D1 && result == 0' on page_response" 4 "$(awk -F, '$3 == "riscv_iommu:page_response" { print $1 }' $TMP/f3.csv)"
perf stat -x, -o $TMP/f4.csv -e riscv_iommu:page_response --filter "devid == $D2 && pasid == 5" -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf stat --filter 'devid == $D2 && pasid == 5' on page_response" 2 "$(awk -F, '$3 == "riscv_iommu:page_response" { print $1 }' $TMP/f4.csv)"

# perf record + perf script: pair each response with its group's first request
perf record -q -o $TMP/perf.data -e riscv_iommu:pq_consume -e riscv_iommu:page_response -a -- sh -c "$W" > /dev/null 2>&1
check_eq "perf record exits 0" 0 $?
perf script -i $TMP/perf.data -F time,event,trace 2>/dev/null > $TMP/script.txt
check_eq "perf script: pq_consume lines" 19 "$(grep -c 'pq_consume:' $TMP/script.txt)"
check_eq "perf script: page_response lines with code=Success, code=Invalid" "4 3" \
	"$(grep -c 'page_response:.*code=Success' $TMP/script.txt) $(grep -c 'page_response:.*code=Invalid' $TMP/script.txt)"
pairs=$(awk '
	{ for (i = 1; i <= NF; i++) if ($i ~ /:$/ && $i ~ /pq_consume|page_response/) break
	  t = $(i - 1); sub(":", "", t); key = ""
	  for (j = i + 1; j <= NF; j++) if ($j ~ /^(iommu|devid|pasid|prgi)=/) key = key " " $j
	  if ($i ~ /pq_consume/) { if (!(key in s)) s[key] = t; next }
	  if (key in s) { n++; if (t - s[key] < 0) bad++; delete s[key] } }
	END { print n + 0, bad + 0 }' $TMP/script.txt)
check_eq "perf script: 7 responses paired, none before its request" "7 0" "$pairs"
tools_trace_stop
tap_exit
