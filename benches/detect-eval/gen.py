#!/usr/bin/env python3
"""A second, independent labelled corpus for privet's detector.

privet-testkit's generator (Rust, `privet-corpus generate`) writes the corpus
the detector was tuned on. This script writes others from different
templates and different value sources, so that accuracy can be measured on
text the detector was not built against:

  support/   support tickets, chat transcripts and logs (JSON, logfmt, access
             and syslog lines) in English, with values from Faker in several
             locales and look-alikes that must not be reported;
  intl/      templated sentences in de, fr, es, it, nl, pt, pl, tr, hu, fi, cs
             and en with each locale's own names, addresses, phones, IBANs
             and cue words;
  secrets/   credentials written in many language syntaxes and provider
             formats, beside placeholders and look-alikes that are no secret;
  ids/       the national and technical identifier types, each value beside a
             hard negative of the same shape that fails its check.

Each folder gets corpus.txt and labels.jsonl in the shape
`privet-corpus eval --labels` reads: {"line", "start", "end", "type"} with
1-based lines and byte offsets within the line, end exclusive.

Values come from Faker (MIT licence, https://github.com/joke2k/faker) and from
small generators below that compute real check digits (Luhn, mod 97, mod 11,
Verhoeff, ISO 7064, CRC32...). Usage:

  python3 gen.py --out DIR [--seed 7] [--records 3000]
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import random
import string
import uuid
from datetime import date, timedelta

from faker import Faker

# --------------------------------------------------------------------------
# Documents: lines made of plain and labelled segments.


class Doc:
    """Lines of text with labelled spans (byte offsets, UTF-8)."""

    def __init__(self):
        self.lines = []
        self.labels = []
        self.cur = []  # segments of the current line: (text, type or None)

    def lit(self, text):
        self.cur.append((text, None))

    def val(self, ty, text):
        self.cur.append((text, ty))

    def nl(self):
        line = ""
        offset = 0
        n = len(self.lines) + 1
        for text, ty in self.cur:
            assert "\n" not in text, text
            b = len(text.encode("utf-8"))
            if ty is not None and text:
                self.labels.append({"line": n, "start": offset, "end": offset + b, "type": ty})
            line += text
            offset += b
        self.lines.append(line)
        self.cur = []

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "corpus.txt"), "w", encoding="utf-8") as f:
            for line in self.lines:
                f.write(line + "\n")
        with open(os.path.join(folder, "labels.jsonl"), "w", encoding="utf-8") as f:
            for label in self.labels:
                f.write(json.dumps(label) + "\n")


# --------------------------------------------------------------------------
# Check digits.


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(s):
    digits = [int(c) for c in s if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def break_last(s, rng):
    """The same string with its last digit changed: a hard negative."""
    i = max(j for j, c in enumerate(s) if c.isdigit())
    d = (int(s[i]) + rng.randint(1, 9)) % 10
    return s[:i] + str(d) + s[i + 1 :]


def card_with_prefix(rng, prefix, length):
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def group4(s, sep=" "):
    return sep.join(s[i : i + 4] for i in range(0, len(s), 4))


# Verhoeff tables (Aadhaar).
_VD = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VP = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
_VINV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(body):
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = _VD[c][_VP[(i + 1) % 8][int(ch)]]
    return str(_VINV[c])


def aadhaar(rng):
    body = str(rng.randint(2, 9)) + "".join(rng.choice(string.digits) for _ in range(10))
    return body + verhoeff_digit(body)


def nhs(rng):
    while True:
        body = "".join(rng.choice(string.digits) for _ in range(9))
        total = sum(int(d) * (10 - i) for i, d in enumerate(body))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return body + str(check)


def bsn(rng):
    while True:
        body = str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(7))
        total = sum(int(d) * (9 - i) for i, d in enumerate(body))
        for last in range(10):
            if (total - last) % 11 == 0:
                return body + str(last)


def sin_ca(rng):
    body = str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + "".join(
        rng.choice(string.digits) for _ in range(7)
    )
    return body + luhn_digit(body)


def cpf(rng):
    d = [rng.randint(0, 9) for _ in range(9)]
    if len(set(d)) == 1:
        d[0] = (d[0] + 1) % 10
    for n in (10, 11):
        s = sum(v * (n - i) for i, v in enumerate(d))
        r = s * 10 % 11
        d.append(0 if r == 10 else r)
    s = "".join(map(str, d))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cnpj(rng):
    d = [rng.randint(0, 9) for _ in range(8)] + [0, 0, 0, 1]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        s = sum(v * w for v, w in zip(d, weights))
        r = s % 11
        d.append(0 if r < 2 else 11 - r)
    s = "".join(map(str, d))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def de_tax_id(rng):
    # 11 digits, ISO 7064 MOD 11,10; one digit of the first ten appears twice.
    while True:
        body = [rng.randint(0, 9) for _ in range(10)]
        if body[0] == 0:
            continue
        counts = [body.count(x) for x in set(body)]
        if sorted(counts) != [1] * (len(counts) - 1) + [2]:
            continue
        product = 10
        for v in body:
            s = (v + product) % 10
            if s == 0:
                s = 10
            product = (s * 2) % 11
        check = 11 - product
        if check == 10:
            check = 0
        return "".join(map(str, body)) + str(check)


def dni_es(rng):
    n = rng.randint(0, 99999999)
    return f"{n:08d}" + "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23]


def nie_es(rng):
    lead = rng.randint(0, 2)
    n = rng.randint(0, 9999999)
    return "XYZ"[lead] + f"{n:07d}" + "TRWAGMYFPDXBNJZSQVHLCKE"[int(f"{lead}{n:07d}") % 23]


def nir_fr(rng):
    sex = rng.choice("12")
    yy = f"{rng.randint(0, 99):02d}"
    mm = f"{rng.randint(1, 12):02d}"
    dep = f"{rng.randint(1, 95):02d}"
    com = f"{rng.randint(1, 990):03d}"
    order = f"{rng.randint(1, 999):03d}"
    body = sex + yy + mm + dep + com + order
    key = 97 - int(body) % 97
    return f"{sex} {yy} {mm} {dep} {com} {order} {key:02d}"


_CF_ODD = {
    **dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21])),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23])),
}


def codice_fiscale(rng):
    letters = string.ascii_uppercase
    s = "".join(rng.choice(letters.replace("A", "").replace("E", "")) for _ in range(6))
    s += f"{rng.randint(40, 99):02d}" + rng.choice("ABCDEHLMPRST")
    day = rng.randint(1, 31) + rng.choice([0, 40])
    s += f"{day:02d}" + rng.choice("ABCDEFGHILMZ") + f"{rng.randint(1, 999):03d}"
    total = 0
    for i, ch in enumerate(s):
        if i % 2 == 0:
            total += _CF_ODD[ch]
        else:
            total += int(ch) if ch.isdigit() else ord(ch) - 65
    return s + chr(65 + total % 26)


def pan_in(rng):
    L = string.ascii_uppercase
    return (
        "".join(rng.choice(L) for _ in range(3))
        + rng.choice("PCHFATBLJG")
        + rng.choice(L)
        + f"{rng.randint(1, 9999):04d}"
        + rng.choice(L)
    )


def nino(rng):
    first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
    if first + second in ("GB", "BG", "NK", "KN", "TN", "NT", "ZZ"):
        first, second = "A", "B"
    digits = f"{rng.randint(0, 999999):06d}"
    return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {rng.choice('ABCD')}"


def tfn_au(rng):
    w = [1, 4, 3, 7, 5, 8, 6, 9, 10]
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        if d[0] == 0:
            continue
        if sum(a * b for a, b in zip(d, w)) % 11 == 0:
            s = "".join(map(str, d))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def medicare_au(rng):
    w = [1, 3, 7, 9, 1, 3, 7, 9]
    d = [rng.randint(2, 6)] + [rng.randint(0, 9) for _ in range(7)]
    check = sum(a * b for a, b in zip(d, w)) % 10
    s = "".join(map(str, d)) + str(check) + str(rng.randint(1, 9))
    return f"{s[:4]} {s[4:9]} {s[9]}"


def nric_sg(rng):
    prefix = rng.choice("STFG")
    d = [rng.randint(0, 9) for _ in range(7)]
    w = [2, 7, 6, 5, 4, 3, 2]
    total = sum(a * b for a, b in zip(d, w)) + (4 if prefix in "TG" else 0)
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return prefix + "".join(map(str, d)) + table[total % 11]


def itin(rng):
    mid = rng.choice(list(range(50, 66)) + list(range(70, 89)) + list(range(90, 93)) + list(range(94, 100)))
    return f"9{rng.randint(0, 99):02d}-{mid:02d}-{rng.randint(1, 9999):04d}"


def aba(rng):
    while True:
        # The first two digits are a Federal Reserve routing symbol: 00-12,
        # 21-32, 61-72 or 80.
        lead = rng.choice(list(range(1, 13)) + list(range(21, 33)) + list(range(61, 73)) + [80])
        d = [lead // 10, lead % 10] + [rng.randint(0, 9) for _ in range(6)]
        for last in range(10):
            dd = d + [last]
            if (3 * (dd[0] + dd[3] + dd[6]) + 7 * (dd[1] + dd[4] + dd[7]) + (dd[2] + dd[5] + dd[8])) % 10 == 0:
                return "".join(map(str, dd))


def imei(rng):
    body = rng.choice(["35", "86", "01", "49"]) + "".join(rng.choice(string.digits) for _ in range(12))
    return body + luhn_digit(body)


_VIN_MAP = {**{str(i): i for i in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin(rng):
    chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    v = [rng.choice(["1HG", "WVW", "JTD", "5YJ", "WBA", "VF1"])[i] for i in range(3)]
    v += [rng.choice(chars) for _ in range(5)] + ["0"] + [rng.choice(chars) for _ in range(8)]
    total = sum(_VIN_MAP[c] * w for c, w in zip(v, _VIN_W))
    v[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(v)


def mac(rng):
    sep = rng.choice([":", "-"])
    return sep.join(f"{rng.randint(0, 255):02x}" for _ in range(6)).upper() if rng.random() < 0.5 else sep.join(f"{rng.randint(0, 255):02x}" for _ in range(6))


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(raw):
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + out


def btc_base58(rng):
    payload = bytes([rng.choice([0, 5])]) + bytes(rng.randint(0, 255) for _ in range(20))
    check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return b58encode(payload + check)


_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def btc_bech32(rng):
    hrp = "bc"
    data = [0] + [rng.randint(0, 31) for _ in range(32)]
    values = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + data
    pm = _polymod(values + [0] * 6) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH[d] for d in data + checksum)


def break_alnum(s, rng):
    """Change one character of the same class (digit for digit, letter for letter)."""
    idx = [i for i, c in enumerate(s) if c.isalnum()]
    i = rng.choice(idx[-4:])
    c = s[i]
    if c.isdigit():
        r = str((int(c) + rng.randint(1, 9)) % 10)
    elif c.isupper():
        r = rng.choice([x for x in string.ascii_uppercase if x != c])
    else:
        r = rng.choice([x for x in string.ascii_lowercase if x != c])
    return s[:i] + r + s[i + 1 :]


# --------------------------------------------------------------------------
# Values from Faker.

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "pl_PL", "tr_TR", "hu_HU", "fi_FI", "cs_CZ", "sv_SE", "da_DK", "en_AU", "en_CA"]

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def dob_text(rng, d):
    forms = [
        lambda: f"{d.month}/{d.day}/{d.year}",
        lambda: f"{d.month:02d}/{d.day:02d}/{d.year}",
        lambda: f"{d.day:02d}.{d.month:02d}.{d.year}",
        lambda: f"{d.year}-{d.month:02d}-{d.day:02d}",
        lambda: f"{d.day}-{MONTHS[d.month - 1]}-{d.year}",
        lambda: f"{d.strftime('%B')} {d.day}, {d.year}",
        lambda: f"{d.day} {d.strftime('%B')} {d.year}",
        lambda: f"{d.day} {d.strftime('%b')} {d.year}",
    ]
    return rng.choice(forms)()


class Values:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.fakers = {loc: Faker(loc) for loc in LOCALES}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(seed * 100 + i)
        self.en = self.fakers["en_US"]

    def f(self, loc=None):
        return self.fakers[loc or self.rng.choice(LOCALES)]

    def name(self, loc=None):
        f = self.f(loc)
        return f"{f.first_name()} {f.last_name()}"

    def first(self, loc=None):
        return self.f(loc).first_name()

    def email(self):
        f = self.f()
        return self.rng.choice([f.email, f.free_email, f.company_email, f.ascii_safe_email])()

    def phone(self, loc="en_US"):
        return self.fakers[loc].phone_number()

    def card(self):
        r = self.rng.random()
        if r < 0.75:
            kind = self.rng.choice(["visa", "mastercard", "amex", "discover", "jcb", "diners", "visa16", "mastercard"])
            num = self.en.credit_card_number(card_type=kind)
        else:
            num = card_with_prefix(self.rng, self.rng.choice(["4", "51", "2221", "6011", "3528"]), 16)
        fmt = self.rng.random()
        if len(num) == 16 and fmt < 0.4:
            return group4(num, self.rng.choice([" ", "-"]))
        return num

    def ssn(self):
        s = self.en.ssn()
        r = self.rng.random()
        if r < 0.15:
            return s.replace("-", ".")
        if r < 0.3:
            return s.replace("-", " ")
        return s

    def iban(self, loc=None):
        f = self.f(loc) if loc else self.fakers[self.rng.choice(["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "en_GB", "fi_FI", "tr_TR", "hu_HU", "cs_CZ"])]
        ib = f.iban()
        r = self.rng.random()
        if r < 0.35:
            return group4(ib)
        if r < 0.45:
            return group4(ib, "-")
        return ib

    def ip(self):
        r = self.rng.random()
        if r < 0.45:
            return self.en.ipv4_public()
        if r < 0.65:
            return self.en.ipv4_private()
        if r < 0.85:
            return self.en.ipv6()
        return self.rng.choice(["::1", "fe80::1", f"2001:db8::{self.rng.randint(1, 0xffff):x}", f"fe80::{self.rng.randint(1, 0xffff):x}:{self.rng.randint(1, 0xffff):x}"])

    def url(self):
        f = self.en
        r = self.rng.random()
        if r < 0.4:
            return f.url() + f.uri_path()
        if r < 0.7:
            return f.uri()
        return f"https://{f.domain_name()}/{f.slug()}?id={self.rng.randint(1, 99999)}"

    def dob(self):
        d = self.en.date_of_birth(minimum_age=18, maximum_age=90)
        return dob_text(self.rng, d)

    def address(self, loc=None):
        f = self.f(loc)
        return f.address().replace("\n", ", ")

    def street(self, loc=None):
        return self.f(loc).street_address()


# --------------------------------------------------------------------------
# Look-alikes (never labelled).


def order_id(rng):
    return str(rng.randint(100000000, 999999999))


def version(rng):
    return f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}.{rng.randint(0, 999)}"


def timestamp(rng):
    d = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
    return f"{d.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def other_date(rng):
    d = date(2023, 1, 1) + timedelta(days=rng.randint(0, 900))
    return rng.choice([d.isoformat(), d.strftime("%m/%d/%Y"), d.strftime("%d %b %Y")])


def hexhash(rng, n=40):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def bad_card(rng):
    num = card_with_prefix(rng, "4", 16)
    return break_last(num, rng)


def tracking(rng):
    return "1Z" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))


# --------------------------------------------------------------------------
# support/: tickets, chats, logs.


def support(v, n):
    rng = v.rng
    d = Doc()
    kinds = [ticket, chat, log_json, log_kv, access_log, syslog, ticket_form]
    for _ in range(n):
        rng.choice(kinds)(v, d)
    return d


def ticket(v, d):
    rng = v.rng
    loc = rng.choice(["en_US", "en_US", "en_GB", "en_CA", "en_AU"])
    name = v.name(loc)
    d.lit(f"=== Case {rng.randint(1000, 99999)} | priority {rng.choice(['high', 'normal', 'low'])} | created {timestamp(rng)} ===")
    d.nl()
    d.lit("Requester: ")
    d.val("person_name", name)
    d.lit(" <")
    d.val("email", v.email())
    d.lit(">")
    d.nl()
    d.lit(rng.choice(["Hello,", "Hi team,", "Good morning,", "Dear support,"]))
    d.nl()
    for _ in range(rng.randint(2, 4)):
        rng.choice(TICKET_SENTENCES)(v, d)
        d.nl()
    d.lit(rng.choice(["Thanks,", "Best regards,", "Cheers,", "Kind regards,", "Sincerely,"]))
    d.nl()
    d.val("person_name", name if rng.random() < 0.6 else name.split(" ")[0])
    d.nl()
    d.nl()


def _s(*parts):
    """A sentence template: strings are literal, (type, fn) pairs are values."""

    def emit(v, d):
        for p in parts:
            if isinstance(p, str):
                d.lit(p)
            elif callable(p):
                p(v, d)
            else:
                ty, fn = p
                d.val(ty, fn(v))

    return emit


def neg(fn):
    def emit(v, d):
        d.lit(fn(v.rng))

    return emit


TICKET_SENTENCES = [
    _s("My card ", ("card_number", lambda v: v.card()), " was charged twice for order ", neg(order_id), "."),
    _s("I paid with ", ("card_number", lambda v: v.card()), " on ", neg(other_date), " but the order still shows pending."),
    _s("Please refund to the card ending in ", neg(lambda r: str(r.randint(1000, 9999))), ", amount $", neg(lambda r: f"{r.randint(5, 900)}.{r.randint(0, 99):02d}"), "."),
    _s("You can reach me at ", ("phone", lambda v: v.phone("en_US")), " after 5pm."),
    _s("Call me on ", ("phone", lambda v: v.phone("en_GB")), " if anything is unclear."),
    _s("My new address is ", ("street_address", lambda v: v.address("en_US")), "."),
    _s("Ship it to ", ("street_address", lambda v: v.address(v.rng.choice(["en_GB", "en_CA", "en_AU"]))), " please."),
    _s("For verification, my SSN is ", ("us_ssn", lambda v: v.ssn()), " and my date of birth is ", ("date_of_birth", lambda v: v.dob()), "."),
    _s("I was born on ", ("date_of_birth", lambda v: v.dob()), "."),
    _s(("date_of_birth", lambda v: v.dob()), " is my birthday, it is on file."),
    _s("The refund should go to IBAN ", ("iban", lambda v: v.iban()), "."),
    _s("Our account ", ("iban", lambda v: v.iban()), " was debited on ", neg(other_date), "."),
    _s("The login came from ", ("ip_address", lambda v: v.ip()), ", which was not me."),
    _s("The link ", ("url", lambda v: v.url()), " gives a 404."),
    _s("Please also copy my colleague ", ("person_name", lambda v: v.name("en_US")), " (", ("email", lambda v: v.email()), ")."),
    _s("Tracking number ", neg(tracking), " has not moved since ", neg(other_date), "."),
    _s("App version ", neg(version), " crashes on start."),
    _s("Not a TIN: ", neg(order_id), " is my customer number."),
    _s("My old phone number ", ("phone", lambda v: v.phone("en_US")), " is no longer in use."),
    _s("Commit ", neg(hexhash), " broke the export."),
    _s("Reference ", neg(lambda r: str(uuid.UUID(int=r.getrandbits(128)))), " was rejected."),
    _s("The card ", neg(bad_card), " in your form is not mine."),
]


def chat(v, d):
    rng = v.rng
    loc = rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "tr_TR", "pl_PL", "fi_FI", "hu_HU"])
    first = v.first(loc)
    agent = v.first("en_US")
    d.lit(f"--- chat {rng.randint(10000, 99999)} started {timestamp(rng)} ---")
    d.nl()
    d.lit(f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] ")
    d.val("person_name", agent)
    d.lit(": Hi, my name is ")
    d.val("person_name", agent)
    d.lit(", how can I help?")
    d.nl()
    d.lit(f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] ")
    d.val("person_name", first)
    d.lit(rng.choice([": hi, this is ", ": hello, my name is ", ": hey, I'm "]))
    full = f"{first} {v.f(loc).last_name()}"
    d.val("person_name", full)
    d.nl()
    for _ in range(rng.randint(2, 4)):
        d.lit(f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] ")
        if rng.random() < 0.5:
            d.val("person_name", first)
            d.lit(": ")
            rng.choice(CHAT_CUSTOMER)(v, d)
        else:
            d.val("person_name", agent)
            d.lit(": ")
            d.lit(rng.choice(["Thanks ", "Got it ", "Perfect, thank you "]))
            d.val("person_name", first)
            d.lit(rng.choice([", one moment.", ", let me check.", "."]))
        d.nl()
    d.nl()


CHAT_CUSTOMER = [
    _s("my email is ", ("email", lambda v: v.email())),
    _s("card number is ", ("card_number", lambda v: v.card())),
    _s("the card number is ", ("card_number", lambda v: card_with_prefix(v.rng, v.rng.choice(["2200", "2201", "2204", "9792"]), 16))),
    _s("number is ", ("phone", lambda v: v.phone(v.rng.choice(["en_US", "en_GB"])))),
    _s("iban ", ("iban", lambda v: v.iban()), " if that helps"),
    _s("dob ", ("date_of_birth", lambda v: v.dob())),
    _s("i live at ", ("street_address", lambda v: v.street("en_US")), " now"),
    _s("my ssn is ", ("us_ssn", lambda v: v.ssn())),
    _s("ordered on ", neg(other_date), ", order ", neg(order_id)),
    _s("it says error 0x", neg(lambda r: hexhash(r, 8))),
]


def log_json(v, d):
    rng = v.rng
    fields = [f'"ts":"{timestamp(rng)}"', f'"level":"{rng.choice(["info", "warn", "error"])}"', f'"req":"{uuid.UUID(int=rng.getrandbits(128))}"']
    d.lit("{" + ",".join(fields))
    choice = rng.randint(0, 5)
    if choice == 0:
        d.lit(',"event":"signup","email":"')
        d.val("email", v.email())
        d.lit('","name":"')
        d.val("person_name", v.name("en_US"))
        d.lit('"')
    elif choice == 1:
        d.lit(',"event":"payment_failed","pan":"')
        d.val("card_number", v.card())
        d.lit('","amount_cents":')
        d.lit(str(rng.randint(100, 99999)))
    elif choice == 2:
        d.lit(',"event":"kyc","ssn":"')
        d.val("us_ssn", v.ssn())
        d.lit('","user_id":')
        d.lit(order_id(rng))
        d.lit(',"birthDate":"')
        d.val("date_of_birth", v.dob())
        d.lit('"')
    elif choice == 3:
        d.lit(',"remote_ip":"')
        d.val("ip_address", v.ip())
        d.lit('","path":"/api/v2/orders/')
        d.lit(order_id(rng))
        d.lit('","build":"')
        d.lit(version(rng))
        d.lit('"')
    elif choice == 4:
        d.lit(',"msg":"sms sent","to":"')
        d.val("phone", v.phone(rng.choice(["en_US", "en_GB", "de_DE", "fr_FR"])))
        d.lit('"')
    else:
        d.lit(',"msg":"profile updated","address":"')
        d.val("street_address", v.address("en_US"))
        d.lit('"')
    d.lit("}")
    d.nl()


def log_kv(v, d):
    rng = v.rng
    d.lit(f"time={timestamp(rng)} level={rng.choice(['INFO', 'WARN', 'ERROR'])} svc={rng.choice(['billing', 'kyc', 'auth', 'crm'])} ")
    choice = rng.randint(0, 4)
    if choice == 0:
        d.lit("msg=\"ssn check submitted\" user_id=")
        d.lit(str(rng.randint(1000, 999999)))
        d.lit(" ssn=")
        d.val("us_ssn", v.ssn())
    elif choice == 1:
        d.lit("msg=\"charge\" order=")
        d.lit(str(rng.randint(1, 99999)))
        d.lit(" card=")
        d.val("card_number", v.card())
    elif choice == 2:
        d.lit("msg=\"login\" user=")
        d.val("email", v.email())
        d.lit(" src=")
        d.val("ip_address", v.ip())
    elif choice == 3:
        d.lit("msg=\"payout\" iban=")
        d.val("iban", v.iban())
        d.lit(" batch=")
        d.lit(order_id(rng))
    else:
        d.lit("msg=\"callback\" url=")
        d.val("url", v.url())
        d.lit(" status=200")
    d.nl()


def access_log(v, d):
    rng = v.rng
    d.val("ip_address", v.en.ipv4_public() if rng.random() < 0.8 else v.en.ipv6())
    d.lit(f' - - [{rng.randint(1, 28):02d}/Mar/2025:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000] "GET /account/{rng.randint(1, 99999)} HTTP/1.1" 200 {rng.randint(100, 99999)} "')
    d.val("url", v.url())
    d.lit('" "Mozilla/5.0"')
    d.nl()


def syslog(v, d):
    rng = v.rng
    d.lit(f"Mar {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} host{rng.randint(1, 9)} sshd[{rng.randint(100, 99999)}]: Failed password for ")
    d.lit(rng.choice(["root", "admin", "invalid user test"]))
    d.lit(" from ")
    d.val("ip_address", v.en.ipv4_public())
    d.lit(f" port {rng.randint(1024, 65535)} ssh2")
    d.nl()


def ticket_form(v, d):
    """A web form pasted into a ticket: one field a line."""
    rng = v.rng
    loc = rng.choice(["en_US", "en_GB", "en_CA", "en_AU"])
    d.lit("--- form submission ---")
    d.nl()
    d.lit("Full name: ")
    d.val("person_name", v.name(loc))
    d.nl()
    d.lit("E-mail: ")
    d.val("email", v.email())
    d.nl()
    d.lit("Phone: ")
    d.val("phone", v.phone(loc))
    d.nl()
    d.lit("Address: ")
    d.val("street_address", v.address(loc))
    d.nl()
    if rng.random() < 0.5:
        d.lit("Date of birth: ")
        d.val("date_of_birth", v.dob())
        d.nl()
    d.lit("Order no.: ")
    d.lit(order_id(rng))
    d.nl()
    d.nl()


# --------------------------------------------------------------------------
# intl/: templated sentences per language.

INTL = {
    "de_DE": {
        "name": ["Mein Name ist {}.", "Ich heiße {}.", "Kundin: {}", "Mit freundlichen Grüßen, {}"],
        "addr": ["Ich wohne in der {}.", "Lieferadresse: {}", "Neue Anschrift: {}"],
        "phone": ["Telefon: {}", "Sie erreichen mich unter {}.", "Handy: {}"],
        "dob": ["Geburtsdatum: {}", "Ich bin am {} geboren.", "geb. {}"],
        "iban": ["Bitte überweisen Sie auf IBAN {}.", "Kontonummer (IBAN): {}"],
        "email": ["E-Mail: {}", "Schreiben Sie mir an {}."],
        "card": ["Kreditkartennummer: {}", "Meine Karte {} wurde abgelehnt."],
    },
    "fr_FR": {
        "name": ["Je m'appelle {}.", "Nom : {}", "Cordialement, {}"],
        "addr": ["J'habite au {}.", "Adresse de livraison : {}"],
        "phone": ["Téléphone : {}", "Vous pouvez m'appeler au {}."],
        "dob": ["Date de naissance : {}", "Je suis né le {}."],
        "iban": ["Mon IBAN est {}.", "Virement sur le compte {}."],
        "email": ["Courriel : {}", "Mon adresse e-mail est {}."],
        "card": ["Numéro de carte : {}", "Ma carte bancaire {} a été refusée."],
    },
    "es_ES": {
        "name": ["Me llamo {}.", "Nombre: {}", "Atentamente, {}"],
        "addr": ["Vivo en {}.", "Dirección de envío: {}"],
        "phone": ["Teléfono: {}", "Llámeme al {}."],
        "dob": ["Fecha de nacimiento: {}", "Nací el {}."],
        "iban": ["Mi cuenta IBAN es {}.", "Transferencia a {}."],
        "email": ["Correo electrónico: {}", "Escríbame a {}."],
        "card": ["Número de tarjeta: {}", "Mi tarjeta {} fue rechazada."],
    },
    "it_IT": {
        "name": ["Mi chiamo {}.", "Nome: {}", "Cordiali saluti, {}"],
        "addr": ["Abito in {}.", "Indirizzo di consegna: {}"],
        "phone": ["Telefono: {}", "Mi può chiamare al {}."],
        "dob": ["Data di nascita: {}", "Sono nato il {}."],
        "iban": ["Il mio IBAN è {}.", "Bonifico sul conto {}."],
        "email": ["Email: {}", "Mi scriva a {}."],
        "card": ["Numero della carta: {}", "La mia carta di credito {} è stata rifiutata."],
    },
    "nl_NL": {
        "name": ["Mijn naam is {}.", "Naam: {}", "Met vriendelijke groet, {}"],
        "addr": ["Ik woon op {}.", "Afleveradres: {}"],
        "phone": ["Telefoon: {}", "U kunt mij bellen op {}."],
        "dob": ["Geboortedatum: {}", "Ik ben geboren op {}."],
        "iban": ["Mijn rekeningnummer is {}.", "IBAN: {}"],
        "email": ["E-mail: {}", "Mail mij op {}."],
        "card": ["Kaartnummer: {}", "Mijn creditcard {} werd geweigerd."],
    },
    "pt_BR": {
        "name": ["Meu nome é {}.", "Nome: {}", "Atenciosamente, {}"],
        "addr": ["Moro na {}.", "Endereço de entrega: {}"],
        "phone": ["Telefone: {}", "Pode me ligar no {}."],
        "dob": ["Data de nascimento: {}", "Nasci em {}."],
        "iban": ["IBAN: {}"],
        "email": ["E-mail: {}", "Meu e-mail é {}."],
        "card": ["Número do cartão: {}", "Meu cartão {} foi recusado."],
    },
    "pl_PL": {
        "name": ["Nazywam się {}.", "Imię i nazwisko: {}", "Z poważaniem, {}"],
        "addr": ["Mieszkam przy {}.", "Adres dostawy: {}"],
        "phone": ["Telefon: {}", "Proszę dzwonić pod numer {}."],
        "dob": ["Data urodzenia: {}", "Urodziłem się {}."],
        "iban": ["Numer konta: {}", "Proszę o przelew na {}."],
        "email": ["E-mail: {}", "Mój adres e-mail to {}."],
        "card": ["Numer karty: {}", "Moja karta {} została odrzucona."],
    },
    "tr_TR": {
        "name": ["Benim adım {}.", "Ad Soyad: {}"],
        "addr": ["Adres: {}"],
        "phone": ["Telefon: {}"],
        "dob": ["Doğum tarihi: {}"],
        "iban": ["IBAN: {}"],
        "email": ["E-posta: {}"],
        "card": ["Kart numarası: {}"],
    },
    "hu_HU": {
        "name": ["A nevem {}.", "Név: {}"],
        "addr": ["Cím: {}"],
        "phone": ["Telefon: {}"],
        "dob": ["Születési dátum: {}"],
        "iban": ["IBAN: {}"],
        "email": ["E-mail: {}"],
        "card": ["Kártyaszám: {}"],
    },
    "fi_FI": {
        "name": ["Nimeni on {}.", "Nimi: {}"],
        "addr": ["Osoite: {}"],
        "phone": ["Puhelin: {}"],
        "dob": ["Syntymäaika: {}"],
        "iban": ["Tilinumero: {}"],
        "email": ["Sähköposti: {}"],
        "card": ["Kortin numero: {}"],
    },
    "cs_CZ": {
        "name": ["Jmenuji se {}.", "Jméno: {}"],
        "addr": ["Adresa: {}"],
        "phone": ["Telefon: {}"],
        "dob": ["Datum narození: {}"],
        "iban": ["IBAN: {}"],
        "email": ["E-mail: {}"],
        "card": ["Číslo karty: {}"],
    },
    "en_GB": {
        "name": ["My name is {}.", "Name: {}", "Kind regards, {}"],
        "addr": ["I live at {}.", "Delivery address: {}"],
        "phone": ["Telephone: {}", "Ring me on {}."],
        "dob": ["Date of birth: {}", "I was born on {}."],
        "iban": ["My IBAN is {}."],
        "email": ["Email: {}"],
        "card": ["Card number: {}"],
    },
}

IBAN_LOCALES = {"de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "tr_TR", "hu_HU", "fi_FI", "cs_CZ", "en_GB", "pt_BR"}


def intl(v, n):
    rng = v.rng
    d = Doc()
    for _ in range(n):
        loc = rng.choice(list(INTL))
        t = INTL[loc]
        f = v.fakers[loc]
        kind = rng.choice(["name", "addr", "phone", "dob", "iban", "email", "card", "name", "addr"])
        template = rng.choice(t[kind])
        if kind == "name":
            value, ty = (f"{f.first_name()} {f.last_name()}", "person_name")
        elif kind == "addr":
            value, ty = (f.address().replace("\n", ", "), "street_address")
        elif kind == "phone":
            value, ty = (f.phone_number(), "phone")
        elif kind == "dob":
            dd = f.date_of_birth(minimum_age=18, maximum_age=90)
            value = rng.choice([dd.strftime("%d.%m.%Y"), dd.strftime("%d/%m/%Y"), dd.isoformat(), f"{dd.day:02d}-{dd.month:02d}-{dd.year}"])
            ty = "date_of_birth"
        elif kind == "iban":
            value, ty = (v.iban(loc if loc in IBAN_LOCALES else "de_DE"), "iban")
        elif kind == "email":
            value, ty = (f.email(), "email")
        else:
            value, ty = (v.card(), "card_number")
        pre, post = template.split("{}")
        d.lit(pre)
        d.val(ty, value)
        d.lit(post)
        if rng.random() < 0.3:
            d.lit(" " + rng.choice(["Ref. ", "Nr. ", "No. ", "#"]) + order_id(rng))
        d.nl()
    return d


# --------------------------------------------------------------------------
# secrets/: credentials in many syntaxes, and what is not one.

B62 = string.ascii_letters + string.digits


def rand(rng, n, alphabet=B62):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b62_encode(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[r] + out
    return out.rjust(width, "0")


def github_token(rng, prefix="ghp_"):
    body = rand(rng, 30)
    crc = binascii.crc32(body.encode()) & 0xFFFFFFFF
    return prefix + body + b62_encode(crc, 6)


def npm_token(rng):
    body = rand(rng, 30)
    crc = binascii.crc32(body.encode()) & 0xFFFFFFFF
    return "npm_" + body + b62_encode(crc, 6)


def password(rng):
    words = ["Sunny", "Tiger", "blue", "Maple", "river", "Falcon", "Quartz"]
    return rng.choice([
        lambda: rand(rng, rng.randint(10, 20), string.ascii_letters + string.digits + "!@#%^&*"),
        lambda: rng.choice(words) + rng.choice(words) + str(rng.randint(10, 9999)) + rng.choice("!@#$"),
        lambda: rand(rng, 16),
    ])()


PROVIDERS = [
    lambda r: "AKIA" + rand(r, 16, string.ascii_uppercase + "234567"),
    lambda r: github_token(r),
    lambda r: github_token(r, "gho_"),
    lambda r: "github_pat_" + rand(r, 22) + "_" + rand(r, 59),
    lambda r: "xoxb-" + str(r.randint(10**10, 10**12)) + "-" + str(r.randint(10**10, 10**12)) + "-" + rand(r, 24),
    lambda r: "xapp-1-A" + rand(r, 10, string.ascii_uppercase + string.digits) + "-" + str(r.randint(10**12, 10**13)) + "-" + rand(r, 64, "0123456789abcdef"),
    lambda r: "sk_live_" + rand(r, 24),
    lambda r: "rk_live_" + rand(r, 24),
    lambda r: "AIza" + rand(r, 35, B62 + "-_"),
    lambda r: "sk-proj-" + rand(r, 48, B62 + "-_"),
    lambda r: "sk-ant-api03-" + rand(r, 93, B62 + "-_") + "AA",
    lambda r: npm_token(r),
    lambda r: "pypi-AgEIcHlwaS5vcmc" + rand(r, 60, B62 + "-_"),
    lambda r: "glpat-" + rand(r, 20, B62 + "-_"),
    lambda r: "shpat_" + rand(r, 32, "0123456789abcdef"),
    lambda r: "SG." + rand(r, 22, B62 + "-_") + "." + rand(r, 43, B62 + "-_"),
    lambda r: "SK" + rand(r, 32, "0123456789abcdef"),
    lambda r: "hvs." + rand(r, 90, B62 + "-_"),
    lambda r: "dop_v1_" + rand(r, 64, "0123456789abcdef"),
    lambda r: "lin_api_" + rand(r, 40),
    lambda r: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(json.dumps({"sub": str(r.randint(1, 10**6)), "exp": r.randint(10**9, 2 * 10**9)}).encode()).decode().rstrip("=") + "." + rand(r, 43, B62 + "-_"),
]

GENERIC_KEYS_SNAKE = ["db_password", "api_key", "client_secret", "auth_token", "secret_key", "access_token", "smtp_pass", "private_token"]
GENERIC_KEYS_CAMEL = ["dbPassword", "apiKey", "clientSecret", "authToken", "secretKey", "accessToken", "smtpPassword", "privateToken"]
GENERIC_KEYS_UPPER = ["DB_PASSWORD", "API_KEY", "CLIENT_SECRET", "AUTH_TOKEN", "SECRET_KEY", "ACCESS_TOKEN", "SMTP_PASSWORD", "STRIPE_SECRET"]

SYNTAXES = [
    lambda k, v: ([f"{k['upper']}=", ("secret", v)]),
    lambda k, v: ([f'{k["camel"]} = "', ("secret", v), '";']),
    lambda k, v: ([f'{k["camel"]} := "', ("secret", v), '"']),
    lambda k, v: ([f"'{k['snake']}' => '", ("secret", v), "',"]),
    lambda k, v: ([f'props.setProperty("{k["snake"].replace("_", ".")}", "', ("secret", v), '");']),
    lambda k, v: ([f"<{k['camel']}>", ("secret", v), f"</{k['camel']}>"]),
    lambda k, v: ([f"  {k['snake']}: ", ("secret", v)]),
    lambda k, v: ([f'  "{k["camel"]}": "', ("secret", v), '",']),
    lambda k, v: ([f"export {k['upper']}='", ("secret", v), "'"]),
    lambda k, v: ([f'{k["upper"]}: "', ("secret", v), '"']),
    lambda k, v: ([f"config.{k['camel']} = '", ("secret", v), "'"]),
    lambda k, v: ([f"set {k['upper']}=", ("secret", v)]),
    lambda k, v: ([f'os.environ["{k["upper"]}"] = "', ("secret", v), '"']),
    lambda k, v: ([f"{k['snake']} = \"", ("secret", v), "\""]),
]

CONTEXT_LINES = [
    lambda r, v: ["Authorization: Bearer ", ("secret", v)],
    lambda r, v: ['headers = {"Authorization": "Bearer ', ("secret", v), '"}'],
    lambda r, v: [f"curl -u {r.choice(['admin', 'deploy', 'ci'])}:", ("secret", password(r)), " https://api.example.com/v1/items"],
    lambda r, v: [f"DATABASE_URL=postgres://{r.choice(['app', 'svc', 'admin'])}:", ("secret", password(r).replace("@", "x").replace("#", "x")), f"@db{r.randint(1, 9)}.internal:5432/prod"],
    lambda r, v: ["mongodb+srv://root:", ("secret", rand(r, 16)), "@cluster0.abcde.mongodb.net/test"],
    lambda r, v: ["webhook: ", ("secret", "https://hooks.slack.com/services/T" + rand(r, 8, string.ascii_uppercase + string.digits) + "/B" + rand(r, 8, string.ascii_uppercase + string.digits) + "/" + rand(r, 24))],
    lambda r, v: ["discord = ", ("secret", f"https://discord.com/api/webhooks/{r.randint(10**17, 10**18)}/" + rand(r, 68, B62 + "-_"))],
]

NOT_SECRETS = [
    lambda r: "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
    lambda r: "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    lambda r: "token: ghp_" + "x" * 36,
    lambda r: "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    lambda r: "password = ${DB_PASSWORD}",
    lambda r: 'apiKey: "<your-api-key>"',
    lambda r: "api_key = YOUR_API_KEY_HERE",
    lambda r: 'secret_key = "{{ vault_secret_key }}"',
    lambda r: "password: ********",
    lambda r: "client_secret = os.environ['CLIENT_SECRET']",
    lambda r: 'token = getenv("AUTH_TOKEN")',
    lambda r: f"commit {hexhash(r)} fixes token refresh",
    lambda r: f"request_id={uuid.UUID(int=r.getrandbits(128))} token_count={r.randint(10, 4000)}",
    lambda r: "-----BEGIN PUBLIC KEY-----",
    lambda r: "-----BEGIN CERTIFICATE-----",
    lambda r: f"sha256: {hexhash(r, 64)}",
    lambda r: "password_min_length = 12",
    lambda r: "secretName: my-app-tls",
    lambda r: "Authorization: Bearer <token>",
    lambda r: "curl -u $USER:$PASS https://api.example.com",
    lambda r: "postgres://user:password@localhost:5432/db",
    lambda r: f"tokenizer = {r.choice(['bert-base-uncased', 'gpt2', 'sentencepiece'])}",
]


def secrets(v, n):
    rng = v.rng
    d = Doc()
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            key_i = rng.randrange(len(GENERIC_KEYS_SNAKE))
            keys = {"snake": GENERIC_KEYS_SNAKE[key_i], "camel": GENERIC_KEYS_CAMEL[key_i], "upper": GENERIC_KEYS_UPPER[key_i]}
            value = password(rng) if "pass" in keys["snake"] else rand(rng, rng.randint(24, 48))
            emit_parts(d, rng.choice(SYNTAXES)(keys, value))
        elif r < 0.55:
            value = rng.choice(PROVIDERS)(rng)
            keys = {"snake": "token", "camel": "token", "upper": rng.choice(["TOKEN", "KEY", "CREDENTIAL"])}
            if rng.random() < 0.5:
                emit_parts(d, rng.choice(SYNTAXES)(keys, value))
            else:
                emit_parts(d, [rng.choice(["found ", "using ", "", "leaked: "]), ("secret", value), rng.choice(["", " in repo", " (rotate!)"])])
        elif r < 0.7:
            emit_parts(d, rng.choice(CONTEXT_LINES)(rng, rand(rng, 40, B62 + "-_.")))
        elif r < 0.75:
            d.val("secret", "-----BEGIN " + rng.choice(["RSA ", "EC ", "OPENSSH ", ""]) + "PRIVATE KEY-----")
            d.nl()
            for _ in range(3):
                d.lit(base64.b64encode(bytes(rng.randint(0, 255) for _ in range(48))).decode())
                d.nl()
            d.lit("-----END PRIVATE KEY-----")
        else:
            d.lit(rng.choice(NOT_SECRETS)(rng))
        d.nl()
    # A private-key block whose body is a placeholder is no secret.
    d.lit("-----BEGIN RSA PRIVATE KEY-----")
    d.nl()
    d.lit("...your key here...")
    d.nl()
    d.lit("-----END RSA PRIVATE KEY-----")
    d.nl()
    return d


def emit_parts(d, parts):
    for p in parts:
        if isinstance(p, str):
            d.lit(p)
        else:
            d.val(p[0], p[1])


# --------------------------------------------------------------------------
# ids/: identifier types with cues, and hard negatives of the same shape.

IDS = [
    ("uk_nino", nino, ["National Insurance number: {}", "NI number {}", "NINO: {}"]),
    ("uk_nhs", lambda r: (lambda s: f"{s[:3]} {s[3:6]} {s[6:]}")(nhs(r)), ["NHS number: {}", "NHS no. {}"]),
    ("ca_sin", lambda r: (lambda s: f"{s[:3]} {s[3:6]} {s[6:]}")(sin_ca(r)), ["SIN: {}", "Social insurance number {}"]),
    ("fr_nir", nir_fr, ["Numéro de sécurité sociale : {}", "NIR {}"]),
    ("es_dni", lambda r: dni_es(r) if r.random() < 0.6 else nie_es(r), ["DNI: {}", "NIE {}", "Documento: {}"]),
    ("it_fiscal_code", codice_fiscale, ["Codice fiscale: {}", "CF {}"]),
    ("de_tax_id", de_tax_id, ["Steuer-ID: {}", "Steueridentifikationsnummer {}"]),
    ("nl_bsn", bsn, ["BSN: {}", "burgerservicenummer {}"]),
    ("in_aadhaar", lambda r: (lambda s: f"{s[:4]} {s[4:8]} {s[8:]}")(aadhaar(r)), ["Aadhaar: {}", "Aadhaar number {}"]),
    ("in_pan", pan_in, ["PAN: {}", "PAN card {}"]),
    ("br_cpf", cpf, ["CPF: {}", "CPF nº {}"]),
    ("br_cnpj", cnpj, ["CNPJ: {}"]),
    ("au_tfn", tfn_au, ["TFN: {}", "Tax file number {}"]),
    ("au_medicare", medicare_au, ["Medicare number: {}", "Medicare card {}"]),
    ("sg_nric", nric_sg, ["NRIC: {}", "FIN {}"]),
    ("us_itin", itin, ["ITIN: {}", "Individual taxpayer identification number {}"]),
    ("aba_routing", aba, ["Routing number: {}", "ABA {}"]),
    ("imei", imei, ["IMEI: {}", "Device IMEI {}"]),
    ("vin", vin, ["VIN: {}", "Vehicle identification number {}"]),
    ("mac_address", mac, ["MAC: {}", "hwaddr {}"]),
    ("crypto_wallet", lambda r: btc_base58(r) if r.random() < 0.5 else btc_bech32(r), ["BTC address: {}", "send to wallet {}"]),
]


NEGATIVES = {
    # No checksum: a prefix the registry never issues.
    "uk_nino": lambda s, r: r.choice(["QQ", "BG", "GB", "NK", "TN", "ZZ", "DA", "FY", "IK", "VQ"]) + s[2:],
    # The fourth letter names the holder's kind; these are none.
    "in_pan": lambda s, r: s[:3] + r.choice("DEIKMNOQRSUVWXYZ") + s[4:],
    # Middle digits outside the IRS ranges.
    "us_itin": lambda s, r: s[:4] + r.choice(["93", "00", "12", "45", "89"]) + s[6:],
    # The check digit is the ninth: changing a later one could leave the
    # transliterated sum as it was (A and J both count 1).
    "vin": lambda s, r: s[:8] + ("X" if s[8] != "X" and r.random() < 0.1 else str((int(s[8]) + r.randint(1, 9)) % 10) if s[8] != "X" else str(r.randint(0, 9))) + s[9:],
    # The check digit is the ninth; the tenth (issue number) is not checked.
    "au_medicare": lambda s, r: s[:9] + str((int(s[9]) + r.randint(1, 9)) % 10) + s[10:],
}


def ids(v, n):
    rng = v.rng
    d = Doc()
    for _ in range(n):
        ty, gen, templates = rng.choice(IDS)
        value = gen(rng)
        pre, post = rng.choice(templates).split("{}")
        d.lit(pre)
        d.val(ty, value)
        d.lit(post)
        d.nl()
        if ty != "mac_address":
            # The hard negative: the same shape, failing its check (or, for
            # types without a check character, its structure).
            bad = NEGATIVES.get(ty, break_alnum)(value, rng)
            pre, post = rng.choice(templates).split("{}")
            d.lit(pre + bad + post)
            d.nl()
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--records", type=int, default=3000)
    args = ap.parse_args()
    v = Values(args.seed)
    for name, build in [("support", support), ("intl", intl), ("secrets", secrets), ("ids", ids)]:
        doc = build(v, args.records)
        doc.write(os.path.join(args.out, name))
        print(f"{name}: {len(doc.lines)} lines, {len(doc.labels)} labels")


if __name__ == "__main__":
    main()
