//! Test helpers shared by the integration tests: real loopback servers.

pub mod ws;
