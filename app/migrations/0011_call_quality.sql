-- Each anchored call's audio figures at its end (per leg packets, bytes,
-- loss, jitter, MOS, and the one-way flag), as JSON; NULL for a call with
-- direct media, one never answered, or one logged before they existed.
ALTER TABLE call_log ADD COLUMN quality TEXT;
