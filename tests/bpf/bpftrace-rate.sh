# Sourced by tests/bpf/run.sh.  riommu-rate.bt keeps every count while it
# prints: the script runs on the host with its two tracepoints swapped for
# syscall tracepoints (every getppid() a request that closes its group,
# getpid() a response), its interval shortened to 50 ms, and an independent
# total of the same events (perl's: nothing else calls getppid() while the
# tool ends); two processes on two CPUs make 2 x 300000 calls while the
# intervals print.  The printed per-interval counts must add up to the
# total exactly (a print() then clear() of the maps lost about 500 of the
# 600000 requests here in every run).
bt_rate() {
	bt=build/bpftrace-rate.bt
	sed -e 's/^tracepoint:riscv_iommu:pq_consume$/tracepoint:syscalls:sys_enter_getppid/' \
		-e 's/^tracepoint:riscv_iommu:page_response$/tracepoint:syscalls:sys_enter_getpid/' \
		-e 's|^/(args\.flags \(.*\)/$|/comm == "perl" \&\& (0x22 \1/|' \
		-e 's/args\.flags/0x22/g; s/args\.iommu/(uint32)cpu/g' \
		-e 's/args\.devid/(uint32)7/g; s/args\.result/(uint32)0/g' \
		-e 's/^interval:s:1$/interval:ms:50/' tools/bpftrace/riommu-rate.bt > $bt
	cat >> $bt <<'BT'
tracepoint:syscalls:sys_enter_getppid /comm == "perl"/ { @total = count(); }
END { printf("total %lu\n", (uint64)@total); }
BT
	if ! command -v bpftrace > /dev/null; then
		fail "riommu-rate.bt: every event counted once while intervals print" "no bpftrace in the sid root"
		return
	fi
	bpftrace $bt > build/bpftrace-rate.out 2>&1 &
	bt_pid=$!
	i=0
	until grep -q '^Tracing' build/bpftrace-rate.out || [ $i -ge 120 ] ||
		! kill -0 $bt_pid 2>/dev/null; do
		sleep 0.5
		i=$((i + 1))
	done
	for cpu in 0 1; do
		taskset -c $cpu perl -e 'getppid for 1 .. 300000' &
		eval "load_$cpu=\$!"
	done
	# shellcheck disable=SC2154
	wait "$load_0" "$load_1"
	sleep 0.2
	kill -INT $bt_pid
	wait $bt_pid
	printed=$(awk '/^@requests\[/ { r += $NF } /^@groups\[/ { g += $NF } END { print r + 0, g + 0 }' \
		build/bpftrace-rate.out)
	total=$(sed -n 's/^total //p' build/bpftrace-rate.out)
	intervals=$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' build/bpftrace-rate.out)
	if [ -z "$total" ] || [ "$total" -lt 600000 ] || [ "$intervals" -lt 3 ]; then
		fail "riommu-rate.bt: every event counted once while intervals print" \
			"the run did not happen: total '$total', $intervals intervals: $(grep -m 2 ERROR build/bpftrace-rate.out)"
		return
	fi
	check_eq "riommu-rate.bt: every event counted once while intervals print (requests, groups)" \
		"$total $total" "$printed"
}
bt_rate
