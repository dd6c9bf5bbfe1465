#!/bin/sh
# Guest side of "make bench", SVA part: page faults per second from the PRI
# test function through SVA, with and without the riommu tools attached, as
# a ratio measured in one run.  Prints figures; it is not a test.  Each
# round binds a process through riommu-test's character device and has the
# function write PAGES fresh pages of it in ATS mode: per page one
# translation denied, one page request, handle_mm_fault() in the core's SVA
# handler, Success, the retried translation and the DMA.  The rate is taken
# on the device's clock, from its first page request to its last response.
#   sh bench/lab-sva.sh [PAGES [ROUNDS]]
# Needs the patched QEMU with -device riommu-pri-testdev (make bench does).
cd /src || exit 1
N=${1:-2000}
ROUNDS=${2:-5}
BIN=${RIOMMU_BIN:-/src/build/riscv64}
PT=$BIN/pri-testdev
[ -x "$PT" ] || { echo "bench: $PT not built (make tools)" >&2; exit 1; }
BDF=$($PT find 2>/dev/null | head -n 1)
[ -n "$BDF" ] || { echo "bench: no riommu-pri-testdev; boot the patched QEMU with -device riommu-pri-testdev" >&2; exit 1; }
[ -e "/dev/riommu-test-$BDF" ] || { echo "bench: no /dev/riommu-test-$BDF (riommu-test with SVA bound to $BDF?)" >&2; exit 1; }

# burst_rate: page faults per second of one burst, first request to last
# response on the device's clock
burst_rate() {
	out=$("$PT" -d "$BDF" sva count="$N" perm=w value=1 timeout=600)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "bench: the SVA burst failed ($rc):" >&2
		echo "$out" | grep -E '^(pages_ok|resp_|err_|outstanding)' >&2
		return 1
	fi
	echo "$out" | awk -v n="$N" '$1 == "first_send_ns" { s = $2 }
		$1 == "last_resp_ns" { e = $2 } END { printf "%d\n", (e > s ? n * 1e9 / (e - s) : 0) }'
}
best_rate() { best_of burst_rate; }

. bench/lab-tools.inc

echo "# SVA page faults from the device, $N pages per burst, best of $ROUNDS"
best_rate > /dev/null || exit 1	# warm-up
base=$(best_rate) || exit 1
printf '%-28s %12s %7s %12s\n' "tools attached" "faults/s" "ratio" "+ns/fault"
row "none" "$base"
attach "$BIN/riommu-top" -j -P 1
best_rate > /dev/null
row "riommu-top -P" "$(best_rate)"
detach
attach "$BIN/riommu-trace" -P 1
best_rate > /dev/null
row "riommu-trace -P" "$(best_rate)"
attach "$BIN/riommu-top" -j -P 1
best_rate > /dev/null
row "riommu-top + riommu-trace" "$(best_rate)"
detach
