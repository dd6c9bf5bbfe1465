#!/bin/sh
# riommu-trace -e with the smallest ring buffer (--ringbuf 64) while its
# reader is stopped: a known injected burst overflows it.  Every event is
# either printed or counted as lost (the exit record's drop_ringbuf_full),
# none twice, and the loss is reported on stderr while it happens, once a
# second, not only at exit.
# lab-plan: 8
cd /src || exit 1
. tests/lib/tap.sh
BIN=${RIOMMU_BIN:-/src/build/riscv64}
INJ=/sys/kernel/debug/iommu/riscv/iommu0/pq_inject
U1=0x30		# no device: the driver answers every group Invalid itself
TMP=/tmp/tools-ringbuf
mkdir -p $TMP
[ -w "$INJ" ] || { fail "setup: injector $INJ present"; exit 1; }

# Known answer: G groups of one request each from an unknown RID, 3 events
# per group (consume, report -ENODEV, response Invalid).
G=2000
EVENTS=$((G * 3))
$BIN/riommu-trace -e -j --ringbuf 64 --rid $U1 > $TMP/ev.json 2> $TMP/ev.err &
tr=$!
i=0
while [ ! -s $TMP/ev.json ] && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
check_ge "riommu-trace --ringbuf 64 started (clock record)" 1 "$(wc -l < $TMP/ev.json)"
kill -STOP $tr
echo "devid=$U1 prgi=0 addr=0x1000 perm=r count=1 groups=$G" > "$INJ"
check_eq "injected $G groups" 0 $?
kill -CONT $tr
sleep 3		# the reader drains what fit and warns about the rest
kill -INT $tr
wait $tr
check_eq "riommu-trace exits 0" 0 $?

got=$(jq -s '[.[] | select(.type == "event")] | length' $TMP/ev.json)
lost=$(jq -s '[.[] | select(.type == "drops") | .drop_ringbuf_full] | add // -1' $TMP/ev.json)
echo "# events printed $got, counted lost $lost, of $EVENTS"
check_ge "the 64 KiB ring buffer overflowed (events lost)" 1 "$lost"
check_eq "every event printed or counted lost" "$EVENTS" "$((got + lost))"
check_eq "no event printed twice" 0 \
	"$(jq -r 'select(.type == "event") | "\(.event) \(.prgi) \(.ts_ns)"' $TMP/ev.json | sort | uniq -d | wc -l)"
check_ge "stderr warned about the loss while running" 1 \
	"$(grep -c '^riommu-trace: lost [0-9]* events in the last second (ring buffer full' $TMP/ev.err)"
check_eq "stderr has nothing else" "" \
	"$(grep -v '^riommu-trace: lost [0-9]* events in the last second' $TMP/ev.err)"
tap_exit
