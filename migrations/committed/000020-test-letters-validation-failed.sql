--! Previous: sha1:9a4e774bfb337cb03e75e8fdf2e626a6fb5c99c3
--! Hash: sha1:6fb1445e7d7375ca5fd5c0066aec79f37a6df6ad
--! Message: test letters validation failed

--! split: 1-current.sql
--! Included letters/record_letter_pdfs.sql
-- The outcome of making or scanning a letter's PDF: billable sheets, and for a scanned PDF its new
-- status. A letter that moved on meanwhile (cancelled, collated, …) is left alone. A test-key letter
-- too long to print fails validation as in Notify, whatever its simulated status; its sheets are
-- not recorded (sheets null: Notify bills nothing for test keys).
create or replace function app_private.record_letter_pdfs(results jsonb) returns integer
  language plpgsql volatile security definer
  set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_count integer;
begin
  update app_public.notifications n
  set notification_status = coalesce(r.status, n.notification_status),
      billable_units = coalesce(r.sheets, n.billable_units),
      updated_at = clock_timestamp()
  from jsonb_to_recordset(results) as r(id uuid, status text, sheets integer)
  where n.id = r.id and n.notification_type = 'letter'
    and case coalesce(r.status, '')
          when '' then n.notification_status = 'created'
          when 'created' then n.notification_status = 'pending-virus-check'
          when 'virus-scan-failed' then n.notification_status = 'pending-virus-check'
          when 'validation-failed' then n.notification_status in ('created', 'pending-virus-check')
                                        or n.key_type = 'test'
          else false
        end;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function app_private.record_letter_pdfs(jsonb) is
  'Records made or scanned letter PDFs, a JSON array of {id, sheets, status}: status null = a template letter''s PDF was made (it stays created); created | virus-scan-failed = the scan of a precompiled letter (from pending-virus-check); validation-failed = a PDF too long or unreadable (from created or pending-virus-check; a test-key letter from any status). sheets null leaves billable_units. Returns the rows changed.';
revoke all on function app_private.record_letter_pdfs(jsonb) from public;
--! EndIncluded letters/record_letter_pdfs.sql
