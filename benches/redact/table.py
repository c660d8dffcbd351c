"""Print the redact benchmark table from benches/out/redact/results/*.json.

Columns: tool, input, MB/s, how many times faster privet is (privet's MB/s
on the same input kind divided by the tool's; the goal on text is 100),
what `privet scan` still finds in the redacted output (validated
structured identifiers, which must be 0, and the other types), whether the
line count was kept, and privet's peak memory. MB = 10^6 bytes."""

import glob
import json
import os
import sys

GOAL = 100
STRUCTURED = {"email", "phone", "card_number", "us_ssn", "iban", "ip_address", "url"}


def kind(r):
    return "csv" if r["input"].startswith("customers") else "text"


def mbps(r):
    if "timed_out" in r:
        return f"<{r['bytes'] / 1e6 / r['timed_out']:.4f}"
    m = r["mb_per_s"]
    return f"{m:.1f}" if m >= 1 else f"{m:.4f}"


def main():
    results = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
    if not results:
        print("no results")
        return
    base = {kind(r): r["mb_per_s"] for r in results if r["tool"] == "privet" and "timed_out" not in r}
    fmt = "{:<20} {:<44} {:>10} {:>16} {:>12} {:>10} {:>7} {:>8}"
    print()
    print(fmt.format("tool", "input", "MB/s", "privet x faster", "left struct", "left other", "lines", "RSS MB"))
    print("-" * 134)
    ratios = []
    for r in sorted(results, key=lambda r: (kind(r), r["tool"] != "privet", -r["mb_per_s"])):
        b = base.get(kind(r))
        ratio = "-"
        if b and r["tool"] != "privet" and r["mb_per_s"] > 0:
            ratio = f"{b / r['mb_per_s']:.0f}"
            ratios.append((r["tool"], b / r["mb_per_s"]))
        lines = "-"
        if "lines_in" in r:
            lines = "same" if r["lines_in"] == r["lines_out"] else f"{r['lines_out'] - r['lines_in']:+d}"
        rss = f"{r['max_rss_kb'] / 1024:.0f}" if "max_rss_kb" in r else "-"
        print(fmt.format(r["tool"], r["input"], mbps(r), ratio, r.get("left_structured", "-"),
                         r.get("left_other", "-"), lines, rss))
    print()
    for tool, x in ratios:
        verdict = "meets" if x >= GOAL else "MISSES"
        print(f"privet / {tool} on text: {x:.0f}x ({verdict} the {GOAL}x goal)")
    left = [r for r in results if r.get("left_structured")]
    for r in left:
        print(f"{r['tool']} on {r['input']}: validated identifiers left in clear: "
              + ", ".join(f"{t} {n}" for t, n in sorted(r["left_types"].items()) if t in STRUCTURED))


if __name__ == "__main__":
    main()
