//! `sessions`: who is connected to a streaming or HMI server right now. The flow is
//! argv → `cli` → `commands` (each resolves a plan from `config`) → `source` → `model` →
//! `render` → stdout; ARCHITECTURE.md is the map. The binary needs only the parser (`cli`), the
//! generated docs' names (`docs`), `run` and `report`.

pub mod cli;
mod commands;
mod config;
mod config_file;
mod diag;
pub mod docs;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod mask;
mod model;
mod output;
mod query;
mod render;
mod source;
mod terminal;
mod text;

pub use commands::run;
pub use diag::report;
pub use error::Error;
