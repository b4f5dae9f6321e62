// A lab with many live sessions, for measuring how the console renders them.
import type { Pc, Session } from '../lib/types';

/** The instant the measurements pretend it is. */
export const BENCH_NOW = Date.parse('2026-12-04T10:30:00Z');

/** `n` PCs, each with a live session ending between 1 and 120 minutes from `BENCH_NOW`. */
export function busyLab(n: number): { sessions: Session[]; pcs: Pc[] } {
  const sessions: Session[] = [];
  const pcs: Pc[] = [];
  for (let i = 1; i <= n; i += 1) {
    const name = `PC-${String(i).padStart(4, '0')}`;
    pcs.push({
      id: i,
      name,
      zone: `Zone ${1 + (i % 12)}`,
      os: i % 3 === 0 ? 'windows' : 'linux',
      booking_status: 'in_use',
      condition: 'active',
      online: i % 17 !== 0,
      last_seen: '2026-12-04T10:29:50Z',
    });
    sessions.push({
      booking_id: 10_000 + i,
      pc: name,
      user: `patron${i}`,
      display_name: `Patron Number ${i}`,
      start_time: new Date(BENCH_NOW - 30 * 60_000).toISOString(),
      end_time: new Date(BENCH_NOW + (1 + (i % 120)) * 60_000).toISOString(),
      pc_online: i % 17 !== 0,
      warned_minutes: i % 120 < 5 ? 5 : null,
    });
  }
  return { sessions, pcs };
}
