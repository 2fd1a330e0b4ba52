//! What the colours and shapes on the stage mean.

use yew::prelude::*;

/// What the colours and shapes on the stage mean.
#[component]
pub fn Legend() -> Html {
    html! {
        <section class="legend" aria-label="Legend">
            <span><i class="dot produce"></i>{ "record batch, producer to partition leader (coloured by producer, or by key when chosen below the stage)" }</span>
            <span><i class="ring"></i>{ "fetch request: the consumer polls (pull)" }</span>
            <span><i class="dot fetch"></i>{ "records delivered: fetched, acquired from a share group or pushed (coloured by reader)" }</span>
            <span><i class="dot replicate"></i>{ "records a follower copies from the leader (a hop between replica chips)" }</span>
            <span><i class="dot empty"></i>{ "long poll that found nothing" }</span>
            <span><i class="bar commit"></i>{ "committed offset of a group" }</span>
            <span><i class="bar hw"></i>{ "high watermark: newer records (washed out) are not on every in-sync replica yet; newest on the right" }</span>
            <span><i class="bar deleted"></i>{ "deleted by retention" }</span>
            <span><i class="chip leader"></i><i class="chip isr"></i><i class="chip out"></i><i class="chip joining"></i>{ "replicas: leader, in-sync follower, out of sync (\u{00d7}: broker down), joining by a move (copying the log)" }</span>
        </section>
    }
}
