//! "Follow the next record" and the followed record's journey in words (issue 10, item 3).

use brook_engine::FollowTarget;
use yew::prelude::*;

use crate::model::follow::Journey;
use crate::model::i18n::{Lang, Msg};

/// Properties of [`FollowPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct FollowPanelProps {
    /// The journey of the record followed, if one is.
    pub journey: Option<Journey>,
    /// Follows a record, or stops (None).
    pub on_follow: Callback<Option<FollowTarget>>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The follow button and, while a record is followed, its journey and who processed it.
#[component]
pub fn FollowPanel(p: &FollowPanelProps) -> Html {
    let t = |m: Msg| p.lang.t(m);
    let next = p
        .on_follow
        .reform(|_: MouseEvent| Some(FollowTarget::Next { producer: None, partition: None }));
    let stop = p.on_follow.reform(|_: MouseEvent| None);
    html! {
        <section class="follow" data-testid="follow">
            <div class="follow-buttons">
                <button data-testid="follow-next" title={t(Msg::FollowNextTitle)} onclick={next}>
                    { t(Msg::FollowNext) }
                </button>
                if p.journey.is_some() {
                    <button data-testid="follow-stop" onclick={stop}>{ t(Msg::FollowStop) }</button>
                }
            </div>
            if let Some(j) = &p.journey {
                <h2>{ t(Msg::FollowHeading) }</h2>
                if !j.known {
                    <p class="follow-waiting">{ t(Msg::FollowWaiting) }</p>
                }
                <ol class="follow-journey" data-testid="follow-journey">
                    { for j.lines.iter().map(|(at, what)| html! {
                        <li><span class="follow-at">{ at }</span>{ " " }{ what }</li>
                    }) }
                </ol>
                <h3>{ t(Msg::FollowWho) }</h3>
                <ul class="follow-who" data-testid="follow-who">
                    { for j.who.iter().map(|(reader, done)| html! {
                        <li data-testid="follow-reader">{ reader }{ p.lang.colon() }{ done }</li>
                    }) }
                </ul>
                <p class="follow-rule">{ t(Msg::FollowRule) }</p>
            }
        </section>
    }
}
