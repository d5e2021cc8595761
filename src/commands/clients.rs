//! `sessions clients`: a TwinCAT HMI Server's connected WebSockets, one row each.

use crate::config::Settings;
use crate::error::Result;
use crate::source::{Answer, Ask};
use crate::{output, render};

use super::plan::{Needs, Plan};
use super::targets;
use super::{asked_where, nothing_to_show, refuse_prometheus};

pub(super) async fn run(settings: &Settings) -> Result<()> {
    refuse_prometheus(settings.output.format)?;
    let mut gathered =
        targets::ask_once(&Plan::new(settings, &Needs::default()), &Ask::Clients).await?;
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
