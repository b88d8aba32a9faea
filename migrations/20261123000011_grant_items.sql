-- K9 equipment grants record the items asked for (e.g. a vest, a heat alarm):
-- required for a K9 equipment application, empty for every other kind.

alter table grant_applications
    add column items_requested text not null default '' check (length(items_requested) <= 1000);

-- K9 applications received before this column existed never named their items;
-- say so plainly rather than leave them empty, so the rule below holds for every row.
update grant_applications
set items_requested = 'Not recorded: applied before the form asked for the items.'
where kind = 'k9_equipment';

alter table grant_applications
    add constraint grant_applications_items_for_k9_only
    check ((kind = 'k9_equipment') = (items_requested <> ''));
