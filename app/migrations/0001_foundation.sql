-- The console's foundation: administrators, their sessions and API tokens,
-- dial-plan contexts and SIP trunks.

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    -- PHC string of an argon2id hash; the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Session cookies and bearer tokens are stored as SHA-256 digests, so a
-- copy of the database does not let anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE contexts (
    name  TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('internal', 'incall', 'outcall'))
);

INSERT INTO contexts (name, label, kind) VALUES
    ('default', 'Default', 'internal'),
    ('from-extern', 'Incalls', 'incall'),
    ('to-extern', 'Outcalls', 'outcall');

CREATE TABLE trunks (
    id         INTEGER PRIMARY KEY,
    -- Bumped by every update; an edit must name the version it started from.
    version    INTEGER NOT NULL DEFAULT 1,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    context    TEXT NOT NULL REFERENCES contexts(name),
    -- The validated `Trunk` as JSON; the model owns its shape.
    settings   TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    reg_secret TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
