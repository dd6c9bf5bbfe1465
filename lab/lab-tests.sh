#!/bin/bash
# Host side of the lab tier: boot the lab guest for each scenario and run it
# there.  Scenarios named hw-*.sh, and those with a "# lab-qemu-args:" line,
# run on the patched QEMU with its test device(s).
#   lab/lab-tests.sh [SCENARIO.sh...]     (default: tests/lab/*-*.sh)
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"

if [ $# -gt 0 ]; then
	all=("$@")
else
	mapfile -t all < <(ls tests/lab/*-*.sh 2>/dev/null)
fi
rc=0
qemu=
for t in "${all[@]}"; do
	extra=()
	# A scenario that needs devices of the patched QEMU says which in a
	# "# lab-qemu-args: ..." line; hw-* default to one test device.
	qargs=$(sed -n 's/^# lab-qemu-args: //p' "$t" | head -n 1)
	case "$(basename "$t")" in
	hw-*) qargs=${RIOMMU_HW_QEMU_ARGS:-${qargs:--device riommu-pri-testdev}} ;;
	esac
	if [ -n "$qargs" ]; then
		if [ -z "$qemu" ]; then
			qemu=$(lab/sidrun bash qemu/build.sh | tail -n 1) || qemu=
		fi
		if [ -z "$qemu" ]; then
			echo "not ok - $(basename "$t" .sh) # the patched QEMU did not build"
			rc=1
			continue
		fi
		extra=(--qemu "$qemu" --qemu-args "$qargs")
	fi
	# One boot per scenario: each starts from a fresh kernel, so leftovers
	# of one (a removed device, a full queue) cannot change another's answer.
	lab/guest-run --timeout 900 "${extra[@]}" -- sh tests/lab/run.sh "$t" || rc=1
done
exit $rc
