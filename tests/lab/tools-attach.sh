#!/bin/sh
# riommu-top and riommu-trace attach as tp_btf on a kernel whose BTF has
# the riommu tracepoints (the lab kernel) and as raw_tp with
# RIOMMU_ATTACH=raw_tp, as bpftool sees the programs and links, -v says
# which, and both modes count the same known workload identically.  Both
# kinds of program attach through a raw tracepoint link (bpftool names the
# tracepoint); the program type tells them apart: tracing for tp_btf,
# raw_tracepoint for raw_tp.
# lab-plan: 17
# lab-timeout: 600
cd /src || exit 1
. tests/lab/tools-common.inc
command -v bpftool > /dev/null || { fail "bpftool installed"; exit 1; }
command -v jq > /dev/null || { fail "jq installed"; exit 1; }

# types PREFIX: "progs TYPExN... links TYPE/TRACEPOINTxN..." for the loaded
# programs whose name starts with PREFIX and their links
types() {
	bpftool -j prog list > $TMP/progs.json 2> /dev/null || echo '[]' > $TMP/progs.json
	bpftool -j link list > $TMP/links.json 2> /dev/null || echo '[]' > $TMP/links.json
	jq -r -n --arg p "$1" --slurpfile pr $TMP/progs.json --slurpfile ln $TMP/links.json '
		def count: group_by(.) | map("\(.[0])x\(length)") | join(" ");
		[$pr[0][] | select((.name // "") | startswith($p))] as $mine |
		[$mine[].id] as $ids |
		"progs " + ([$mine[].type] | count) + " links " +
		([$ln[0][] | select(.prog_id as $i | any($ids[]; . == $i)) |
		  "\(.type)/\(.attach_type // .tp_name // "-")"] | count)'
}
# links PREFIX: number of links of those programs
links() { types "$1" | sed 's/.* links //' | tr ' ' '\n' | awk -F x '{ n += $NF } END { print n + 0 }'; }

# rows FILE: riommu-top's totals per requester of the unknown-RID workload
rows() {
	jq -s -r --arg a $((U1)) --arg b $((U2)) '
		def tot($r; $f): [.[] | select(.type == "row" and (.rid | tostring) == $r) | .[$f]] | add // 0;
		"u1 requests=\(tot($a; "requests")) groups=\(tot($a; "groups"))" +
		" invalid=\(tot($a; "resp_invalid")) stop=\(tot($a; "stop_markers"))" +
		" lat=\(tot($a; "lat_count")) u2 requests=\(tot($b; "requests"))" +
		" groups=\(tot($b; "groups")) lat=\(tot($b; "lat_count"))"' "$1"
}
# events FILE: riommu-trace -e counts per kind, paired responses
events() {
	jq -s -r '[.[] | select(.type == "event")] |
		"consume=\([.[] | select(.event == "consume")] | length)" +
		" report=\([.[] | select(.event == "report")] | length)" +
		" response=\([.[] | select(.event == "response")] | length)" +
		" paired=\([.[] | select(.event == "response" and .lat_ns != null)] | length)"' "$1"
}

TOP_KNOWN="u1 requests=14 groups=6 invalid=6 stop=1 lat=6 u2 requests=2 groups=1 lat=0"
# 17 records, one a stop marker: reported 16
EV_KNOWN="consume=17 report=16 response=6 paired=6"

# run MODE: both tools with RIOMMU_ATTACH unset (default) or =MODE, the
# workload, then what bpftool saw, what -v said and what they counted
run() {
	m=$1
	if [ "$m" = default ]; then
		unset RIOMMU_ATTACH
	else
		export RIOMMU_ATTACH=$m
	fi
	tools_trace_start
	$BIN/riommu-top -v -j 1 > $TMP/$m.top.json 2> $TMP/$m.top.err &
	ptop=$!
	$BIN/riommu-trace -v -e -j > $TMP/$m.ev.json 2> $TMP/$m.trace.err &
	ptr=$!
	unset RIOMMU_ATTACH
	# loading is slow under TCG: up to 3 minutes for all ten links
	i=0
	while [ $((${ntop:=0} + ${ntr:=0})) -lt 10 ] && [ $i -lt 180 ]; do
		sleep 1
		i=$((i + 1))
		ntop=$(links top_)
		ntr=$(links trace_)
	done
	eval "types_top_$m=\"\$(types top_)\""
	eval "types_trace_$m=\"\$(types trace_)\""
	tools_workload_unknown
	sleep 3	# riommu-top prints every second
	kill -INT $ptop $ptr
	wait $ptop
	rtop=$?
	wait $ptr
	rtr=$?
	ntop=0 ntr=0
	tools_trace_stop
	check_eq "$m: both tools exit 0 on SIGINT" "0 0" "$rtop $rtr"
	check_eq "$m: tracefs saw the workload" "17 16 6" \
		"$(tr_events pq_consume | wc -l) $(tr_events pq_report | wc -l) $(tr_events page_response | wc -l)"
	eval "rows_$m=\"\$(rows $TMP/$m.top.json)\""
	eval "events_$m=\"\$(events $TMP/$m.ev.json)\""
}

R=raw_tracepoint
LINKS="links $R/iopf_failurex1 $R/page_responsex1 $R/pq_consumex1 $R/pq_errorx1 $R/pq_reportx1"
run default
check_eq "default: riommu-top loads and links tp_btf programs only" \
	"progs tracingx5 $LINKS" "$types_top_default"
check_eq "default: riommu-trace -e loads and links tp_btf programs only" \
	"progs tracingx5 $LINKS" "$types_trace_default"
for t in top trace; do
	check_cmd "default: riommu-$t -v says tp_btf" grep -q \
		"^riommu-$t: attach type tp_btf (the kernel's BTF describes the tracepoints)" \
		$TMP/default.$t.err
done
check_eq "default: riommu-top counts the workload" "$TOP_KNOWN" "$rows_default"
check_eq "default: riommu-trace -e counts the workload" "$EV_KNOWN" "$events_default"

run raw_tp
check_eq "raw_tp: riommu-top loads and links raw_tp programs only" \
	"progs ${R}x5 $LINKS" "$types_top_raw_tp"
check_eq "raw_tp: riommu-trace -e loads and links raw_tp programs only" \
	"progs ${R}x5 $LINKS" "$types_trace_raw_tp"
for t in top trace; do
	check_cmd "raw_tp: riommu-$t -v says raw_tp, forced" grep -q \
		"^riommu-$t: attach type raw_tp (RIOMMU_ATTACH=raw_tp)" $TMP/raw_tp.$t.err
done
check_eq "raw_tp: riommu-top counts as with tp_btf" "$rows_default" "$rows_raw_tp"
check_eq "raw_tp: riommu-trace -e counts as with tp_btf" "$events_default" "$events_raw_tp"
check_dmesg_clean tools-attach
tap_exit
