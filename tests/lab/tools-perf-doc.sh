#!/bin/sh
# Every command of docs/perf.md, exactly as written (the ```sh blocks, in
# order, from one directory, so perf script reads what perf record wrote),
# while the devices and the injector send page requests: each exits 0 (or
# on Ctrl-C, where it runs until one), and the ones with a known answer
# print it: the events are listed, counted, recorded and paired (the PASID
# device does not require the PASID in responses, as the latency recipe
# must handle).
# lab-qemu-args: -device riommu-pri-testdev,prg-resp-pasid=off -device riommu-pri-testdev
# lab-timeout: 480
# lab-plan: 31
cd /src || exit 1
. tests/lab/tools-common.inc
command -v perf > /dev/null || { fail "perf installed"; exit 1; }
tools_setup

DOC=$TMP/doc
rm -rf $DOC
mkdir -p $DOC/work
# one file per command: comment and blank lines between commands skipped,
# a command goes on while its single quotes are open
awk -v dir=$DOC '
	/^```sh$/ { inb = 1; next }
	/^```/ { inb = 0; next }
	!inb { next }
	cmd == "" && (/^#/ || /^[ \t]*$/) { next }
	{ cmd = cmd $0 "\n"; q += gsub(/\047/, "\047") }
	q % 2 == 0 { n++; f = dir "/cmd." n; printf "%s", cmd > f; close(f); cmd = ""; q = 0 }
	END { print n > (dir "/count") }' docs/perf.md
n=$(cat $DOC/count)
check_eq "docs/perf.md: commands found (update the plan when it changes)" 19 "$n"

# page requests all along: the small workload, again and again
touch $DOC/run
(while [ -f $DOC/run ]; do tools_workload_small; sleep 0.3; done) > /dev/null 2>&1 &
load=$!

i=1
while [ $i -le "$n" ]; do
	c=$DOC/cmd.$i
	first=$(head -n 1 "$c")
	case $first in
	*" -I "*)	# runs until Ctrl-C: SIGINT to its process group once it
		# printed two intervals (perf's start-up under TCG takes seconds
		# and varies with the host's load), or after 90 s
		(cd $DOC/work && python3 -c '
import os, re, signal, subprocess, sys, time
p = subprocess.Popen(["sh", sys.argv[1]], start_new_session=True)
stamp = re.compile(r"^\s*(\d+\.\d+)\s", re.M)
end = time.time() + 90
while time.time() < end and p.poll() is None:
	time.sleep(0.5)
	seen = set()
	for f in sys.argv[2:]:
		with open(f) as fh:
			seen.update(stamp.findall(fh.read()))
	if len(seen) >= 2:
		break
os.killpg(p.pid, signal.SIGINT)
r = p.wait()
sys.exit(128 - r if r < 0 else r)' "$c" $DOC/out.$i $DOC/err.$i > $DOC/out.$i 2> $DOC/err.$i) ;;
	*)
		(cd $DOC/work && sh "$c" > $DOC/out.$i 2> $DOC/err.$i) ;;
	esac
	st=$?
	case $first in
	*" -I "*) ok="0 130" ;;
	*) ok=0 ;;
	esac
	case " $ok " in
	*" $st "*) pass "perf.md #$i runs: $first" ;;
	*) fail "perf.md #$i runs: $first" "exit $st: $(tail -n 3 $DOC/err.$i | tr '\n' '|')" ;;
	esac
	i=$((i + 1))
done
rm -f $DOC/run
wait $load
tools_trace_stop

# known answers of some recipes (numbers as in docs/perf.md's order)
out() { cat $DOC/out.$1 $DOC/err.$1; }
# count EVENT N: perf stat's count of EVENT in recipe N
count() { out "$2" | awk -v e="$1" '$2 == e { gsub(/[,.]/, "", $1); print $1; exit }'; }
check_ge "perf list names riscv_iommu:pq_consume" 1 "$(out 1 | grep -c 'riscv_iommu:pq_consume')"
check_ge "perf stat 'riscv_iommu:*' counts requests" 1 "$(count riscv_iommu:pq_consume 2)"
check_ge "perf stat 'riscv_iommu:*' counts responses" 1 "$(count riscv_iommu:page_response 2)"
check_ge "perf stat -I 1000 prints interval lines" 2 "$(out 3 | grep -c 'riscv_iommu:pq_consume')"
check_ge "perf stat -x, counts requests" 1 \
	"$(out 4 | awk -F, '$3 == "riscv_iommu:pq_consume" { print $1 }')"
check_ge "perf stat --filter 'devid == 0x38': the injected RID's requests" 1 \
	"$(count riscv_iommu:pq_consume 5)"
check_ge "perf script: one line per event" 1 "$(out 12 | grep -c 'riscv_iommu:pq_consume:')"
lat=$(out 14 | grep -c 'lat_us=')
neg=$(out 14 | grep -c 'lat_us=-')
check_ge "latency recipe pairs responses with their requests" 1 "$lat"
check_eq "latency recipe: no negative latency" 0 "$neg"
# the PASID device ($D2) does not require the PASID in responses
check_ge "latency recipe pairs PASID 5's groups answered without PASID" 1 \
	"$(out 14 | grep "devid=$D2 " | grep -c 'pasid=5 lat_us=')"
tap_exit
