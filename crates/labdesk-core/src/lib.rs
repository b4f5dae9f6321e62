//! labdesk-core
