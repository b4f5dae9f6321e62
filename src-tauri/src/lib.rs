//! The Labdesk desk console.
