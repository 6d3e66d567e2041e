-- letters_for_pdf returns key_type too (a new column: not a create-or-replace change).
drop function if exists app_private.letters_for_pdf(uuid[]);
--! include letters/letters_for_pdf.sql
--! include letters/record_letter_pdfs.sql
--! include notifications/normalise_recipient.sql
--! include notifications/create_notifications.sql
