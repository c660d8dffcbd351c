"""Find and de-identify personal data in process, with privet's Rust detectors.

- :class:`Scanner` finds e-mail addresses, phone numbers, card numbers, SSNs, IBANs, IP
  addresses, URLs, dates of birth, person names, street addresses and secrets in text, in
  ``pyarrow`` arrays and record batches, and classifies the columns of a DataFrame or table.
- :class:`Redactor` applies a ``deid.toml`` policy (redact, mask, keyed hash, FF1
  format-preserving encryption, generalize, date shift, fake, drop) to text and Arrow data.
- :mod:`privet.spark` runs both on Apache Spark through ``mapInArrow``.

Batch methods run on all cores with the GIL released. Results are those of ``privet scan`` and
``privet redact`` on the same data, with offsets in characters as Python slices.
"""

from privet._privet import Finding, Redactor, Scanner, __version__, pii_types
from privet.errors import ConfigError, PrivetError, RedactError, UnsupportedError

__all__ = [
    "Finding",
    "Redactor",
    "Scanner",
    "pii_types",
    "PrivetError",
    "ConfigError",
    "RedactError",
    "UnsupportedError",
    "__version__",
]
