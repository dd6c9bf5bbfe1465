#!/bin/sh
# Injected page requests: decoding, per-devid tracepoint counts, exactly one
# answer per group with the right code, stop markers dropped, unknown
# device ids answered Invalid, malformed injector lines rejected without
# side effects.  First without a fault handler (the core answers Invalid
# Request), then with riommu-test's handler (Success in its window, its
# fail_code outside).  The injector changes nothing a real function sees:
# answers to injected groups are traced and counted, never sent to the
# function (its response counters stay at zero), and a function without PRI
# gets no fault domain.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 93
cd /src || exit 1
. tests/lab/riscv-pq-common.inc
pq_require

BDF=$(find_testdev) || { fail "setup: PRI test function present" "no 1b36:00f1 function"; exit 1; }
DEV=$(bdf_devid "$BDF")
if [ -e "/sys/bus/pci/devices/$BDF/driver" ]; then
	echo "$BDF" > "/sys/bus/pci/devices/$BDF/driver/unbind"
fi
pass "setup: PRI test function $BDF is devid $DEV, no driver"
UNK=0xfff0	# no function behind it
WIDE=0x12345	# a 24-bit device id nobody owns

trace_start

# --- Phase A: no fault handler ------------------------------------------
c0=$(pqs consumed)
s0=$(pqs stop_markers)
u0=$(pqs unknown_devid)
e0=$(pqs report_errors)
r0=$(pqs responses)
i0=$(pqs injected_responses)
check_cmd "A1 single request accepted" inj "devid=$DEV prgi=1 addr=0x1000 perm=r last"
check_cmd "A2 group of 3 accepted" inj "devid=$DEV prgi=2 addr=0x2000 perm=rw count=3 last"
check_cmd "A3 stop marker accepted" inj "devid=$DEV pasid=7 prgi=3 addr=0 perm= last"
check_cmd "A4 unknown devid accepted" inj "devid=$UNK prgi=4 addr=0x3000 perm=r count=2 last"
check_cmd "A5 wide devid accepted" inj "devid=$WIDE pasid=9 prgi=5 addr=0x4000 perm=rwx priv last"
check_cmd "A6 PASID request accepted" inj "devid=$DEV pasid=3 prgi=6 addr=0x5000 perm=w last"
check_cmd "A7 non-last only accepted" inj "devid=$UNK prgi=8 addr=0x6000 perm=r count=2"
trace_snap

check_eq "A consumed 11 records" 11 $(( $(pqs consumed) - c0 ))
check_eq "A pq_consume for $DEV" 6 "$(tcount pq_consume "devid=$DEV ")"
check_eq "A pq_consume for $UNK" 4 "$(tcount pq_consume "devid=$UNK ")"
check_eq "A pq_consume for $WIDE" 1 "$(tcount pq_consume "devid=$WIDE ")"
noinj=0
for f in $(sed -n 's/.* pq_consume: .* flags=\([A-Z|]*\) .*/\1/p' "$SNAP"); do
	case "|$f|" in *"|INJ|"*) ;; *) noinj=$((noinj + 1)) ;; esac
done
check_eq "A every pq_consume has the INJECTED flag" 0 "$noinj"
check_eq "A1 decoded (R|L|INJ)" 1 "$(tcount pq_consume "devid=$DEV pasid=0 flags=R|L|INJ prgi=1 addr=0x1000")"
check_eq "A2 non-last decoded (R|W|INJ)" 2 "$(tcount pq_consume "devid=$DEV pasid=0 flags=R|W|INJ prgi=2 ")"
check_eq "A2 addr advances by 4 KiB" 1 "$(tcount pq_consume "prgi=2 addr=0x4000")"
check_eq "A5 decoded (PV|R|W|X|PRIV|L|INJ)" 1 \
	"$(tcount pq_consume "devid=$WIDE pasid=9 flags=PV|R|W|X|PRIV|L|INJ prgi=5 addr=0x4000")"

check_eq "A1 no handler: report -EINVAL" 1 "$(tcount pq_report "devid=$DEV " "prgi=1 " "ret=-22")"
check_eq "A1 one Invalid Request" 1 "$(tcount page_response "devid=$DEV " "prgi=1 " "code=Invalid")"
check_eq "A2 three reports" 3 "$(tcount pq_report "devid=$DEV " "prgi=2 ")"
check_eq "A2 one response for the group" 1 "$(tcount page_response "devid=$DEV " "prgi=2 ")"
check_eq "A2 response is Invalid Request" 1 "$(tcount page_response "devid=$DEV " "prgi=2 " "code=Invalid")"
check_eq "A3 stop marker consumed" 1 "$(tcount pq_consume "devid=$DEV pasid=7 flags=PV|L|INJ prgi=3 ")"
check_eq "A3 stop marker not reported" 0 "$(tcount pq_report "prgi=3 ")"
check_eq "A3 stop marker not answered" 0 "$(tcount page_response "prgi=3 ")"
check_eq "A4 unknown devid: report -ENODEV" 2 "$(tcount pq_report "devid=$UNK " "prgi=4 " "ret=-19")"
check_eq "A4 unknown devid: one Invalid Request" 1 "$(tcount page_response "devid=$UNK " "prgi=4 " "code=Invalid")"
check_eq "A5 wide devid: Invalid Request with its PASID" 1 \
	"$(tcount page_response "devid=$WIDE pasid=9 flags=PV|INJ prgi=5 " "code=Invalid")"
