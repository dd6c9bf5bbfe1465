#!/bin/sh
# Host BPF tests: build, load every program on the host kernel, drive the
# aggregation with BPF_PROG_TEST_RUN (tests/bpf/bpf_test.c), and check that
# the tools fail with one sentence on a kernel without the riommu tracepoints.
# Runs inside the sid root as root; re-executes itself there when needed.
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f /.riommu-complete ]; then
	exec "${SIDRUN:-$top/lab/sidrun}" sh tests/bpf/run.sh "$@"
fi
cd "$top" || exit 1
. tests/lib/tap.sh

B=build/host
if make -s -C tools host >/tmp/riommu-bpf-build.log 2>&1; then
	pass "bpf: host build (tools, BPF objects, skeletons)"
else
	fail "bpf: host build" "see /tmp/riommu-bpf-build.log: $(tail -3 /tmp/riommu-bpf-build.log | tr '\n' ' ')"
	tap_exit
	exit 1
fi

out=$($B/tests/bpf_test)
st=$?
printf '%s\n' "$out"
tap_fail_count=$((tap_fail_count + $(printf '%s\n' "$out" | grep -c '^not ok')))
[ "$st" -eq 0 ] || [ "$(printf '%s\n' "$out" | grep -c '^not ok')" -gt 0 ] ||
	fail "bpf: bpf_test exit status" "exit $st without a failing line"

# One sentence, non-zero exit, no libbpf noise: host kernel has no tracepoints.
empty=$(mktemp -d)
mkdir -p "$empty/events"
fake=$(mktemp -d)
for e in pq_consume pq_report page_response pq_error; do
	mkdir -p "$fake/events/riscv_iommu/$e"
done
for tool in riommu-top riommu-trace; do
	for how in btf tracefs; do
		if [ $how = tracefs ]; then
			err=$(RIOMMU_TRACEFS=$empty $B/$tool 1 1 2>&1 >/dev/null)
		else
			err=$($B/$tool 1 1 2>&1 >/dev/null)
		fi
		st=$?
		check_eq "$tool: exits 1 without tracepoints ($how check)" 1 "$st"
		check_eq "$tool: one line on stderr ($how check)" 1 "$(printf '%s\n' "$err" | wc -l)"
		case $err in
		*"riscv_iommu:pq_consume"*"CONFIG_RISCV_IOMMU_PRI"*) pass "$tool: message names the tracepoint and the fix ($how)" ;;
		*) fail "$tool: message names the tracepoint and the fix ($how)" "got: $err" ;;
		esac
	done
	# events listed in tracefs but not in the kernel: attach fails, one line
	err=$(RIOMMU_TRACEFS=$fake $B/$tool 1 1 2>&1 >/dev/null)
	st=$?
	check_eq "$tool: attach failure exits 1" 1 "$st"
	check_eq "$tool: attach failure is one line" 1 "$(printf '%s\n' "$err" | wc -l)"
done
rm -rf "$empty" "$fake"
tap_exit
