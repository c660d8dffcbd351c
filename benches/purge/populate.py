"""Stores a population whose fields a retention rule has already expired, for benches/purge/run.sh:
SUBJECTS subjects, each with FIELDS e-mail fields collected in 2020 (past the bench rule's time and
grace) and one name field that stays. Writes through POST /v1/subjects/batch, several requests at
once, and prints one JSON object: subjects, fields, seconds. Never part of CI."""

import argparse
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlparse


def batches(subjects, fields, size):
    for start in range(0, subjects, size):
        items = []
        for n in range(start, min(start + size, subjects)):
            row = [
                {
                    "name": f"e{k}",
                    "category": "contact.email",
                    "value": f"old{n}.{k}@example.com",
                    "collected_at": "2020-01-01T00:00:00Z",
                }
                for k in range(fields)
            ]
            row.append({"name": "name", "category": "identity.name", "value": f"Kept Customer {n}"})
            items.append({"subject": f"purge-{n:07d}", "fields": row})
        yield json.dumps({"items": items}).encode()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--subjects", type=int, default=100_000)
    p.add_argument("--fields", type=int, default=10)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--workers", type=int, default=4)
    args = p.parse_args()
    url = urlparse(args.url)
    work = batches(args.subjects, args.fields, args.batch)
    lock = threading.Lock()
    failures = []

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        headers = {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"}
        while True:
            with lock:
                body = next(work, None)
            if body is None:
                return
            conn.request("POST", "/v1/subjects/batch", body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read()
            if reply.status != 200 or b'"error"' in text:
                failures.append(f"{reply.status}: {text[:300]!r}")
                return

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    if failures:
        print(f"populate: a batch failed: {failures[0]}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"subjects": args.subjects, "fields": args.subjects * (args.fields + 1),
                      "expired_fields": args.subjects * args.fields, "seconds": seconds}))


if __name__ == "__main__":
    main()
