//! Start-up: the router and its layers, the listener and its connections, the background
//! sweeps. `run` is what `main` calls for `serve` and `demo`.

pub mod app;
pub mod serve;
pub mod sweeper;
