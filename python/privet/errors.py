"""The exceptions privet raises.

Every error is an exception, never a return value, and its message is the one the ``privet``
command prints for the same problem. Messages name columns, rows and operators, never a value.
"""


class PrivetError(Exception):
    """Base class of every privet error."""


class ConfigError(PrivetError, ValueError):
    """A scanner option, a policy or a key is wrong (the CLI exits 2 for these)."""


class RedactError(PrivetError):
    """An operator could not transform a value (for example an FPE domain that is too small)."""


class UnsupportedError(PrivetError, TypeError):
    """The input has a type privet does not read (a non-string array, a nested column to redact)."""


__all__ = ["PrivetError", "ConfigError", "RedactError", "UnsupportedError"]
