#!/bin/sh
# Host unit tests of the riommu tools (tests/host/unit.c) and command-line
# checks (bad options, --help against the man pages).  Prints TAP lines.
# Runs inside the sid root (tests/lib/host-tier.sh takes it there).
. "$(dirname "$0")/../lib/host-tier.sh"

host_tier_build "host: build"
host_tier_tap "host: unit exit status" $B/tests/unit

# bad TOOL ARGS...: a bad option exits 64 (EX_USAGE) before any BPF work,
# with two lines: one sentence saying why, then argp's hint.
bad() {
	tool=$1
	shift
	err=$($B/$tool "$@" 2>&1 >/dev/null)
	st=$?
	case "$st:$(printf '%s\n' "$err" | wc -l):$err" in
	64:2:*"Try \`$tool --help'"*) pass "$tool: rejects $*" ;;
	*) fail "$tool: rejects $*" "exit $st: $err" ;;
	esac
}
# bad_says TOOL SENTENCE ARGS...: bad(), and the sentence is SENTENCE.
# tests/host/unit.c checks the shared options' sentences; here the tools'
# own ones and that both tools take the shared ones.
bad_says() {
	tool=$1 sentence=$2
	shift 2
	bad "$tool" "$@"
	check_eq "$tool: says why it rejects $*" "$tool: $sentence" "$(printf '%s\n' "$err" | head -1)"
}
bad riommu-top -x
bad_says riommu-top "-r '0' is not a number of rows (1 to 100000)." -r 0
bad_says riommu-top "--rows '0' is not a number of rows (1 to 100000)." --rows 0
bad riommu-top -r abc
bad_says riommu-top "-s 'bogus' is not a sort key (req, grp, inflight, age, avg, p50, p99, max, fail, inv or rid)." -s bogus
bad riommu-top --rid 0x1000000
bad_says riommu-top "--rid '1:2' is not a requester ID (a number up to 0xffffff, or bus:dev.fn such as 00:01.0)." --rid 1:2
bad riommu-top --pasid 0x100000
bad riommu-top --iommu -1
bad_says riommu-top "-t '0' is not a number of seconds (above 0, at most 86400, fractions allowed)." -t 0
bad_says riommu-top "--timeout '0' is not a number of seconds (above 0, at most 86400, fractions allowed)." --timeout=0
bad riommu-top 0
bad riommu-top 1 0
bad riommu-top 1 2 3
bad_says riommu-top "-j and --csv cannot be used together." -j --csv
bad_says riommu-top "--max-rows '0' is not a statistics table size (1 to 65536)." --max-rows 0
bad_says riommu-top "--prometheus 'x' is not [ADDR:]PORT (an IPv4 address and a port 1 to 65535)." --prometheus x
bad_says riommu-top "--prometheus '1.2.3:80' is not [ADDR:]PORT (an IPv4 address and a port 1 to 65535)." --prometheus 1.2.3:80
bad_says riommu-top "--prometheus ':0' is not [ADDR:]PORT (an IPv4 address and a port 1 to 65535)." --prometheus :0
# the sentence names the option as typed: short, long, abbreviated long
bad_says riommu-trace "-L '0' is not a bucket width (1 to 1000000)." -L 0
bad_says riommu-trace "-L '0' is not a bucket width (1 to 1000000)." -L0
bad_says riommu-trace "-L '0' is not a bucket width (1 to 1000000)." -cL 0
bad_says riommu-trace "--linear '0' is not a bucket width (1 to 1000000)." --linear 0
bad_says riommu-trace "--linear '0' is not a bucket width (1 to 1000000)." --linear=0
bad_says riommu-trace "--linear '0' is not a bucket width (1 to 1000000)." --lin 0
bad_says riommu-trace "-t 'bogus' is not an event list (comma list of consume, report, response, failure, error, all)." -t bogus
bad_says riommu-trace "-e and -f cannot be used together." -e -f
bad_says riommu-trace "interval and count apply to histograms; use -d with -e or -f." -e 1
bad_says riommu-trace "-d applies to -e or -f; use interval and count for histograms." -d 5
bad_says riommu-trace "-d '0' is not a number of seconds (above 0, at most 31536000, fractions allowed)." -e -d 0
bad_says riommu-trace "--duration '0' is not a number of seconds (above 0, at most 31536000, fractions allowed)." -e --duration 0
bad_says riommu-trace "-j and --csv cannot be used together." -j --csv
bad_says riommu-trace "-T applies to text output; -j and --csv records carry times." -e -T -j
bad_says riommu-trace "--ringbuf '100' is not a power of two." -e --ringbuf 100
bad_says riommu-trace "--ringbuf '32' is not a ring buffer size in KiB (64 to 1048576)." -e --ringbuf 32
bad_says riommu-trace "--ringbuf applies to -e or -f." --ringbuf 1024
bad riommu-trace --rid xyz
bad_says riommu-trace "count 'x' is not a number of intervals (1 to 2147483647)." 1 x
bad_says riommu-trace "--groups '0' is not a group table size (1 to 4194304)." --groups 0

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
   kworker/0:1-12  [000] .....   100.000100: pq_consume: riscv-iommu.0 iommu=0 devid=0x8 pasid=0 flags=R prgi=1 addr=0x10000000
   kworker/0:1-12  [000] .....   100.000200: pq_consume: riscv-iommu.0 iommu=0 devid=0x8 pasid=0 flags=R|L prgi=1 addr=0x10001000
   kworker/0:1-12  [000] .....   100.000300: pq_report: riscv-iommu.0 iommu=0 devid=0x8 pasid=0 flags=R|L prgi=1 addr=0x10001000 ret=0
   kworker/0:1-12  [000] .....   100.001100: page_response: riscv-iommu.0 iommu=0 devid=0x8 pasid=0 flags= prgi=1 addr=0x10001000 code=Success
   kworker/0:1-12  [000] .....   100.002000: pq_consume: riscv-iommu.0 iommu=0 devid=0x30 pasid=5 flags=PV|R|L prgi=10 addr=0x1000
   kworker/0:1-12  [000] .....   100.002500: page_response: riscv-iommu.0 iommu=0 devid=0x30 pasid=5 flags=PV prgi=10 addr=0x1000 code=Invalid
   kworker/0:1-12  [000] .....   100.003000: page_response: riscv-iommu.0 iommu=0 devid=0x38 pasid=0 flags= prgi=3 addr=0x5000 code=Invalid
