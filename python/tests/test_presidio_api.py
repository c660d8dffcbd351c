"""privet serve's Presidio-compatible endpoints against Presidio itself, called the way Presidio's
REST documentation calls its services (a JSON POST, here with urllib), on the same text.

Local only: it needs presidio-analyzer and presidio-anonymizer in the interpreter running pytest
(spaCy comes with them, too heavy for CI), so every test here is marked ``presidio`` and CI
deselects the mark (``-m "not presidio"``). Without Presidio the tests skip with the reason.
Run it from a virtualenv that has Presidio and pytest:

    pytest -m presidio python/tests/test_presidio_api.py

What is compared: the shape of each ``/analyze`` result (keys, value types) with Presidio's
AnalyzerEngine results as its REST service serializes them, and the spans both find for the
structured types; the whole ``/anonymize`` answer with Presidio's AnonymizerEngine on the same
analyzer results (overlaps included), for the operators whose output does not depend on a key;
and ``encrypt`` then ``/deanonymize`` against Presidio's encrypt then DeanonymizeEngine: the
ciphertexts differ by design (FF1 under a derived key, not AES-CBC), the decrypted answers
are the same.
"""

import json
import os
import subprocess
import time
import urllib.request

import pytest

pytestmark = pytest.mark.presidio

TEXT = (
    "Zoë Müller wrote from zoe.mueller@example.com, call 212-555-0100; "
    "card 4111 1111 1111 1111, server 203.0.113.7"
)


@pytest.fixture(scope="module")
def presidio():
    """Presidio's analyzer (pattern recognizers; a blank spaCy pipeline, so no model download)
    and anonymizer."""
    reason = "presidio-analyzer/presidio-anonymizer are not installed in this interpreter (local-only comparison; see the module docstring)"
    pytest.importorskip("presidio_analyzer", reason=reason)
    pytest.importorskip("presidio_anonymizer", reason=reason)
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    # The e-mail recognizer asks tldextract, which would fetch the suffix list; use its snapshot.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    blank = os.path.join(os.environ.get("TMPDIR", "/tmp"), "privet-spacy-blank-en")
    if not os.path.isdir(blank):
        spacy.blank("en").to_disk(blank)
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": blank}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    registry.remove_recognizer("SpacyRecognizer")
    analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
    return analyzer, AnonymizerEngine()


@pytest.fixture(scope="module")
def privet_url(privet_bin, tmp_path_factory):
    """A `privet serve` on a fresh vault whose policy lets loopback callers in without a key,
    as a Presidio client on the same host would call it."""
    work = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVET_")}
    # A de-identification key for encrypt and decrypt (base64 of the bytes 0..31).
    env["PRIVET_DEID_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    policy = work / "privet.toml"
    subprocess.run([str(privet_bin), "init", str(policy)], check=True, capture_output=True, env=env)
    with open(policy, "a", encoding="utf-8") as f:
        f.write("\n[presidio]\nallow_anonymous = true\n")
    log = open(work / "serve.stderr", "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [str(privet_bin), "serve", "--data-dir", str(work / "data"), "--policy", str(policy), "--listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
    )
    deadline = time.monotonic() + 30
    url = None
    while url is None:
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("privet: serving on "):
                url = line.split()[3]
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"privet serve did not start: {log.read()}")
        time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=15)
    log.seek(0)
    served = log.read()
    log.close()
    for value in ("zoe.mueller@example.com", "4111 1111 1111 1111", "212-555-0100"):
        assert value not in served, "a value reached the server's log"


