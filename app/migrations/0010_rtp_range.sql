-- The RTP relay's port range (Asterisk's rtp.conf rtpstart/rtpend), with the
-- other General settings -> SIP.
ALTER TABLE sip_nat ADD COLUMN rtp_start INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE sip_nat ADD COLUMN rtp_end INTEGER NOT NULL DEFAULT 20000;
