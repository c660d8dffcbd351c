"""Throughput per core of the documented PySpark job: `privet.spark.scan_dataframe` and
`redact_dataframe` over a Parquet dataset, PySpark in local mode with two workers, against
`privet scan` over the same files.

The dataset is privet-corpus's customer table (names, e-mails, phones, cards, SSNs, IBANs,
addresses, notes) as strings, cut into --files Parquet files. Each file is one partition and one
Arrow batch (as in python/tests/test_spark.py), so the Spark findings must equal the CLI's; the
script exits 1 if their counts differ. Timed: each job from the read of the dataset to the
Parquet written (the session is started and the workers warmed first). MB are the UTF-8 bytes of
the scanned string columns (10^6 bytes). Prints one JSON object per job.

Used by benches/python/run-spark.sh; never part of CI."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

# Keyed-hash pseudonyms for the identifiers a join would use, redaction for the rest of what
# the detectors find (the same shape as the policy in python/tests/test_spark.py).
POLICY = """\
[defaults]
email = "hash"
phone = "hash"
person_name = "redact"
card_number = "mask"

[columns.email]
op = "hash"
domain = "email"
"""
KEY = bytes(range(32))


def build_dataset(csv_path: Path, out: Path, files: int):
    """The customer CSV as `files` Parquet files, every column but the id as strings."""
    names = pacsv.read_csv(csv_path, read_options=pacsv.ReadOptions(block_size=1 << 26)).schema.names
    types = {c: pa.string() for c in names if c != "id"}
    table = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(column_types=types))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    per = -(-table.num_rows // files)
    for i in range(files):
        pq.write_table(table.slice(i * per, per), out / f"part-{i:05d}.parquet")
    text_bytes = sum(pc.sum(pc.binary_length(table.column(c))).as_py() or 0 for c in types)
    return table.num_rows, per, text_bytes


def session(workers: int, rows_per_file: int):
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .appName("privet-spark-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "4g")
        # One file per partition and one Arrow batch per file: the CLI's per-file view.
        .config("spark.sql.files.openCostInBytes", str(1 << 30))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(rows_per_file))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--csv", required=True, type=Path, help="privet-corpus's customers.csv")
    p.add_argument("--work", required=True, type=Path)
    p.add_argument("--files", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--privet", required=True, help="the privet binary (release)")
    args = p.parse_args()

    data = args.work / "spark-customers"
    rows, per, text_bytes = build_dataset(args.csv, data, args.files)
    mb = text_bytes / 1e6
    base = {"rows": rows, "files": args.files, "text_bytes": text_bytes,
            "parquet_bytes": sum(f.stat().st_size for f in data.iterdir())}

    # The CLI over the same files, one process, as many threads as Spark has workers.
    t0 = time.perf_counter()
    done = subprocess.run([args.privet, "scan", "--quiet", "--threads", str(args.workers), "--format", "jsonl", str(data)],
                          capture_output=True)
    cli_seconds = time.perf_counter() - t0
    if done.returncode not in (0, 3):
        raise SystemExit(f"privet scan exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    cli_findings = done.stdout.count(b"\n")
    print(json.dumps({**base, "tool": "privet scan (CLI)", "cores": args.workers, "seconds": cli_seconds,
                      "findings": cli_findings, "mb_per_s": mb / cli_seconds,
                      "mb_per_s_per_core": mb / cli_seconds / args.workers}), flush=True)

    from privet.spark import redact_dataframe, scan_dataframe

    spark = session(args.workers, per)
    df = spark.read.parquet(str(data))
    if df.rdd.getNumPartitions() != args.files:
        raise SystemExit(f"{df.rdd.getNumPartitions()} partitions, expected one per file ({args.files})")
    # Start the Python workers and compile the detectors in each before timing.
    warm = spark.createDataFrame([(i, "warm up a***@example.com") for i in range(args.workers * 4)], "id long, t string")
    scan_dataframe(warm.repartition(args.workers), keep=["id"]).collect()
    redact_dataframe(warm.repartition(args.workers), POLICY, KEY).collect()

    found = args.work / "spark-findings"
    seconds = timed(lambda: scan_dataframe(spark.read.parquet(str(data)), keep=["id"])
                    .write.mode("overwrite").parquet(str(found)))
    findings = pq.read_table(found).num_rows
    print(json.dumps({**base, "tool": "privet.spark.scan_dataframe", "cores": args.workers, "seconds": seconds,
                      "findings": findings, "mb_per_s": mb / seconds,
                      "mb_per_s_per_core": mb / seconds / args.workers}), flush=True)

    redacted = args.work / "spark-redacted"
    seconds = timed(lambda: redact_dataframe(spark.read.parquet(str(data)), POLICY, KEY)
                    .write.mode("overwrite").parquet(str(redacted)))
    print(json.dumps({**base, "tool": "privet.spark.redact_dataframe", "cores": args.workers, "seconds": seconds,
                      "rows_out": pq.read_table(redacted).num_rows, "mb_per_s": mb / seconds,
                      "mb_per_s_per_core": mb / seconds / args.workers}), flush=True)
    spark.stop()

    if findings != cli_findings:
        print(f"Spark found {findings} findings, privet scan {cli_findings} over the same files", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
