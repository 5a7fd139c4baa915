//! Records a merchant reconciles with (issue 27): its sessions as its key reads them, and
//! the lists of its sessions, intents and refunds. The tags they carry are
//! `crate::store::tags`; the objects' own rules stay beside, in `checkout`.

pub mod lists;
pub mod query;
pub mod sessions;
