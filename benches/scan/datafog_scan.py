"""datafog-core (Rust core, Python API) on the benchmark corpus, in privet's
jsonl shape. Default scan configuration; the whole buffer is scanned in one
call (its fastest use) and byte ranges are mapped back to lines. Only the
scan is timed."""

import time

from peer_common import Emitter, Timer, line_index, locate, parse_args, read_lines, write_stats

# datafog entity -> privet type. DATE is scored as date_of_birth (datafog
# cannot tell birth dates from other dates); credential detectors count as
# secret; ZIP_CODE, NPI, routing numbers and UUIDs are outside privet's types.
MAPPING = {
    "EMAIL": "email",
    "PHONE": "phone",
    "CREDIT_CARD": "card_number",
    "SSN": "us_ssn",
    "DE_IBAN": "iban",
    "IP_ADDRESS": "ip_address",
    "DATE": "date_of_birth",
    "PERSON": "person_name",
    "API_KEY": "secret",
    "BEARER_TOKEN": "secret",
    "JWT": "secret",
    "PRIVATE_KEY": "secret",
    "CREDENTIAL_URI": "secret",
}


def main():
    args = parse_args("datafog-core adapter for the privet scan benchmark")
    t0 = time.perf_counter()
    import datafog_core

    datafog_core.scan("warm up: call 212-555-0100")
    load_seconds = time.perf_counter() - t0
    data, _ = read_lines(args.input)
    text = data.decode("utf-8")
    with Timer() as t:
        findings = datafog_core.scan(text)
    starts = line_index(data)
    out = Emitter(args.out, MAPPING)
    for f in findings:
        b = f.byte_range
        line_no, base = locate(starts, b.start)
        out.emit(line_no, b.start - base, b.end - base, f.entity_type, f.confidence)
    out.close()
    s = write_stats(args.stats, "datafog-core", len(data), t.seconds, load_seconds, out)
    print(f"datafog-core: {s['bytes']} bytes in {s['seconds']:.3f}s = {s['mb_per_s']:.2f} MB/s")


if __name__ == "__main__":
    main()
