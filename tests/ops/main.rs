//! Operations, tested on the real binary started as child processes: several
//! instances on one database, PostgreSQL restarting under load (in a private
//! cluster), SIGKILL and SIGTERM, hostile input, limits under parallel requests,
//! downloads held by slow readers, and backup and restore.

mod support;

mod backup;
mod deploy;
mod exports;
mod faults;
mod input;
mod instances;
mod limits;
mod searches;
