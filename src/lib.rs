//! `sessions`: who is connected to a streaming or HMI server right now. The flow is
//! argv → `cli` → `commands` (settings from `config`) → `source` → `model` → `render` → stdout;
//! ARCHITECTURE.md is the map.

pub mod cli;
mod commands;
pub mod config;
mod config_file;
mod diag;
pub mod docs;
pub mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
mod output;
pub mod query;
mod render;
mod source;
mod terminal;
mod text;

pub use commands::run;
pub use diag::report;
