"""privet.Scanner against `privet scan --format jsonl` on the same text, character offsets on
non-ASCII text, errors, and the GIL released while scanning."""

import bisect
import json
import threading
import time

import pytest

import privet
from corpus import text as corpus_text


def cli_findings(run_privet, path, *args):
    out = run_privet("scan", "--format", "jsonl", *args, path).stdout
    return [json.loads(line) for line in out.splitlines()]


def as_cli(text, findings, path):
    """Python findings (character offsets into the whole text) as the CLI locates them: line
    number and byte offsets within the line."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    out = []
    for f in findings:
        line = bisect.bisect_right(starts, f.start) - 1
        begin = len(text[starts[line] : f.start].encode())
        out.append(
            {
                "path": str(path),
                "line": line + 1,
                "start": begin,
                "end": begin + len(text[f.start : f.end].encode()),
                "type": f.type,
                "confidence": f.confidence,
                "masked": f.masked,
            }
        )
    return out


@pytest.mark.parametrize(
    "options, flags",
    [
        ({}, []),
        ({"types": ["email", "phone", "card_number"], "min_confidence": 0.8}, ["--types", "email,phone,card_number", "--min-confidence", "0.8"]),
        ({"min_confidence": 0.0}, ["--min-confidence", "0"]),
    ],
)
def test_scan_equals_cli_jsonl(tmp_path, run_privet, options, flags):
    text = corpus_text(3000)
    path = tmp_path / "corpus.txt"
    path.write_text(text, encoding="utf-8")
    expected = cli_findings(run_privet, path, *flags)
    found = privet.Scanner(**options).scan(text)
    assert as_cli(text, found, path) == expected
    types = {f["type"] for f in expected}
    assert len(expected) > 1000 and len(types) >= (3 if options.get("types") else 8), types


def test_scan_many_equals_scan_and_keeps_order():
    lines = corpus_text(2000).splitlines()
    scanner = privet.Scanner()
    assert scanner.scan_many(lines) == [scanner.scan(t) for t in lines]
    assert privet.Scanner(threads=1).scan_many(lines) == scanner.scan_many(lines)
    assert scanner.scan_many([]) == []


@pytest.mark.parametrize(
    "prefix",
    ["", "é", "日本語のテキスト ", "🙂🙂 ", "e\u0301 combining ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ", "\u200b zero width "],
)
def test_offsets_are_characters_as_python_slices(prefix):
    values = {
        "email": "zoë.weiß@example.com",
        "card_number": "4111 1111 1111 1111",
        "us_ssn": "536-22-8145",
        "iban": "DE89 3704 0044 0532 0130 00",
    }
    text = (
        f"{prefix}Grüße, mail {values['email']} — Karte {values['card_number']} 🙂, "
        f"SSN: {values['us_ssn']} ✓ IBAN {values['iban']} ☕ fin"
    )
    found = {f.type: f for f in privet.Scanner().scan(text)}
    for ty, value in values.items():
        if ty == "email" and ty not in found:
            # An address with non-ASCII local part may be out of the detector's reach; the
            # offsets of everything else must still be right.
            continue
        f = found[ty]
        assert text[f.start : f.end] == value, ty
        assert text.encode()[len(text[: f.start].encode()) :].startswith(value.encode())
    assert {"card_number", "us_ssn", "iban"} <= set(found)


def test_finding_fields_and_dict():
    [f] = privet.Scanner(types=["us_ssn"]).scan("SSN 536-22-8145")
    assert (f.type, f.start, f.end, f.confidence, f.masked) == ("us_ssn", 4, 15, f.confidence, "***-**-8145")
    assert 0.5 <= f.confidence <= 1.0
    assert f.to_dict() == {"type": "us_ssn", "start": 4, "end": 15, "confidence": f.confidence, "masked": "***-**-8145"}
    assert "536-22" not in repr(f)


def cli_error(run_privet, *args):
    done = run_privet(*args, check=False)
    assert done.returncode == 2
    return done.stderr


def test_unknown_type_is_an_exception_with_the_cli_message(tmp_path, run_privet):
    with pytest.raises(privet.ConfigError) as err:
        privet.Scanner(types=["email", "emial"])
    assert isinstance(err.value, ValueError)
    (tmp_path / "a.txt").write_text("x")
    assert str(err.value) in cli_error(run_privet, "scan", "--types", "email,emial", tmp_path / "a.txt")


def test_bad_confidence_is_an_exception_with_the_cli_message(tmp_path, run_privet):
    with pytest.raises(privet.ConfigError) as err:
        privet.Scanner(min_confidence=1.5)
    (tmp_path / "a.txt").write_text("x")
    assert str(err.value) in cli_error(run_privet, "scan", "--min-confidence", "1.5", tmp_path / "a.txt")


def test_other_bad_arguments_raise():
    with pytest.raises(privet.ConfigError):
        privet.Scanner(types=[])
    with pytest.raises(privet.ConfigError, match="region"):
        privet.Scanner(region="Atlantis")
    with pytest.raises(TypeError):
        privet.Scanner().scan(b"bytes are not text")
    with pytest.raises(TypeError):
        privet.Scanner().scan_many("a str is not a list of texts")
    with pytest.raises(UnicodeEncodeError):
        privet.Scanner().scan("lone surrogate \ud800")


def test_types_and_names(run_privet, tmp_path):
    # The CLI's list of known types, in its order, is the one to match (a count written here
    # went stale when the national ids were added).
    path = tmp_path / "t.txt"
    path.write_text("x\n")
    refused = run_privet("scan", "--types", "no_such_type", path, check=False)
    assert refused.returncode == 2
    known = refused.stderr.split("known types: ", 1)[1].splitlines()[0].split(", ")
    assert privet.pii_types() == known
    assert privet.pii_types()[0] == "email"
    assert privet.Scanner(types=["phone", "email", "phone"]).types == ["phone", "email"]
    assert privet.Scanner().types == privet.pii_types()


# --- the GIL is released while scanning -------------------------------------------------------


def test_python_threads_run_while_scan_many_works():
    """A pure-Python counter thread makes progress during one long scan_many call: it could not
    if the call held the GIL, since it runs no Python code until it returns."""
    texts = corpus_text(4000).splitlines() * 3
    scanner = privet.Scanner(threads=1)
    scanner.scan_many(texts[:10])
    ticks = []
    stop = threading.Event()
    inside = threading.Event()

    def count():
        inside.wait()
        while not stop.is_set():
            ticks.append(time.perf_counter())

    counter = threading.Thread(target=count)
    counter.start()
    inside.set()
    began = time.perf_counter()
    scanner.scan_many(texts)
    ended = time.perf_counter()
    stop.set()
    counter.join()
    during = [t for t in ticks if began < t < ended]
    assert len(during) > 100, f"{len(during)} ticks while scan_many ran"


def test_threads_calling_scan_many_overlap():
    """Two threads enter scan_many together; each call must start before the other ends. With
    the GIL held for a whole call, the second could not even begin until the first returned."""
    texts = corpus_text(3000).splitlines() * 2
    scanner = privet.Scanner(threads=1)
    barrier = threading.Barrier(2)
    spans = {}

    def work(name):
        barrier.wait()
        began = time.perf_counter()
        scanner.scan_many(texts)
        spans[name] = (began, time.perf_counter())

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans["a"], spans["b"]
    assert a0 < b1 and b0 < a1, spans
    # Each started well before the other finished (not just at its last instant).
    assert max(a0, b0) < min(a1, b1) - 0.5 * min(a1 - a0, b1 - b0), spans


def test_region_reads_national_numbers_there_first():
    # A Spanish mobile number without its country code is too short for a US number.
    text = "Pedido 8812, la clienta llamo desde el 612 345 678 ayer"
    assert [f.type for f in privet.Scanner(types=["phone"], region="ES").scan(text)] == ["phone"]
    assert privet.Scanner(types=["phone"]).scan(text) == []
