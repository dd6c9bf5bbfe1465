# Guest side: page-request traffic for the demo and its test; sourced.
# Real page requests come from QEMU's riommu-pri-testdev when the lab has it
# (make demo boots the patched QEMU), PASID 5 ones included, which have no
# handler, and SVA page faults of a process's own pages; the fault injector adds what a device does not send: requests
# from a RID the IOMMU does not know (and everything when the lab has no
# test device binary).  riommu-test answers the device's requests: Success in its
# good window after a 2 ms delay, Invalid outside it.
# shellcheck shell=sh

INJECT=/sys/kernel/debug/iommu/riscv/iommu0/pq_inject
PT=/src/build/riscv64/pri-testdev

# find_testdev, bind_rt, bdf_devid
. tests/lab/testdev.inc

# demo_setup: bind riommu-test (2 ms handler delay) to the endpoint; sets
# DEMO_HW_BDF (may be empty) and DEMO_RID, the RID whose traffic the demo
# is about.
demo_setup() {
	DEMO_HW_BDF=$($PT find 2>/dev/null | head -n 1)
	if [ -n "$DEMO_HW_BDF" ]; then
		bdf=$DEMO_HW_BDF
	elif ! bdf=$(find_testdev); then
		echo "demo: no riommu-pri-testdev in this guest (boot the patched QEMU with -device riommu-pri-testdev)" >&2
		return 1
	fi
	bind_rt "$bdf" && echo 2000 > "/sys/kernel/debug/riommu-test/$bdf/delay_us" || return 1
	if [ -n "$DEMO_HW_BDF" ]; then
		$PT -d "$DEMO_HW_BDF" pasid-enable || return 1
	fi
	DEMO_RID=$(bdf_devid "$bdf")
}

# demo_traffic_loop: generate traffic forever (run it in the background).
demo_traffic_loop() {
	prgi=0
	while :; do
		if [ -n "$DEMO_HW_BDF" ]; then
			# Real PRI: 8 groups of 4 requests (Success), 2 outside the window.
			$PT -d "$DEMO_HW_BDF" run addr=0x10000000 perm=rw group=4 count=8 \
				rate=200 prgi=$prgi keep > /dev/null
			$PT -d "$DEMO_HW_BDF" run addr=0x40000000 perm=r group=2 count=2 \
				rate=100 prgi=$(( (prgi + 8) % 512 )) keep > /dev/null
			# No PASID handler: failure notifications with PASID 5.
			$PT -d "$DEMO_HW_BDF" run addr=0x10001000 perm=w group=1 count=2 \
				rate=100 pasid=5 prgi=$(( (prgi + 10) % 512 )) keep > /dev/null
			# SVA: a process binds its mm and the device writes 16 of its
			# fresh pages, each faulted in through a page request and
			# answered Success after handle_mm_fault(); its PASID is in
			# /tmp/demo-sva.pt (sva_pasid).
			$PT -d "$DEMO_HW_BDF" sva count=16 perm=w value=0x5000 > /tmp/demo-sva.pt.new &&
				mv /tmp/demo-sva.pt.new /tmp/demo-sva.pt
		else
			echo "devid=$DEMO_RID prgi=$prgi addr=0x10000000 perm=rw count=4 groups=8 rate=400 last" > "$INJECT"
			echo "devid=$DEMO_RID prgi=$(( (prgi + 8) % 512 )) addr=0x40000000 perm=r count=2 groups=2 rate=200 last" > "$INJECT"
			echo "devid=$DEMO_RID pasid=5 prgi=$(( (prgi + 10) % 512 )) addr=0x10001000 perm=w count=1 groups=2 rate=200 last" > "$INJECT"
		fi
		# A RID the IOMMU does not know: Invalid Request from the driver.
		echo "devid=0x300 prgi=1 addr=0x1000 perm=r last" > "$INJECT"
		prgi=$(( (prgi + 12) % 512 ))
		sleep 0.2
	done
}
