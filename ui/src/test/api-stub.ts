// A stand-in for `lib/api.ts` in component tests: every command is a `vi.fn` the test sets up,
// and `emit` delivers a desk event to whoever subscribed, as the Tauri shell would.
import { vi } from 'vitest';
import type * as Api from '../lib/api';
import type { DeskEvent, DeskStatus, Pc, Session, User } from '../lib/types';

let handlers: ((event: DeskEvent) => void)[] = [];

/** Delivers a desk event to every subscriber. */
export function emit(event: DeskEvent): void {
  for (const h of handlers) h(event);
}

export const deskStatus = vi.fn<typeof Api.deskStatus>();
export const createAdmin = vi.fn<typeof Api.createAdmin>();
export const signIn = vi.fn<typeof Api.signIn>();
export const signOut = vi.fn<typeof Api.signOut>();
export const liveSessions = vi.fn<typeof Api.liveSessions>();
export const listPcs = vi.fn<typeof Api.listPcs>();
export const listUsers = vi.fn<typeof Api.listUsers>();
export const startSession = vi.fn<typeof Api.startSession>();
export const bookSession = vi.fn<typeof Api.bookSession>();
export const extendSession = vi.fn<typeof Api.extendSession>();
export const endSession = vi.fn<typeof Api.endSession>();
export const cleanUp = vi.fn<typeof Api.cleanUp>();
export const addPc = vi.fn<typeof Api.addPc>();
export const importPcs = vi.fn<typeof Api.importPcs>();
export const setPcCondition = vi.fn<typeof Api.setPcCondition>();
export const audit = vi.fn<typeof Api.audit>();
export const getSettings = vi.fn<typeof Api.getSettings>();
export const saveSettings = vi.fn<typeof Api.saveSettings>();
export const onDeskEvent = vi.fn<typeof Api.onDeskEvent>();

export const staff: User = { id: 2, username: 'mira', display_name: 'Mira Desk', role: 'staff' };

/** A PC as the desk would list it. */
export function pc(id: number, name: string, over: Partial<Pc> = {}): Pc {
  return {
    id,
    name,
    zone: 'Main hall',
    os: 'linux',
    booking_status: 'available',
    condition: 'active',
    online: true,
    last_seen: '2026-12-04T09:00:00Z',
    ...over,
  };
}

/** A live session as the desk would list it. */
export function session(bookingId: number, pcName: string, over: Partial<Session> = {}): Session {
  return {
    booking_id: bookingId,
    pc: pcName,
    user: `patron${bookingId}`,
    display_name: `Patron ${bookingId}`,
    start_time: '2026-12-04T10:00:00Z',
    end_time: '2026-12-04T11:00:00Z',
    pc_online: true,
    warned_minutes: null,
    ...over,
  };
}

/** Resets every stub to a signed-in desk with the given sessions and PCs. */
export function reset(state: { sessions?: Session[]; pcs?: Pc[]; status?: Partial<DeskStatus> }) {
  handlers = [];
  const all = [
    deskStatus,
    createAdmin,
    signIn,
    signOut,
    liveSessions,
    listPcs,
    listUsers,
    startSession,
    bookSession,
    extendSession,
    endSession,
    cleanUp,
    addPc,
    importPcs,
    setPcCondition,
    audit,
    getSettings,
    saveSettings,
    onDeskEvent,
  ];
  for (const f of all) f.mockReset();
  deskStatus.mockResolvedValue({
    needs_admin: false,
    user: staff,
    listen: '0.0.0.0:7700',
    agent_url: 'ws://127.0.0.1:7700',
    ...state.status,
  });
  liveSessions.mockResolvedValue(state.sessions ?? []);
  listPcs.mockResolvedValue(state.pcs ?? []);
  getSettings.mockResolvedValue({
    listen: '0.0.0.0:7700',
    warning_leads_secs: [300, 60],
    time_zone: 'UTC',
  });
  audit.mockResolvedValue([]);
  onDeskEvent.mockImplementation(async (handler) => {
    handlers.push(handler);
    return () => {
      handlers = handlers.filter((h) => h !== handler);
    };
  });
}
