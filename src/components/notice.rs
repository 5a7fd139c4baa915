//! An error panel with what to do next, and a retry button when retrying can help.

use yew::prelude::*;

pub struct NoticeProps {
    pub message: AttrValue,
    /// `Some((label, callback))` shows a retry button.
    pub retry: Option<(AttrValue, Callback<MouseEvent>)>,
}

pub fn notice(props: &NoticeProps) -> Html {
    html! {
        <div class="bc-notice" role="alert">
            <p>{ props.message.clone() }</p>
            if let Some((label, onclick)) = &props.retry {
                <button type="button" class="bc-button" onclick={onclick.clone()}>
                    { label.clone() }
                </button>
            }
        </div>
    }
}
