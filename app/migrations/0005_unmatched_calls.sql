-- Calls from a trunk whose DID matched no incoming call: what arrived,
-- on which trunk, and why it was refused, so the administrator sees it.
CREATE TABLE unmatched_calls (
    id     INTEGER PRIMARY KEY,
    -- Unix seconds.
    at     INTEGER NOT NULL,
    trunk  TEXT NOT NULL,
    did    TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX unmatched_calls_by_time ON unmatched_calls(at);
