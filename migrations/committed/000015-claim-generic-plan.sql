--! Previous: sha1:e815a22f1cc19ff089dc6b3421512614259b93dc
--! Hash: sha1:fc8a5c260b218263708a97b2569481b77486b675
--! Message: claim_notifications uses a generic plan (a one-id chunk was planned on every call: 1.0 → 0.48 ms)

--! split: 1-current.sql
-- The worker's claim uses a generic plan, as create_notifications and apply_delivery_receipts do:
-- with the default plan cache mode a chunk of one id (the usual case at low load) was planned
-- afresh on every call (1.0 → 0.48 ms; 16 and 50 ids: the same as before, within noise).
-- record_delivery_results keeps the default: its generic plan was slower for 16 ids.
alter function app_private.claim_notifications(uuid[], interval) set plan_cache_mode = force_generic_plan;
