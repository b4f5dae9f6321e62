// The only module of the console that talks to the Tauri shell: one typed function per console
// command (docs/architecture.md, "Console commands"), and the `desk-event` subscription.
// Every failure reaches callers as a `DeskError` with the engine's HTTP-like code.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toDeskError } from './errors';
import type {
  AddedPc,
  AuditEntry,
  Booking,
  CleanUpReport,
  DeskEvent,
  DeskStatus,
  Pc,
  Session,
  Settings,
  User,
} from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toDeskError(reason);
  }
}

/** Whether an admin must be created, who is signed in, and where the desk listens. */
export const deskStatus = () => call<DeskStatus>('desk_status');

/** Creates the first admin account and signs in as it. */
export const createAdmin = (username: string, password: string) =>
  call<User>('create_admin', { username, password });

/** Signs in as staff or admin. */
export const signIn = (username: string, password: string) =>
  call<User>('sign_in', { username, password });

/** Signs out of the console. */
export const signOut = () => call<void>('sign_out');

/** Every live session. */
export const liveSessions = () => call<Session[]>('live_sessions');

/** Every PC of the lab. */
export const listPcs = () => call<Pc[]>('list_pcs');

/** Every user. */
export const listUsers = () => call<User[]>('list_users');

/** Starts a session now on a free PC; `minutes` may be fractional. */
export const startSession = (pc: string, user: string, minutes: number, createPatron: boolean) =>
  call<Session>('start_session', { pc, user, minutes, createPatron });

/** Books a session ahead; `start` and `end` are RFC 3339. */
export const bookSession = (pc: string, user: string, start: string, end: string) =>
  call<Booking>('book_session', { pc, user, start, end });

/** Adds minutes to a live session. */
export const extendSession = (bookingId: number, minutes: number) =>
  call<Session>('extend_session', { bookingId, minutes });

/** Ends a live session early and frees its PC. */
export const endSession = (bookingId: number) => call<Booking>('end_session', { bookingId });

/** Frees every PC whose session is overdue. */
export const cleanUp = () => call<CleanUpReport>('clean_up');

/** Adds a PC; the token in the answer is never shown again. */
export const addPc = (name: string, zone: string, os: string) =>
  call<AddedPc>('add_pc', { name, zone, os });

/** Imports PCs from the text of a CSV file. */
export const importPcs = (csv: string) => call<{ imported: AddedPc[] }>('import_pcs', { csv });

/** Puts a PC in repair or back in service. */
export const setPcCondition = (pc: string, condition: Pc['condition']) =>
  call<Pc>('set_pc_condition', { pc, condition });

/** The newest `limit` lines of the audit trail. */
export const audit = (limit: number) => call<AuditEntry[]>('audit', { limit });

/** The desk's settings. */
export const getSettings = () => call<Settings>('get_settings');

/** Saves the desk's settings and returns them as stored. */
export const saveSettings = (settings: Settings) => call<Settings>('save_settings', { settings });

/** Calls `handler` for every desk event; resolves to a function that stops listening. */
export async function onDeskEvent(handler: (event: DeskEvent) => void): Promise<() => void> {
  try {
    return await listen<DeskEvent>('desk-event', (event) => handler(event.payload));
  } catch (reason) {
    throw toDeskError(reason);
  }
}
