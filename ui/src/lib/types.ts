// The JSON shapes the desk console receives from the Tauri shell, as listed in
// docs/architecture.md ("Shared JSON shapes"). Field names are the engine's snake_case; every
// instant is an RFC 3339 string in UTC.

/** A role, from least to most allowed. */
export type Role = 'patron' | 'staff' | 'admin';

/** A PC of the lab, as on the board. */
export interface Pc {
  id: number;
  name: string;
  zone: string;
  os: string;
  booking_status: 'available' | 'in_use';
  condition: 'active' | 'repair';
  online: boolean;
  last_seen: string | null;
}

/** A patron, staff member or admin. */
export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
}

/** A live booking: one row of the Live sessions screen. */
export interface Session {
  booking_id: number;
  pc: string;
  user: string;
  display_name: string;
  start_time: string;
  end_time: string;
  pc_online: boolean;
  warned_minutes: number | null;
}

/** How a booking ended. */
export type EndReason = 'expired' | 'ended_by_staff' | 'ended_by_user' | 'cancelled';

/** A booking, live or not. */
export interface Booking {
  id: number;
  pc: string;
  user: string;
  start_time: string;
  end_time: string;
  status: 'confirmed' | 'cancelled' | 'completed';
  end_reason: EndReason | null;
  ended_at: string | null;
  ended_by: string | null;
}

/** One line of the audit trail. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  booking_id: number | null;
  pc: string | null;
  reason: string | null;
  detail: string | null;
}

/** What a clean-up freed. */
export interface CleanUpReport {
  freed: { booking_id: number; pc: string }[];
  message: string;
}

/** A PC named in an event: its name, or (tolerated) the whole PC. */
export type PcRef = string | Pc;

/** A desk event, as pushed to the console on the `desk-event` channel. */
export type DeskEvent =
  | { type: 'session_started'; session: Session }
  | { type: 'booking_created'; booking: Booking }
  | { type: 'session_warned'; booking_id: number; pc: string; minutes_left: number }
  | { type: 'session_extended'; session: Session }
  | { type: 'session_ended'; booking_id: number; pc: string; reason: EndReason }
  | { type: 'pc_changed'; pc: Pc }
  | { type: 'pc_online'; pc: PcRef }
  | { type: 'pc_offline'; pc: PcRef }
  | { type: 'cleaned_up'; report: CleanUpReport };

/** The desk's settings, kept in the app's config folder. */
export interface Settings {
  listen: string;
  warning_leads_secs: number[];
  time_zone: string;
}

/** What the console needs to know before anything else. */
export interface DeskStatus {
  needs_admin: boolean;
  user: User | null;
  listen: string;
  agent_url: string;
}

/** A PC just added, with its token, shown to staff once. */
export interface AddedPc {
  pc: Pc;
  token: string;
  agent_command: string;
}

/** The one error shape every console command rejects with. */
export interface DeskError {
  code: number;
  message: string;
}