# the PRI test function sets "PRG Response PASID Required" (its default)
check_eq "A6 response with the PASID (the function requires it)" 1 \
	"$(tcount page_response "devid=$DEV pasid=3 flags=PV|INJ prgi=6 " "code=Invalid")"
check_eq "A7 unknown devid, group not closed: no response" 0 "$(tcount page_response "prgi=8 ")"
check_eq "A responses in total" 5 "$(tcount page_response "iommu=0 ")"
check_eq "A stop_markers counter" 1 $(( $(pqs stop_markers) - s0 ))
check_eq "A unknown_devid counter" 5 $(( $(pqs unknown_devid) - u0 ))
check_eq "A report_errors counter" 5 $(( $(pqs report_errors) - e0 ))
check_eq "A injected_responses counter" 5 $(( $(pqs injected_responses) - i0 ))
check_eq "A no ATS.PRGR sent for injected groups (responses counter)" 0 $(( $(pqs responses) - r0 ))
# Rate limited (5 s): an earlier flood in the same boot may have used up
# the burst, so give it one more chance after the interval
warned() { dmesg | grep -q "page request from unknown devid $UNK"; }
if ! warned; then
	sleep 6
	inj "devid=$UNK prgi=9 addr=0x7000 perm=r last"
fi
warned && pass "A unknown devid warned" || fail "A unknown devid warned"

# --- Malformed lines: -EINVAL, a message naming the token, nothing consumed
c0=$(pqs consumed)
r0=$(pqs injected_responses)
for bad in "addr=0x1001" "perm=q" "bogus=1" "prgi=512" "devid=0x1000000" \
	"pasid=0x100000" "perm=x" "count=0" "error=fire" "last=1" "perm=rr" "perm=rwr"; do
	line="devid=$DEV prgi=1 addr=0x1000 perm=r last $bad"
	if echo "$line" > "$INJ" 2>/tmp/riscv-pq-err; then
		fail "malformed '$bad' rejected" "write succeeded"
	elif grep -q 'Invalid argument' /tmp/riscv-pq-err; then
		pass "malformed '$bad' rejected with EINVAL"
	else
		fail "malformed '$bad' rejected with EINVAL" "$(cat /tmp/riscv-pq-err)"
	fi
	dmesg | tail -n 3 | grep -qF "pq_inject: bad token '$bad'" &&
		pass "malformed '$bad' named in dmesg" ||
		fail "malformed '$bad' named in dmesg" "$(dmesg | tail -n 1)"
done
# More records than the injector's limit (10^7 per line): refused, named.
inj "devid=$DEV prgi=1 addr=0x1000 perm=r count=10000 groups=1001" &&
	fail "record limit (10^7) enforced" || pass "record limit (10^7) enforced"
dmesg | tail -n 1 | grep -qF "more than 10000000 records" &&
	pass "record limit named in dmesg" || fail "record limit named in dmesg" "$(dmesg | tail -n 1)"
# A line longer than the injector's 512-byte buffer: -EINVAL, nothing parsed.
long="devid=$DEV prgi=1 addr=0x1000 perm=r last $(printf '%0500d' 0)"
# one write() of the whole line; dd names the error (busybox printf does not)
if printf '%s\n' "$long" | dd of="$INJ" bs=4096 2>/tmp/riscv-pq-err; then
	fail "over-long line (${#long} bytes) rejected" "write succeeded"
else
	check_cmd "over-long line (${#long} bytes) rejected with EINVAL" grep -q 'Invalid argument' /tmp/riscv-pq-err
fi
inj "devid=$DEV prgi=1 perm=r last" && fail "missing addr rejected" || pass "missing addr rejected"
dmesg | tail -n 1 | grep -qF "missing token 'addr'" && pass "missing addr named" || fail "missing addr named"
inj "devid=$DEV prgi=1 addr=0x1000 perm=" && fail "empty perm without last rejected" ||
	pass "empty perm without last rejected"
inj "" && fail "empty line rejected" || pass "empty line rejected"
check_eq "malformed lines consumed nothing" "$c0" "$(pqs consumed)"
check_eq "malformed lines answered nothing" "$r0" "$(pqs injected_responses)"