def post(url, body):
    """A JSON POST as Presidio's REST docs show (`curl -H "Content-Type: application/json"`)."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def rest_shape(results):
    """Presidio's analyzer results as its REST service writes them (app.py: `json.dumps(...,
    default=lambda o: o.to_dict(), sort_keys=True)`)."""
    return json.loads(json.dumps(results, default=lambda o: o.to_dict(), sort_keys=True))


def shape(value):
    """Keys and value types of a JSON value, recursively (numbers as one type)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def test_analyze_has_presidios_shape_and_spans(presidio, privet_url):
    analyzer, _ = presidio
    theirs = rest_shape(analyzer.analyze(text=TEXT, language="en"))
    ours = post(f"{privet_url}/analyze", {"text": TEXT, "language": "en"})
    assert ours and theirs
    expected = shape(theirs[0])
    for result in ours:
        assert shape(result) == expected, result
    # Where both have a recognizer, they name and place the value alike (character offsets).
    both = {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IP_ADDRESS"}
    spans = lambda rs: sorted((r["entity_type"], r["start"], r["end"]) for r in rs if r["entity_type"] in both)  # noqa: E731
    assert spans(ours) == spans(theirs)
    for entity, start, end in spans(ours):
        assert TEXT[start:end] in ("zoe.mueller@example.com", "212-555-0100", "4111 1111 1111 1111", "203.0.113.7"), entity

    only = post(f"{privet_url}/analyze", {"text": TEXT, "language": "en", "entities": ["CREDIT_CARD"], "score_threshold": 0.5})
    assert [r["entity_type"] for r in only] == ["CREDIT_CARD"]


def test_anonymize_answers_as_presidios_anonymizer(presidio, privet_url):
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    _, anonymizer = presidio
    text = "Ana Lima  and Bob Reis paid 4111111111111111 on 2024-01-02; ref 00112233"
    results = [
        {"entity_type": "PERSON", "start": 0, "end": 3, "score": 0.7},
        {"entity_type": "PERSON", "start": 4, "end": 8, "score": 0.6},  # joined across spaces
        {"entity_type": "PERSON", "start": 14, "end": 22, "score": 0.85},
        {"entity_type": "PERSON", "start": 18, "end": 22, "score": 0.9},  # inside the same type
        {"entity_type": "CREDIT_CARD", "start": 28, "end": 44, "score": 1.0},
        {"entity_type": "US_BANK_NUMBER", "start": 30, "end": 40, "score": 0.05},  # contained
        {"entity_type": "DATE_TIME", "start": 48, "end": 58, "score": 0.85},
        {"entity_type": "ID", "start": 64, "end": 72, "score": 0.4},
        {"entity_type": "ID", "start": 64, "end": 72, "score": 0.6},  # same bounds, higher score
    ]
    operators = {
        "DEFAULT": {"type": "replace", "new_value": "<PII>"},
        "PERSON": {"type": "replace"},
        "CREDIT_CARD": {"type": "mask", "masking_char": "*", "chars_to_mask": 12, "from_end": False},
        "DATE_TIME": {"type": "redact"},
        "ID": {"type": "keep"},
    }
    theirs = anonymizer.anonymize(
        text=text,
        analyzer_results=[RecognizerResult(**r) for r in results],
        operators={k: OperatorConfig(v["type"], {p: x for p, x in v.items() if p != "type"}) for k, v in operators.items()},
    )
    ours = post(f"{privet_url}/anonymize", {"text": text, "anonymizers": operators, "analyzer_results": results})
    assert ours == json.loads(theirs.to_json())


def test_encrypt_then_deanonymize_answers_as_presidios_engines(presidio, privet_url):
    from presidio_anonymizer import DeanonymizeEngine
    from presidio_anonymizer.entities import OperatorConfig, OperatorResult, RecognizerResult

    _, anonymizer = presidio
    key = "WmZq4t7w!z%C&F)J"  # Presidio's documented key
    results = [
        {"entity_type": "PERSON", "start": 0, "end": 10, "score": 0.85},
        {"entity_type": "EMAIL_ADDRESS", "start": 22, "end": 45, "score": 1.0},
        {"entity_type": "PHONE_NUMBER", "start": 52, "end": 64, "score": 0.75},
        {"entity_type": "CREDIT_CARD", "start": 71, "end": 90, "score": 1.0},
        {"entity_type": "IP_ADDRESS", "start": 99, "end": 110, "score": 0.95},
    ]
    assert [TEXT[r["start"] : r["end"]] for r in results] == [
        "Zoë Müller", "zoe.mueller@example.com", "212-555-0100", "4111 1111 1111 1111", "203.0.113.7"
    ]

    theirs_encrypted = json.loads(
        anonymizer.anonymize(
            text=TEXT,
            analyzer_results=[RecognizerResult(**r) for r in results],
            operators={"DEFAULT": OperatorConfig("encrypt", {"key": key})},
        ).to_json()
    )
    theirs = json.loads(
        DeanonymizeEngine()
        .deanonymize(
            text=theirs_encrypted["text"],
            entities=[OperatorResult.from_json(i) for i in theirs_encrypted["items"]],
            operators={"DEFAULT": OperatorConfig("decrypt", {"key": key})},
        )
        .to_json()
    )

    encrypt = {"DEFAULT": {"type": "encrypt", "key": key}}
    ours_encrypted = post(f"{privet_url}/anonymize", {"text": TEXT, "anonymizers": encrypt, "analyzer_results": results})
    assert [i["operator"] for i in ours_encrypted["items"]] == [i["operator"] for i in theirs_encrypted["items"]]
    for value in ("Müller", "zoe.mueller@example.com", "212-555-0100", "4111 1111 1111 1111", "203.0.113.7"):
        assert value not in ours_encrypted["text"]
    decrypt = {"DEFAULT": {"type": "decrypt", "key": key}}
    ours = post(
        f"{privet_url}/deanonymize",
        {"text": ours_encrypted["text"], "deanonymizers": decrypt, "anonymizer_results": ours_encrypted["items"]},
    )
    assert theirs["text"] == TEXT
    assert ours == theirs
