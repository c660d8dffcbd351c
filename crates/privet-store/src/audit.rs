//! The hash-chained audit log: entry encoding, chaining and verification.
//!
//! Each entry's hash is an HMAC-SHA256, under the audit key, of the previous entry's hash and the
//! entry's canonical encoding, so an entry cannot be edited, inserted or moved without the key. The
//! head row (last sequence number and hash) carries its own MAC, so cutting entries off the end
//! shows up as a head that points past the last entry.

use jiff::Timestamp;
use privet_crypto::{SecretKey, ct_eq, mac};
use privet_types::{AuditAction, AuditDecision};

/// What an action records: who, why, about whom, which categories, and the decision. Never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    /// When it happened (stored, and hashed, as milliseconds since the epoch).
    pub at: Timestamp,
    /// Who acted: an API key id, `cli`, `system`.
    pub actor: String,
    /// What happened.
    pub action: AuditAction,
    /// The purpose named by the request, if any.
    pub purpose: Option<String>,
    /// The subject concerned, if any.
    pub subject: Option<String>,
    /// Data categories touched.
    pub categories: Vec<String>,
    /// What was decided.
    pub decision: AuditDecision,
    /// Why (a deny reason code, an error kind), if any.
    pub reason: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The recorded action.
    pub draft: AuditDraft,
    /// Hash of the previous entry (zeros for the first).
    pub prev: Vec<u8>,
    /// This entry's hash.
    pub hash: Vec<u8>,
}

/// Head of the chain before any entry.
pub const GENESIS: [u8; 32] = [0; 32];

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            put(out, v.as_bytes());
        }
    }
}

/// The canonical, unambiguous byte encoding of an entry (length-prefixed fields).
pub fn encode(seq: i64, draft: &AuditDraft) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&draft.at.as_millisecond().to_be_bytes());
    put(&mut out, draft.actor.as_bytes());
    put(&mut out, draft.action.as_str().as_bytes());
    put_opt(&mut out, draft.purpose.as_deref());
    put_opt(&mut out, draft.subject.as_deref());
    out.extend_from_slice(&(draft.categories.len() as u64).to_be_bytes());
    for c in &draft.categories {
        put(&mut out, c.as_bytes());
    }
    put(&mut out, draft.decision.as_str().as_bytes());
    put_opt(&mut out, draft.reason.as_deref());
    out
}

/// The hash of an entry given its predecessor's.
pub fn chain_hash(key: &SecretKey, prev: &[u8], seq: i64, draft: &AuditDraft) -> [u8; 32] {
    let mut data = Vec::with_capacity(160);
    put(&mut data, prev);
    data.extend_from_slice(&encode(seq, draft));
    mac(key, b"privet audit entry v1", &data)
}

/// The MAC of the head row.
pub fn head_mac(key: &SecretKey, seq: i64, hash: &[u8]) -> [u8; 32] {
    let mut data = seq.to_be_bytes().to_vec();
    data.extend_from_slice(hash);
    mac(key, b"privet audit head v1", &data)
}

/// Sets the head row to the empty chain under `key` (creating it if absent).
pub(crate) async fn write_genesis_head(
    conn: &mut sqlx::AnyConnection,
    key: &SecretKey,
) -> crate::Result<()> {
    sqlx::query(
        "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, 0, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
    )
    .bind(GENESIS.to_vec())
    .bind(head_mac(key, 0, &GENESIS).to_vec())
    .execute(conn)
    .await
    .map_err(crate::StoreError::db("initialising the audit head", "audit head"))?;
    Ok(())
}

/// Reads the head row and the newest entry and checks them with [`check_tail`]; returns the
/// head's sequence number and hash, ready to be extended.
pub(crate) async fn read_checked_head(
    conn: &mut sqlx::AnyConnection,
    key: &SecretKey,
    lock: bool,
) -> crate::Result<(i64, Vec<u8>)> {
    use crate::StoreError;
    // Several nodes may append to one chain: on PostgreSQL the row lock orders their batches.
    let sql = if lock {
        "SELECT seq, hash, mac FROM audit_head WHERE id = 1 FOR UPDATE"
    } else {
        "SELECT seq, hash, mac FROM audit_head WHERE id = 1"
    };
    let head: Option<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(sql)
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::db("reading the audit head", "audit head"))?;
    let Some((seq, hash, mac_bytes)) = head else {
        return Err(StoreError::AuditBroken(ChainBreak::NoHead));
    };
    let last: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .map_err(StoreError::db(
                "reading the newest audit entry",
                "audit entry",
            ))?;
    check_tail(
        key,
        seq,
        &hash,
        &mac_bytes,
        last.as_ref().map(|(s, h)| (*s, h.as_slice())),
    )
    .map_err(StoreError::AuditBroken)?;
    Ok((seq, hash))
}

/// Categories are stored as one comma-joined column; category names never contain commas.
pub(crate) fn join_categories(categories: &[String]) -> String {
    categories.join(",")
}

pub(crate) fn split_categories(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        Vec::new()
    } else {
        joined.split(',').map(str::to_owned).collect()
    }
}

