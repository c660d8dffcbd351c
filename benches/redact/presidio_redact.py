"""Presidio's analyzer and anonymizer on the benchmark corpus: every entity
the analyzer finds is replaced by `<ENTITY_TYPE>` (the anonymizer's `replace`
operator with no new value), the rest of each line kept as it is.

--mode full      the analyzer over spaCy's small English model, every
                 predefined recognizer (as benches/scan/presidio_scan.py).
--mode patterns  a blank spaCy pipeline, SpacyRecognizer removed: the pattern
                 recognizers alone.

Each line is redacted on its own, as a streaming redactor would feed it. Only
analysis plus anonymization is timed; model loading is reported apart.
Presidio runs at a few hundredths of a MB/s, so --time-limit stops it after
the line that crosses the limit: the output then holds the lines done so far
and the throughput is computed over their bytes.

Used only by benches/redact/run.sh; never part of CI. Prints the stats JSON
(also written to --stats) on stdout."""

import argparse
import json
import os
import sys
import time

# The analyzer set-up and the corpus plumbing are the scan benchmark's, so the
# two benchmarks measure the same Presidio.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scan"))

from peer_common import Timer, read_lines  # noqa: E402
from presidio_scan import build, offline_tldextract  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description="Presidio analyzer + anonymizer for the privet redact benchmark")
    p.add_argument("--input", required=True, help="text corpus (UTF-8, one record per line)")
    p.add_argument("--out", required=True, help="redacted text")
    p.add_argument("--stats", required=True, help="timing summary (JSON)")
    p.add_argument("--work", default=".", help="scratch directory (model copies)")
    p.add_argument("--mode", choices=["full", "patterns"], default="full")
    p.add_argument("--time-limit", type=float, default=0,
                   help="stop after the line that crosses this many seconds (0: no limit)")
    return p.parse_args()


def main():
    args = parse_args()
    t0 = time.perf_counter()
    offline_tldextract()
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

    analyzer = build(args.mode, args.work)
    anonymizer = AnonymizerEngine()
    operators = {"DEFAULT": OperatorConfig("replace")}
    warm = "warm up: call 212-555-0100"
    anonymizer.anonymize(text=warm, analyzer_results=analyzer.analyze(text=warm, language="en"), operators=operators)
    load_seconds = time.perf_counter() - t0

    data, lines = read_lines(args.input)
    done_lines = 0
    analyze_seconds = anonymize_seconds = 0.0
    entities = {}
    out = []
    stopped = False
    with Timer() as t:
        for line in lines:
            if line:
                a0 = time.perf_counter()
                results = analyzer.analyze(text=line, language="en")
                a1 = time.perf_counter()
                line = anonymizer.anonymize(text=line, analyzer_results=results, operators=operators).text
                analyze_seconds += a1 - a0
                anonymize_seconds += time.perf_counter() - a1
                for r in results:
                    entities[r.entity_type] = entities.get(r.entity_type, 0) + 1
            out.append(line)
            done_lines += 1
            if args.time_limit and time.perf_counter() - t.t0 >= args.time_limit and done_lines < len(lines):
                stopped = True
                break
    # Lines were split on "\n"; joining them back restores every separator
    # between the lines done, and the final newline when the input had one.
    text = "\n".join(out)
    done_bytes = len("\n".join(lines[:done_lines]).encode("utf-8"))
    if stopped:
        text += "\n"
        done_bytes += 1
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(text)

    stats = {
        "tool": f"presidio-{args.mode}",
        "bytes": done_bytes,
        "input_bytes": len(data),
        "lines": text.count("\n"),
        "seconds": t.seconds,
        "analyze_seconds": analyze_seconds,
        "anonymize_seconds": anonymize_seconds,
        "load_seconds": load_seconds,
        "mb_per_s": done_bytes / 1e6 / max(t.seconds, 1e-9),
        "stopped_at_time_limit": stopped,
        "entities": dict(sorted(entities.items(), key=lambda kv: -kv[1])),
    }
    with open(args.stats, "w", encoding="utf-8") as f:
        json.dump(stats, f)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
