#!/usr/bin/env python3
"""Prints the gateway's added latency next to nginx's, from the harness's summary.json, and the time to first byte
of streams sent one at a time (overhead.sh's own phase) from all.jsonl, as medians over rounds."""
import json, statistics, sys

rows = json.load(open(sys.argv[1]))
by = {(r["mode"], r["target"]): r for r in rows}
one = {}
for line in (open(sys.argv[2]) if len(sys.argv) > 2 else []):
    r = json.loads(line)
    if r.get("ttfb_one"):
        one.setdefault(r["target"], []).append(r["ttfb_one"])


def one_at_a_time(target):
    runs = one.get(target)
    if not runs:
        return ""
    med = lambda k: statistics.median(x[k] for x in runs if x.get(k) is not None)
    return "%.2f / %.2f" % (med("ttfb_p50_ms"), med("ttfb_p99_ms"))


print("| mode | target | added p50 / p99 ms @500/s | added p50 / p99 ms @2000/s | errors @2000/s | p99 ratio to nginx @500/s | max req/s | CPU µs/req | RSS peak MB | TTFB p50 / p99 ms, bursts of 10 | TTFB p50 / p99 ms, one at a time |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for mode in ("json", "stream"):
    d = by.get((mode, "direct"))
    n = by.get((mode, "nginx-proxy"))
    if not d:
        continue
    for target in ("nginx-proxy", "stack-floor", "switchboard"):
        r = by.get((mode, target))
        if not r:
            continue
        def added(rate, q):
            a, b = r.get("r%s_%s_ms" % (rate, q)), d.get("r%s_%s_ms" % (rate, q))
            return None if a is None or b is None else round(a - b, 3)
        ratio = ""
        if n and target != "nginx-proxy":
            na = (n.get("r500_p99_ms") or 0) - (d.get("r500_p99_ms") or 0)
            ga = added(500, "p99")
            ratio = "%.1f×" % (ga / na) if na and ga is not None and na > 0 else "n/a"
        ttfb = "" if mode == "json" else "%s / %s" % (r.get("ttfb_p50_ms"), r.get("ttfb_p99_ms"))
        if mode == "stream" and target == "nginx-proxy" and one.get("direct"):
            ttfb1 = "%s (direct %s)" % (one_at_a_time(target), one_at_a_time("direct"))
        else:
            ttfb1 = one_at_a_time(target) if mode == "stream" else ""
        print("| %s | %s | %s / %s | %s / %s | %s | %s | %s | %s | %s | %s | %s |" % (
            mode, target, added(500, "p50"), added(500, "p99"), added(2000, "p50"), added(2000, "p99"),
            r.get("r2000_errors"), ratio, r.get("rps_max"), r.get("cpu_us_per_req"),
            None if r.get("rss_peak_mb") is None else round(r["rss_peak_mb"]), ttfb, ttfb1))
