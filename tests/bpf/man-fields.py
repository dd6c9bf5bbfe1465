#!/usr/bin/env python3
"""Compare the tools' NDJSON and CSV records with the FIELDS their man page
documents, for every record type the page names.

  man-fields.py MANPAGE OUTPUT...

OUTPUT files hold NDJSON records, or CSV with a header line.  Prints one TAP
line per documented record type (its records' keys equal the documented
list, in order) and one for the CSV header; a documented type no output
shows fails too.
"""
import csv
import json
import re
import sys


def man_text(path):
    """The man page as plain text, one paragraph per .PP/.TP."""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith((".PP", ".TP", ".SH")):
            out.append("\n")
            continue
        line = re.sub(r"^\.(B|BR|I) ", "", line)
        line = re.sub(r"\\f[BIRP]", "", line).replace("\\-", "-")
        out.append(line + " ")
    return "".join(out)


def split_fields(text):
    """'a (x, y), b, c' -> ['a', 'b', 'c']: names before any parenthesis."""
    depth, cur, names = 0, "", []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            names.append(cur)
            cur = ""
        elif depth == 0:
            cur += ch
    names.append(cur)
    return [n.strip().split()[0] for n in names if n.strip()]


def documented(text):
    """{type: [fields]} and {type: {event: [extra fields]}} from FIELDS."""
    types, per_event = {}, {}
    for m in re.finditer(r'type "(\w+)"(?: \(([^)]*)\))?[^:]*?: (.*?)(?:\.\s|\.$)', text, re.S):
        name, body = m.group(1), " ".join(m.group(3).split())
        # "..., flags, then per event: consume addr, perm, last; report ret; ..."
        if ", then per event: " in body:
            common, rest = body.split(", then per event: ", 1)
            types[name] = split_fields(common)
            per_event[name] = {}
            for part in rest.split(";"):
                words = part.strip().split(" ", 1)
                extra = words[1] if len(words) > 1 else ""
                # "error (no rid, pasid: why) errors, ...": common fields it lacks
                drop = re.match(r"\(no ([^:)]*)[^)]*\)", extra)
                per_event[name][words[0]] = (
                    [f.strip() for f in drop.group(1).split(",")] if drop else [],
                    split_fields(extra))
            continue
        types[name] = split_fields(body)
    # 'At exit a type "drops" record gives a, b and c'
    m = re.search(r'type "drops" record gives (.*?)\.', text, re.S)
    if m:
        types["drops"] = ["schema", "type"] + [
            f.strip() for f in re.split(r",| and ", " ".join(m.group(1).split())) if f.strip()]
    # 'CSV columns of histograms: a, b, c.'
    csv_cols = {m.group(1): split_fields(" ".join(m.group(2).split()))
                for m in re.finditer(r"CSV columns of (\w+): (.*?)\.(?:\s|$)", text, re.S)}
    return types, per_event, csv_cols


def main():
    man, outputs = sys.argv[1], sys.argv[2:]
    types, per_event, csv_cols = documented(man_text(man))
    seen = {t: [] for t in types}
    csv_headers = []
    for path in outputs:
        lines = [l for l in open(path, encoding="utf-8") if l.strip()]
        if lines and not lines[0].lstrip().startswith("{"):
            header = next(csv.reader([lines[0]]))
            first = next(csv.DictReader(lines), {})
            csv_headers.append((path, header, first.get("type")))
            continue
        for l in lines:
            try:
                rec = json.loads(l)
            except ValueError:
                continue
            if rec.get("type") in seen:
                seen[rec["type"]].append(rec)
    fails = 0
    tool = man.rsplit("/", 1)[-1].split(".")[0]
    for t, fields in types.items():
        want = list(fields)
        if t not in ("drops",) and want[:2] != ["schema", "type"]:
            want = ["schema", "type"] + [f for f in want if f not in ("schema", "type")]
        recs = seen[t]
        bad = None
        if not recs:
            bad = "no record of this type in the outputs"
        for rec in recs:
            exp = list(want)
            if t in per_event:
                lacks, extra = per_event[t].get(rec.get("event"), ([], ["?unknown event?"]))
                exp = [f for f in exp if f not in lacks] + extra
            if list(rec.keys()) != exp:
                bad = "keys %s, man page %s" % (list(rec.keys()), exp)
                break
        if t in per_event and not bad:
            missing = sorted(set(per_event[t]) - {r.get("event") for r in recs})
            if missing:
                bad = "no %s record of event %s in the outputs" % (t, ", ".join(missing))
        name = "%s: %s records carry exactly the man page's FIELDS (%d seen)" % (tool, t, len(recs))
        if bad:
            fails += 1
            print("not ok - %s # %s" % (name, bad))
        else:
            print("ok - " + name)
    kinds = {"hist": "histograms", "event": "events"}
    for path, header, kind in csv_headers:
        if kinds.get(kind) in csv_cols:
            want = csv_cols[kinds[kind]]
            name = "%s: CSV header is the man page's columns of %s" % (tool, kinds[kind])
        else:
            want = ["schema", "type"] + [f for f in types.get("row", [])
                                         if f not in ("schema", "type")]
            name = "%s: CSV header is the man page's row FIELDS" % tool
        if header == want:
            print("ok - " + name)
        else:
            fails += 1
            print("not ok - %s # header %s, man page %s" % (name, header, want))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
