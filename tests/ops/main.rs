//! Operations, tested on the real binary started as child processes: several
//! instances on one database, PostgreSQL restarting under load (in a private
//! cluster), SIGKILL and SIGTERM, hostile input, limits under parallel requests,
//! downloads held by slow readers, backup and restore, and a read replica.

mod support;

mod backup;
mod deploy;
mod exports;
mod faults;
mod imports;
mod input;
mod instances;
mod limits;
mod replica;
mod searches;
