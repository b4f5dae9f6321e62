// The command module over Tauri's own IPC layer (its test double for the shell): command names,
// camelCase argument names, the error shape, and desk events.
import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import * as api from './api';
import type { DeskEvent } from './types';

afterEach(() => clearMocks());

describe('api', () => {
  it('calls each command with camelCase arguments', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    await api.endSession(12);
    await api.extendSession(12, 2.5);
    await api.startSession('PC-01', 'ana', 1.5, true);
    await api.importPcs('name\nPC-9\n');
    await api.setPcCondition('PC-9', 'repair');
    expect(calls, 'command names and argument names as the shell declares them').toEqual([
      ['end_session', { bookingId: 12 }],
      ['extend_session', { bookingId: 12, minutes: 2.5 }],
      ['start_session', { pc: 'PC-01', user: 'ana', minutes: 1.5, createPatron: true }],
      ['import_pcs', { csv: 'name\nPC-9\n' }],
      ['set_pc_condition', { pc: 'PC-9', condition: 'repair' }],
    ]);
  });

  it('rejects with the shell error, or a 500 for anything else', async () => {
    mockIPC((cmd) => {
      if (cmd === 'clean_up') throw { code: 403, message: 'staff only' };
      throw 'command audit not allowed by the capabilities';
    });
    await expect(api.cleanUp(), 'the shell error passes through').rejects.toEqual({
      code: 403,
      message: 'staff only',
    });
    await expect(api.audit(10), 'a bare string becomes a 500').rejects.toEqual({
      code: 500,
      message: 'command audit not allowed by the capabilities',
    });
  });

  it('delivers desk events with their payload', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const seen: DeskEvent[] = [];
    const stop = await api.onDeskEvent((event) => seen.push(event));
    const event: DeskEvent = { type: 'pc_offline', pc: 'PC-07' };
    await emit('desk-event', event);
    expect(seen, 'the handler gets the DeskEvent itself, not the Tauri envelope').toEqual([event]);
    stop();
    await emit('desk-event', { type: 'pc_online', pc: 'PC-07' });
    expect(seen, 'nothing arrives after stopping').toHaveLength(1);
  });
});
