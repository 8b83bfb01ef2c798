-- The SIP bind (chan_sip's udpbindaddr) as a stored setting, read when the SIP
-- listener starts; `--sip` still overrides it.
ALTER TABLE sip_nat ADD COLUMN bind_address TEXT NOT NULL DEFAULT '0.0.0.0:5060';