TRACE
got=$(INJ=/nonexistent TR=/nonexistent sh -c '. tests/lab/tools-common.inc; TMP=$1; tr_latencies' sh "$tmp" | tr '\n' ';')
check_eq "lab: tracefs pairing of requests and responses" "0 8 0 0 1 1000000;0 48 1 5 10 500000;" "$got"
got=$(INJ=/nonexistent TR=/nonexistent sh -c '. tests/lab/tools-common.inc; TMP=$1; tr_keyed' sh "$tmp" | sort | tr '\n' ';')
check_eq "lab: tracefs events keyed like the event stream" \
	"C/48/5/10/4096 100002000000;C/8/0/1/268435456 100000100000;C/8/0/1/268439552 100000200000;R/48/5/10 100002500000;R/56/0/3 100003000000;R/8/0/1 100001100000;" "$got"
out=$(sh -c '. tests/lab/tools-common.inc; near a 100000000 104000000; near b 10000000 15000000
	near c 0 0; near d 40000000 41900000; within e 80000000 120000000 95000000
	within f 80000000 120000000 79000000; undelayed g 1000 $((DELAY_NS - 1))
	undelayed h 1000 $DELAY_NS; undelayed i 5 ""; echo "$DELAY_NS"' 2>&1)
d=$(printf '%s\n' "$out" | tail -n 1)
check_eq "lab: near() within 5%, within(), undelayed() below the handler delay" \
	"ok - a|not ok - b # expected 10000000 ns within 5%, got 15000000 ns|not ok - c # expected 0 ns within 5%, got 0 ns|ok - d|ok - e|not ok - f # expected 80000000..120000000 ns, got 79000000 ns|ok - g|not ok - h # expected each below $d ns, got 1000 $d|not ok - i # expected each below $d ns, got 5 |$d|" \
	"$(printf '%s\n' "$out" | tr '\n' '|')"
rm -rf "$tmp"
tap_exit