# --- A function without PRI gets no fault domain -------------------------
PLAIN=$(find_plain_testdev)
dmesg -c > /dev/null
if [ -n "$PLAIN" ] && bind_rt "$PLAIN"; then
	check_eq "plain function $PLAIN: riommu-test bound, no fault domain" 0 \
		"$(cat "/sys/kernel/debug/riommu-test/$PLAIN/attach")"
	check_cmd "plain function: attach refused with -ENODEV" \
		sh -c "dmesg | grep -q 'fault domain not attached: -19'"
	echo "$PLAIN" > /sys/bus/pci/drivers/riommu-test/unbind
else
	fail "plain function: riommu-test binds to pci-testdev ${PLAIN:-(none)}"
	fail "plain function: attach refused with -ENODEV"
fi

# --- Phase B: riommu-test's fault handler -------------------------------
if ! bind_rt "$BDF"; then
	fail "B setup: riommu-test binds to $BDF" "$(dmesg | grep riommu-test | tail -n 2 | tr '\n' '|')"
	tap_exit
	exit
fi
RT=/sys/kernel/debug/riommu-test/$BDF
pass "B setup: riommu-test bound"
rt_setup 0x10000000
# One real group first: the function then listens for responses (its
# notifiers stay registered), so an ATS.PRGR for any group would reach it.
PT=/src/build/riscv64/pri-testdev
check_cmd "B setup: one real group answered" \
	sh -c "$PT -d $BDF run addr=0x10000000 perm=r group=1 count=1 prgi=100 timeout=10 > /dev/null"

trace_start
r0=$(pqs responses)
i0=$(pqs injected_responses)
check_cmd "B1 3 groups of 2 accepted" inj "devid=$DEV prgi=10 addr=0x10000000 perm=rw count=2 groups=3"
check_cmd "B2 out-of-window group accepted" inj "devid=$DEV prgi=20 addr=0x1000 perm=r last"
echo 2 > "$RT/fail_code"
check_cmd "B3 out-of-window, fail_code 2" inj "devid=$DEV prgi=21 addr=0x2000 perm=r count=2 last"
check_cmd "B4 group index wraps at 512" inj "devid=$DEV prgi=511 addr=0x10000000 perm=r groups=2"
wait_pqs injected_responses $((i0 + 7))
sleep 0.2
trace_snap
check_eq "B pq_consume for $DEV" 11 "$(tcount pq_consume "devid=$DEV ")"
check_eq "B all reported (ret=0)" 11 "$(tcount pq_report "devid=$DEV " "ret=0")"
check_eq "B1 Success for prgi 10" 1 "$(tcount page_response "devid=$DEV " "prgi=10 " "code=Success")"
check_eq "B1 Success for prgi 11" 1 "$(tcount page_response "devid=$DEV " "prgi=11 " "code=Success")"
check_eq "B1 Success for prgi 12" 1 "$(tcount page_response "devid=$DEV " "prgi=12 " "code=Success")"
check_eq "B2 Invalid Request (fail_code 1)" 1 "$(tcount page_response "devid=$DEV " "prgi=20 " "code=Invalid")"
check_eq "B3 Response Failure (fail_code 2)" 1 "$(tcount page_response "devid=$DEV " "prgi=21 " "code=Failure")"
check_eq "B4 Success for prgi 511" 1 "$(tcount page_response "prgi=511 " "code=Success")"
check_eq "B4 Success for prgi 0 (wrapped)" 1 "$(tcount page_response "prgi=0 " "code=Success")"
check_eq "B one response per group" 7 "$(tcount page_response "devid=$DEV ")"
check_eq "B every response flagged INJ" 7 "$(tcount page_response "devid=$DEV " "INJ prgi=")"
check_eq "B injected_responses counter" $((i0 + 7)) "$(pqs injected_responses)"
check_eq "B no ATS.PRGR sent (responses counter)" "$r0" "$(pqs responses)"
# PRI is on in the function: an ATS.PRGR for a group it never sent would
# show as a response to an unknown PRG index
check_eq "B the function received no response but its own group's" "1 0" \
	"$($PT -d "$BDF" status | awk '$1 == "resp_total" { t = $2 } $1 == "resp_unexpected" { u = $2 } END { print t + 0, u + 0 }')"

# No command queue error (the attach's invalidations, ATS.INVAL included)
if dmesg | grep -q -e 'illegal:1' -e 'command enqueue failed' -e 'command execution timeout'; then
	fail "command queue took every command" "$(dmesg | grep -e 'Queue #0' -e 'Hardware error' | tail -n 2 | tr '\n' '|')"
else
	pass "command queue took every command"
fi

trace_stop
tap_exit
