#!/bin/sh
# The tools' error paths on a real kernel: without privileges, and without
# both tracefs and kernel BTF, each tool exits 1 with one sentence naming
# what is missing and what to do; without kernel BTF (raw tracepoints),
# without tracefs (events found in BTF) and without both but with --btf
# FILE they count an injected workload exactly.
# lab-plan: 14
cd /src || exit 1
. tests/lib/tap.sh
BIN=${RIOMMU_BIN:-/src/build/riscv64}
U1=0x30
TMP=/tmp/tools-errors
mkdir -p $TMP

# one_sentence NAME PATTERN CMD...: exit 1, exactly one line on stderr,
# matching PATTERN (grep -E)
one_sentence() {
	name=$1 pat=$2
	shift 2
	"$@" > /dev/null 2> $TMP/err
	st=$?
	sed 's/^/# /' $TMP/err
	check_eq "$name: exits 1" 1 "$st"
	if [ "$(wc -l < $TMP/err)" -eq 1 ] && grep -Eq "$pat" $TMP/err; then
		pass "$name: one sentence that says so"
	else
		fail "$name: one sentence that says so" "$(tr '\n' '|' < $TMP/err)"
	fi
}

# 1. Not root: an unprivileged user cannot load BPF programs
for t in riommu-top riommu-trace; do
	one_sentence "$t as nobody" "root.*CAP_BPF" python3 -c \
		'import os, sys; os.setgroups([]); os.setgid(65534); os.setuid(65534); os.execv(sys.argv[1], sys.argv[1:])' \
		"$BIN/$t" 1 1
done

# count_run NAME ARGS...: riommu-top ARGS -j 1 over the injected workload
# below; known answer for RID $U1: 14 requests in 6 groups, each answered
# Invalid by the driver (no device), and a stop marker.
links() { bpftool link list 2>/dev/null | grep -c '^[0-9]'; }
count_run() {
	name=$1
	shift
	"$BIN/riommu-top" "$@" -j 1 > $TMP/top.json 2> $TMP/top.err &
	pid=$!
	i=0
	while [ "$(links)" -lt 3 ] && [ $i -lt 240 ] && kill -0 $pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
	done
	echo "devid=$U1 pasid=5 prgi=10 addr=0x1000 perm=r count=3 groups=4 last" > "$INJ"
	echo "devid=$U1 pasid=6 prgi=20 addr=0x8000 perm=w groups=2 last" > "$INJ"
	echo "devid=$U1 pasid=5 prgi=40 addr=0 perm= last" > "$INJ"
	sleep 2.5
	kill -INT $pid 2>/dev/null
	wait $pid
	check_eq "riommu-top $name: runs and exits 0" 0 $?
	sed 's/^/# /' $TMP/top.err
	sum() { jq -s --arg r "$((U1))" "[.[] | select(.type == \"row\" and (.rid | tostring) == \$r) | .$1] | add // 0" $TMP/top.json; }
	check_eq "riommu-top $name: requests and Invalid responses of $U1" "14 6" \
		"$(sum requests) $(sum resp_invalid)"
}

# 2. No kernel BTF (an empty file over /sys/kernel/btf/vmlinux): the
# programs need none, they attach as raw tracepoints.
INJ=/sys/kernel/debug/iommu/riscv/iommu0/pq_inject
cp /sys/kernel/btf/vmlinux $TMP/vmlinux.btf
: > $TMP/empty
mount --bind $TMP/empty /sys/kernel/btf/vmlinux
count_run "without kernel BTF"
umount /sys/kernel/btf/vmlinux

# 3. No tracefs: neither /sys/kernel/tracing nor debugfs's tracing
# directory exists; the injector is reached through a debugfs mounted
# elsewhere.  With BTF the tools find the events there; without it they say
# so in one sentence, and --btf FILE gives them BTF to look in.
umount /sys/kernel/tracing
umount /sys/kernel/debug
mkdir -p $TMP/dbg
mount -t debugfs debugfs $TMP/dbg
INJ=$TMP/dbg/iommu/riscv/iommu0/pq_inject
count_run "without tracefs"
mount --bind $TMP/empty /sys/kernel/btf/vmlinux
for t in riommu-top riommu-trace; do
	one_sentence "$t without tracefs and kernel BTF" "tracefs.*no kernel BTF.*--btf FILE" \
		"$BIN/$t" 1 1
done
count_run "without tracefs and kernel BTF, --btf FILE" --btf $TMP/vmlinux.btf
umount /sys/kernel/btf/vmlinux
umount $TMP/dbg
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
tap_exit
