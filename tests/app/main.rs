//! The integration tests: the real router against a real PostgreSQL, each test in
//! a fresh database of its own (`#[sqlx::test]`), checked the way a user or an
//! attacker would see it: status, redirect, page text, rows in the tables.

mod helpers;

mod access;
mod accounts_admin;
mod audit;
mod flags;
mod flags_pages;
mod heroes;
mod honor_roll;
mod import;
mod links;
mod miles;
mod operations;
mod photos;
mod privacy;
mod security;
mod sign_in;
