//! labdesk-proto
