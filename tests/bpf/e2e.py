#!/usr/bin/env python3
"""Check riommu-top / riommu-trace NDJSON output of tests/bpf/run.sh's driven
scenario against the known answer.  Prints TAP lines; exit 1 on failure."""
import json
import sys

fails = 0


def check(name, exp, got):
    global fails
    if exp == got:
        print(f"ok - {name}")
    else:
        fails += 1
        print(f"not ok - {name} # expected {exp!r}, got {got!r}")


def load(path):
    recs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                recs.append(json.loads(line))
    return recs


def top(path):
    recs = load(path)
    check("e2e top: every record has schema 1", True, all(r.get("schema") == 1 for r in recs))
    rows = {}
    for r in recs:
        if r["type"] != "row":
            continue
        k = (r["iommu"], r["rid"], r["pasid"])
        acc = rows.setdefault(k, {})
        for f in ("requests", "groups", "resp_success", "resp_invalid", "resp_failure",
                  "failures", "pq_errors", "lat_count", "stop_markers"):
            acc[f] = acc.get(f, 0) + r[f]
        acc["max_us"] = max(acc.get("max_us", 0), r["lat_max_us"])
    exp = {
        (0, 8, 5): dict(requests=3, groups=1, resp_success=0, resp_invalid=1, resp_failure=0,
                        failures=0, pq_errors=0, lat_count=1, stop_markers=1),
        (0, 8, 6): dict(requests=4, groups=2, resp_success=2, resp_invalid=0, resp_failure=0,
                        failures=0, pq_errors=0, lat_count=2, stop_markers=0),
        (1, 16, 7): dict(requests=1, groups=1, resp_success=0, resp_invalid=0, resp_failure=1,
                         failures=1, pq_errors=0, lat_count=1, stop_markers=0),
        (0, 64, None): dict(requests=2, groups=1, resp_success=0, resp_invalid=0,
                            resp_failure=0, failures=0, pq_errors=0, lat_count=0,
                            stop_markers=0),
        (0, None, None): dict(requests=0, groups=0, resp_success=0, resp_invalid=0,
                              resp_failure=0, failures=0, pq_errors=1, lat_count=0,
                              stop_markers=0),
    }
    for k, e in exp.items():
        got = rows.get(k, {})
        check(f"e2e top: row {k} counts", e, {f: got.get(f) for f in e})
    check("e2e top: rid 0x99 (response without request) row", 1,
          rows.get((0, 0x99, None), {}).get("resp_success"))
    m = rows.get((0, 8, 6), {}).get("max_us", 0)
    check("e2e top: pasid 6 max latency >= 20 ms (scripted gap)", True, 20000 <= m < 10e6)
    summ = [r for r in recs if r["type"] == "summary"]
    check("e2e top: summary drop_response_without_request", 1,
          summ[-1]["drop_response_without_request"] if summ else None)
    stuck = [r for r in recs if r["type"] == "stuck"]
    check("e2e top: stuck group rid 0x40 prgi 9 reported", True,
          any(s["rid"] == 64 and s["prgi"] == 9 and s["pasid"] is None and s["requests"] == 2
              for s in stuck))
    check("e2e top: no other group reported stuck", set([(64, 9)]),
          set((s["rid"], s["prgi"]) for s in stuck))


def hist(path):
    recs = load(path)
    per = {}
    for r in recs:
        if r["type"] == "hist":
            k = (r["iommu"], r["rid"], r["pasid"])
            per[k] = per.get(k, 0) + r["count"]
            check(f"e2e trace: hist {k} log2 buckets sum to count", r["count"],
                  sum(b["count"] for b in r["log2"]))
            check(f"e2e trace: hist {k} linear buckets sum to count", r["count"],
                  sum(b["count"] for b in r["linear"]))
            check(f"e2e trace: hist {k} p50 <= p99 <= max", True,
                  r["p50"] <= r["p99"] <= r["max"] + 1e-9)
    check("e2e trace -P: counts per (iommu, rid, pasid)",
          {(0, 8, 5): 1, (0, 8, 6): 2, (1, 16, 7): 1}, per)


def events(path):
    recs = load(path)
    ev = [r for r in recs if r["type"] == "event"]
    kinds = {}
    for r in ev:
        kinds[r["event"]] = kinds.get(r["event"], 0) + 1
    check("e2e trace -e: event counts", {"consume": 11, "report": 1, "response": 5,
                                         "failure": 1, "error": 1}, kinds)
    byk = {}
    for r in ev:
        if r["event"] == "consume":
            byk.setdefault((r["iommu"], r["rid"], r["pasid"] or 0, r["prgi"]), r["ts_ns"])
    ok = True
    for r in ev:
        if r["event"] == "response" and r["lat_ns"] is not None:
            t0 = byk.get((r["iommu"], r["rid"], r["pasid"] or 0, r["prgi"]))
            ok = ok and t0 is not None and r["ts_ns"] - t0 == r["lat_ns"]
    check("e2e trace -e: response latency = its timestamp - first request timestamp", True, ok)
    f = [r for r in ev if r["event"] == "failure"]
    check("e2e trace -e: failure fields", [(1, 16, 7, 3, 0x4000, "rw-", "Failure", "handler")],
          [(r["iommu"], r["rid"], r["pasid"], r["prgi"], r["addr"], r["perm"], r["code_name"],
            r["reason_name"]) for r in f])
    unpaired = [r for r in ev if r["event"] == "response" and r["lat_ns"] is None]
    check("e2e trace -e: one response without request", 1, len(unpaired))
    d = [r for r in recs if r["type"] == "drops"]
    check("e2e trace -e: final drops record", 1, len(d) and d[-1]["drop_response_without_request"])


