//! Small view components; each takes plain props and callbacks and holds no state of
//! its own beyond what the DOM keeps.

pub mod balance;
pub mod lines;
pub mod methods;
pub mod notice;
pub mod outcome;
pub mod password;
pub mod pay;
pub mod skeleton;
pub mod summary;
