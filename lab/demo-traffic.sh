# Guest side: page-request traffic for the demo and its test; sourced.
# Real page requests come from QEMU's riommu-pri-testdev when the lab has it
# (make demo boots the patched QEMU), PASID 5 ones included, which have no
# handler; the fault injector adds what a device does not send: requests
# from a RID the IOMMU does not know (and everything when the lab has no
# test device).  riommu-test answers the device's requests: Success in its
# good window after a 2 ms delay, Invalid outside it.
# shellcheck shell=sh

INJECT=/sys/kernel/debug/riscv-iommu/iommu0/pq_inject
PT=/src/build/riscv64/pri-testdev

# rid_of BDF: RID = bus << 8 | devfn
rid_of() {
	bus=$((0x$(echo "$1" | cut -d: -f2)))
	slot=$((0x$(echo "$1" | cut -d: -f3 | cut -d. -f1)))
	fn=$(echo "$1" | cut -d. -f2)
	printf '0x%x\n' $(( (bus << 8) | (slot << 3) | fn ))
}

# bind_endpoint BDF: give the function to riommu-test
bind_endpoint() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
	echo riommu-test > "$d/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	echo 2000 > "/sys/kernel/debug/riommu-test/$1/delay_us"
}

# demo_setup: bind the endpoints; sets DEMO_HW_BDF (may be empty) and
# DEMO_RID, the RID whose traffic the demo is about.
demo_setup() {
	DEMO_HW_BDF=$($PT find 2>/dev/null | head -n 1)
	if [ -n "$DEMO_HW_BDF" ]; then
		bind_endpoint "$DEMO_HW_BDF" || return 1
		$PT -d "$DEMO_HW_BDF" pasid-enable || return 1
		DEMO_RID=$(rid_of "$DEMO_HW_BDF")
		return 0
	fi
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x0005 ]; then
			bind_endpoint "$(basename "$d")" || return 1
			DEMO_RID=$(rid_of "$(basename "$d")")
			return 0
		fi
	done
	echo "demo: neither riommu-pri-testdev nor pci-testdev in this guest" >&2
	return 1
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
