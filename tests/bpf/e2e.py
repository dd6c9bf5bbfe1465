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


if __name__ == "__main__":
    if sys.argv[1] == "clock":
        clock(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "csv":
        csv_match(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        {"top": top, "hist": hist, "events": events}[sys.argv[1]](sys.argv[2])
    sys.exit(1 if fails else 0)
