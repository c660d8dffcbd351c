-- Customers' requests and their deadlines. A request outlives an erasure of its subject: it is
-- the record that the business answered, and it holds no personal value.
CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    regulation TEXT NOT NULL,
    status TEXT NOT NULL,
    verified BIGINT NOT NULL,
    verify_method TEXT,
    verified_by TEXT,
    received_at BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    extensions BIGINT NOT NULL,
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX requests_due ON requests (due_at, id);
CREATE INDEX requests_subject ON requests (subject_id);
CREATE INDEX audit_subject ON audit (subject_id, seq);
-- A subject who restricted processing (GDPR Art. 18): reads for purposes other than a legal
-- obligation are refused while a row is here.
CREATE TABLE restrictions (
    subject_id TEXT PRIMARY KEY,
    request_id TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- Legal holds: while one is active (not lifted, not past its end) the subject cannot be erased.
CREATE TABLE holds (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    until_at BIGINT,
    lifted_at BIGINT,
    lifted_by TEXT
);
CREATE INDEX holds_subject ON holds (subject_id);
