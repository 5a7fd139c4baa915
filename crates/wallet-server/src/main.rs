//! wallet-server: the reference backend (work in progress).

fn main() {}
