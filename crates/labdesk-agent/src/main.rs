//! labdesk-agent
fn main() {}
