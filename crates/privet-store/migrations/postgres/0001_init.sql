-- privet schema v1 (PostgreSQL). Tables named keystore_* hold key material and the erasure ledger;
-- data backups never include them.
CREATE TABLE subjects (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE fields (
    subject_id TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    record_id BYTEA NOT NULL,
    sealed BYTEA NOT NULL,
    lookup BYTEA,
    collected_at BIGINT,
    source TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (subject_id, name)
);
CREATE INDEX fields_lookup ON fields (lookup) WHERE lookup IS NOT NULL;
CREATE TABLE tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id TEXT,
    sealed BYTEA NOT NULL,
    value_digest BYTEA,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tokens_digest ON tokens (value_digest) WHERE value_digest IS NOT NULL;
CREATE INDEX tokens_subject ON tokens (subject_id) WHERE subject_id IS NOT NULL;
CREATE TABLE consent_state (
    subject_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted BIGINT NOT NULL,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    notice_version TEXT,
    PRIMARY KEY (subject_id, purpose)
);
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    purpose TEXT,
    subject_id TEXT,
    categories TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    prev BYTEA NOT NULL,
    hash BYTEA NOT NULL
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    mac BYTEA NOT NULL
);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hash BYTEA NOT NULL,
    role TEXT NOT NULL,
    label TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE purge_queue (
    subject_id TEXT PRIMARY KEY,
    queued_at BIGINT NOT NULL
);
CREATE TABLE keystore_deks (
    subject_id TEXT PRIMARY KEY,
    kek_version BIGINT NOT NULL,
    wrapped BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX keystore_deks_version ON keystore_deks (kek_version);
CREATE TABLE keystore_secrets (
    name TEXT PRIMARY KEY,
    kek_version BIGINT NOT NULL,
    wrapped BYTEA NOT NULL
);
CREATE TABLE keystore_erasures (
    subject_id TEXT PRIMARY KEY,
    erased_at BIGINT NOT NULL
);
