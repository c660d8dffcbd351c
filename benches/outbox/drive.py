"""Stores N subjects with three categories each, erases them all, and times the outbox until it
is empty: prints erasures/s and deliveries/s."""
import http.client
import json
import sys
import threading
import time

port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
auth = {"Authorization": f"Bearer {key}", "content-type": "application/json"}


def call(conn, method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=auth)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: HTTP {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


conn = http.client.HTTPConnection("127.0.0.1", port)
for start in range(0, n, 500):
    items = [
        {"subject": f"bench-{i}", "fields": [
            {"name": "email", "category": "contact.email", "value": f"u{i}@example.com"},
            {"name": "card", "category": "financial.card_number", "value": "4111111111111111"},
            {"name": "ip", "category": "online.ip_address", "value": "192.0.2.7"},
        ]}
        for i in range(start, min(n, start + 500))
    ]
    call(conn, "POST", "/v1/subjects/batch", {"items": items})

threads = 8
t0 = time.monotonic()


def erase(k):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(k, n, threads):
        call(c, "DELETE", f"/v1/subjects/bench-{i}")


ts = [threading.Thread(target=erase, args=(k,)) for k in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
t_erased = time.monotonic()
while True:
    # A fresh connection: the server closes keep-alive connections left idle.
    poll = http.client.HTTPConnection("127.0.0.1", port)
    left = call(poll, "GET", "/v1/deliveries?status=pending&limit=1")["deliveries"]
    poll.close()
    if not left:
        break
    time.sleep(0.2)
t_empty = time.monotonic()
delivered = n * 3
print(json.dumps({
    "subjects": n,
    "vendors": 3,
    "erase_seconds": round(t_erased - t0, 2),
    "erasures_per_second": round(n / (t_erased - t0), 1),
    "seconds_until_outbox_empty": round(t_empty - t0, 2),
    "deliveries_per_second": round(delivered / (t_empty - t0), 1),
}))
