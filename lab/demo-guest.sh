#!/bin/sh
# Guest side of `make demo`: start page-request traffic and show riommu-top
# live on the console, a row per PASID (SVA's among them); Ctrl-C ends riommu-top, the traffic and the guest.
cd /src || exit 1
. lab/demo-traffic.sh
demo_setup || exit 1
demo_traffic_loop > /tmp/traffic.log 2>&1 &
traffic=$!
trap '' INT
echo "demo: traffic for RID $DEMO_RID (${DEMO_HW_BDF:+riommu-pri-testdev $DEMO_HW_BDF, }injector); starting riommu-top (Ctrl-C to stop)"
sleep 1
(trap - INT; exec build/riscv64/riommu-top -P 1)
kill "$traffic" 2>/dev/null
wait "$traffic" 2>/dev/null
echo "demo: stopped; shutting the guest down"