def clock(path, tool):
    """The first NDJSON record ties the wall clock to the monotonic one."""
    import time
    first = load(path)[0]
    check(f"e2e {tool}: first record is the clock record", ("clock", tool),
          (first.get("type"), first.get("tool")))
    now = time.time()
    check(f"e2e {tool}: clock time is the run's wall-clock time", True,
          now - 120 < first.get("time", 0) <= now)
    mono = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    check(f"e2e {tool}: clock ts_ns is the run's CLOCK_MONOTONIC", True,
          mono - 120e9 < first.get("ts_ns", 0) <= mono)


def csv_match(json_path, csv_path, what):
    """CSV rows of a run carry the same values as the NDJSON records of
    another run of the same scenario (times and latencies differ); a column
    a record has no field for is empty."""
    import csv
    varying = {"ts_ns", "time_s", "time", "lat_ns", "sum_ns", "avg", "p50", "p90", "p99",
               "p999", "max", "interval", "log2", "linear"}

    def values(d):
        return sorted((k, str(v)) for k, v in d.items()
                      if k not in varying and v is not None and v != "")
    want = sorted(values(r) for r in load(json_path) if r["type"] == what)
    with open(csv_path, newline="") as f:
        got = sorted(values(r) for r in csv.DictReader(f) if r["type"] == what)
    check(f"e2e trace --csv: {what} rows equal the NDJSON {what} records", want, got)
    check(f"e2e trace --csv: {what} rows seen", True, len(got) > 0)


def prom(url):
    """riommu-top --prometheus -P after the scenario: exact counters, a
    latency histogram whose buckets hold the known latencies."""
    import re
    import urllib.error
    import urllib.request
    with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
        ctype = r.headers.get("Content-Type", "")
        text = r.read().decode()
    check("prom: content type is the text exposition format", True,
          ctype.startswith("text/plain; version=0.0.4"))
    vals = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$', line)
        if not m:
            check("prom: every sample line parses", "", line)
            continue
        labels = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', m.group(2) or "")))
        vals[(m.group(1), labels)] = float(m.group(3))

    def v(name, **labels):
        return vals.get((name, tuple(sorted(labels.items()))))
    r8p5 = dict(iommu="0", rid="0x000008", pasid="5")
    r8p6 = dict(iommu="0", rid="0x000008", pasid="6")
    r10 = dict(iommu="1", rid="0x000010", pasid="7")
    r40 = dict(iommu="0", rid="0x000040")
    check("prom: requests per (iommu, rid, pasid)", [3, 4, 1, 2],
          [v("riommu_page_requests_total", **k) for k in (r8p5, r8p6, r10, r40)])
    check("prom: groups", [1, 2, 1, 1],
          [v("riommu_page_request_groups_total", **k) for k in (r8p5, r8p6, r10, r40)])
    check("prom: stop markers", 1, v("riommu_stop_markers_total", **r8p5))
    check("prom: responses by code", [1, 2, 1],
          [v("riommu_page_responses_total", code="invalid", **r8p5),
           v("riommu_page_responses_total", code="success", **r8p6),
           v("riommu_page_responses_total", code="failure", **r10)])
    check("prom: failure notifications", 1, v("riommu_iopf_failures_total", **r10))
    check("prom: group in flight", [1, 0],
          [v("riommu_groups_in_flight", **r40), v("riommu_groups_in_flight", **r8p6)])
    check("prom: PQ errors by kind", [1, 1],
          [v("riommu_pq_errors_total", iommu="0", kind="overflow"),
           v("riommu_pq_errors_total", iommu="0", kind="memfault")])
    check("prom: response without request", 1,
          v("riommu_drops_total", reason="response_without_request"))
    # PASID 6: two groups answered 20 ms after their first request
    b = lambda le: v("riommu_request_latency_seconds_bucket", le=le, **r8p6)
    check("prom: latency buckets around 20 ms (le 2^24 ns, 2^25 ns, +Inf)", [0, 2, 2],
          [b("0.016777216"), b("0.033554432"), b("+Inf")])
    check("prom: latency count and sum", [2, True],
          [v("riommu_request_latency_seconds_count", **r8p6),
           0.04 <= (v("riommu_request_latency_seconds_sum", **r8p6) or 0) < 0.068])
    mono = True
    for key in {k for (n, k) in vals if n == "riommu_request_latency_seconds_count"}:
        lab = dict(key)
        cum = [vals[n] for n in sorted(
            (n for n in vals if n[0] == "riommu_request_latency_seconds_bucket" and
             dict(n[1]).get("rid") == lab.get("rid") and
             dict(n[1]).get("pasid") == lab.get("pasid")),
            key=lambda n: float(dict(n[1])["le"].replace("+Inf", "inf")))]
        mono = mono and cum == sorted(cum) and cum[-1] == vals[(
            "riommu_request_latency_seconds_count", key)]
    check("prom: buckets cumulative, +Inf equals the count", True, mono)
    try:
        urllib.request.urlopen(url + "/other", timeout=10)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    check("prom: other paths get 404", 404, code)


if __name__ == "__main__":
    if sys.argv[1] == "prom":
        prom(sys.argv[2])
        sys.exit(1 if fails else 0)
    if sys.argv[1] == "clock":
        clock(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "csv":
        csv_match(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        {"top": top, "hist": hist, "events": events}[sys.argv[1]](sys.argv[2])
    sys.exit(1 if fails else 0)
