"""Print the benchmark table from benches/out/results/*.json.

Columns: tool, input, MB/s, micro F1 over the ten personal-data types, micro
F1 over the seven structured types, and how many times faster privet is
(privet's best single-thread MB/s on the same input kind, divided by the
tool's). MB = 10^6 bytes."""

import glob
import json
import os
import sys


def main():
    results = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
    if not results:
        print("no results")
        return

    def kind(r):
        return "csv" if r["input"].startswith("customers") else "text"

    base = {}
    for r in results:
        if r["tool"].startswith("privet (threads=1)"):
            base[kind(r)] = r["mb_per_s"]
    fmt = "{:<26} {:<34} {:>10} {:>10} {:>10} {:>14}"
    print()
    print(fmt.format("tool", "input", "MB/s", "F1 (10)", "F1 (7)", "privet x faster"))
    print("-" * 109)
    order = {"privet": 0, "bare": 1}
    for r in sorted(results, key=lambda r: (kind(r), order.get(r["tool"].split()[0], 2), -r["mb_per_s"])):
        f10 = f"{r['micro_10']:.3f}" if "micro_10" in r else "-"
        f7 = f"{r['micro_7']:.3f}" if "micro_7" in r else "-"
        b = base.get(kind(r))
        ratio = f"{b / r['mb_per_s']:.2f}" if b and r["mb_per_s"] > 0 else "-"
        if "timed_out" in r:
            f10 = f7 = "timeout"
        mbps = r["mb_per_s"]
        if "timed_out" in r:
            mbps = f"<{r['bytes'] / 1e6 / r['timed_out']:.4f}"
        elif mbps >= 1:
            mbps = f"{mbps:.1f}"
        else:
            mbps = f"{mbps:.4f}"
        print(fmt.format(r["tool"], r["input"], mbps, f10, f7, ratio))
    print()
    print("F1 per type (text):")
    types = ["email", "phone", "card_number", "us_ssn", "iban", "ip_address", "url",
             "date_of_birth", "person_name", "street_address", "secret"]
    short = ["email", "phone", "card", "ssn", "iban", "ip", "url", "dob", "name", "street", "secret"]
    tfmt = "{:<26}" + " {:>7}" * len(types)
    print(tfmt.format("tool", *short))
    for r in results:
        if "types" in r and kind(r) == "text":
            print(tfmt.format(r["tool"], *[f"{r['types'][t]:.3f}" for t in types]))


if __name__ == "__main__":
    main()
