# Guest side: page-request traffic for the demo and its test; sourced.
# Until the PRI test device exists, traffic comes from the fault injector:
# riommu-test (bound to QEMU's pci-testdev) answers requests in its good
# window with Success after a delay, others Invalid; PASID requests have no
# handler and fail; one RID is unknown to the IOMMU.
# shellcheck shell=sh

INJECT=/sys/kernel/debug/riscv-iommu/iommu0/pq_inject

# Bind riommu-test to pci-testdev; prints the device's RID (hex).
demo_bind_endpoint() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x0005 ]; then
			bdf=$(basename "$d")
			echo riommu-test > "$d/driver_override"
			[ -e "$d/driver" ] || echo "$bdf" > /sys/bus/pci/drivers_probe
			# RID = bus << 8 | devfn, from the BDF "dddd:bb:dd.f".
			bus=$((0x$(echo "$bdf" | cut -d: -f2)))
			slot=$((0x$(echo "$bdf" | cut -d: -f3 | cut -d. -f1)))
			fn=$(echo "$bdf" | cut -d. -f2)
			printf '0x%x\n' $(( (bus << 8) | (slot << 3) | fn ))
			return 0
		fi
	done
	echo "demo: no pci-testdev in this guest" >&2
	return 1
}

# demo_traffic_loop RID: inject forever (run it in the background).
demo_traffic_loop() {
	rid=$1
	dbg=/sys/kernel/debug/riommu-test/$(basename "$(readlink -f \
		/sys/bus/pci/drivers/riommu-test/*:*)")
	[ -d "$dbg" ] && echo 2000 > "$dbg/delay_us"
	prgi=0
	while :; do
		# Success after ~2 ms: 8 groups of 4 requests in the good window.
		echo "devid=$rid prgi=$prgi addr=0x10000000 perm=rw count=4 groups=8 rate=400 last" > "$INJECT"
		# Invalid from the handler: outside the good window.
		echo "devid=$rid prgi=$(( (prgi + 8) % 512 )) addr=0x40000000 perm=r count=2 groups=2 rate=200 last" > "$INJECT"
		# No PASID handler: failure notifications with PASID 5.
		echo "devid=$rid pasid=5 prgi=$(( (prgi + 10) % 512 )) addr=0x10001000 perm=w count=1 groups=2 rate=200 last" > "$INJECT"
		# A RID the IOMMU does not know: Invalid Request from the driver.
		echo "devid=0x300 prgi=1 addr=0x1000 perm=r last" > "$INJECT"
		prgi=$(( (prgi + 12) % 512 ))
		sleep 0.2
	done
}
