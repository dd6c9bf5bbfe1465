#!/bin/bash
# Host side of the lab tier: boot the lab guest for each scenario and run it
# there.  Scenarios named hw-*.sh, and those with a "# lab-qemu-args:" line,
# run on the patched QEMU with its test device(s).
#   lab/lab-tests.sh [--variant lab|debug] [SCENARIO.sh...]
#                    (default: every tests/lab/*.sh but run.sh whose
#                    "# lab-variants:" line, lab if none, names the variant)
#
# Each scenario states its plan in a "# lab-plan: N" line (N checks) and may
# state its time limit in "# lab-timeout: SEC" (default 300); "# lab-host:
# prometheus" runs a Prometheus server on the host while it runs.  A scenario
# that runs other than its planned number of checks, whose guest panics, hangs or times
# out, or whose kernel log shows a bug report (KASAN, lockdep, WARN, BUG,
# RCU stall) gets a "not ok" line naming it; the console tail goes to the
# output as "#" lines.  --variant debug boots the debug kernel
# (driver/lab-debug.config) and prefixes every check name with "debug: ".
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"

variant=${KVARIANT:-lab}
if [ "${1:-}" = --variant ]; then
	variant=$2
	shift 2
fi
if [ $# -gt 0 ]; then
	all=("$@")
else
	# those whose "# lab-variants:" line (default: lab) names this variant
	all=()
	for t in tests/lab/*.sh; do
		[ "$t" != tests/lab/run.sh ] || continue
		v=$(sed -n 's/^# lab-variants: //p' "$t" | head -n 1)
		case " ${v:-lab} " in *" $variant "*) all+=("$t") ;; esac
	done
fi
prefix=
[ "$variant" = lab ] || prefix="$variant: "

# RIOMMU_KERNEL=IMAGE boots that kernel instead of the one this tree names.
kernel=${RIOMMU_KERNEL:-$(KVARIANT=$variant lab/sidrun lab/kernel-build.sh --path)/Image}
if [ ! -f "$kernel" ]; then
	for t in "${all[@]}"; do
		echo "not ok - ${prefix}$(basename "$t" .sh) # no $variant kernel at $kernel: run 'make kernel KVARIANT=$variant'"
	done
	exit 1
fi

# Markers of a kernel that found a bug in itself; any of them fails the scenario.
bug_re='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|rcu: INFO|self-detected stall|blocked for more than'

rc=0
qemu=${RIOMMU_QEMU:-}	# a QEMU to use instead of qemu/build.sh's
for t in "${all[@]}"; do
	name=$(basename "$t" .sh)
	extra=()
	# A scenario that needs devices of the patched QEMU says which in a
	# "# lab-qemu-args: ..." line; hw-* default to one test device.
	qargs=$(sed -n 's/^# lab-qemu-args: //p' "$t" | head -n 1)
	plan=$(sed -n 's/^# lab-plan: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	limit=$(sed -n 's/^# lab-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	limit=${limit:-300}
	case "$name" in
	hw-*) qargs=${RIOMMU_HW_QEMU_ARGS:-${qargs:--device riommu-pri-testdev}} ;;
	esac
	if [ -z "$plan" ]; then
		echo "not ok - ${prefix}$name # states no '# lab-plan: N' line"
		rc=1
		continue
	fi
	if [ -n "$qargs" ]; then
		if [ -z "$qemu" ]; then
			qemu=$(lab/sidrun bash qemu/build.sh | tail -n 1) || qemu=
		fi
		if [ -z "$qemu" ]; then
			echo "not ok - ${prefix}$name # the patched QEMU did not build"
			rc=1
			continue
		fi
		extra=(--qemu "$qemu" --qemu-args "$qargs")
	fi
	# "# lab-host: prometheus": a Prometheus server on the host scrapes
	# the guest for the scenario's length (lab/prometheus-host.sh)
	host_svc=$(sed -n 's/^# lab-host: //p' "$t" | head -n 1)
	if [ "$host_svc" = prometheus ] && ! lab/prometheus-host.sh start >&2; then
		echo "not ok - ${prefix}$name # the host's Prometheus server did not start"
		rc=1
		continue
	fi
	out=$(mktemp)
	console=$(mktemp -p "$RIOMMU_CACHE" console.XXXXXX)
	t0=$(date +%s)
	# One boot per scenario: each starts from a fresh kernel, so leftovers
	# of one (a removed device, a full queue) cannot change another's answer.
	# The guest's own limit is the scenario's; the host's adds boot time.
	RIOMMU_SCENARIO_TIMEOUT=$limit RIOMMU_TAP_PREFIX=$prefix \
		lab/guest-run --kernel "$kernel" --timeout $((limit + 240)) \
		--console-log "$console" "${extra[@]}" -- sh tests/lab/run.sh "$t" > "$out" 2> "$out.err"
	grc=$?
	[ "$host_svc" != prometheus ] || lab/prometheus-host.sh stop >&2
	cat "$out"
	# guest-run's own messages are comments here, never TAP lines
	grep -v '^\[ *[0-9]' "$out.err" | sed 's/^/# /'
	ran=$(sed -n "/^# scenario $name\$/,/^# scenario $name: exit/p" "$out" |
		grep -c '^ok \|^not ok ')
	if ! grep -q "^# scenario $name: exit" "$out"; then
		echo "not ok - ${prefix}$name: guest finished the scenario # guest-run exit $grc (panic, hang or time-out); console tail:"
		tail -n 30 "$console" | sed 's/^/#   /'
		rc=1
	elif [ "$ran" -ne "$plan" ]; then
		echo "not ok - ${prefix}$name: ran its plan # $ran checks, $plan planned"
		rc=1
	else
		echo "ok - ${prefix}$name: ran its plan ($ran of $plan checks)"
	fi
	# kernel messages only (printk time stamps), not the scenario's output
	grep -E '^\[ *[0-9]+\.[0-9]+\]' "$console" > "$console.klog"
	if grep -Eq "$bug_re" "$console.klog"; then
		echo "not ok - ${prefix}$name: kernel log free of bug reports # $(grep -Em 3 "$bug_re" "$console.klog" | tr '\n' '|')"
		grep -E -A 12 "$bug_re" "$console.klog" | head -n 60 | sed 's/^/#   /'
		rc=1
	else
		echo "ok - ${prefix}$name: kernel log free of bug reports"
	fi
	[ "$grc" -eq 0 ] || rc=1
	# where a tier's time goes (boot included)
	echo "# ${prefix}$name: $(( $(date +%s) - t0 )) s"
	rm -f "$out" "$out.err" "$console" "$console.klog"
done
exit $rc
