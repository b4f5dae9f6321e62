// The Live sessions screen against a stubbed API: rows, events, countdowns and the start form.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Desk } from '../lib/desk.svelte';
import * as stub from '../test/api-stub';
import { deferred, fakeClock, settle, startedDesk } from '../test/helpers';
import Harness from '../test/Harness.svelte';
import Sessions from './Sessions.svelte';

vi.mock('../lib/api', () => import('../test/api-stub'));

const pcs = [
  stub.pc(1, 'PC-01', { booking_status: 'in_use' }),
  stub.pc(2, 'PC-02', { booking_status: 'in_use' }),
  stub.pc(3, 'PC-03'),
  stub.pc(4, 'PC-04', { condition: 'repair' }),
  stub.pc(10, 'PC-10'),
];
const sessions = [
  stub.session(1, 'PC-01'),
  stub.session(2, 'PC-02', { end_time: '2026-12-04T10:33:30Z', warned_minutes: 5 }),
];

let desk: Desk;

function row(bookingId: number): HTMLElement | null {
  return document.querySelector(`[data-testid="session-row"][data-booking-id="${bookingId}"]`);
}

function cell(bookingId: number, testId: string): string {
  const r = row(bookingId);
  if (!r) throw new Error(`no row for booking ${bookingId}`);
  return within(r).getByTestId(testId).textContent?.trim() ?? '';
}