/// The first problem `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// An entry's contents do not match its hash.
    Altered {
        /// The entry.
        seq: i64,
    },
    /// Entries are missing before `seq` (the chain jumps from `expected` to `seq`).
    Missing {
        /// The first missing sequence number.
        expected: i64,
        /// The entry found instead.
        seq: i64,
    },
    /// An entry does not link to its predecessor: something was inserted, moved or replaced.
    BrokenLink {
        /// The entry.
        seq: i64,
    },
    /// The head row says the chain is longer than it is: entries were cut off the end.
    Truncated {
        /// The last entry present.
        last: i64,
        /// The last entry the head recorded.
        head: i64,
    },
    /// The head row itself was altered, or entries were appended after it without the key.
    BadHead {
        /// Sequence number the head row claims.
        head: i64,
    },
    /// The head row is gone: the log was wiped. A store's head is created with its audit secret,
    /// so an empty log still has one.
    NoHead,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => {
                write!(f, "entry {seq}: contents altered (hash mismatch)")
            }
            ChainBreak::Missing { expected, seq } => {
                write!(
                    f,
                    "entry {expected}: missing (deleted); the chain jumps to entry {seq}"
                )
            }
            ChainBreak::BrokenLink { seq } => write!(
                f,
                "entry {seq}: does not link to the entry before it (inserted, reordered or replaced)"
            ),
            ChainBreak::Truncated { last, head } => write!(
                f,
                "entry {}: missing; the log ends at entry {last} but recorded {head} entries (truncated)",
                last + 1
            ),
            ChainBreak::BadHead { head } => {
                write!(
                    f,
                    "head record (entry {head}): altered or not matching the last entry"
                )
            }
            ChainBreak::NoHead => write!(
                f,
                "head record: missing; the log was wiped (a store's head is created with it)"
            ),
        }
    }
}

/// Incremental verifier: feed entries in sequence order, then the head.
pub struct Verifier<'k> {
    key: &'k SecretKey,
    expected: i64,
    prev: Vec<u8>,
    last: i64,
}

impl<'k> Verifier<'k> {
    /// A verifier for a chain under `key`.
    pub fn new(key: &'k SecretKey) -> Self {
        Verifier {
            key,
            expected: 1,
            prev: GENESIS.to_vec(),
            last: 0,
        }
    }

