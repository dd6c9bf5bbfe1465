#!/bin/sh
# riommu-top --prometheus scraped by a real Prometheus server on the host
# (lab/prometheus-host.sh) through QEMU user networking, over the known
# workload of tools-common.inc: PromQL queries give the exact counts, and the
# p50 latency of the handler-delayed groups from histogram_quantile() lies
# in the histogram bucket that holds the latencies tracefs measured, and
# the Grafana dashboard's queries run.
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev -netdev user,id=n0,hostfwd=tcp:127.0.0.1:19100-:9100 -device virtio-net-device,netdev=n0
# lab-host: prometheus
# lab-smp: 2
# lab-plan: 35
cd /src || exit 1
. tests/lab/tools-common.inc
PROM=http://10.0.2.2:19090

# QEMU user networking: the guest is 10.0.2.15, the host 10.0.2.2
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
check_eq "network: eth0 up with 10.0.2.15" 0 $?
# promql QUERY: the value of the query's single result ("none" if no result)
promql() {
	wget -qO- "$PROM/api/v1/query?query=$(jq -rn --arg q "$1" '$q | @uri')" 2>/dev/null |
		jq -r 'if .status != "success" then "error"
		       elif (.data.result | length) == 0 then "none"
		       elif (.data.result | length) > 1 then "several"
		       else .data.result[0].value[1] end'
}
check_eq "Prometheus server reachable from the guest" 1 "$(promql 'vector(1)')"

tools_setup
$BIN/riommu-top --prometheus :9100 -P 1 > $TMP/prom.out 2> $TMP/prom.err &
top=$!
# wait for the exporter to be scraped up
i=0
while [ "$(promql 'up{job="riommu"}')" != 1 ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
check_eq "Prometheus scrapes riommu-top (up == 1)" 1 "$(promql 'up{job="riommu"}')"
tools_workload
sleep 4		# an interval for riommu-top, then a scrape
tools_trace_stop

d1=$(printf '0x%06x' $((D1)))
d2=$(printf '0x%06x' $((D2)))
u1=$(printf '0x%06x' $((U1)))
u2=$(printf '0x%06x' $((U2)))
# known answer per (rid, pasid) of tools_workload (see tools-common.inc)
q() { # NAME EXPECTED QUERY
	check_eq "promql: $1" "$2" "$(promql "$3")"
}
q "requests of $d1" 6 "sum(riommu_page_requests_total{rid=\"$d1\"})"
q "groups of $d1" 2 "sum(riommu_page_request_groups_total{rid=\"$d1\"})"
q "Success and Invalid of $d1" 1 "riommu_page_responses_total{rid=\"$d1\",code=\"success\"}"
q "Invalid of $d1" 1 "riommu_page_responses_total{rid=\"$d1\",code=\"invalid\"}"
q "failure notifications of $d1" 1 "riommu_iopf_failures_total{rid=\"$d1\"}"
q "requests of $d2 PASID 5" 12 "riommu_page_requests_total{rid=\"$d2\",pasid=\"5\"}"
q "groups of $d2 PASID 5" 4 "riommu_page_request_groups_total{rid=\"$d2\",pasid=\"5\"}"
q "Invalid of $d2 PASID 5" 4 "riommu_page_responses_total{rid=\"$d2\",pasid=\"5\",code=\"invalid\"}"
q "failure notifications of $d2 PASID 5" 4 "riommu_iopf_failures_total{rid=\"$d2\",pasid=\"5\"}"
q "Success of $d2 without PASID" 2 "riommu_page_responses_total{rid=\"$d2\",pasid=\"\",code=\"success\"}"
q "requests of $u1 PASID 6" 2 "riommu_page_requests_total{rid=\"$u1\",pasid=\"6\"}"
q "stop markers of $u1" 1 "sum(riommu_stop_markers_total{rid=\"$u1\"})"
q "Invalid of $u1" 2 "sum(riommu_page_responses_total{rid=\"$u1\",code=\"invalid\"})"
q "requests of $u2" 2 "sum(riommu_page_requests_total{rid=\"$u2\"})"
q "$u2's group in flight" 1 "sum(riommu_groups_in_flight{rid=\"$u2\"})"
q "groups in flight in all" 1 "sum(riommu_groups_in_flight)"
q "PQ overflows" "$PQERR" "sum(riommu_pq_errors_total{kind=\"overflow\"})"
q "latency count of $d1" 2 "sum(riommu_request_latency_seconds_count{rid=\"$d1\"})"
q "latencies of $d2 PASID 5" 4 "riommu_request_latency_seconds_count{rid=\"$d2\",pasid=\"5\"}"
q "no response without request" 0 "riommu_drops_total{reason=\"response_without_request\"}"
q "no group table drops" 0 "riommu_drops_total{reason=\"group_table_full\"}"
q "every series has iommu, rid labels" 0 \
	"count(riommu_page_requests_total{iommu=\"\"}) or vector(0)"

# p50 of $d1's two groups, each held DELAY_US by the handler: PromQL's
# estimate and the tracefs latencies fall in the same power-of-two bucket
p50=$(promql "histogram_quantile(0.5, sum by (le) (riommu_request_latency_seconds_bucket{rid=\"$d1\"}))")
tr_latencies > $TMP/lat.txt
tr=$(awk -v d=$((D1)) '$2 == d && $4 == 0 { print $6 }' $TMP/lat.txt | sort -n | head -n 1)
echo "# p50 from Prometheus ${p50}s, tracefs latencies of $d1 from ${tr} ns"
bucket() { awk -v s="$1" 'BEGIN { b = 1.024e-6; while (b < s) b *= 2; printf "%.9g\n", b }'; }
check_eq "histogram_quantile(0.5) is in the bucket of tracefs' latency" \
	"$(bucket "$(awk -v n="$tr" 'BEGIN { printf "%.9f", n / 1e9 }')")" "$(bucket "$p50")"
within "histogram_quantile(0.5) within a bucket of the handler's delay (ns)" \
	$((DELAY_NS / 2)) $((DELAY_NS * 2)) "$(awk -v s="$p50" 'BEGIN { printf "%.0f", s * 1e9 }')"

# docs/grafana-riommu.json: every panel's query runs on the real server
# over this data (Grafana's variables replaced) and returns series
jq -r '.panels[].targets[].expr' docs/grafana-riommu.json |
	sed 's/\$__rate_interval/1m/g; s/\$instance/.*/g; s/\$rid/.*/g' > $TMP/dash.q
bad=
while read -r expr; do
	case $(promql "$expr") in
	error | none) bad="$bad|$expr" ;;
	esac
done < $TMP/dash.q
check_eq "grafana dashboard: its $(wc -l < $TMP/dash.q) queries all return series" "" "$bad"

kill -INT $top
wait $top
check_eq "riommu-top --prometheus exits 0" 0 $?
check_eq "riommu-top --prometheus: stdout empty, stderr only the banner" "0 1" \
	"$(wc -c < $TMP/prom.out) $(wc -l < $TMP/prom.err)"
tap_exit
