//! `sessions subscriptions`: a TwinCAT HMI Server's symbol subscriptions, one row each.

use crate::cli::SubscriptionsArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::source::{Answer, Ask, SubscriptionDetails};
use crate::{output, render};

use super::plan::{Needs, Plan};
use super::targets;
use super::{asked_where, nothing_to_show, refuse_prometheus};

pub(super) async fn run(settings: &Settings, args: SubscriptionsArgs) -> Result<()> {
    refuse_prometheus(settings.output.format)?;
    let ask = Ask::Subscriptions(SubscriptionDetails {
        lengths: args.lengths,
        durations: args.durations,
    });
    let mut gathered = targets::ask_once(&Plan::new(settings, &Needs::default()), &ask).await?;
    let answers = std::mem::take(&mut gathered.answers);
    let (labels, items) = targets::labelled(answers, Answer::subscriptions);
    let out = &settings.output;
    let several = settings.targets.len() > 1;
    let none = || format!("no subscriptions (none on {})", asked_where(settings));
    if !nothing_to_show(settings, items.is_empty(), none) {
        output::emit(out.file.as_deref(), |w| {
            render::subscriptions(w, &items, several.then_some(labels.as_slice()), out)
        })?;
    }
    gathered.finish()
}
