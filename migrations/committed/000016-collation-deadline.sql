--! Previous: sha1:fc8a5c260b218263708a97b2569481b77486b675
--! Hash: sha1:c1f45416dd8203757941d4f3f7c993998a6d55ac
--! Message: collation_deadline derived from letter_print_date (the 17:30 cut-off stated once)

--! split: 1-current.sql
-- The 17:30 London cut-off is stated once, in app_hidden.letter_print_date: the print run's
-- deadline at `at` is 17:30 London of the day before `at`'s print date (it had its own copy of
-- the rule: "today's 17:30, or yesterday's before 17:30" is the same instant).
create or replace function app_hidden.collation_deadline(at timestamptz default now()) returns timestamptz
language sql stable
set search_path = pg_catalog, public, pg_temp
as $$
  select ((app_hidden.letter_print_date(at) - 1) + time '17:30') at time zone 'Europe/London'
$$;
