-- The honor roll sorted by name within a service, a state or province, or
-- honored or not, read in order from an index instead of sorting every match.
create index heroes_roll_service_name_idx on heroes (service, sort_name, id) where confirmed_at is not null;
create index heroes_roll_region_name_idx on heroes (country, region, sort_name, id) where confirmed_at is not null;
create index heroes_roll_honored_name_idx on heroes (honored, sort_name, id) where confirmed_at is not null;