    /// Checks the next entry.
    pub fn entry(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq != self.expected {
            if entry.seq > self.expected {
                return Err(ChainBreak::Missing {
                    expected: self.expected,
                    seq: entry.seq,
                });
            }
            return Err(ChainBreak::BrokenLink { seq: entry.seq });
        }
        let computed = chain_hash(self.key, &entry.prev, entry.seq, &entry.draft);
        if !ct_eq(&computed, &entry.hash) {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        if !ct_eq(&entry.prev, &self.prev) {
            return Err(ChainBreak::BrokenLink { seq: entry.seq });
        }
        self.prev = entry.hash.clone();
        self.last = entry.seq;
        self.expected += 1;
        Ok(())
    }

    /// Checks the head row against the entries seen; returns how many entries were verified.
    pub fn finish(
        self,
        head_seq: i64,
        head_hash: &[u8],
        mac_bytes: &[u8],
    ) -> Result<i64, ChainBreak> {
        if !ct_eq(&head_mac(self.key, head_seq, head_hash), mac_bytes) {
            return Err(ChainBreak::BadHead { head: head_seq });
        }
        if head_seq > self.last {
            return Err(ChainBreak::Truncated {
                last: self.last,
                head: head_seq,
            });
        }
        if head_seq < self.last || !ct_eq(head_hash, &self.prev) {
            return Err(ChainBreak::BadHead { head: head_seq });
        }
        Ok(self.last)
    }
}

/// Checks, before the chain is extended, that the head row is authentic and that the newest
/// entry is the one it names: `last` is the entry with the highest sequence number, if any. A
/// writer that extended a chain without this check would put a fresh MAC over a cut tail and
/// launder it.
pub fn check_tail(
    key: &SecretKey,
    head_seq: i64,
    head_hash: &[u8],
    head_mac_bytes: &[u8],
    last: Option<(i64, &[u8])>,
) -> Result<(), ChainBreak> {
    if !ct_eq(&head_mac(key, head_seq, head_hash), head_mac_bytes) {
        return Err(ChainBreak::BadHead { head: head_seq });
    }
    match last {
        None if head_seq == 0 && ct_eq(head_hash, &GENESIS) => Ok(()),
        None if head_seq == 0 => Err(ChainBreak::BadHead { head: head_seq }),
        None => Err(ChainBreak::Truncated {
            last: 0,
            head: head_seq,
        }),
        Some((seq, _)) if seq < head_seq => Err(ChainBreak::Truncated {
            last: seq,
            head: head_seq,
        }),
        Some((seq, hash)) if seq == head_seq && ct_eq(hash, head_hash) => Ok(()),
        Some(_) => Err(ChainBreak::BadHead { head: head_seq }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(n: i64) -> AuditDraft {
        AuditDraft {
            at: Timestamp::from_millisecond(1_700_000_000_000 + n).unwrap(),
            actor: "k1".into(),
            action: AuditAction::SubjectRead,
            purpose: Some("support".into()),
            subject: Some(format!("s{n}")),
            categories: vec!["contact.email".into()],
            decision: AuditDecision::Allow,
            reason: None,
        }
    }

    fn chain(key: &SecretKey, n: i64) -> (Vec<AuditEntry>, Vec<u8>) {
        let mut prev = GENESIS.to_vec();
        let mut out = Vec::new();
        for seq in 1..=n {
            let d = draft(seq);
            let hash = chain_hash(key, &prev, seq, &d).to_vec();
            out.push(AuditEntry {
                seq,
                draft: d,
                prev: prev.clone(),
                hash: hash.clone(),
            });
            prev = hash;
        }
        (out, prev)
    }

    fn verify(
        key: &SecretKey,
        entries: &[AuditEntry],
        head: (i64, &[u8]),
    ) -> Result<i64, ChainBreak> {
        let mut v = Verifier::new(key);
        for e in entries {
            v.entry(e)?;
        }
        v.finish(head.0, head.1, &head_mac(key, head.0, head.1))
    }

    #[test]
    fn whole_chain_verifies_and_each_tampering_is_named() {
        let key = SecretKey::from_bytes([7; 32]);
        let (entries, last) = chain(&key, 5);
        assert_eq!(verify(&key, &entries, (5, &last)), Ok(5));

        let mut edited = entries.clone();
        edited[2].draft.decision = AuditDecision::Deny;
        assert_eq!(
            verify(&key, &edited, (5, &last)),
            Err(ChainBreak::Altered { seq: 3 })
        );

        let mut deleted = entries.clone();
        deleted.remove(1);
        assert_eq!(
            verify(&key, &deleted, (5, &last)),
            Err(ChainBreak::Missing {
                expected: 2,
                seq: 3
            })
        );

        let mut swapped = entries.clone();
        swapped.swap(1, 2);
        swapped[1].seq = 2;
        swapped[2].seq = 3;
        assert!(matches!(
            verify(&key, &swapped, (5, &last)),
            Err(ChainBreak::Altered { seq: 2 })
        ));

        let truncated = &entries[..3];
        assert_eq!(
            verify(&key, truncated, (5, &last)),
            Err(ChainBreak::Truncated { last: 3, head: 5 })
        );

        let other = SecretKey::from_bytes([8; 32]);
        assert!(verify(&other, &entries, (5, &last)).is_err());
    }

    #[test]
    fn the_tail_check_refuses_every_head_that_does_not_name_the_last_entry() {
        let key = SecretKey::from_bytes([7; 32]);
        let (entries, last) = chain(&key, 5);
        let mac5 = head_mac(&key, 5, &last);
        let e3 = (3, entries[2].hash.as_slice());
        let e5 = (5, last.as_slice());
        let genesis_mac = head_mac(&key, 0, &GENESIS);
        let mac3 = head_mac(&key, 3, &entries[2].hash);
        type Case<'a> = (
            &'a str,
            i64,
            &'a [u8],
            &'a [u8],
            Option<(i64, &'a [u8])>,
            Result<(), ChainBreak>,
        );
        let cases: Vec<Case<'_>> = vec![
            ("whole", 5, &last, &mac5, Some(e5), Ok(())),
            ("empty", 0, &GENESIS, &genesis_mac, None, Ok(())),
            (
                "tail cut, head kept",
                5,
                &last,
                &mac5,
                Some(e3),
                Err(ChainBreak::Truncated { last: 3, head: 5 }),
            ),
            (
                "all cut, head kept",
                5,
                &last,
                &mac5,
                None,
                Err(ChainBreak::Truncated { last: 0, head: 5 }),
            ),
            (
                "head moved back, MAC zeroed",
                3,
                &entries[2].hash,
                &[0; 32],
                Some(e3),
                Err(ChainBreak::BadHead { head: 3 }),
            ),
            (
                "head moved back, entries after it",
                3,
                &entries[2].hash,
                &mac3,
                Some(e5),
                Err(ChainBreak::BadHead { head: 3 }),
            ),
            (
                "head at genesis, entries kept",
                0,
                &GENESIS,
                &genesis_mac,
                Some(e5),
                Err(ChainBreak::BadHead { head: 0 }),
            ),
            (
                "hash swapped",
                5,
                &entries[2].hash,
                &mac5,
                Some(e5),
                Err(ChainBreak::BadHead { head: 5 }),
            ),
        ];
        for (name, seq, hash, mac_bytes, tail, want) in cases {
            assert_eq!(check_tail(&key, seq, hash, mac_bytes, tail), want, "{name}");
        }
    }

    #[test]
    fn encoding_is_unambiguous() {
        let mut a = draft(1);
        let mut b = draft(1);
        a.actor = "ab".into();
        a.purpose = Some("c".into());
        b.actor = "a".into();
        b.purpose = Some("bc".into());
        assert_ne!(encode(1, &a), encode(1, &b));
    }
}
