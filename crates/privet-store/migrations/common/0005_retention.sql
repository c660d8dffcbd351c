-- Events that anchor retention rules: the last time of each kind per subject.
CREATE TABLE subject_events (
    subject_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (subject_id, kind)
);
-- One receipt per rule per purge run: what went, what a legal hold kept.
CREATE TABLE purge_receipts (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    fields BIGINT NOT NULL,
    subjects_erased BIGINT NOT NULL,
    held BIGINT NOT NULL,
    by_category TEXT NOT NULL
);
CREATE INDEX purge_receipts_started ON purge_receipts (started_at);
-- When each rule's purge last ran, and which node holds the lease to run it now. A node that
-- dies mid-purge leaves a lease that expires; the next run recomputes and finishes the work.
CREATE TABLE purge_schedule (
    rule TEXT PRIMARY KEY,
    last_run BIGINT,
    lease_owner TEXT,
    lease_until BIGINT
);
