#!/bin/bash
# Host side of the lab tiers: boot a guest for each scenario and run it
# there.  Scenarios named hw-*.sh, and those with a "# lab-qemu-args:" line,
# run on the patched QEMU with its test device(s).
#   lab/lab-tests.sh [--variant lab|debug]... [--jobs N] [SCENARIO.sh...]
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
# (driver/lab-debug.config) and prefixes every check name with "debug: ";
# --variant may be given more than once, each runs its own scenarios.
#
# --jobs N (RIOMMU_LAB_JOBS) runs up to N guests at once, longest first (by
# the times the last run recorded in $RIOMMU_CACHE/lab-times).  The guests'
# vCPUs never outnumber the host's cores by more than one: two 2-vCPU guests
# on two cores made each scenario 2-4 times slower (a preempted vCPU leaves
# the other spinning).  So, side by side, a lab guest gets one vCPU unless
# its "# lab-smp: 2" line needs two, and a debug guest two where they fit,
# else one (the debug kernel boots and checks about half as fast on one).  A
# scenario never runs beside itself (hw-ats-batch's trace file), nor beside
# anything if its "# lab-alone:" line says why.
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"

variants=()
jobs=${RIOMMU_LAB_JOBS:-1}
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variants+=("$2"); shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
[ ${#variants[@]} -gt 0 ] || variants=("${KVARIANT:-lab}")
case "$jobs" in
''|*[!0-9]*|0) echo "lab-tests: --jobs wants a positive number, not '$jobs'" >&2; exit 2 ;;
esac

# Markers of a kernel that found a bug in itself; any of them fails the scenario.
bug_re='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|rcu: INFO|self-detected stall|blocked for more than'

header() { sed -n "s/^# $2: //p" "$1" | head -n 1; }

# The work: one "variant<TAB>scenario" per item.
items=()
rc=0
declare -A kernel_of=()
for v in "${variants[@]}"; do
	prefix=
	[ "$v" = lab ] || prefix="$v: "
	if [ $# -gt 0 ]; then
		mine=("$@")
	else
		mine=()
		for t in tests/lab/*.sh; do
			[ "$t" != tests/lab/run.sh ] || continue
			tv=$(header "$t" lab-variants)
			case " ${tv:-lab} " in
			*" $v "*) mine+=("$t") ;;
			esac
		done
		if [ ${#mine[@]} -eq 0 ]; then
			echo "not ok - ${prefix}tier: a scenario names the $v variant"
			rc=1
			continue
		fi
	fi
	# RIOMMU_KERNEL=IMAGE boots that kernel instead of the one this tree names.
	kernel=${RIOMMU_KERNEL:-$(KVARIANT=$v lab/sidrun lab/kernel-build.sh --path)/Image}
	if [ ! -f "$kernel" ]; then
		for t in "${mine[@]}"; do
			echo "not ok - ${prefix}$(basename "$t" .sh) # no $v kernel at $kernel: run 'make kernel KVARIANT=$v'"
		done
		rc=1
		continue
	fi
	kernel_of[$v]=$kernel
	for t in "${mine[@]}"; do
		items+=("$v	$t")
	done
done

qemu=${RIOMMU_QEMU:-}	# a QEMU to use instead of qemu/build.sh's
for it in "${items[@]}"; do
	t=${it#*	}
	case "$(basename "$t")" in hw-*) ;; *) [ -n "$(header "$t" lab-qemu-args)" ] || continue ;; esac
	# built (or found in the cache) once, before any guest starts
	[ -n "$qemu" ] || qemu=$(lab/sidrun bash qemu/build.sh | tail -n 1) || qemu=
	break
done

# run_one VARIANT SCENARIO SMP: boot, run, judge; TAP lines on stdout.
run_one() {
	local v=$1 t=$2 smp=$3 name prefix qargs plan limit host_svc out console t0 grc ran src=0
	local extra=()
	name=$(basename "$t" .sh)
	prefix=
	[ "$v" = lab ] || prefix="$v: "
	# A scenario that needs devices of the patched QEMU says which in a
	# "# lab-qemu-args: ..." line; hw-* default to one test device.
	qargs=$(header "$t" lab-qemu-args)
	plan=$(sed -n 's/^# lab-plan: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	limit=$(sed -n 's/^# lab-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n 1)
	limit=${limit:-300}
	case "$name" in
	hw-*) qargs=${RIOMMU_HW_QEMU_ARGS:-${qargs:--device riommu-pri-testdev}} ;;
	esac
	if [ -z "$plan" ]; then
		echo "not ok - ${prefix}$name # states no '# lab-plan: N' line"
		return 1
	fi
	if [ -n "$qargs" ]; then
		if [ -z "$qemu" ]; then
			echo "not ok - ${prefix}$name # the patched QEMU did not build"
			return 1
		fi
		extra=(--qemu "$qemu" --qemu-args "$qargs")
	fi
	# "# lab-host: prometheus": a Prometheus server on the host scrapes
	# the guest for the scenario's length (lab/prometheus-host.sh)
	host_svc=$(header "$t" lab-host)
	if [ "$host_svc" = prometheus ] && ! lab/prometheus-host.sh start >&2; then
		echo "not ok - ${prefix}$name # the host's Prometheus server did not start"
		return 1
	fi
	out=$(mktemp)
	console=$(mktemp -p "$RIOMMU_CACHE" console.XXXXXX)
	t0=$(date +%s)
	# One boot per scenario: each starts from a fresh kernel, so leftovers
	# of one (a removed device, a full queue) cannot change another's answer.
	# The guest's own limit is the scenario's; the host's adds boot time.
	RIOMMU_SCENARIO_TIMEOUT=$limit RIOMMU_TAP_PREFIX=$prefix \
		lab/guest-run --kernel "${kernel_of[$v]}" --smp "$smp" --timeout $((limit + 240)) \
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
		src=1
	elif [ "$ran" -ne "$plan" ]; then
		echo "not ok - ${prefix}$name: ran its plan # $ran checks, $plan planned"
		src=1
	else
		echo "ok - ${prefix}$name: ran its plan ($ran of $plan checks)"
	fi
	# kernel messages only (printk time stamps), not the scenario's output
	grep -E '^\[ *[0-9]+\.[0-9]+\]' "$console" > "$console.klog"
	if grep -Eq "$bug_re" "$console.klog"; then
		echo "not ok - ${prefix}$name: kernel log free of bug reports # $(grep -Em 3 "$bug_re" "$console.klog" | tr '\n' '|')"
		grep -E -A 12 "$bug_re" "$console.klog" | head -n 60 | sed 's/^/#   /'
		src=1
	else
		echo "ok - ${prefix}$name: kernel log free of bug reports"
	fi
	[ "$grc" -eq 0 ] || src=1
	# where a tier's time goes (boot included)
	echo "# ${prefix}$name: $(( $(date +%s) - t0 )) s (${smp} vCPU)"
	rm -f "$out" "$out.err" "$console" "$console.klog"
	return $src
}

if [ "$jobs" -eq 1 ]; then
	for it in "${items[@]}"; do
		run_one "${it%%	*}" "${it#*	}" 2 || rc=1
	done
	exit $rc
fi

# Side by side.  Longest first: the last run's time, else the one
# tests/lab/lab-times gives (a first run's order), else the time limit
# (three times it on the debug kernel) as a guess.
times=$RIOMMU_CACHE/lab-times
touch "$times"
mapfile -t items < <(for it in "${items[@]}"; do
	v=${it%%	*} t=${it#*	}
	s=$(awk -v k="$v/$(basename "$t" .sh)" '$1 == k { s = $2 } END { print s }' \
		"$RIOMMU_TOP/tests/lab/lab-times" "$times")
	if [ -z "$s" ]; then
		s=$(header "$t" lab-timeout)
		s=${s:-300}
		[ "$v" = lab ] || s=$((s * 3))
	fi
	printf '%s\t%s\n' "$s" "$it"
done | sort -s -t '	' -k1,1nr | cut -f2-)

cores=$(nproc)
# smp_of VARIANT SCENARIO FREE: the vCPUs it gets with FREE left, 0: wait
smp_of() {
	local s
	s=$(header "$2" lab-smp)
	if [ -n "$s" ]; then
		[ "$s" -le "$3" ] && echo "$s" || echo 0
	elif [ "$1" = lab ] || [ "$3" -lt 2 ]; then
		[ "$3" -ge 1 ] && echo 1 || echo 0
	else
		echo 2
	fi
}
declare -A run_item=() run_smp=() run_name=() run_t0=() run_out=()	# by pid
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
alone=
vcpus=0
pending=("${items[@]}")
while [ ${#pending[@]} -gt 0 ] || [ ${#run_item[@]} -gt 0 ]; do
	# start what fits, longest first
	keep=()
	for it in "${pending[@]}"; do
		v=${it%%	*} t=${it#*	}
		name=$(basename "$t" .sh)
		fits=1
		if [ ${#run_item[@]} -eq 0 ]; then
			smp=$(smp_of "$v" "$t" 1000)	# alone: what it asks for
		elif [ -n "$alone" ] || [ ${#run_item[@]} -ge "$jobs" ]; then
			fits=
		else
			[ -z "$(header "$t" lab-alone)" ] || fits=
			smp=$(smp_of "$v" "$t" $((cores + 1 - vcpus)))
			[ "$smp" -gt 0 ] || fits=
			for n in "${run_name[@]}"; do
				[ "$n" != "$name" ] || fits=
			done
		fi
		if [ -z "$fits" ]; then
			keep+=("$it")
			continue
		fi
		out=$(mktemp -p "$outdir")
		run_one "$v" "$t" "$smp" > "$out" 2>&1 &
		pid=$!
		run_out[$pid]=$out run_item[$pid]=$it run_smp[$pid]=$smp run_name[$pid]=$name run_t0[$pid]=$(date +%s)
		vcpus=$((vcpus + smp))
		[ -z "$(header "$t" lab-alone)" ] || alone=$pid
	done
	pending=("${keep[@]}")
	[ ${#run_item[@]} -gt 0 ] || break
	wait -n -p done_pid
	st=$?
	it=${run_item[$done_pid]}
	cat "${run_out[$done_pid]}"
	[ "$st" -eq 0 ] || rc=1
	# remember how long it took, for the order of the next run
	k="${it%%	*}/${run_name[$done_pid]}"
	{ grep -v "^$k " "$times"; echo "$k $(( $(date +%s) - ${run_t0[$done_pid]} ))"; } > "$times.tmp" &&
		mv "$times.tmp" "$times"
	vcpus=$((vcpus - ${run_smp[$done_pid]}))
	[ "$alone" != "$done_pid" ] || alone=
	unset "run_item[$done_pid]" "run_smp[$done_pid]" "run_name[$done_pid]" "run_t0[$done_pid]" "run_out[$done_pid]"
done
exit $rc
