"""Arrow entry points: scan_arrow against scan, scan_batch against `privet scan` on a Parquet
file holding the same rows, and column classification of pandas and Arrow data."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import privet
from corpus import rows, text as corpus_text


def char_to_byte_findings(values_by_cell, table):
    """scan_batch output (0-based rows, character offsets) as the CLI writes Parquet findings:
    1-based rows, byte offsets within the cell."""
    out = []
    for r in table.to_pylist():
        value = values_by_cell[(r["row"], r["column"])]
        begin = len(value[: r["start"]].encode())
        out.append(
            {
                "row": r["row"] + 1,
                "column": r["column"],
                "start": begin,
                "end": begin + len(value[r["start"] : r["end"]].encode()),
                "type": r["type"],
                "confidence": r["confidence"],
                "masked": r["masked"],
            }
        )
    return sorted(out, key=lambda f: (f["row"], f["column"], f["start"]))


def cli_parquet_findings(run_privet, path):
    out = run_privet("scan", "--format", "jsonl", path).stdout
    found = [json.loads(line) for line in out.splitlines()]
    for f in found:
        assert f.pop("path") == str(path)
    return sorted(found, key=lambda f: (f["row"], f["column"], f["start"]))


def test_scan_arrow_equals_scan_per_value():
    texts = corpus_text(500).splitlines()
    texts[3] = None
    texts[7] = ""
    scanner = privet.Scanner()
    for array in (pa.array(texts, pa.string()), pa.array(texts, pa.large_string()), pa.array(texts, pa.string_view())):
        found = scanner.scan_arrow(array)
        assert found.schema.names == ["row", "type", "start", "end", "confidence", "masked"]
        expected = [
            {"row": i, **f.to_dict()}
            for i, t in enumerate(texts)
            if t is not None
            for f in scanner.scan(t)
        ]
        assert found.to_pylist() == expected
    # A slice carries an offset into the buffers: rows count from the slice's start.
    sliced = scanner.scan_arrow(pa.array(texts).slice(100, 50)).to_pylist()
    assert sliced == [{**f, "row": f["row"] - 100} for f in scanner.scan_arrow(pa.array(texts)).to_pylist() if 100 <= f["row"] < 150]


def test_scan_arrow_refuses_non_strings():
    with pytest.raises(privet.UnsupportedError, match="Int64") as err:
        privet.Scanner().scan_arrow(pa.array([1, 2, 3]))
    assert isinstance(err.value, TypeError)


def nested_table(n):
    data = rows(n, seed=7)
    table = pa.table(data)
    customer = pa.StructArray.from_arrays(
        [pa.array(data["email"]), pa.array([{"city": "Springfield", "street": f"{i + 1} Main Street"} for i in range(n)])],
        names=["email", "address"],
    )
    tags = pa.array([[data["phone"][i], "vip"] for i in range(n)])
    amounts = pa.array([i * 1.5 for i in range(n)])
    return table.append_column("customer", customer).append_column("tags", tags).append_column("amount", amounts)


@pytest.mark.parametrize("n", [300, 9000])
def test_scan_batch_equals_cli_on_parquet(tmp_path, run_privet, n):
    """9,000 rows span three reader batches: columns are judged on the first, as privet scan
    judges a file; `order_ref` holds 16-digit ids of which some pass Luhn and must be dropped."""
    table = nested_table(n)
    path = tmp_path / "customers.parquet"
    pq.write_table(table, path, row_group_size=2500)
    expected = cli_parquet_findings(run_privet, path)
    batch = table.combine_chunks().to_batches()[0]
    found = privet.Scanner().scan_batch(batch)
    assert found.schema.names == ["row", "column", "type", "start", "end", "confidence", "masked"]

    values = {}
    flat = table.to_pylist()
    for i, r in enumerate(flat):
        for k, v in r.items():
            if isinstance(v, str):
                values[(i, k)] = v
        values[(i, "customer.email")] = r["customer"]["email"]
        values[(i, "customer.address.street")] = r["customer"]["address"]["street"]
        values[(i, "customer.address.city")] = r["customer"]["address"]["city"]
        for t in r["tags"]:
            values.setdefault((i, "tags[]"), t)
    got = char_to_byte_findings(values, found)
    assert got == expected
    columns = {f["column"] for f in expected}
    assert {"email", "card", "ssn", "notes", "customer.email", "tags[]"} <= columns, columns
    card_columns = {f["column"] for f in expected if f["type"] == "card_number"}
    assert "order_ref" not in card_columns and "lookup" not in card_columns
    # Without the judgement the Luhn-valid lookups would be reported: the test sees it happen.
    assert privet.Scanner().scan_arrow(batch.column("lookup")).num_rows > 0


def test_classify_pandas_and_arrow_agree():
    pd = pytest.importorskip("pandas")
    data = rows(400, seed=3)
    scanner = privet.Scanner()
    from_pandas = scanner.classify(pd.DataFrame(data))
    from_table = scanner.classify(pa.table(data))
    from_batch = scanner.classify(pa.table(data).to_batches()[0])
    assert from_pandas == from_table == from_batch
    by_column = {c["column"]: c for c in from_table}
    assert list(by_column) == list(data)
    assert by_column["email"]["verdict"] == "column" and by_column["email"]["type"] == "email"
    assert by_column["card"]["verdict"] == "column" and by_column["card"]["type"] == "card_number"
    assert by_column["ssn"]["type"] == "us_ssn"
    assert by_column["order_ref"]["verdict"] == "not_personal"
    assert by_column["lookup"]["verdict"] == "not_personal" and by_column["lookup"]["type"] == "card_number"
    assert by_column["id"]["type"] is None
    with pytest.raises(privet.UnsupportedError):
        scanner.classify([1, 2, 3])
