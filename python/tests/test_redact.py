"""privet.Redactor against `privet redact` on the same text and Parquet rows, key forms, and
errors carrying the CLI's messages."""

import base64
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import privet
from corpus import rows, text as corpus_text

KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()

POLICY = """\
[defaults]
email = "hash"
phone = "mask"
card_number = "fpe"
iban = "redact"

[columns.ssn]
op = "mask"
keep_last = 4

[columns.order_ref]
op = "hash"

[columns.lookup]
op = "drop"
"""


@pytest.fixture
def policy_file(tmp_path):
    path = tmp_path / "deid.toml"
    path.write_text(POLICY)
    return path


def test_redact_equals_cli_on_text(tmp_path, run_privet, policy_file):
    text = corpus_text(2000)
    source = tmp_path / "support.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "support.redacted.txt"
    run_privet("redact", source, "-o", out, "--policy", policy_file, env={"PRIVET_DEID_KEY": KEY_B64})
    expected = out.read_text(encoding="utf-8")
    redactor = privet.Redactor(POLICY, key=KEY)
    assert redactor.redact(text) == expected
    lines = text.splitlines(keepends=True)
    assert "".join(redactor.redact_many(lines)) == expected
    assert expected != text


def test_redact_batch_equals_cli_on_parquet(tmp_path, run_privet, policy_file):
    table = pa.table(rows(1500, seed=5))
    source = tmp_path / "customers.parquet"
    pq.write_table(table, source)
    out = tmp_path / "customers.redacted.parquet"
    run_privet("redact", source, "-o", out, "--policy", policy_file, env={"PRIVET_DEID_KEY": KEY_B64})
    expected = pq.read_table(out)
    got = privet.Redactor(policy_file, key=KEY).redact_batch(table.combine_chunks().to_batches()[0])
    assert got.schema.names == expected.schema.names
    assert "lookup" not in got.schema.names
    assert pa.Table.from_batches([got]).to_pylist() == expected.to_pylist()
    assert got.column("ssn")[0].as_py().startswith("***-**-")


def test_key_forms_agree(tmp_path):
    key_file = tmp_path / "deid.key"
    key_file.write_text(f"v1 {KEY_B64}\n")
    os.chmod(key_file, 0o600)
    text = "mail ana.silva@example.com, card 4111 1111 1111 1111"
    outs = {
        privet.Redactor(POLICY, key=k).redact(text)
        for k in (KEY, KEY_B64, base64.urlsafe_b64encode(KEY).decode(), f"v1 {KEY_B64}\n", key_file)
    }
    assert len(outs) == 1
    other = privet.Redactor(POLICY, key=bytes(32)).redact(text)
    assert other not in outs


def test_key_from_environment(monkeypatch):
    monkeypatch.setenv("PRIVET_DEID_KEY", KEY_B64)
    assert privet.Redactor(POLICY).redact("a@example.com") == privet.Redactor(POLICY, key=KEY).redact("a@example.com")


def test_invalid_policy_has_the_cli_message(tmp_path, run_privet):
    bad = tmp_path / "bad.toml"
    bad.write_text('[defaults]\nemail = "hsh"\n\n[columns.x]\nop = "mask"\nkeep_last = -1\n')
    with pytest.raises(privet.ConfigError) as err:
        privet.Redactor(bad)
    assert isinstance(err.value, ValueError)
    src = tmp_path / "a.txt"
    src.write_text("x\n")
    done = run_privet("redact", src, "-o", tmp_path / "b.txt", "--policy", bad, check=False)
    assert done.returncode == 2
    assert str(err.value) in done.stderr
    assert str(err.value).startswith(f"invalid policy\n{bad}:2:9: ")


def test_missing_key_has_the_cli_message(tmp_path, run_privet, policy_file, monkeypatch):
    monkeypatch.delenv("PRIVET_DEID_KEY", raising=False)
    with pytest.raises(privet.ConfigError) as err:
        privet.Redactor(POLICY)
    src = tmp_path / "a.txt"
    src.write_text("x\n")
    done = run_privet("redact", src, "-o", tmp_path / "b.txt", "--policy", policy_file, check=False)
    assert done.returncode == 2
    assert str(err.value) in done.stderr


def test_bad_keys_are_refused_without_echo():
    for key in (b"short", "not base64 !!!", "QUJD"):
        with pytest.raises(privet.ConfigError) as err:
            privet.Redactor(POLICY, key=key)
        assert "!!!" not in str(err.value) and "QUJD" not in str(err.value)


def test_redact_arrow_text_and_column_rules():
    redactor = privet.Redactor(POLICY, key=KEY)
    texts = ["call +44 20 7946 0958", None, "ssn 536-22-8145 here", ""]
    for ty in (pa.string(), pa.large_string(), pa.string_view()):
        out = redactor.redact_arrow(pa.array(texts, ty))
        assert out.type == ty
        assert out.to_pylist() == [None if t is None else redactor.redact(t) for t in texts]
    ssns = redactor.redact_arrow(pa.array(["536-22-8145", None]), column="ssn")
    assert ssns.to_pylist() == ["***-**-8145", None]


def test_unsupported_columns_are_refused_not_passed_through():
    redactor = privet.Redactor(POLICY, key=KEY)
    nested = pa.record_batch({"customer": pa.array([{"email": "a@example.com"}])})
    with pytest.raises(privet.UnsupportedError, match="customer"):
        redactor.redact_batch(nested)
    with pytest.raises(privet.UnsupportedError):
        redactor.redact_arrow(pa.array([1, 2]))


def test_report_section_is_refused():
    with pytest.raises(privet.ConfigError, match=r"\[report\]"):
        privet.Redactor('[report]\nquasi_identifiers = ["zip"]\n')


def test_default_policy_labels():
    assert privet.Redactor().redact("mail a.b@example.com now") == "mail [EMAIL] now"
