//! `sessions clients`: a TwinCAT HMI Server's connected WebSockets, one row each.

use crate::config::Settings;
use crate::error::Result;
use crate::source::local::LocalOptions;
use crate::source::{Answer, Ask};
use crate::{output, render};

use super::targets::{self, Opening};
use super::{asked_where, nothing_to_show, refuse_prometheus};

pub async fn run(settings: &Settings) -> Result<()> {
    refuse_prometheus(settings.output.format)?;
    let mut gathered = targets::ask_once(settings, &HMI, &Ask::Clients).await?;
    let (labels, items) = targets::labelled(std::mem::take(&mut gathered.answers), Answer::clients);
    let out = &settings.output;
    let several = settings.targets.len() > 1;
    let none = || format!("no clients (none connected to {})", asked_where(settings));
    if !nothing_to_show(settings, items.is_empty(), none) {
        output::emit(out.file.as_deref(), |w| {
            render::clients(w, &items, several.then_some(labels.as_slice()), out)
        })?;
    }
    gathered.finish()
}

/// Only a TwinCAT HMI Server answers `clients` and `subscriptions`; any other source says so
/// itself, and the local collector needs no options to say it.
pub(super) const HMI: Opening<'static> = Opening {
    refuse: &|_| Ok(()),
    local: &|_| Ok(LocalOptions::idle()),
};
