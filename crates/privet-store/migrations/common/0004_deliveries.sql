-- The erasure outbox: one delivery per vendor that received any category of an erased subject,
-- written in the erasure's own commit and sent by privet serve until the vendor acknowledges.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    request_id TEXT,
    erased_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX deliveries_due ON deliveries (status, next_at);
CREATE INDEX deliveries_request ON deliveries (request_id);
