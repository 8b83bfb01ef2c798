-- Searching the call log (Status -> Calls, GET /api/v1/calls?search=) for
-- part of a caller, callee, number, trunk or cause. A substring search
-- ('%1000%') cannot use a B-tree index, so without this every search
-- read every row. A trigram index finds the rows holding a piece of
-- text of three characters or more (SQLite 3.34, FTS5; case-insensitive).
-- It keeps no copy of the text (content='call_log'): the triggers below
-- keep it in step with the table.
CREATE VIRTUAL TABLE call_log_search USING fts5(
    caller, callee, dialed, trunk, cause,
    content = 'call_log', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER call_log_search_insert AFTER INSERT ON call_log BEGIN
    INSERT INTO call_log_search (rowid, caller, callee, dialed, trunk, cause)
    VALUES (new.id, new.caller, new.callee, new.dialed, new.trunk, new.cause);
END;

CREATE TRIGGER call_log_search_delete AFTER DELETE ON call_log BEGIN
    INSERT INTO call_log_search (call_log_search, rowid, caller, callee, dialed, trunk, cause)
    VALUES ('delete', old.id, old.caller, old.callee, old.dialed, old.trunk, old.cause);
END;

CREATE TRIGGER call_log_search_update AFTER UPDATE ON call_log BEGIN
    INSERT INTO call_log_search (call_log_search, rowid, caller, callee, dialed, trunk, cause)
    VALUES ('delete', old.id, old.caller, old.callee, old.dialed, old.trunk, old.cause);
    INSERT INTO call_log_search (rowid, caller, callee, dialed, trunk, cause)
    VALUES (new.id, new.caller, new.callee, new.dialed, new.trunk, new.cause);
END;

-- Calls logged before this migration.
INSERT INTO call_log_search (call_log_search) VALUES ('rebuild');
