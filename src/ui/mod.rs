//! The shared components, below every app: the call screen's parts, the greeting, the outbox,
//! the pack's errors and its preview, and the context an app provides them. One component per
//! file; nothing here imports an app.

mod call;
mod coming;
pub mod context;
mod greeting;
pub mod live;
mod not_your_page;
mod outbox_panel;
mod pack_error_panel;
mod pack_preview;
mod procedures;

pub use call::CallScreen;
pub use coming::Coming;
pub use greeting::Greeting;
pub use not_your_page::NotYourPage;
pub use outbox_panel::{OutboxPanel, OverdueAlert};
pub use pack_error_panel::PackErrorPanel;
pub use pack_preview::PackPreview;
pub use procedures::Procedures;
