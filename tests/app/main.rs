//! The integration tests: the real router against a real PostgreSQL, each test in
//! a fresh database of its own (`#[sqlx::test]`), checked the way a user or an
//! attacker would see it: status, redirect, page text, rows in the tables.

mod helpers;
// Shared with the operations tests, which use parts these do not.
#[allow(dead_code)]
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;

mod access;
mod accounts_admin;
mod api;
mod attack;
mod audit;
mod campaigns;
mod dates;
mod demo;
mod deploy;
mod desk;
mod digest;
mod exports;
mod family_notice;
mod flags;
mod flags_batch;
mod flags_pages;
mod french;
mod french_pages;
mod grants;
mod grants_decisions;
mod grants_export;
mod grants_k9;
mod grants_kinds;
mod grants_money;
mod grants_privacy;
mod grants_reauth;
mod grants_settings;
mod grants_totals;
mod grants_unpaid;
mod hero_records;
mod heroes;
mod home;
mod honor_roll;
mod import;
mod import_jobs;
mod ledger;
mod links;
mod live_roll;
mod lockout;
mod messages;
mod messages_forgot;
mod messages_grants;
mod miles;
mod operations;
mod page_cache;
mod photos;
mod privacy;
mod proposals;
mod rate_limit;
mod reflections;
mod run_times;
mod search;
mod second_factor;
mod security;
mod sharing;
mod sign_in;
mod site_pages;
