//! "Follow the next record" and the followed record's journey in words (issue 10, item 3).
//! A function, not a component: it has no state of its own, and a component's lifecycle
//! code would cost the bundle more than the panel itself.

use brook_engine::FollowTarget;
use yew::prelude::*;

use crate::model::follow::Journey;
use crate::model::i18n::{Lang, Msg};

/// The follow button and, while a record is followed, its journey and who processed it.
/// `on_follow` follows a record, or stops (None).
pub fn follow_panel(
    journey: Option<&Journey>,
    on_follow: &Callback<Option<FollowTarget>>,
    lang: Lang,
) -> Html {
    let t = |m: Msg| lang.t(m);
    let next = on_follow
        .reform(|_: MouseEvent| Some(FollowTarget::Next { producer: None, partition: None }));
    let stop = on_follow.reform(|_: MouseEvent| None);
    html! {
        <section class="follow" data-testid="follow">
            <button data-testid="follow-next" title={t(Msg::FollowNextTitle)} onclick={next}>
                { t(Msg::FollowNext) }
            </button>
            if let Some(j) = journey {
                <button data-testid="follow-stop" onclick={stop}>{ t(Msg::FollowStop) }</button>
                <h2>{ t(Msg::FollowHeading) }</h2>
                if !j.known {
                    <p>{ t(Msg::FollowWaiting) }</p>
                }
                // One line per event, one per reader (white-space: pre-line): a list of
                // elements would cost the bundle more for the same text.
                <p class="follow-lines" data-testid="follow-journey">{ j.text() }</p>
                <p class="follow-lines" data-testid="follow-who">{ j.who.join("\n") }</p>
            }
        </section>
    }
}
