"""Type stubs of the native module (crates/privet-py)."""

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, TypedDict, Union

import pyarrow

__version__: str

def pii_types() -> List[str]:
    """The canonical names of every type privet detects, in output order."""

class Finding:
    """One piece of personal data found in a text; ``text[f.start:f.end]`` is the value."""

    @property
    def type(self) -> str:
        """The type's canonical name (``email``, ``card_number``, ...)."""
    @property
    def start(self) -> int:
        """Character offset where the value starts."""
    @property
    def end(self) -> int:
        """Character offset just past the value."""
    @property
    def confidence(self) -> float:
        """How sure the detector is, 0 to 1, with two decimals as in the CLI."""
    @property
    def masked(self) -> str:
        """The value masked as the CLI shows it, safe to print."""
    def to_dict(self) -> Dict[str, Any]:
        """The finding with the keys of ``privet scan --format jsonl`` (offsets in characters)."""

class ColumnClass(TypedDict):
    """What :meth:`Scanner.classify` says of one column."""

    column: str
    type: Optional[str]
    verdict: str
    matched: int
    non_empty: int
    share: float
    confidence: float
    header_type: Optional[str]

class Scanner:
    """Finds personal data in text, in process, on all cores, with the GIL released.

    :param types: canonical type names to look for (see :func:`pii_types`); ``None`` for all.
    :param min_confidence: findings below this confidence (0 to 1) are not reported.
    :param region: ISO 3166 two-letter code of the region whose numbering plan reads phone
        numbers written without a country code first (``None``: the United States); an unknown
        code raises :class:`ConfigError`
        (phone numbers are read as US numbers first, then by country code or trunk prefix).
    :param threads: threads for the batch methods; one per core by default.
    :raises ConfigError: an unknown type name or a confidence outside 0 to 1.
    """

    def __init__(
        self,
        types: Optional[Sequence[str]] = None,
        min_confidence: float = 0.5,
        region: Optional[str] = None,
        *,
        threads: Optional[int] = None,
    ) -> None: ...
    @property
    def types(self) -> List[str]: ...
    @property
    def min_confidence(self) -> float: ...
    @property
    def threads(self) -> int: ...
    def scan(self, text: str) -> List[Finding]:
        """The findings in one text, in order."""
    def scan_many(self, texts: Sequence[str]) -> List[List[Finding]]:
        """The findings of each text, in input order, scanned in parallel."""
    def scan_arrow(self, array: pyarrow.Array) -> pyarrow.RecordBatch:
        """Findings in a string array, each value as free text.

        Columns: ``row`` (0-based), ``type``, ``start``, ``end`` (characters), ``confidence``,
        ``masked``. Values are read in place from the Arrow buffers.

        :raises UnsupportedError: the array is not string, large_string or string_view.
        """
    def scan_batch(self, batch: pyarrow.RecordBatch) -> pyarrow.RecordBatch:
        """Findings in a record batch, as ``privet scan`` reports them for a Parquet file with
        the same rows: each value with its column's context, judged by its column.

        Columns: ``row`` (0-based), ``column`` (name or field path), ``type``, ``start``,
        ``end`` (characters of the value), ``confidence``, ``masked``.
        """
    def classify(self, data: Any) -> List[ColumnClass]:
        """What each column of a ``pandas.DataFrame``, ``pyarrow.Table`` or
        ``pyarrow.RecordBatch`` holds, judged over every row."""

PolicyLike = Union[str, "os.PathLike[str]", None]
KeyLike = Union[str, bytes, "os.PathLike[str]", None]

class Redactor:
    """De-identifies text and Arrow data with a ``deid.toml`` policy, by ``privet redact``'s
    engine.

    :param policy: the policy's TOML text, or a path (``pathlib.Path``) to it; ``None`` replaces
        every detected value by a label such as ``[EMAIL]``.
    :param key: the de-identification key for ``hash``, ``fpe``, ``fake`` and ``date_shift``:
        32 raw bytes, base64 text or key-file text (as ``PRIVET_DEID_KEY`` holds), or a path to a
        key file (mode 0600); ``None`` reads ``PRIVET_DEID_KEY``.
    :param threads: threads for the batch methods; one per core by default.
    :raises ConfigError: the policy is invalid (messages name ``line:column``), or an operator
        needs a key and none was given, or the key is malformed.
    """

    def __init__(
        self,
        policy: PolicyLike = None,
        key: KeyLike = None,
        *,
        threads: Optional[int] = None,
    ) -> None: ...
    @property
    def threads(self) -> int: ...
    @property
    def column_rules(self) -> List[Tuple[str, str]]:
        """The policy's ``[columns.NAME]`` rules as (column, operator) pairs."""
    def redact(self, text: str) -> str:
        """``text`` with every detected value replaced by its type's operator.

        :raises RedactError: an operator could not transform a value.
        """
    def redact_many(self, texts: Sequence[str]) -> List[str]:
        """Each text redacted, in input order, in parallel."""
    def redact_arrow(self, array: pyarrow.Array, column: Optional[str] = None) -> pyarrow.Array:
        """A string array redacted as free text, or with ``column`` as values of that column
        (its ``[columns.NAME]`` rule applies). Nulls stay null; the layout is kept."""
    def redact_batch(self, batch: pyarrow.RecordBatch) -> pyarrow.RecordBatch:
        """A record batch redacted as ``privet redact`` redacts a Parquet file's columns.

        Dropped columns are removed; strings, integers and decimals go through the policy (a
        number column that changes becomes a string column); floats, booleans, dates and
        times pass unchanged.

        :raises UnsupportedError: a nested, binary or dictionary column.
        """
