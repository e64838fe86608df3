-- The fiscal journal and what it records (sales, their lines and payments, voids, closures) are
-- append-only: a correction is a new record (a void, a later closure), never an edit.
CREATE TRIGGER fiscal_records_no_update BEFORE UPDATE ON fiscal_records
BEGIN
  SELECT RAISE(ABORT, 'fiscal_records is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER fiscal_records_no_delete BEFORE DELETE ON fiscal_records
BEGIN
  SELECT RAISE(ABORT, 'fiscal_records is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN
  SELECT RAISE(ABORT, 'sales is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN
  SELECT RAISE(ABORT, 'sales is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN
  SELECT RAISE(ABORT, 'sale_lines is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN
  SELECT RAISE(ABORT, 'sale_lines is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_payments_no_update BEFORE UPDATE ON sale_payments
BEGIN
  SELECT RAISE(ABORT, 'sale_payments is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_payments_no_delete BEFORE DELETE ON sale_payments
BEGIN
  SELECT RAISE(ABORT, 'sale_payments is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_voids_no_update BEFORE UPDATE ON sale_voids
BEGIN
  SELECT RAISE(ABORT, 'sale_voids is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER sale_voids_no_delete BEFORE DELETE ON sale_voids
BEGIN
  SELECT RAISE(ABORT, 'sale_voids is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER closures_no_update BEFORE UPDATE ON closures
BEGIN
  SELECT RAISE(ABORT, 'closures is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER closures_no_delete BEFORE DELETE ON closures
BEGIN
  SELECT RAISE(ABORT, 'closures is append-only');
END;
--> statement-breakpoint
-- French VAT rates in basis points (20 %, 10 %, 5.5 %, 2.1 %).
INSERT INTO vat_rates (rate_bp, label, active) VALUES (2000, '20 %', 1), (1000, '10 %', 1), (550, '5,5 %', 1), (210, '2,1 %', 1);
--> statement-breakpoint
INSERT INTO payment_methods (code, name, active, position) VALUES
  ('nfc_card', 'Carte cashless', 1, 0), ('cash', 'Espèces', 1, 1), ('card_terminal', 'Carte bancaire', 1, 2), ('cheque', 'Chèque', 1, 3), ('offered', 'Offert', 1, 4);
--> statement-breakpoint
-- Payments without a point of sale already go to revenue:main in the wallet API: it exists from the start.
INSERT INTO points_of_sale (code, name, kind, active, created_at_ms, updated_at_ms) VALUES ('main', 'Bar', 'bar', 1, 0, 0);
--> statement-breakpoint
INSERT INTO pos_settings (id, business_day_end_minute) VALUES (1, 360);
