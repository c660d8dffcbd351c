#!/usr/bin/env python3
"""Held-out accuracy sets for `privet scan`, built at bench time from sources
nobody tuned the detector on (issue 12):

- addresses/: the rendered addresses of the OpenCage address-formatting test
  cases (https://github.com/OpenCageData/address-formatting, MIT licence,
  testcases/countries/*.yaml), read from a local checkout given with
  --address-formatting. Nothing of that project is copied into this
  repository; the corpus is written under --out at bench time. Each test case
  that has a road is written on one line (its lines joined with ", ", the
  lines before the road line and the country line left out) inside a
  sentence, and labelled street_address over the whole joined address.
- phones-intl/, phones-hinted/, phones-national/: the example numbers of
  libphonenumber's metadata (PyPI `phonenumbers`, Apache-2.0), fixed line
  and mobile, of seven digits or more, for every region: written internationally after a cue; in
  national format with the country named on the line; in national format
  after a cue alone.

Labels are the JSON lines `privet-corpus eval --labels` reads.
"""

import argparse
import json
import random
from pathlib import Path

import phonenumbers
import yaml
from phonenumbers import PhoneNumberFormat, PhoneNumberType, geocoder

ADDRESS_TEMPLATES = [
    "Ship to {a}.",
    "Address: {a}",
    "Please send the invoice to {a} by Friday.",
    "{a}",
    "The customer moved to {a} last month.",
    "billing_address={a}",
]

ROAD_KEYS = ("road", "pedestrian", "footway", "path", "street", "residential", "square", "place")


class Writer:
    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.text = open(out / "corpus.txt", "w", encoding="utf-8")
        self.labels = open(out / "labels.jsonl", "w", encoding="utf-8")
        self.line = 0
        self.count = 0

    def write(self, template: str, value: str, ty: str, key: str):
        self.line += 1
        before = template.split("{" + key + "}")[0]
        text = template.replace("{" + key + "}", value)
        start = len(before.encode("utf-8"))
        end = start + len(value.encode("utf-8"))
        self.text.write(text + "\n")
        self.labels.write(json.dumps({"line": self.line, "start": start, "end": end, "type": ty}) + "\n")
        self.count += 1


def addresses(checkout: Path, out: Path, rng: random.Random) -> int:
    w = Writer(out)
    for path in sorted((checkout / "testcases" / "countries").glob("*.yaml")):
        with open(path, encoding="utf-8") as f:
            try:
                cases = [c for c in yaml.safe_load_all(f) if c]
            except yaml.YAMLError:
                continue
        for case in cases:
            comps = case.get("components") or {}
            expected = case.get("expected") or ""
            lines = [l.strip() for l in str(expected).strip().splitlines() if l.strip()]
            road = next((str(comps[k]) for k in ROAD_KEYS if k in comps), None)
            if not road or not lines:
                continue
            country = str(comps.get("country", ""))
            if len(lines) > 1 and (lines[-1] == country or lines[-1].lower() == country.lower()):
                lines = lines[:-1]
            first = next((i for i, l in enumerate(lines) if road in l), None)
            if first is None:
                continue
            value = ", ".join(lines[first:])
            w.write(rng.choice(ADDRESS_TEMPLATES), value, "street_address", "a")
    return w.count


PHONE_TEMPLATES = {
    "intl": ["You can reach me at {n}.", "Phone: {n}", "call {n} after 5pm", "{n}"],
    "hinted": ["I live in {c}, call me at {n}.", "Tel ({c}): {n}", "Office in {c}, phone {n}"],
    "national": ["Call me at {n}.", "Mobile: {n}", "tel {n}"],
}


def phones(out: Path, rng: random.Random) -> dict:
    writers = {k: Writer(out / f"phones-{k}") for k in PHONE_TEMPLATES}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            n = phonenumbers.example_number_for_type(region, kind)
            # Numbers of fewer than seven digits (small territories) cannot be
            # told from other numbers in text; privet never reports them.
            if n is None or len(phonenumbers.national_significant_number(n)) < 7:
                continue
            intl = phonenumbers.format_number(n, PhoneNumberFormat.INTERNATIONAL)
            nat = phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL)
            country = geocoder.country_name_for_number(n, "en") or region
            writers["intl"].write(rng.choice(PHONE_TEMPLATES["intl"]), intl, "phone", "n")
            t = rng.choice(PHONE_TEMPLATES["hinted"]).replace("{c}", country)
            writers["hinted"].write(t, nat, "phone", "n")
            writers["national"].write(rng.choice(PHONE_TEMPLATES["national"]), nat, "phone", "n")
    return {k: w.count for k, w in writers.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--address-formatting", type=Path, required=True,
                    help="a checkout of OpenCageData/address-formatting")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    n = addresses(args.address_formatting, args.out / "addresses", rng)
    print(f"addresses: {n} labels (OpenCage address-formatting test cases)")
    for k, v in phones(args.out, rng).items():
        print(f"phones-{k}: {v} labels (libphonenumber example numbers)")


if __name__ == "__main__":
    main()
