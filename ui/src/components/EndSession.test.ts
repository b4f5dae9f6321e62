// End Session: the confirmation names PC and patron, success removes the row, and each refusal
// is shown in words while the row stays.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Desk } from '../lib/desk.svelte';
import * as stub from '../test/api-stub';
import Harness from '../test/Harness.svelte';
import { fakeClock, settle, startedDesk } from '../test/helpers';
import Sessions from './Sessions.svelte';

vi.mock('../lib/api', () => import('../test/api-stub'));

let desk: Desk;

function row(bookingId: number): HTMLElement | null {
  return document.querySelector(`[data-testid="session-row"][data-booking-id="${bookingId}"]`);
}

async function askToEnd(bookingId: number): Promise<HTMLDialogElement> {
  const r = row(bookingId);
  if (!r) throw new Error(`no row for booking ${bookingId}`);
  await fireEvent.click(within(r).getByTestId('end-session'));
  await settle();
  const dialog = document.querySelector('dialog[aria-labelledby="end-title"]');
  if (!(dialog instanceof HTMLDialogElement)) throw new Error('no end dialog');
  return dialog;
}

beforeEach(async () => {
  fakeClock();
  desk = await startedDesk({
    sessions: [
      stub.session(1, 'PC-01', { display_name: 'Ada Lovelace', user: 'ada' }),
      stub.session(2, 'PC-02'),
    ],
    pcs: [
      stub.pc(1, 'PC-01', { booking_status: 'in_use' }),
      stub.pc(2, 'PC-02', { booking_status: 'in_use' }),
    ],
  });
  render(Harness, { desk, screen: Sessions });
  await settle();
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('End Session', () => {
  it('asks for confirmation naming the patron and the PC', async () => {
    const dialog = await askToEnd(1);
    expect(dialog.open, 'the confirmation opens as a modal dialog').toBe(true);
    expect(dialog.textContent?.replace(/\s+/g, ' '), 'it names patron and PC').toContain(
      'End the session of Ada Lovelace on PC-01?',
    );
    expect(stub.endSession, 'nothing ends before staff confirm').not.toHaveBeenCalled();
  });

  it('keeps the session when staff back out', async () => {
    const dialog = await askToEnd(1);
    await fireEvent.click(within(dialog).getByText('Keep session'));
    await settle();
    expect(dialog.open, 'backing out closes the dialog').toBe(false);
    expect(stub.endSession, 'backing out calls nothing').not.toHaveBeenCalled();
    expect(row(1), 'the row stays').not.toBeNull();
  });

  it('ends the session on confirm and removes the row', async () => {
    stub.endSession.mockResolvedValue({
      id: 1,
      pc: 'PC-01',
      user: 'ada',
      start_time: '2026-12-04T10:00:00Z',
      end_time: '2026-12-04T11:00:00Z',
      status: 'cancelled',
      end_reason: 'ended_by_staff',
      ended_at: '2026-12-04T10:30:00Z',
      ended_by: 'mira',
    });
    const dialog = await askToEnd(1);
    await fireEvent.click(screen.getByTestId('confirm-end'));
    await settle();
    expect(stub.endSession, 'the booking id of the row is ended').toHaveBeenCalledWith(1);
    expect(row(1), 'the ended session leaves the list').toBeNull();
    expect(row(2), 'the other session stays').not.toBeNull();
    expect(dialog.open, 'the dialog closes on success').toBe(false);
    expect(
      screen.getByTestId('status').textContent,
      'the status region says what happened',
    ).toContain('Session of Ada Lovelace on PC-01 ended');
    expect(desk.pcs.find((p) => p.name === 'PC-01')?.booking_status, 'the PC shows as free').toBe(
      'available',
    );
  });

  it.each([
    [403, 'You are not allowed to end this session', 'patrons may end only their own session'],
    [404, 'This session no longer exists', 'no booking 1; reload the list'],
    [409, 'This session has already ended', 'booking 1 is not live'],
  ])('shows %i in words and keeps the row', async (code, words, message) => {
    stub.endSession.mockRejectedValue({ code, message });
    const dialog = await askToEnd(1);
    await fireEvent.click(screen.getByTestId('confirm-end'));
    await settle();
    const expected = `${words}: ${message}`;
    expect(screen.getByTestId('end-error').textContent, 'the dialog shows words and message').toBe(
      expected,
    );
    expect(screen.getByTestId('status').textContent?.trim(), 'the status region says it too').toBe(
      expected,
    );
    expect(dialog.open, 'the dialog stays open so staff can read why').toBe(true);
    expect(row(1), 'a refused end never removes the row').not.toBeNull();
  });

  it('turns an unexpected failure into a readable 500', async () => {
    stub.endSession.mockRejectedValue('the desk stopped');
    await askToEnd(2);
    await fireEvent.click(screen.getByTestId('confirm-end'));
    await settle();
    expect(screen.getByTestId('end-error').textContent, 'unknown failures read as 500').toBe(
      'Something went wrong in the desk: the desk stopped',
    );
    expect(row(2), 'the row stays').not.toBeNull();
  });
});

describe('Clean Up', () => {
  const status = () => screen.getByTestId('status').textContent?.trim();

  it('lists the PCs it freed and removes their rows', async () => {
    stub.cleanUp.mockResolvedValue({
      freed: [
        { booking_id: 1, pc: 'PC-01' },
        { booking_id: 2, pc: 'PC-02' },
      ],
      message: 'freed 2 pcs',
    });
    await fireEvent.click(screen.getByTestId('clean-up'));
    await settle();
    expect(status(), 'the status region names the freed PCs').toBe(
      'Clean-up freed 2 PCs: PC-01, PC-02.',
    );
    const result = screen.getByTestId('clean-up-result');
    expect(
      within(result)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
      'listed PCs',
    ).toEqual(['PC-01', 'PC-02']);
    expect(screen.queryAllByTestId('session-row'), 'freed sessions leave the list').toHaveLength(0);

    stub.emit({ type: 'session_ended', booking_id: 1, pc: 'PC-01', reason: 'expired' });
    await settle();
    expect(status(), 'the late session_ended of a freed row leaves the clean-up result').toBe(
      'Clean-up freed 2 PCs: PC-01, PC-02.',
    );
  });

  it('says when nothing was due', async () => {
    stub.cleanUp.mockResolvedValue({ freed: [], message: 'nothing to clean up' });
    await fireEvent.click(screen.getByTestId('clean-up'));
    await settle();
    expect(status(), 'the exact sentence the end-to-end test looks for').toBe(
      'Nothing was due for clean-up.',
    );
    expect(screen.getAllByTestId('session-row'), 'nothing was removed').toHaveLength(2);
  });

  it('shows a failed clean-up in words and keeps every row', async () => {
    stub.cleanUp.mockRejectedValue({ code: 403, message: 'staff only' });
    await fireEvent.click(screen.getByTestId('clean-up'));
    await settle();
    expect(status(), 'the status region explains the refusal').toBe(
      'Clean-up failed. You are not allowed to clean up: staff only',
    );
    expect(screen.getByTestId('clean-up-error').textContent, 'the panel shows it too').toBe(
      'You are not allowed to clean up: staff only',
    );
    expect(screen.getAllByTestId('session-row'), 'no row is removed on failure').toHaveLength(2);
  });

  it('shows a clean-up done elsewhere (the tray) from its event', async () => {
    stub.emit({
      type: 'cleaned_up',
      report: { freed: [{ booking_id: 2, pc: 'PC-02' }], message: 'freed 1 pc' },
    });
    await settle();
    expect(status(), 'the event is announced').toBe('Clean-up freed 1 PC: PC-02.');
    expect(row(2), 'the freed session leaves the list').toBeNull();
    expect(row(1), 'the other stays').not.toBeNull();
  });
});

describe('Extend', () => {
  async function askToExtend(bookingId: number): Promise<HTMLDialogElement> {
    const r = row(bookingId);
    if (!r) throw new Error(`no row for booking ${bookingId}`);
    await fireEvent.click(within(r).getByTestId('extend-session'));
    await settle();
    const dialog = document.querySelector('dialog[aria-labelledby="extend-title"]');
    if (!(dialog instanceof HTMLDialogElement)) throw new Error('no extend dialog');
    return dialog;
  }

  it('extends by the minutes typed and moves the end time', async () => {
    stub.extendSession.mockResolvedValue(
      stub.session(2, 'PC-02', { end_time: '2026-12-04T11:20:00Z' }),
    );
    const dialog = await askToExtend(2);
    expect(dialog.open, 'the extend dialog opens').toBe(true);
    await fireEvent.input(screen.getByTestId('extend-minutes'), { target: { value: '20' } });
    await fireEvent.click(screen.getByTestId('confirm-extend'));
    await settle();
    expect(stub.extendSession, 'booking id and minutes').toHaveBeenCalledWith(2, 20);
    expect(row(2)?.textContent, 'the row shows the new end').toContain('11:20');
    expect(dialog.open, 'the dialog closes on success').toBe(false);
    expect(screen.getByTestId('status').textContent?.trim(), 'the change is announced').toBe(
      'Session on PC-02 extended until 11:20.',
    );
  });

  it('shows a clash in words and leaves the session as it was', async () => {
    stub.extendSession.mockRejectedValue({ code: 409, message: 'PC-02 is booked from 11:00' });
    await askToExtend(2);
    await fireEvent.click(screen.getByTestId('confirm-extend'));
    await settle();
    expect(screen.getByRole('alert').textContent, 'the 409 words and the desk message').toBe(
      'The PC is not free for the extra time, or the session has ended: PC-02 is booked from 11:00',
    );
    expect(row(2)?.textContent, 'the end time is unchanged').toContain('11:00');
  });

  it('refuses zero minutes without calling the desk', async () => {
    await askToExtend(2);
    await fireEvent.input(screen.getByTestId('extend-minutes'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('confirm-extend'));
    await settle();
    expect(screen.getByRole('alert').textContent, 'zero is not an extension').toBe(
      'Enter the extra minutes, more than zero.',
    );
    expect(stub.extendSession, 'nothing reaches the desk').not.toHaveBeenCalled();
  });
});
