// The Activity and Settings screens.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Desk } from '../lib/desk.svelte';
import * as stub from '../test/api-stub';
import Harness from '../test/Harness.svelte';
import { fakeClock, settle, startedDesk } from '../test/helpers';
import Activity from './Activity.svelte';
import SettingsScreen from './SettingsScreen.svelte';

vi.mock('../lib/api', () => import('../test/api-stub'));

let desk: Desk;

beforeEach(async () => {
  fakeClock();
  desk = await startedDesk({});
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('activity', () => {
  it('lists the audit trail newest first with end reasons in words', async () => {
    const entry = (id: number, at: string, action: string, reason: string | null) => ({
      id,
      at,
      actor: 'mira',
      action,
      booking_id: 4,
      pc: 'PC-01',
      reason,
      detail: null,
    });
    stub.audit.mockResolvedValue([
      entry(1, '2026-12-04T09:00:00Z', 'session_started', null),
      entry(3, '2026-12-04T10:15:00Z', 'session_ended', 'ended_by_staff'),
      entry(2, '2026-12-04T09:59:00Z', 'session_ended', 'expired'),
    ]);
    render(Harness, { desk, screen: Activity });
    await settle();
    const rows = screen.getAllByTestId('audit-row');
    expect(
      rows.map((r) => r.querySelector('td')?.textContent),
      'newest first, site time',
    ).toEqual(['2026-12-04 10:15', '2026-12-04 09:59', '2026-12-04 09:00']);
    expect(rows[0]?.textContent, 'the staff end reason in words').toContain('ended by staff');
    expect(rows[1]?.textContent, 'the expiry reason in words').toContain('time ran out');
  });

  it('shows a failure to read the trail', async () => {
    stub.audit.mockRejectedValue({ code: 403, message: 'staff only' });
    render(Harness, { desk, screen: Activity });
    await settle();
    expect(screen.getByRole('alert').textContent, 'the refusal in words').toBe(
      'You are not allowed to do that: staff only',
    );
  });
});

describe('settings', () => {
  beforeEach(async () => {
    stub.getSettings.mockResolvedValue({
      listen: '0.0.0.0:7700',
      warning_leads_secs: [300, 60],
      time_zone: 'Europe/Berlin',
    });
    render(Harness, { desk, screen: SettingsScreen });
    await settle();
  });

  const value = (id: string) => (screen.getByTestId(id) as HTMLInputElement).value;

  it('shows the saved settings, leads as "5m, 1m"', () => {
    expect(value('settings-listen'), 'listen address').toBe('0.0.0.0:7700');
    expect(value('settings-leads'), 'leads read in minutes').toBe('5m, 1m');
    expect(value('settings-zone'), 'time zone').toBe('Europe/Berlin');
  });

  it('saves leads in seconds, longest first', async () => {
    stub.saveSettings.mockImplementation(async (s) => s);
    await fireEvent.input(screen.getByTestId('settings-leads'), { target: { value: '90s, 10m' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await settle();
    expect(stub.saveSettings, 'the leads are sent in seconds').toHaveBeenCalledWith({
      listen: '0.0.0.0:7700',
      warning_leads_secs: [600, 90],
      time_zone: 'Europe/Berlin',
    });
    expect(
      screen.getByTestId('status').textContent?.trim(),
      'saving is announced, saying which settings wait for the next start',
    ).toBe(
      'Settings saved. The time zone applies now; the listen address and warning leads when Labdesk next starts.',
    );
    expect(desk.timeZone, 'the console uses the saved zone').toBe('Europe/Berlin');
  });

  it('refuses unreadable leads and unknown zones without saving', async () => {
    await fireEvent.input(screen.getByTestId('settings-leads'), { target: { value: '5 minutes' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await settle();
    expect(
      screen.getByTestId('settings-error').textContent,
      'the unreadable part is named',
    ).toContain('cannot read "minutes"');

    await fireEvent.input(screen.getByTestId('settings-leads'), { target: { value: '5m' } });
    await fireEvent.input(screen.getByTestId('settings-zone'), { target: { value: 'Mars/Base' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await settle();
    expect(
      screen.getByTestId('settings-error').textContent,
      'an unknown zone is refused',
    ).toContain('"Mars/Base" is not a time zone name');
    expect(stub.saveSettings, 'nothing invalid reaches the desk').not.toHaveBeenCalled();
  });
});
