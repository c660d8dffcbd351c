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
