-- The call log: one row per call, written when it ends.
CREATE TABLE call_log (
    id          INTEGER PRIMARY KEY,
    -- Unix seconds.
    started_at  INTEGER NOT NULL,
    answered_at INTEGER,
    ended_at    INTEGER NOT NULL,
    caller      TEXT NOT NULL,
    callee      TEXT NOT NULL,
    dialed      TEXT NOT NULL,
    -- The trunk that carried it, for outgoing calls.
    trunk       TEXT,
    -- Normal, Busy, NoAnswer, Cancelled, Congestion, NoAck.
    cause       TEXT NOT NULL,
    -- caller or callee: who hung up; NULL when the PBX ended it.
    side        TEXT,
    -- The status the caller got when the call was not answered.
    status      INTEGER,
    -- Each trunk or contact tried, with its result, as JSON.
    attempts    TEXT NOT NULL
);
CREATE INDEX call_log_by_start ON call_log(started_at);