beforeEach(async () => {
  fakeClock();
  desk = await startedDesk({ sessions, pcs });
  render(Harness, { desk, screen: Sessions });
  await settle();
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('session list', () => {
  it('shows one row per live session with PC, patron, times, online and warned', () => {
    const rows = screen.getAllByTestId('session-row');
    expect(rows, 'the desk listed two live sessions').toHaveLength(2);
    expect(rows[0]?.dataset.pc, 'rows are sorted by PC name').toBe('PC-01');
    const first = rows[0];
    if (!first) throw new Error('no first row');
    expect(first.textContent, 'the patron is named by display name').toContain('Patron 1');
    expect(first.textContent, 'start 10:00 UTC in the UTC site zone').toContain('10:00');
    expect(first.textContent, 'end 11:00 UTC in the UTC site zone').toContain('11:00');
    expect(cell(1, 'online'), 'the PC reported online').toBe('online');
    expect(cell(1, 'warned'), 'no warning has been sent yet').toBe('—');
    expect(cell(2, 'warned'), 'the 5-minute warning went out').toBe('5 min');
  });

  it('shows times in the site time zone from settings, 24-hour', async () => {
    desk.settings = {
      listen: '0.0.0.0:7700',
      warning_leads_secs: [300],
      time_zone: 'Asia/Kolkata',
    };
    await settle();
    expect(row(1)?.textContent, '10:00 UTC is 15:30 in Kolkata (UTC+5:30)').toContain('15:30');
    expect(row(1)?.textContent, '11:00 UTC is 16:30 in Kolkata').toContain('16:30');
  });

  it('counts down from end_time with one shared timer, without asking the desk', async () => {
    expect(cell(1, 'countdown'), '30 minutes remain at 10:30 for an 11:00 end').toBe('30:00');
    expect(cell(2, 'countdown'), '3.5 minutes remain for a 10:33:30 end').toBe('3:30');
    expect(vi.getTimerCount(), 'one timer drives every countdown, not one per row').toBe(1);
    const calls = stub.liveSessions.mock.calls.length;

    vi.advanceTimersByTime(1000);
    await settle();
    expect(cell(1, 'countdown'), 'one second later').toBe('29:59');
    expect(cell(2, 'countdown'), 'one second later').toBe('3:29');

    vi.advanceTimersByTime(210_000);
    await settle();
    expect(cell(2, 'countdown'), 'the 10:33:30 end has passed').toBe('overdue');
    expect(stub.liveSessions.mock.calls.length, 'ticking never reloads from the desk').toBe(calls);
  });

  it('applies desk events: started, extended, warned, offline, ended', async () => {
    stub.emit({ type: 'session_started', session: stub.session(3, 'PC-03') });
    await settle();
    expect(row(3), 'session_started adds a row').not.toBeNull();

    stub.emit({
      type: 'session_extended',
      session: stub.session(3, 'PC-03', { end_time: '2026-12-04T12:15:00Z' }),
    });
    await settle();
    expect(row(3)?.textContent, 'session_extended moves the end to 12:15').toContain('12:15');
    expect(screen.getAllByTestId('session-row'), 'extending does not add a row').toHaveLength(3);

    stub.emit({ type: 'session_warned', booking_id: 1, pc: 'PC-01', minutes_left: 1 });
    await settle();
    expect(cell(1, 'warned'), 'session_warned marks the row with the minutes left').toBe('1 min');

    stub.emit({ type: 'pc_offline', pc: 'PC-01' });
    await settle();
    expect(cell(1, 'online'), 'pc_offline flips the online column').toBe('offline');
    expect(cell(2, 'online'), 'other PCs stay online').toBe('online');

    stub.emit({ type: 'pc_online', pc: 'PC-01' });
    await settle();
    expect(cell(1, 'online'), 'pc_online flips it back').toBe('online');

    stub.emit({ type: 'session_ended', booking_id: 3, pc: 'PC-03', reason: 'expired' });
    await settle();
    expect(row(3), 'session_ended removes the row').toBeNull();
    expect(screen.getAllByTestId('session-row'), 'the other rows stay').toHaveLength(2);
    expect(screen.getByTestId('status').textContent?.trim(), 'the expiry is announced').toBe(
      'Session of Patron 3 on PC-03 ended: time ran out.',
    );

    stub.emit({ type: 'session_ended', booking_id: 3, pc: 'PC-03', reason: 'expired' });
    stub.emit({ type: 'session_ended', booking_id: 77, pc: 'PC-10', reason: 'ended_by_user' });
    await settle();
    expect(
      screen.getByTestId('status').textContent?.trim(),
      'ends of rows not shown are quiet',
    ).toBe('Session of Patron 3 on PC-03 ended: time ran out.');
  });

  it('applies events that arrive while a reload is in flight on top of the new state', async () => {
    const held = deferred<typeof sessions>();
    stub.liveSessions.mockReturnValueOnce(held.promise);
    const reload = desk.load();
    stub.emit({ type: 'session_ended', booking_id: 2, pc: 'PC-02', reason: 'expired' });
    held.resolve(sessions);
    await reload;
    await settle();
    expect(
      row(2),
      'the end that arrived during the reload is not undone by its snapshot',
    ).toBeNull();
    expect(row(1), 'untouched sessions remain').not.toBeNull();
  });

  it('reloads the whole state from the desk', async () => {
    stub.liveSessions.mockResolvedValueOnce([stub.session(7, 'PC-10')]);
    await desk.load();
    await settle();
    const rows = screen.getAllByTestId('session-row');
    expect(
      rows.map((r) => r.dataset.bookingId),
      'the reload replaces every row',
    ).toEqual(['7']);
  });
});

describe('start form', () => {
  const submit = () => fireEvent.click(screen.getByTestId('start-submit'));

  it('offers only free PCs in service', () => {
    const select = screen.getByTestId('start-pc') as HTMLSelectElement;
    const values = [...select.options].map((o) => o.value).filter(Boolean);
    expect(values, 'in-use PC-01/02 and PC-04 in repair cannot take a session').toEqual([
      'PC-03',
      'PC-10',
    ]);
  });

  it('asks for a PC without calling the desk', async () => {
    await fireEvent.input(screen.getByTestId('start-user'), { target: { value: 'ana' } });
    await submit();
    await settle();
    expect(screen.getByTestId('start-error').textContent, 'no PC was chosen').toContain(
      'Choose a free PC',
    );
    expect(stub.startSession, 'an incomplete form never reaches the desk').not.toHaveBeenCalled();
  });

  it('refuses zero minutes without calling the desk', async () => {
    await fireEvent.change(screen.getByTestId('start-pc'), { target: { value: 'PC-03' } });
    await fireEvent.input(screen.getByTestId('start-user'), { target: { value: 'ana' } });
    await fireEvent.input(screen.getByTestId('start-minutes'), { target: { value: '0' } });
    await submit();
    await settle();
    expect(screen.getByTestId('start-error').textContent, 'zero is not a length').toContain(
      'more than zero',
    );
    expect(stub.startSession, 'an invalid length never reaches the desk').not.toHaveBeenCalled();
  });

  it('starts a session for a new walk-in patron with fractional minutes', async () => {
    stub.startSession.mockResolvedValue(
      stub.session(9, 'PC-03', {
        user: 'walkin',
        display_name: 'walkin',
        end_time: '2026-12-04T10:31:30Z',
      }),
    );
    await fireEvent.change(screen.getByTestId('start-pc'), { target: { value: 'PC-03' } });
    await fireEvent.input(screen.getByTestId('start-user'), { target: { value: ' walkin ' } });
    await fireEvent.input(screen.getByTestId('start-minutes'), { target: { value: '1.5' } });
    await fireEvent.click(screen.getByTestId('start-create-patron'));
    await submit();
    await settle();
    expect(
      stub.startSession,
      'PC, trimmed username, 1.5 minutes and the walk-in flag',
    ).toHaveBeenCalledWith('PC-03', 'walkin', 1.5, true);
    expect(row(9), 'the new session shows at once').not.toBeNull();
    expect(screen.getByTestId('status').textContent, 'staff hear the session started').toContain(
      'Session started on PC-03',
    );
    const select = screen.getByTestId('start-pc') as HTMLSelectElement;
    expect(
      [...select.options].map((o) => o.value),
      'PC-03 is no longer free',
    ).not.toContain('PC-03');
  });

  it('shows a refused start in words', async () => {
    stub.startSession.mockRejectedValue({ code: 409, message: 'pc PC-03 is booked until 11:00' });
    await fireEvent.change(screen.getByTestId('start-pc'), { target: { value: 'PC-03' } });
    await fireEvent.input(screen.getByTestId('start-user'), { target: { value: 'ana' } });
    await submit();
    await settle();
    expect(
      screen.getByTestId('start-error').textContent,
      '409 in words plus the desk message',
    ).toBe('That PC is already in use: pc PC-03 is booked until 11:00');
    expect(row(9), 'no row appears for a refused start').toBeNull();
  });
});
