"""Throughput of privet.Scanner.scan_many on a text corpus, one record (line) per text, as a
notebook would hand it a column of strings. Only scan_many is timed: reading the file and
building the Scanner are reported apart. Prints one JSON object.

Used by benches/python/run.sh; never part of CI."""

import argparse
import json
import time

import privet


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")
    p.add_argument("--label", default="privet.Scanner.scan_many")
    args = p.parse_args()

    with open(args.input, "rb") as f:
        data = f.read()
    texts = [line for line in data.decode("utf-8").split("\n") if line]
    t0 = time.perf_counter()
    scanner = privet.Scanner(threads=args.threads or None)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = scanner.scan_many(texts)
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "tool": args.label,
                "threads": scanner.threads,
                "bytes": len(data),
                "texts": len(texts),
                "findings": sum(len(f) for f in found),
                "seconds": seconds,
                "setup_seconds": built,
                "mb_per_s": len(data) / 1e6 / max(seconds, 1e-9),
            }
        )
    )


if __name__ == "__main__":
    main()
