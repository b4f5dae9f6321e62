// A pretend desk behind Tauri's IPC test double, so the console can be looked at in a plain
// browser (`npm run dev`, then /preview.html) without the app. It keeps a few PCs and sessions
// in memory and answers the console's commands roughly as the real desk does. Not shipped:
// `dist/` is built from index.html only.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { CleanUpReport, Pc, Session, Settings, User } from '../lib/types';

const minute = 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Installs the pretend desk; `signedIn` skips the sign-in screen. */
export function installPretendDesk(signedIn: boolean): void {
  const now = Date.now();
  const names = ['1-001', '1-002', '1-003', '1-004', '1-005', '1-006', '2-001', '2-002'];
  const pcs: Pc[] = names.map((name, i) => ({
    id: i + 1,
    name,
    zone: name.startsWith('1') ? '1st Floor' : '2nd Floor',
    os: i % 3 === 2 ? 'linux' : 'windows',
    booking_status: 'available',
    condition: i === 7 ? 'repair' : 'active',
    online: i !== 3 && i !== 7,
    last_seen: iso(now - (i + 1) * 7_000),
  }));
  const people = ['Ada Okafor', 'Ben Novak', 'Chloé Martin', 'Dev Patel', 'Eun-ji Kim'];
  let sessions: Session[] = people.map((display, i) => ({
    booking_id: 101 + i,
    pc: names[i] ?? '1-001',
    user: display.split(' ')[0]?.toLowerCase() ?? 'patron',
    display_name: display,
    start_time: iso(now - (20 + i * 9) * minute),
    end_time: iso(now + [42, 4.2, 61, 17, 0.8][i]! * minute),
    pc_online: i !== 3,
    warned_minutes: i === 1 ? 5 : i === 4 ? 1 : null,
  }));
  for (const s of sessions) {
    const pc = pcs.find((p) => p.name === s.pc);
    if (pc) pc.booking_status = 'in_use';
  }
  let settings: Settings = {
    listen: '0.0.0.0:7700',
    warning_leads_secs: [300, 60],
    time_zone: 'Europe/London',
  };
  const staff: User = { id: 1, username: 'mira', display_name: 'Mira Desk', role: 'admin' };
  let user: User | null = signedIn ? staff : null;
  let nextId = 200;

  const fail = (code: number, message: string) => {
    throw { code, message };
  };
  const setPc = (name: string, status: Pc['booking_status']) => {
    const pc = pcs.find((p) => p.name === name);
    if (pc) pc.booking_status = status;
  };

  mockIPC(
    (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      switch (cmd) {
        case 'desk_status':
          return {
            needs_admin: false,
            user,
            listen: settings.listen,
            agent_url: 'ws://127.0.0.1:7700',
          };
        case 'sign_in':
          if (args.password !== 'desk') fail(401, 'check the username and password (try "desk")');
          user = staff;
          return user;
        case 'sign_out':
          user = null;
          return null;
        case 'live_sessions':
          return sessions;
        case 'list_pcs':
          return pcs;
        case 'list_users':
          return [staff];
        case 'get_settings':
          return settings;
        case 'save_settings':
          settings = args.settings as Settings;
          return settings;
        case 'audit':
          return [];
        case 'end_session': {
          const s = sessions.find((x) => x.booking_id === args.bookingId);
          if (!s) return fail(409, `booking ${String(args.bookingId)} is not live`);
          sessions = sessions.filter((x) => x !== s);
          setPc(s.pc, 'available');
          void emit('desk-event', {
            type: 'session_ended',
            booking_id: s.booking_id,
            pc: s.pc,
            reason: 'ended_by_staff',
          });
          return { id: s.booking_id, pc: s.pc, user: s.user, status: 'cancelled' };
        }
        case 'start_session': {
          const pc = String(args.pc);
          const s: Session = {
            booking_id: nextId++,
            pc,
            user: String(args.user),
            display_name: String(args.user),
            start_time: iso(Date.now()),
            end_time: iso(Date.now() + Number(args.minutes) * minute),
            pc_online: pcs.find((p) => p.name === pc)?.online ?? false,
            warned_minutes: null,
          };
          sessions = [...sessions, s];
          setPc(pc, 'in_use');
          return s;
        }
        case 'extend_session': {
          const s = sessions.find((x) => x.booking_id === args.bookingId);
          if (!s) return fail(404, 'no such session');
          s.end_time = iso(Date.parse(s.end_time) + Number(args.minutes) * minute);
          return s;
        }
        case 'clean_up': {
          const due = sessions.filter((s) => Date.parse(s.end_time) <= Date.now());
          sessions = sessions.filter((s) => !due.includes(s));
          for (const s of due) setPc(s.pc, 'available');
          const report: CleanUpReport = {
            freed: due.map((s) => ({ booking_id: s.booking_id, pc: s.pc })),
            message: due.length ? `freed ${due.length}` : 'nothing to clean up',
          };
          return report;
        }
        case 'add_pc': {
          const pc: Pc = {
            id: pcs.length + 1,
            name: String(args.name),
            zone: String(args.zone),
            os: String(args.os),
            booking_status: 'available',
            condition: 'active',
            online: false,
            last_seen: null,
          };
          pcs.push(pc);
          const token = 'preview-token-not-real';
          return {
            pc,
            token,
            agent_command:
              `labdesk-agent --desk ws://127.0.0.1:7700 --pc ${pc.name} ` + `--token ${token}`,
          };
        }
        case 'set_pc_condition': {
          const pc = pcs.find((p) => p.name === args.pc);
          if (!pc) return fail(404, 'no such pc');
          pc.condition = args.condition as Pc['condition'];
          return pc;
        }
        default:
          return fail(400, `the preview desk does not do ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
}
