#!/bin/sh
# tools/bpftrace/*.bt run against real page requests (two PRI test devices,
# plus injected records hardware does not send) and report the known
# answer of tools_workload_small: per-RID request/group/response counts
# (riommu-rate.bt), the number of answered groups and their total latency,
# agreeing with tracefs (riommu-lat.bt), and failure notifications
# (riommu-failures.bt).
# The devices do not require the PASID in page responses
# (prg-resp-pasid=off), so R's groups (PASID 5) are answered without one:
# riommu-lat.bt must still end them (docs/interfaces.md, pairing key).  One
# injected group of an unknown RID with PASID 6 is answered with its PASID.
# Needs: a kernel with the BPF JIT (CONFIG_BPF_JIT_ALWAYS_ON: bpftrace's
# programs are JIT-only on riscv64), /dev/fd, and time: bpftrace compiles
# each script with LLVM at start (the whole scenario took 77 s on an idle
# 2-core host; TCG on a loaded one can take several times that), hence the
# 600 s limit below.
# lab-qemu-args: -device riommu-pri-testdev,prg-resp-pasid=off -device riommu-pri-testdev,prg-resp-pasid=off
# lab-plan: 20
# lab-timeout: 600
cd /src || exit 1
. tests/lab/tools-common.inc
# bpftrace builds its helpers through /dev/fd/N
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
command -v bpftrace > /dev/null || { fail "bpftrace installed"; exit 1; }
tools_setup

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
tools_workload_small
# a group with PASID 6 of 2 requests: the driver answers it (unknown RID)
# with its PASID
echo "devid=$U1 pasid=6 prgi=41 addr=0x8000 perm=w count=2 last" > "$INJ"
sleep 3
kill -INT $p_rate $p_lat $p_failures
wait
tools_trace_stop

check_workload_small

# riommu-rate.bt: sums over the per-second maps
d1=$((D1))
d2=$((D2))
u2=$((U2))
rsum() { awk -v k="$1" 'index($0, k) == 1 { s += $NF } END { print s + 0 }' $TMP/rate.out; }
check_eq "riommu-rate.bt: requests, groups of rid $D1" "14 5" "$(rsum "@requests[0, $d1]:") $(rsum "@groups[0, $d1]:")"
check_eq "riommu-rate.bt: Success, Invalid responses to rid $D1" "4 1" \
	"$(rsum "@responses[0, $d1, 0]:") $(rsum "@responses[0, $d1, 1]:")"
check_eq "riommu-rate.bt: requests, Invalid responses of rid $D2" "2 2" \
	"$(rsum "@requests[0, $d2]:") $(rsum "@responses[0, $d2, 1]:")"
check_eq "riommu-rate.bt: requests of rid $U2" 2 "$(rsum "@requests[0, $u2]:")"
check_eq "riommu-rate.bt: no response to rid $U2" 0 "$(rsum "@responses[0, $u2,")"
u1=$((U1))
check_eq "riommu-rate.bt: requests, groups, Invalid responses of rid $U1 (its stop marker is no request)" "2 1 1" \
	"$(rsum "@requests[0, $u1]:") $(rsum "@groups[0, $u1]:") $(rsum "@responses[0, $u1, 1]:")"

# riommu-lat.bt: answered groups and latency against tracefs.  tr_latencies
# pairs requests and responses by the requests' PASID; here the pairing key
# of the tools: a response with PV ends its PASID's group, one without the
# oldest open group of (iommu, devid, prgi) whatever its PASID.  Output as
# tr_latencies: "iommu devid pv pasid prgi lat_ns" per answered group.
tr_groups() {
	{ tr_events pq_consume | sed 's/^/C /'; tr_events page_response | sed 's/^/R /'; } |
		sort -k2,2n | awk '
	function num(x,   i, n) {
		if (x !~ /^0x/) return x + 0
		n = 0
		for (i = 3; i <= length(x); i++)
			n = n * 16 + index("0123456789abcdef", tolower(substr(x, i, 1))) - 1
		return n
	}
	{
		f = num($6)
		pv = f % 2
		g = $3 " " num($4) " " $7
		if ($1 == "C") {
			if (int(f / 32) % 2 && int(f / 2) % 4 == 0)
				next		# stop marker
			k = g SUBSEP (pv ? $5 : 0)
			if (!(k in t0)) {
				t0[k] = $2 + 0
				kpv[k] = pv
			}
			next
		}
		best = ""
		for (k in t0) {
			split(k, a, SUBSEP)
			if (a[1] == g && (!pv || a[2] == $5 + 0) && (best == "" || t0[k] < t0[best]))
				best = k
		}
		if (best == "")
			next
		split(best, a, SUBSEP)
		split(g, b, " ")
		printf "%s %s %d %s %s %.0f\n", b[1], b[2], kpv[best], a[2], b[3], $2 - t0[best]
		delete t0[best]
	}'
}
check_eq "tracefs: R answered without PASID, $U1's group with PASID 6" "2 1" \
	"$(tr_events page_response | awk -v d=$D2 '$3 == d && $4 == 0 && $5 == "0x0"' | wc -l) $(tr_events page_response | awk -v d=$U1 '$3 == d && $4 == 6 && $5 == "0x41"' | wc -l)"
tr_groups > $TMP/lat.txt
check_eq "tracefs: 8 answered groups" 8 "$(wc -l < $TMP/lat.txt)"
all=$(wc -l < $TMP/lat.txt)
check_eq "riommu-lat.bt: @groups" "$all" "$(awk '/^@groups:/ { print $2 }' $TMP/lat.out)"
hsum() { # MAP: the counts of one histogram in riommu-lat.bt's output
	awk -v m="$1" 'index($0, m) == 1 { on = 1; next } on && /^\[/ { s += $3 } on && /^$/ { on = 0 } END { print s + 0 }' $TMP/lat.out
}
check_eq "riommu-lat.bt: histogram total" "$all" "$(hsum "@usecs:")"
near "riommu-lat.bt: latency sum agrees with tracefs" \
	"$(awk '{ s += $6 } END { printf "%.0f\n", s }' $TMP/lat.txt)" "$(awk '/^@sum_ns:/ { print $2 }' $TMP/lat.out)" "$all"
check_eq "riommu-lat.bt: R's groups of rid $D2, answered without PASID" 2 "$(hsum "@usecs_by_rid[$d2]:")"

# riommu-failures.bt: Q of device 1, R's two groups of device 2
check_eq "riommu-failures.bt: header" 1 "$(grep -c '^TIME *DEVICE *RID' $TMP/failures.out)"
grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2} ' $TMP/failures.out > $TMP/failures.lines
check_eq "riommu-failures.bt: three failure lines" 3 "$(wc -l < $TMP/failures.lines)"
check_eq "riommu-failures.bt: Q (device, perm, code, reason)" 1 \
	"$(grep -c "$B1.*rw-.*Invalid handler" $TMP/failures.lines)"
check_eq "riommu-failures.bt: R (device, perm, code, reason)" 2 \
	"$(grep -c "$B2.*r--.*Invalid no-handler" $TMP/failures.lines)"
tap_exit
