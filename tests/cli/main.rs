//! The one integration-test binary: the built `sessions` against servers each test starts on
//! 127.0.0.1, with the user's environment cleared. One module per source or concern; `support`
//! holds the servers and the one way to run the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod collect_daemon;
mod columns;
mod contexts;
mod contract;
mod cuts;
mod datarhei;
mod docs;
mod faults;
mod fleet;
mod generated;
mod harness;
mod history;
mod hostile;
mod keys;
mod local;
mod prometheus;
mod sniff;
mod streaming;
mod support;
mod tables;
mod tchmi;
mod top;
mod usage;
