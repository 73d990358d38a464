//! The pieces of the handler's screen, one component per file.

mod call;
mod greeting;
mod outbox_panel;
mod pack_error_panel;
mod pack_preview;

pub use call::CallScreen;
pub use greeting::Greeting;
pub use outbox_panel::{OutboxPanel, OverdueAlert};
pub use pack_error_panel::PackErrorPanel;
pub use pack_preview::PackPreview;
