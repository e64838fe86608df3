-- The journal is append-only: corrections are new entries, never edits.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
  SELECT RAISE(ABORT, 'ledger_entries is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE ON ledger_transfers
BEGIN
  SELECT RAISE(ABORT, 'ledger_transfers is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_delete BEFORE DELETE ON ledger_transfers
BEGIN
  SELECT RAISE(ABORT, 'ledger_transfers is append-only');
END;
--> statement-breakpoint
-- A new venue starts with a euro-backed asset EUR (kind "local" until it joins a federation)
-- and an unbacked gift asset GIFT, spent first.
INSERT INTO assets (code, kind, name, scale, backed, refundable, spend_priority, accepted_points_of_sale, transferable, active, created_at_ms, updated_at_ms)
VALUES ('EUR', 'local', 'Euro', 2, 1, 1, 10, '[]', 0, 1, 0, 0),
       ('GIFT', 'gift', 'Cadeau', 2, 0, 0, 0, '[]', 0, 1, 0, 0);
--> statement-breakpoint
INSERT INTO wallet_settings (id, card_balance_cap, topup_cap, register_on_first_topup) VALUES (1, NULL, NULL, 1);
