#!/bin/bash
# A Prometheus server on the host for a lab scenario (tests/lab/*.sh with
# "# lab-host: prometheus"), run from the sid root's prometheus package:
# it scrapes 127.0.0.1:19100 every second, QEMU forwards that port to the
# guest's 9100, and the guest queries the server at 10.0.2.2:19090 (QEMU
# user networking's address of the host).
#   lab/prometheus-host.sh start|stop
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"
dir=build/prometheus
PROM_PORT=${RIOMMU_PROM_PORT:-19090}
SCRAPE_PORT=${RIOMMU_PROM_SCRAPE_PORT:-19100}

# ready: the server answers 200 on /-/ready (bash's /dev/tcp: no client needed)
ready() {
	local line
	{ exec 3<> "/dev/tcp/127.0.0.1/$PROM_PORT"; } 2>/dev/null || return 1
	printf 'GET /-/ready HTTP/1.0\r\n\r\n' >&3
	read -r -t 2 line <&3
	exec 3>&-
	[[ $line == *" 200 "* ]]
}

case "${1:-}" in
start)
	"$0" stop 2>/dev/null
	rm -rf "$dir"
	mkdir -p "$dir"
	cat > "$dir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: riommu
    static_configs:
      - targets: ['127.0.0.1:$SCRAPE_PORT']
YML
	SIDRUN_CWD=$RIOMMU_TOP lab/sidrun prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$PROM_PORT" \
		> "$dir/log" 2>&1 &
	echo $! > "$dir/pid"
	for _ in $(seq 60); do
		if ready; then
			echo "prometheus-host: Prometheus ready on 127.0.0.1:$PROM_PORT, scraping 127.0.0.1:$SCRAPE_PORT"
			exit 0
		fi
		sleep 0.5
	done
	echo "prometheus-host: Prometheus did not start; its log:"
	tail -n 20 "$dir/log"
	"$0" stop
	exit 1 ;;
stop)
	[ -f "$dir/pid" ] || exit 0
	kill "$(cat "$dir/pid")" 2>/dev/null
	for _ in $(seq 40); do
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.25
	done
	kill -9 "$(cat "$dir/pid")" 2>/dev/null
	rm -f "$dir/pid" ;;
*)
	echo "usage: lab/prometheus-host.sh start|stop" >&2
	exit 2 ;;
esac
