//! labdeskctl
fn main() {}
