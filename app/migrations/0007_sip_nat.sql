-- SIP behind NAT: one row. No external address until the administrator sets
-- one; the private ranges, loopback and link-local are local (one per line).
CREATE TABLE sip_nat (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    version          INTEGER NOT NULL DEFAULT 1,
    external_address TEXT NOT NULL DEFAULT '',
    local_networks   TEXT NOT NULL,
    updated_at       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sip_nat (id, local_networks) VALUES (1,
    '10.0.0.0/8' || char(10) || '172.16.0.0/12' || char(10) || '192.168.0.0/16' || char(10) ||
    '127.0.0.0/8' || char(10) || '169.254.0.0/16' || char(10) || '::1/128' || char(10) ||
    'fc00::/7' || char(10) || 'fe80::/10');
