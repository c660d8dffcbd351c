"""A seeded, synthetic corpus: lines of support tickets, chats and logs mixing every type privet
detects with non-ASCII text, and table rows for the Arrow, Parquet and Spark tests. All values are
made up (card numbers are test ranges with a valid Luhn digit, SSNs follow the SSA rules)."""

import random

FIRST = ["Ana", "José", "Zoë", "Łukasz", "Søren", "Mei", "Ngozi", "François", "Jürgen", "Aiyana"]
LAST = ["Silva", "Álvarez", "Weiß", "Żółć", "Brønd", "Tanaka", "Okafor", "Lefèvre", "Müller", "Begay"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "exemple.fr"]
IBANS = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606"]
PHONES = ["+44 20 7946 0958", "+1 (415) 555-2671", "+49 30 901820", "(202) 456-1111", "+33 1 42 68 53 00"]
STREETS = ["Main Street", "Oak Avenue", "Elm Road", "Maple Drive", "Sunset Boulevard"]
FILLER = [
    "Grüße aus Köln —",
    "naïve café ☕",
    "数据 保护",
    "émoji 🙂 ok",
    "order #A-1942 shipped",
    "build 1.2.3.4 deployed",
    "ticket 4412 closed",
    "ναι, ευχαριστώ",
]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    number = luhn_complete(rng.choice(["4111", "5500", "3400", "6011"]), 16, rng)
    if rng.random() < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def email(rng: random.Random) -> str:
    return f"{rng.choice(FIRST).lower()}.{rng.randrange(100)}@{rng.choice(DOMAINS)}"


def line(rng: random.Random) -> str:
    parts = [rng.choice(FILLER)]
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(12)
        if kind == 0:
            parts.append(f"contact {email(rng)} today")
        elif kind == 1:
            parts.append(f"card {card(rng)} was declined")
        elif kind == 2:
            parts.append(f"SSN: {ssn(rng)}")
        elif kind == 3:
            parts.append(f"IBAN {rng.choice(IBANS)}")
        elif kind == 4:
            parts.append(f"call me on {rng.choice(PHONES)}")
        elif kind == 5:
            parts.append(f"from 192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}")
        elif kind == 6:
            parts.append(f"see https://www.example.com/u/{rng.randrange(10**6)}")
        elif kind == 7:
            parts.append(f"born on {rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/19{rng.randrange(40, 99)}")
        elif kind == 8:
            parts.append(f"Customer {person(rng)} wrote:")
        elif kind == 9:
            parts.append(f"ship to {rng.randrange(1, 9999)} {rng.choice(STREETS)}, Springfield")
        elif kind == 10:
            parts.append(f"api_key=sk_live_{rng.randrange(16**24):024x}")
        else:
            parts.append(f"order {rng.randrange(10**8, 10**9)} ok")
        parts.append(rng.choice(FILLER))
    return " ".join(parts)


def text(lines: int, seed: int = 14) -> str:
    rng = random.Random(seed)
    return "".join(line(rng) + "\n" for _ in range(lines))


def rows(n: int, seed: int = 14, start_id: int = 0) -> dict:
    """Customer rows: id, name, email, phone, card, ssn, order_ref and lookup (16-digit ids, one
    in ten Luhn-valid: not card columns, the first by its header, the second by its share of
    matches), notes (free text)."""
    rng = random.Random(seed)
    out = {k: [] for k in ["id", "name", "email", "phone", "card", "ssn", "order_ref", "lookup", "notes"]}
    for i in range(n):
        out["id"].append(start_id + i)
        out["name"].append(person(rng))
        out["email"].append(email(rng) if rng.random() < 0.95 else None)
        out["phone"].append(rng.choice(PHONES))
        out["card"].append(card(rng))
        out["ssn"].append(ssn(rng))
        out["order_ref"].append(luhn_complete("9", 16, rng) if i % 10 == 0 else str(rng.randrange(10**15, 10**16)))
        out["lookup"].append(luhn_complete("8", 16, rng) if i % 10 == 5 else str(rng.randrange(10**15, 10**16)))
        out["notes"].append(line(rng))
    return out
