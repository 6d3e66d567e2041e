-- Letters held in a zip between its upload and the record of the printer's answer (collate-letters).
create table if not exists app_private.letter_collations (
  name text primary key,
  print_date date not null,
  status text not null default 'uploading' check (status in ('uploading', 'uploaded', 'recorded', 'refused')),
  letter_ids uuid[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists letter_collations_open on app_private.letter_collations (print_date)
  where status in ('uploading', 'uploaded');
comment on table app_private.letter_collations is
  'Zips of letters for the printer: opened (uploading) before the upload, uploaded once the printer has it, recorded (letters sending) or refused (letters technical-failure). Letters of an open one are collated by no other zip.';

--! include letters/begin_collation.sql
--! include letters/record_collation.sql
--! include letters/open_collation_letters.sql
--! include letters/letters_to_collate.sql
--! include notifications/send_limit_reached.sql
