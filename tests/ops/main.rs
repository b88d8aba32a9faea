//! Operations, tested on the real binary started as child processes: several
//! instances on one database, PostgreSQL restarting under load (in a private
//! cluster), SIGKILL and SIGTERM, hostile input, limits under parallel requests,
//! downloads held by slow readers, backup and restore, a read replica, the
//! honor roll in memory on two instances, and mail sent through the outbox
//! while servers and the mail server fail.

// Shared with the application tests, which use parts these do not.
#[allow(dead_code)]
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;
mod support;

mod backup;
mod deploy;
mod exports;
mod faults;
mod imports;
mod input;
mod instances;
mod limits;
mod live_roll;
mod mail;
mod replica;
mod searches;
