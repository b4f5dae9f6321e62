//! Rows as the store returns them, and their conversion into the public shapes.

use serde::Deserialize;
use sqlx::FromRow;

use crate::error::{Error, Result};
use crate::model::{Booking, Pc, Session, User};
use crate::store::{parse_opt_ts, parse_ts, parse_word};

use super::Engine;

/// Columns of a PC; select with [`PC_COLUMNS`].
#[derive(Debug, FromRow)]
pub(crate) struct PcRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) zone: String,
    pub(crate) os: String,
    pub(crate) booking_status: String,
    pub(crate) condition: String,
    pub(crate) last_seen: Option<String>,
}

pub(crate) const PC_COLUMNS: &str = "id, name, zone, os, booking_status, condition, last_seen";

impl PcRow {
    pub(crate) fn into_pc(self, engine: &Engine) -> Result<Pc> {
        Ok(Pc {
            online: engine.online_state(self.id).online,
            id: self.id,
            name: self.name,
            zone: self.zone,
            os: self.os,
            booking_status: parse_word(&self.booking_status)?,
            condition: parse_word(&self.condition)?,
            last_seen: parse_opt_ts(self.last_seen.as_deref())?,
        })
    }
}

/// Columns of a user; select with [`USER_COLUMNS`].
#[derive(Debug, FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) role: String,
}

pub(crate) const USER_COLUMNS: &str = "id, username, display_name, role";

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: parse_word(&self.role)?,
        })
    }
}

/// A booking joined with its PC and user names; select with [`BOOKING_SELECT`].
#[derive(Debug, FromRow)]
pub(crate) struct BookingRow {
    pub(crate) id: i64,
    pub(crate) pc: String,
    pub(crate) user: String,
    pub(crate) start_time: String,
    pub(crate) end_time: String,
    pub(crate) status: String,
    pub(crate) end_reason: Option<String>,
    pub(crate) ended_at: Option<String>,
    pub(crate) ended_by: Option<String>,
}

pub(crate) const BOOKING_SELECT: &str = "SELECT b.id, p.name AS pc, u.username AS user, \
     b.start_time, b.end_time, b.status, b.end_reason, b.ended_at, b.ended_by \
     FROM bookings b JOIN pcs p ON p.id = b.pc_id JOIN users u ON u.id = b.user_id";

impl BookingRow {
    pub(crate) fn into_booking(self) -> Result<Booking> {
        Ok(Booking {
            id: self.id,
            pc: self.pc,
            user: self.user,
            start_time: parse_ts(&self.start_time)?,
            end_time: parse_ts(&self.end_time)?,
            status: parse_word(&self.status)?,
            end_reason: self.end_reason.as_deref().map(parse_word).transpose()?,
            ended_at: parse_opt_ts(self.ended_at.as_deref())?,
            ended_by: self.ended_by,
        })
    }
}

/// A confirmed booking with what the console and the scheduler need; select with
/// [`LIVE_SELECT`] (it reads only the confirmed bookings' partial index).
#[derive(Debug, Clone, FromRow, Deserialize)]
pub(crate) struct LiveRow {
    pub(crate) booking_id: i64,
    pub(crate) pc_id: i64,
    pub(crate) pc: String,
    pub(crate) user: String,
    pub(crate) display_name: String,
    pub(crate) start_time: String,
    pub(crate) end_time: String,
    pub(crate) status: String,
    pub(crate) warned_lead_secs: Option<i64>,
    pub(crate) warned_minutes: Option<i64>,
}

pub(crate) const LIVE_SELECT: &str = "SELECT b.id AS booking_id, b.pc_id, \
     p.name AS pc, u.username AS user, u.display_name, b.start_time, b.end_time, b.status, \
     b.warned_lead_secs, b.warned_minutes \
     FROM bookings b JOIN pcs p ON p.id = b.pc_id JOIN users u ON u.id = b.user_id";

/// The rows of [`LIVE_SELECT`] that match `filter`, as one JSON array in one row: the store
/// builds it in C, which costs far less than handing over thousands of rows one by one.
/// Read it with [`parse_live_rows`].
pub(crate) fn live_json_select(filter: &str) -> String {
    format!(
        "SELECT json_group_array(json_object('booking_id', b.id, 'pc_id', b.pc_id, \
         'pc', p.name, 'user', u.username, 'display_name', u.display_name, \
         'start_time', b.start_time, 'end_time', b.end_time, 'status', b.status, \
         'warned_lead_secs', b.warned_lead_secs, 'warned_minutes', b.warned_minutes)) \
         FROM bookings b JOIN pcs p ON p.id = b.pc_id JOIN users u ON u.id = b.user_id \
         WHERE {filter}"
    )
}

/// Reads the array of [`live_json_select`], soonest end first.
pub(crate) fn parse_live_rows(json: &str) -> Result<Vec<LiveRow>> {
    let mut rows: Vec<LiveRow> = serde_json::from_str(json)
        .map_err(|err| Error::Internal(format!("live bookings could not be read: {err}")))?;
    rows.sort_by(|a, b| (&a.end_time, a.booking_id).cmp(&(&b.end_time, b.booking_id)));
    Ok(rows)
}

impl LiveRow {
    pub(crate) fn to_session(&self, engine: &Engine) -> Result<Session> {
        Ok(Session {
            booking_id: self.booking_id,
            pc: self.pc.clone(),
            user: self.user.clone(),
            display_name: self.display_name.clone(),
            start_time: parse_ts(&self.start_time)?,
            end_time: parse_ts(&self.end_time)?,
            pc_online: engine.online_state(self.pc_id).online,
            warned_minutes: self.warned_minutes,
        })
    }
}
