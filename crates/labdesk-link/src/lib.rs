//! labdesk-link
