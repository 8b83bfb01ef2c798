-- The toll-fraud guard's settings: one row, FreePBX's Intrusion Detection
-- defaults (10 failures within 600 s block the address for 1800 s).
CREATE TABLE sip_security (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL DEFAULT 1,
    max_retry  INTEGER NOT NULL,
    find_time  INTEGER NOT NULL,
    ban_time   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sip_security (id, max_retry, find_time, ban_time) VALUES (1, 10, 600, 1800);
