"""privet on Apache Spark: scan and redact DataFrames with ``mapInArrow``.

Each Spark task hands its partition to privet as Arrow record batches; privet reads the strings
in place and returns Arrow. Nothing is collected to the driver, so the job scales with the
cluster. Install the privet wheel on every worker (``pip install privet-*.whl`` in the image, or
``spark.archives`` with a packed virtualenv) and call these functions on the driver.

Findings are judged per column on the first 4,096 rows of each Arrow batch, as ``privet scan``
judges a file on its first 4,096 rows; when each batch holds one file's rows in order (files of at
most ``spark.sql.execution.arrow.maxRecordsPerBatch`` rows, one file per partition) the findings
are those of ``privet scan`` over the same files.
"""

from functools import lru_cache
from typing import Any, Iterator, Optional, Sequence, Tuple

import privet

_FINDING_FIELDS = [
    ("column", "string"),
    ("type", "string"),
    ("start", "long"),
    ("end", "long"),
    ("confidence", "double"),
    ("masked", "string"),
]


@lru_cache(maxsize=8)
def _scanner(types: Optional[Tuple[str, ...]], min_confidence: float, threads: int) -> "privet.Scanner":
    # One scanner per worker process and settings: compiling the detectors costs a moment.
    return privet.Scanner(list(types) if types else None, min_confidence, threads=threads)


@lru_cache(maxsize=8)
def _redactor(policy: Optional[str], key: Any, threads: int) -> "privet.Redactor":
    return privet.Redactor(policy, key, threads=threads)


def scan_dataframe(
    df: Any,
    *,
    keep: Sequence[str] = (),
    types: Optional[Sequence[str]] = None,
    min_confidence: float = 0.5,
    threads: int = 1,
) -> Any:
    """The findings in every column of ``df`` but those in ``keep``, as a DataFrame with the
    ``keep`` columns (to tell rows apart: an id, ``input_file_name()``) followed by
    ``column``, ``type``, ``start``, ``end`` (characters of the value), ``confidence`` and
    ``masked``. Raw values never leave the executors.

    ``threads`` is per task: Spark already runs one task per core, so 1 is right unless tasks
    are given several cores (``spark.task.cpus``).
    """
    from pyspark.sql.types import StructType

    privet.Scanner(types, min_confidence)  # bad settings fail on the driver, not in every task
    keep = list(keep)
    scanned = [c for c in df.columns if c not in keep]
    schema = StructType([df.schema[c] for c in keep])
    for name, ty in _FINDING_FIELDS:
        schema = schema.add(name, ty, nullable=False)
    settings = (tuple(types) if types else None, float(min_confidence), int(threads))

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        scanner = _scanner(*settings)
        for batch in batches:
            found = scanner.scan_batch(batch.select(scanned) if keep else batch)
            carried = [batch.column(c).take(found.column("row")) for c in keep]
            yield pa.RecordBatch.from_arrays(
                carried + found.columns[1:], names=keep + found.schema.names[1:]
            )

    return df.mapInArrow(run, schema)


def redact_dataframe(
    df: Any,
    policy: Optional[Any] = None,
    key: Optional[Any] = None,
    *,
    threads: int = 1,
) -> Any:
    """``df`` de-identified with a deid.toml policy, as ``privet redact`` does a Parquet file:
    dropped columns removed, strings through the policy, number columns named by a
    ``[columns.NAME]`` rule turned into strings.

    ``policy`` is the TOML text or a path (read on the driver). ``key`` travels to the executors
    inside the task; on a shared cluster pass ``key=None`` and set ``PRIVET_DEID_KEY`` on the
    executors instead (``spark.executorEnv.PRIVET_DEID_KEY``), so the key is not in the job's
    closure. A number column without a rule whose values the policy would change (a card number
    stored as a long) fails the task rather than leak: name it in the policy, or cast it to
    string first.
    """
    import os

    from pyspark.sql.types import StringType, StructField, StructType

    if policy is not None and not isinstance(policy, str) and hasattr(policy, "__fspath__"):
        with open(os.fspath(policy), encoding="utf-8") as f:
            policy = f.read()
    if key is not None and not isinstance(key, (str, bytes)) and hasattr(key, "__fspath__"):
        with open(os.fspath(key), encoding="utf-8") as f:
            key = f.read()
    driver = privet.Redactor(policy, key)  # policy and key errors surface here
    rules = dict(driver.column_rules)
    numeric = ("byte", "short", "integer", "long", "decimal")
    fields = []
    for field in df.schema.fields:
        op = rules.get(field.name)
        if op == "drop":
            continue
        changes = op is not None and op != "keep"
        if changes and field.dataType.typeName() in numeric:
            fields.append(StructField(field.name, StringType(), field.nullable))
        else:
            fields.append(field)
    schema = StructType(fields)
    settings = (policy, key, int(threads))

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        redactor = _redactor(*settings)
        for batch in batches:
            out = redactor.redact_batch(batch)
            for field, declared in zip(out.schema, fields):
                became_text = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
                if became_text and declared.dataType.typeName() in numeric:
                    raise privet.UnsupportedError(
                        f"column {field.name}: the policy changes values of this number column; "
                        "name it in a [columns] rule or cast it to string"
                    )
            yield out

    return df.mapInArrow(run, schema)
