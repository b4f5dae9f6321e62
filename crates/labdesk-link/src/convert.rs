//! Conversions between the engine's types and the wire's, and from engine errors to error
//! bodies. The two crates spell the same words; these keep them apart so the agent's crate
//! need not depend on the engine.

use labdesk_core::model;
use labdesk_proto::{EndReason, ErrorBody, PcCondition, Role};

/// The wire's end reason for the engine's.
pub(crate) fn end_reason(reason: model::EndReason) -> EndReason {
    match reason {
        model::EndReason::Expired => EndReason::Expired,
        model::EndReason::EndedByStaff => EndReason::EndedByStaff,
        model::EndReason::EndedByUser => EndReason::EndedByUser,
        model::EndReason::Cancelled => EndReason::Cancelled,
    }
}

/// The wire's role for the engine's.
pub(crate) fn role(role: model::Role) -> Role {
    match role {
        model::Role::Patron => Role::Patron,
        model::Role::Staff => Role::Staff,
        model::Role::Admin => Role::Admin,
    }
}

/// The engine's role for the wire's.
pub(crate) fn role_in(role: Role) -> model::Role {
    match role {
        Role::Patron => model::Role::Patron,
        Role::Staff => model::Role::Staff,
        Role::Admin => model::Role::Admin,
    }
}

/// The engine's condition for the wire's.
pub(crate) fn condition_in(condition: PcCondition) -> model::Condition {
    match condition {
        PcCondition::Active => model::Condition::Active,
        PcCondition::Repair => model::Condition::Repair,
    }
}

/// The answer for an engine error: its code and its message.
pub(crate) fn error(err: &labdesk_core::Error) -> ErrorBody {
    ErrorBody::new(err.code(), err.to_string())
}
