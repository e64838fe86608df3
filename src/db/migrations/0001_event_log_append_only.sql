-- The technical event log is append-only: corrections are new records, never edits.
CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
BEGIN
  SELECT RAISE(ABORT, 'event_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
BEGIN
  SELECT RAISE(ABORT, 'event_log is append-only');
END;
