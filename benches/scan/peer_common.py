"""Shared plumbing for the peer adapters: read the corpus, turn a peer's
character or byte offsets into privet's jsonl shape (1-based line, 0-based
byte offsets within the line, end exclusive), time only the analysis, and
write the stats the benchmark table reads.

Used only by benches/scan/run.sh; never part of CI."""

import argparse
import bisect
import json
import time


def parse_args(description, modes=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--input", required=True, help="text corpus (UTF-8, one record per line)")
    p.add_argument("--out", required=True, help="predictions, privet scan --format jsonl shape")
    p.add_argument("--stats", required=True, help="timing summary (JSON)")
    p.add_argument("--work", default=".", help="scratch directory (model copies)")
    if modes:
        p.add_argument("--mode", choices=modes, default=modes[0])
    return p.parse_args()


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    return data, data.decode("utf-8").split("\n")


def char_to_byte(line, i):
    """Byte offset of character index i in line."""
    if line.isascii():
        return i
    return len(line[:i].encode("utf-8"))


class Emitter:
    """Collects predictions in privet's jsonl shape; drops unmapped entities."""

    def __init__(self, path, mapping):
        self.f = open(path, "w", encoding="utf-8")
        self.mapping = mapping
        self.count = 0
        self.unmapped = {}

    def emit(self, line_no, start, end, entity, score):
        ty = self.mapping.get(entity)
        if ty is None:
            self.unmapped[entity] = self.unmapped.get(entity, 0) + 1
            return
        self.f.write(json.dumps({"path": "sample", "line": line_no, "start": start, "end": end,
                                 "type": ty, "confidence": score}) + "\n")
        self.count += 1

    def close(self):
        self.f.close()


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def write_stats(path, tool, nbytes, seconds, load_seconds, emitter):
    stats = {
        "tool": tool,
        "bytes": nbytes,
        "seconds": seconds,
        "load_seconds": load_seconds,
        "mb_per_s": nbytes / 1e6 / max(seconds, 1e-9),
        "predictions": emitter.count,
        "unmapped": emitter.unmapped,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(stats, f)
    return stats


def line_index(data):
    """Byte offsets where each line starts, for mapping whole-buffer offsets."""
    starts = [0]
    i = data.find(b"\n")
    while i != -1:
        starts.append(i + 1)
        i = data.find(b"\n", i + 1)
    return starts


def locate(starts, offset):
    """(1-based line, line start byte) of a whole-buffer byte offset."""
    idx = bisect.bisect_right(starts, offset) - 1
    return idx + 1, starts[idx]
