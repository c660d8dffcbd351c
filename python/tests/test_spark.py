"""privet on PySpark in local mode with two workers: a scan of a Parquet dataset of five files
(five partitions) equals `privet scan` over the same files, and a keyed-hash redaction keeps joins
on the pseudonymised column working.

Needs Java and pyspark; without them these tests skip locally and fail under CI=true."""

import json
import os
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from corpus import rows

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import privet  # noqa: E402
from privet.spark import redact_dataframe, scan_dataframe  # noqa: E402

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def spark():
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("no Java runtime (apt-get install openjdk-17-jre-headless)")
    # Workers run the same interpreter, so they import this privet.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("privet-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        # Each small file is its own partition (a file "costs" more than a split holds), so
        # each Arrow batch is one file's rows, in order.
        .config("spark.sql.files.openCostInBytes", str(1 << 30))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def write_dataset(directory: Path, sizes, seed: int):
    directory.mkdir()
    start = 0
    for i, n in enumerate(sizes):
        pq.write_table(pa.table(rows(n, seed=seed + i, start_id=start)), directory / f"part-{i:05d}.parquet")
        start += n
    return directory


def test_spark_scan_equals_privet_scan(tmp_path, run_privet, spark):
    # 5,000 rows in one file: its columns are judged on the first 4,096, on both sides.
    data = write_dataset(tmp_path / "customers", [400, 600, 5000, 300, 700], seed=20)
    df = spark.read.parquet(str(data))
    assert df.rdd.getNumPartitions() >= 4
    found = scan_dataframe(df.withColumn("_file", F.input_file_name()), keep=["_file", "id"])
    got = sorted(
        (Path(r["_file"]).name, r["id"], r["column"], r["type"], r["start"], r["end"], r["confidence"], r["masked"])
        for r in found.collect()
    )

    out = run_privet("scan", "--format", "jsonl", data).stdout
    tables = {p.name: pq.read_table(p).to_pylist() for p in data.iterdir()}
    expected = []
    for line in out.splitlines():
        f = json.loads(line)
        row = tables[Path(f["path"]).name][f["row"] - 1]
        assert f["column"] != "id"
        value = row[f["column"]].encode()
        start = len(value[: f["start"]].decode())
        end = start + len(value[f["start"] : f["end"]].decode())
        expected.append((Path(f["path"]).name, row["id"], f["column"], f["type"], start, end, f["confidence"], f["masked"]))
    expected.sort()
    assert got == expected
    assert len(expected) > 7000
    assert {e[3] for e in expected} >= {"email", "phone", "card_number", "us_ssn", "person_name"}


POLICY = """\
[defaults]
email = "hash"

[columns.name]
op = "redact"

[columns.email]
op = "hash"
domain = "email"

[columns.customer_email]
op = "hash"
domain = "email"
"""


def test_spark_redact_keyed_hash_keeps_joins(tmp_path, spark):
    customers_dir = write_dataset(tmp_path / "customers", [500, 500, 500, 500], seed=40)
    customers = spark.read.parquet(str(customers_dir)).select("id", "name", "email")
    # Orders point at customers by e-mail; one in five at an address no customer has.
    emails = [r["email"] for r in customers.collect() if r["email"]]
    orders_dir = tmp_path / "orders"
    orders_dir.mkdir()
    for part in range(4):
        n = 800
        refs = [
            emails[(part * n + i) * 7 % len(emails)] if i % 5 else f"nobody.{part}.{i}@example.net"
            for i in range(n)
        ]
        pq.write_table(
            pa.table({"order_id": list(range(part * n, (part + 1) * n)), "customer_email": refs, "amount": [i * 0.5 for i in range(n)]}),
            orders_dir / f"part-{part:05d}.parquet",
        )
    orders = spark.read.parquet(str(orders_dir))
    assert orders.rdd.getNumPartitions() >= 4

    safe_customers = redact_dataframe(customers, POLICY, KEY)
    safe_orders = redact_dataframe(orders, POLICY, KEY)

    def pairs(c, o):
        return sorted((r["id"], r["order_id"]) for r in c.join(o, c["email"] == o["customer_email"]).select("id", "order_id").collect())

    raw = pairs(customers, orders)
    pseudonymised = pairs(safe_customers, safe_orders)
    matched_orders = {o for _, o in raw}
    assert len(raw) > 2000 and len(matched_orders) < orders.count()
    assert pseudonymised == raw

    leaked = safe_customers.select("email").union(safe_orders.select("customer_email")).collect()
    values = {r[0] for r in leaked if r[0] is not None}
    assert values and not any("@" in v for v in values)
    assert {r["name"] for r in safe_customers.select("name").collect()} == {"[PERSON_NAME]"}
    # Same pseudonyms as the Redactor gives in this process.
    local = privet.Redactor(POLICY, KEY).redact_batch(pa.record_batch({"email": [emails[0]]}))
    assert local.column("email")[0].as_py() in values


def test_spark_redact_refuses_a_changed_number_column_without_a_rule(spark):
    df = spark.createDataFrame([(4111111111111111,), (5500005555555559,)], "card long")
    with pytest.raises(Exception, match="name it in a \\[columns\\] rule"):
        redact_dataframe(df, '[defaults]\ncard_number = "redact"\n').collect()
