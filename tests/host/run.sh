#!/bin/sh
# Host unit tests of the riommu tools (tests/host/unit.c) and command-line
# checks (bad options, --help against the man pages).  Prints TAP lines.
# Runs inside the sid root (tests/lib/host-tier.sh takes it there).
. "$(dirname "$0")/../lib/host-tier.sh"

host_tier_build "host: build"
host_tier_tap "host: unit exit status" $B/tests/unit

# Bad options: exit 64 (EX_USAGE) with argp's hint, before any BPF work.
bad() {
	tool=$1
	shift
	err=$($B/$tool "$@" 2>&1 >/dev/null)
	st=$?
	case "$st:$err" in
	64:*"Try \`$tool --help'"*) pass "$tool: rejects $*" ;;
	*) fail "$tool: rejects $*" "exit $st: $err" ;;
	esac
}
bad riommu-top -x
bad riommu-top -r 0
bad riommu-top -r abc
bad riommu-top -s bogus
bad riommu-top --rid 0x1000000
bad riommu-top --rid 1:2
bad riommu-top --pasid 0x100000
bad riommu-top --iommu -1
bad riommu-top -t 0
bad riommu-top 0
bad riommu-top 1 0
bad riommu-top 1 2 3
bad riommu-top -j --csv
bad riommu-trace -L 0
bad riommu-trace -t bogus
bad riommu-trace -e -f
bad riommu-trace -e 1
bad riommu-trace -d 5
bad riommu-trace --rid xyz
bad riommu-trace 1 x

for tool in riommu-top riommu-trace; do
	out=$($B/$tool --help 2>&1)
	check_eq "$tool: --help exits 0" 0 $?
	case $out in
	*"Usage: $tool"*) pass "$tool: --help prints usage" ;;
	*) fail "$tool: --help prints usage" "$out" ;;
	esac
	out=$($B/$tool --version 2>&1)
	check_eq "$tool: --version" "$tool 1.0" "$out"
done

# --help and the man page list the same options (usage never drifts).
for tool in riommu-top riommu-trace; do
	man=docs/man/$tool.8
	if [ ! -f "$man" ]; then
		fail "$tool: man page exists" "$man missing"
		continue
	fi
	# long options from --help, and from the man page's .TP option tags
	$B/$tool --help | grep -o -- '--[a-z][a-z-]*' | sort -u > /tmp/$tool.help.opts
	sed -n '/^\.SH OPTIONS/,/^\.SH FIELDS/{/^\.TP/{n;s/\\-/-/g;p}}' "$man" | grep -o -- '--[a-z][a-z-]*' | sort -u > /tmp/$tool.man.opts
	d=$(diff /tmp/$tool.help.opts /tmp/$tool.man.opts | grep '^[<>]' | tr '\n' ' ')
	check_eq "$tool: man page OPTIONS match --help long options" "" "$d"
	$B/$tool --help | grep -o -- '^  *-[A-Za-z],' | tr -d ' ,' | sort -u > /tmp/$tool.help.short
	sed -n '/^\.SH OPTIONS/,/^\.SH FIELDS/{/^\.TP/{n;s/\\-/-/g;p}}' "$man" | grep -o -- '^\\fB-[A-Za-z]\|^-[A-Za-z]' | sed 's/\\fB//' | sort -u > /tmp/$tool.man.short
	d=$(diff /tmp/$tool.help.short /tmp/$tool.man.short | grep '^[<>]' | tr '\n' ' ')
	check_eq "$tool: man page OPTIONS match --help short options" "" "$d"
	usage=$($B/$tool --help | sed -n 's/^USAGE: //p')
	if grep -qF -- "$(printf '%s' "$usage" | sed 's/-/\\-/g')" "$man" || grep -qF -- "$usage" "$man"; then
		pass "$tool: man page SYNOPSIS matches the USAGE line"
	else
		fail "$tool: man page SYNOPSIS matches the USAGE line" "USAGE: $usage"
	fi
done
# Lab scenario helpers that do not need a guest: syntax, and the tracefs
# latency pairing the tools' figures are compared with.
for f in tests/lab/tools-*.sh; do
	check_cmd "lab: $(basename "$f") parses" sh -n "$f"
done
tmp=$(mktemp -d)
cat > "$tmp/trace.txt" <<'TRACE'
# tracer: nop
   kworker/0:1-12  [000] .....   100.000100: pq_consume: iommu=0 devid=0x8 pasid=0 flags=0x2 prgi=1 addr=0x10000000
   kworker/0:1-12  [000] .....   100.000200: pq_consume: iommu=0 devid=0x8 pasid=0 flags=0x22 prgi=1 addr=0x10001000
   kworker/0:1-12  [000] .....   100.000300: pq_report: iommu=0 devid=0x8 pasid=0 flags=0x22 prgi=1 ret=0
   kworker/0:1-12  [000] .....   100.001100: page_response: iommu=0 devid=0x8 pasid=0 flags=0x0 prgi=1 code=0x0
   kworker/0:1-12  [000] .....   100.002000: pq_consume: iommu=0 devid=0x30 pasid=5 flags=0x23 prgi=10 addr=0x1000
   kworker/0:1-12  [000] .....   100.002500: page_response: iommu=0 devid=0x30 pasid=5 flags=0x1 prgi=10 code=0x1
   kworker/0:1-12  [000] .....   100.003000: page_response: iommu=0 devid=0x38 pasid=0 flags=0x0 prgi=3 code=0x1
TRACE
got=$(INJ=/nonexistent TR=/nonexistent sh -c '. tests/lab/tools-common.inc; TMP=$1; tr_latencies' sh "$tmp" | tr '\n' ';')
check_eq "lab: tracefs pairing of requests and responses" "0 8 0 0 1 1000000;0 48 1 5 10 500000;" "$got"
got=$(INJ=/nonexistent TR=/nonexistent sh -c '. tests/lab/tools-common.inc; TMP=$1; tr_keyed' sh "$tmp" | sort | tr '\n' ';')
check_eq "lab: tracefs events keyed like the event stream" \
	"C/48/5/10/4096 100002000000;C/8/0/1/268435456 100000100000;C/8/0/1/268439552 100000200000;R/48/5/10 100002500000;R/56/0/3 100003000000;R/8/0/1 100001100000;" "$got"
out=$(sh -c '. tests/lab/tools-common.inc; near a 100000000 104000000; near b 10000000 15000000; near c 0 1900000; near d 0 3000000 2' 2>&1)
check_eq "lab: near() tolerance (5% or 2 ms per group)" "ok - a|not ok - b # expected about 10000000 ns, got 15000000 ns|ok - c|ok - d|" \
	"$(printf '%s\n' "$out" | tr '\n' '|')"
rm -rf "$tmp"
tap_exit
