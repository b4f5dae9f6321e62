//! The shapes the engine hands out: PCs, users, bookings, live sessions, audit entries, and
//! who is acting. They serialise to the snake_case JSON that the wire and the console share.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a user may do. Ordered: `Patron < Staff < Admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Uses a PC; may end or cancel only their own bookings.
    Patron,
    /// Runs sessions and clean-up; may add patrons.
    Staff,
    /// Everything staff do, plus PCs, users and settings.
    Admin,
}

/// Whether a PC is free or has a live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// No live session.
    Available,
    /// A live session runs on it.
    InUse,
}

/// Whether a PC may be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// In service.
    Active,
    /// Out of service; cannot be booked.
    Repair,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Upcoming, live, or overdue and about to expire.
    Confirmed,
    /// Cancelled before it started, or ended early.
    Cancelled,
    /// Expired at its end time.
    Completed,
}

/// Why a booking ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// It reached its end time.
    Expired,
    /// Staff ended it early.
    EndedByStaff,
    /// Its patron (or their PC) ended it early.
    EndedByUser,
    /// It was cancelled before it started.
    Cancelled,
}

macro_rules! text_enum {
    ($ty:ty, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The word stored and sent for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = crate::Error;

            fn from_str(text: &str) -> crate::Result<Self> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    other => Err(crate::Error::bad(format!(
                        concat!("unknown ", $what, " {:?}; use one of: {}"),
                        other,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(Role, "role", { Patron => "patron", Staff => "staff", Admin => "admin" });
text_enum!(BookingStatus, "booking status", { Available => "available", InUse => "in_use" });
text_enum!(Condition, "condition", { Active => "active", Repair => "repair" });
text_enum!(Status, "booking status", {
    Confirmed => "confirmed",
    Cancelled => "cancelled",
    Completed => "completed",
});
text_enum!(EndReason, "end reason", {
    Expired => "expired",
    EndedByStaff => "ended_by_staff",
    EndedByUser => "ended_by_user",
    Cancelled => "cancelled",
});

/// Who is asking the engine to change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user (staff console, CLI, a patron). The role is the one they authenticated
    /// with.
    User {
        /// The user's id.
        id: i64,
        /// The user's role.
        role: Role,
    },
    /// A PC agent, acting for the patron of the live booking on that PC only.
    Pc {
        /// The PC's id.
        id: i64,
    },
    /// The desk itself (the scheduler).
    System,
}

impl Actor {
    /// The role this actor acts with; PC agents act as patrons, the system as admin.
    pub fn role(&self) -> Role {
        match self {
            Actor::User { role, .. } => *role,
            Actor::Pc { .. } => Role::Patron,
            Actor::System => Role::Admin,
        }
    }

    /// True for staff, admins and the system.
    pub fn is_staff(&self) -> bool {
        self.role() >= Role::Staff
    }
}

/// A PC of the lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pc {
    /// Store id.
    pub id: i64,
    /// Unique name, e.g. `1-001`.
    pub name: String,
    /// Where it stands.
    pub zone: String,
    /// Its operating system.
    pub os: String,
    /// Free or in use.
    pub booking_status: BookingStatus,
    /// In service or in repair.
    pub condition: Condition,
    /// Whether its agent is connected now.
    pub online: bool,
    /// When its agent was last connected or heard from.
    pub last_seen: Option<DateTime<Utc>>,
}

/// A PC just added, with its agent token. The token is shown this once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedPc {
    /// The new PC.
    pub pc: Pc,
    /// The secret its agent presents in `hello`.
    pub token: String,
}

/// A person known to the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Store id.
    pub id: i64,
    /// Unique sign-in name.
    pub username: String,
    /// Name shown on the console.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
}

/// A live booking, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The booking's id.
    pub booking_id: i64,
    /// The PC's name.
    pub pc: String,
    /// The patron's username.
    pub user: String,
    /// The patron's display name.
    pub display_name: String,
    /// When it started.
    pub start_time: DateTime<Utc>,
    /// When it ends.
    pub end_time: DateTime<Utc>,
    /// Whether the PC's agent is connected.
    pub pc_online: bool,
    /// `minutes_left` of the last warning the PC acknowledged, if any.
    pub warned_minutes: Option<i64>,
}

/// A booking in any state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// Store id.
    pub id: i64,
    /// The PC's name.
    pub pc: String,
    /// The patron's username.
    pub user: String,
    /// Start of its half-open interval.
    pub start_time: DateTime<Utc>,
    /// End of its half-open interval.
    pub end_time: DateTime<Utc>,
    /// Where it stands.
    pub status: Status,
    /// Why it ended, once it has.
    pub end_reason: Option<EndReason>,
    /// When it ended, once it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// Who ended it: a username, `pc:NAME` or `system`.
    pub ended_by: Option<String>,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Store id; later entries have larger ids.
    pub id: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it: a username, `pc:NAME` or `system`.
    pub actor: String,
    /// What was done, e.g. `session_started`, `session_ended`, `pc_added`.
    pub action: String,
    /// The booking concerned, if any.
    pub booking_id: Option<i64>,
    /// The PC concerned (its name then), if any.
    pub pc: Option<String>,
    /// Why, e.g. `expired`, `ended_by_staff`.
    pub reason: Option<String>,
    /// Free text with more detail.
    pub detail: Option<String>,
}

/// A PC freed by clean-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreedPc {
    /// The booking that was expired.
    pub booking_id: i64,
    /// The PC's name.
    pub pc: String,
}

/// What a clean-up freed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanUpReport {
    /// The overdue bookings it expired, with their PCs.
    pub freed: Vec<FreedPc>,
    /// A sentence for the console, e.g. "freed 2 PCs".
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_read_back_what_they_write() {
        for role in [Role::Patron, Role::Staff, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!(Role::Patron < Role::Staff && Role::Staff < Role::Admin);
        let err = "owner".parse::<Role>().unwrap_err();
        assert_eq!(err.code(), 400);
        assert!(err.to_string().contains("patron, staff, admin"), "{err}");
    }

    #[test]
    fn json_is_snake_case() {
        let json = serde_json::to_string(&EndReason::EndedByStaff).unwrap();
        assert_eq!(json, "\"ended_by_staff\"");
        let actor = serde_json::to_value(Actor::Pc { id: 3 }).unwrap();
        assert_eq!(actor, serde_json::json!({"kind": "pc", "id": 3}));
    }
}
