-- Where each user's SIP line is registered: the registrar's bindings,
-- kept so phones stay reachable across a restart of the server.
CREATE TABLE line_bindings (
    line_username TEXT NOT NULL COLLATE NOCASE,
    contact       TEXT NOT NULL,
    -- Unix seconds; a lapsed binding is dropped when read back.
    expires_at    INTEGER NOT NULL,
    call_id       TEXT NOT NULL,
    cseq          INTEGER NOT NULL,
    user_agent    TEXT NOT NULL,
    -- ip:port the REGISTER came from, and udp or tcp.
    source        TEXT NOT NULL,
    transport     TEXT NOT NULL,
    PRIMARY KEY (line_username, contact)
);
