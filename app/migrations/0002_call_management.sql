-- Call management: context ranges and includes, users with their SIP
-- lines, outgoing calls with their trunks, incoming calls.

-- Ranges, DID length, number lengths and includes as the model's JSON;
-- `version` for the concurrency rule every screen follows.
ALTER TABLE contexts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contexts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

UPDATE contexts
   SET settings = '{"user_ranges":[{"first":"1000","last":"1999"}],"includes":["to-extern"]}'
 WHERE name = 'default';

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    version       INTEGER NOT NULL DEFAULT 1,
    context       TEXT NOT NULL REFERENCES contexts(name),
    exten         TEXT NOT NULL,
    -- What the phone registers and authenticates as; unique everywhere.
    line_username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- The line password in clear: digest checks need it (as chan_sip's
    -- secret=). It never leaves the server.
    line_secret   TEXT NOT NULL,
    -- The validated `User` as JSON.
    settings      TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (context, exten)
);

CREATE TABLE outcalls (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    context    TEXT NOT NULL REFERENCES contexts(name),
    -- The validated `Outcall` as JSON (patterns, ring time, flags).
    settings   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The trunks of an outgoing call, in order. A trunk in use cannot be
-- deleted: the service says who uses it, the foreign key is the backstop.
CREATE TABLE outcall_trunks (
    outcall_id INTEGER NOT NULL REFERENCES outcalls(id) ON DELETE CASCADE,
    trunk_id   INTEGER NOT NULL REFERENCES trunks(id) ON DELETE RESTRICT,
    position   INTEGER NOT NULL,
    PRIMARY KEY (outcall_id, trunk_id)
);
CREATE INDEX outcall_trunks_by_trunk ON outcall_trunks(trunk_id);

CREATE TABLE incalls (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 1,
    context    TEXT NOT NULL REFERENCES contexts(name),
    did        TEXT NOT NULL,
    -- The destination user, when there is one; a user who is the
    -- destination of an incoming call cannot be deleted.
    user_id    INTEGER REFERENCES users(id) ON DELETE RESTRICT,
    settings   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (context, did)
);
CREATE INDEX incalls_by_user ON incalls(user_id);
