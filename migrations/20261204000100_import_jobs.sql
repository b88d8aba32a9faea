-- The CSV import as background work any instance may take: pressing Import
-- marks it running with no lease; a worker claims it (`FOR UPDATE SKIP
-- LOCKED`), holding a lease it renews while it works. A lease that ran out
-- means its server stopped: another worker claims it again and runs it from the
-- start (the import is one transaction, so a stopped run imported nothing),
-- until `attempts` reaches the limit and the import is marked failed.
alter table hero_imports
    add column started_by uuid references users (id),
    add column started_at timestamptz,
    add column attempts integer not null default 0 check (attempts >= 0),
    add column lease_until timestamptz;

-- Imports started before this change were started by the person who uploaded
-- them; one left "running" by a stopped server has no lease, so it is resumed.
update hero_imports set started_by = created_by, started_at = created_at where state <> 'previewed';

create index hero_imports_running on hero_imports (lease_until) where state = 'running';
