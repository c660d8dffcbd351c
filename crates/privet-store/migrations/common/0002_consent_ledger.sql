-- The consent ledger: every grant and withdrawal, appended and never changed. consent_state stays
-- as the current state per subject and purpose, written in the same statement group. The ledger
-- outlives an erasure (decision 0005): it holds no personal value, and it is the proof of consent.
CREATE TABLE consent_ledger (
    subject_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    granted BIGINT NOT NULL,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    notice_version TEXT,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (subject_id, n)
);
-- Consents recorded before the ledger become its first entries. Their channel was free text then;
-- it is kept in recorded_by, and the entry's source says it was carried over.
INSERT INTO consent_ledger (subject_id, n, purpose, granted, at, source, notice_version, recorded_by)
SELECT subject_id, ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY at, purpose), purpose,
       granted, at, 'import', notice_version, 'before the ledger, source: ' || source
FROM consent_state;
