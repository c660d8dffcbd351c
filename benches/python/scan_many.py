"""Throughput of privet.Scanner.scan_many on a text file, fed the same units `privet scan` scans.

`privet scan` reads a text file in 1 MiB blocks and hands its detectors chunks that end at the
last line end of each block (privet-formats, text.rs), so a record that spans several lines (a
ticket whose signature names the customer on the line after "Kind regards,") is seen whole. The
file is cut here at the same places and the chunks given to one scan_many call, so both sides
must report the same findings; with --expect (the CLI's jsonl over the same file) the script
checks that they do and exits 1 if they differ.

Only scan_many is timed: reading and cutting the file and building the Scanner are reported
apart. Prints one JSON object. Used by benches/python/run.sh; never part of CI."""

import argparse
import json
import sys
import time
from collections import Counter

import privet

# privet-formats' text reader: the block read at a time, and the longest line kept whole.
BLOCK = 1 << 20
LINE_CAP = 64 << 20


def cli_chunks(data: bytes, block: int = BLOCK):
    """The byte ranges `privet scan` hands its detectors for a text file of `data`.

    The reader appends a block to the unfinished line carried over and cuts after the last
    b"\\n" among the newly read bytes; without one it reads on. The end of input flushes the rest.
    """
    start = 0  # first byte not yet handed out
    read = 0  # bytes read so far
    while read < len(data):
        scanned, read = read, min(read + block, len(data))
        cut = data.rfind(b"\n", scanned, read)
        if cut >= 0:
            yield start, cut + 1
            start = cut + 1
        elif read - start >= LINE_CAP:
            # The CLI splits such a line (and warns); a text corpus never has one.
            raise SystemExit(f"a line longer than {LINE_CAP} bytes: not a text corpus")
    if start < len(data):
        yield start, len(data)


def key(f):
    """What must agree between the two sides: everything but the position."""
    return (f["type"], f["confidence"], f["masked"])


def compare(expect_path, found):
    """Differences between the CLI's findings and scan_many's, as printable lines."""
    with open(expect_path, encoding="utf-8") as f:
        cli = Counter(key(json.loads(line)) for line in f if line.strip())
    ours = Counter((x.type, x.confidence, x.masked) for fs in found for x in fs)
    if cli == ours:
        return []
    by_type = Counter()
    for k, n in (cli - ours).items():
        by_type[k[0]] -= n
    for k, n in (ours - cli).items():
        by_type[k[0]] += n
    return [f"{t}: scan_many {'+' if n > 0 else ''}{n} against the CLI" for t, n in sorted(by_type.items()) if n] or [
        "same count per type, different masked values or confidences"
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")
    p.add_argument("--expect", help="`privet scan --format jsonl` over the same file: fail unless equal")
    p.add_argument("--label", default="privet.Scanner.scan_many")
    args = p.parse_args()

    t0 = time.perf_counter()
    with open(args.input, "rb") as f:
        data = f.read()
    texts = [data[a:b].decode("utf-8") for a, b in cli_chunks(data)]
    read_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    scanner = privet.Scanner(threads=args.threads or None)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = scanner.scan_many(texts)
    seconds = time.perf_counter() - t0
    counts = Counter(x.type for fs in found for x in fs)
    print(
        json.dumps(
            {
                "tool": args.label,
                "threads": scanner.threads,
                "bytes": len(data),
                "texts": len(texts),
                "findings": sum(counts.values()),
                "by_type": dict(sorted(counts.items())),
                "seconds": seconds,
                "read_seconds": read_seconds,
                "setup_seconds": built,
                "mb_per_s": len(data) / 1e6 / max(seconds, 1e-9),
            }
        )
    )
    if args.expect:
        diff = compare(args.expect, found)
        if diff:
            print("scan_many and privet scan disagree on " + args.input, *diff, sep="\n  ", file=sys.stderr)
            sys.exit(1)
        print(f"scan_many equals privet scan on {args.input}: {sum(counts.values())} findings", file=sys.stderr)


if __name__ == "__main__":
    main()
