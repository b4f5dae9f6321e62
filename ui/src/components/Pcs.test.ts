// The PC board: statuses, add PC (token and command shown once), CSV import and repair.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Desk } from '../lib/desk.svelte';
import * as stub from '../test/api-stub';
import Harness from '../test/Harness.svelte';
import { fakeClock, settle, startedDesk } from '../test/helpers';
import Pcs from './Pcs.svelte';

vi.mock('../lib/api', () => import('../test/api-stub'));

let desk: Desk;

const statusOf = (name: string) =>
  document
    .querySelector(`[data-testid="pc-row"][data-pc="${name}"] [data-testid="pc-status"]`)
    ?.textContent?.trim();

beforeEach(async () => {
  fakeClock();
  desk = await startedDesk({
    sessions: [stub.session(1, 'PC-02')],
    pcs: [
      stub.pc(1, 'PC-01'),
      stub.pc(2, 'PC-02', { booking_status: 'in_use' }),
      stub.pc(3, 'PC-03', { condition: 'repair', online: false }),
    ],
  });
  render(Harness, { desk, screen: Pcs });
  await settle();
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('PC board', () => {
  it('shows free, in use and repair, and whether each PC is online', () => {
    expect(statusOf('PC-01'), 'active and available').toBe('free');
    expect(statusOf('PC-02'), 'booking status in_use').toBe('in use');
    expect(statusOf('PC-03'), 'repair wins over booking status').toBe('repair');
    const row3 = document.querySelector('[data-testid="pc-row"][data-pc="PC-03"]');
    expect(row3?.textContent, 'PC-03 reported offline').toContain('offline');
  });

  it('follows desk events: a started session, an ended one, a changed PC', async () => {
    stub.emit({ type: 'session_started', session: stub.session(5, 'PC-01') });
    await settle();
    expect(statusOf('PC-01'), 'a session started on PC-01').toBe('in use');
    stub.emit({ type: 'session_ended', booking_id: 1, pc: 'PC-02', reason: 'expired' });
    await settle();
    expect(statusOf('PC-02'), 'the session on PC-02 expired').toBe('free');
    stub.emit({ type: 'pc_changed', pc: stub.pc(3, 'PC-03', { condition: 'active' }) });
    await settle();
    expect(statusOf('PC-03'), 'PC-03 came back from repair').toBe('free');
    stub.emit({ type: 'pc_online', pc: 'PC-03' });
    await settle();
    const row3 = document.querySelector('[data-testid="pc-row"][data-pc="PC-03"]');
    expect(row3?.textContent, 'PC-03 is online now').toContain('online');
  });

  it('sets a PC in repair', async () => {
    stub.setPcCondition.mockResolvedValue(stub.pc(1, 'PC-01', { condition: 'repair' }));
    const row1 = document.querySelector<HTMLElement>('[data-testid="pc-row"][data-pc="PC-01"]');
    if (!row1) throw new Error('no PC-01 row');
    await fireEvent.click(within(row1).getByTestId('toggle-repair'));
    await settle();
    expect(stub.setPcCondition, 'the PC goes to repair').toHaveBeenCalledWith('PC-01', 'repair');
    expect(statusOf('PC-01'), 'the board shows the new condition').toBe('repair');
    expect(
      within(row1).getByTestId('toggle-repair').textContent?.trim(),
      'and offers the way back',
    ).toBe('Back in service');
  });
});

describe('add PC', () => {
  async function add(name: string) {
    await fireEvent.input(screen.getByTestId('add-pc-name'), { target: { value: name } });
    await fireEvent.input(screen.getByTestId('add-pc-zone'), { target: { value: 'Quiet room' } });
    await fireEvent.input(screen.getByTestId('add-pc-os'), { target: { value: 'windows' } });
    await fireEvent.click(screen.getByTestId('add-pc-submit'));
    await settle();
  }

  it('shows the token and the agent command once', async () => {
    stub.addPc.mockResolvedValue({
      pc: stub.pc(20, 'PC-20', { zone: 'Quiet room', os: 'windows' }),
      token: 'tok-7f3a',
      agent_command: 'labdesk-agent --desk ws://127.0.0.1:7700 --pc PC-20 --token tok-7f3a',
    });
    await add('PC-20');
    expect(stub.addPc, 'name, zone and system go to the desk').toHaveBeenCalledWith(
      'PC-20',
      'Quiet room',
      'windows',
    );
    expect(screen.getByTestId('pc-token').textContent, 'the token is shown').toBe('tok-7f3a');
    expect(screen.getByTestId('agent-command').textContent, 'the exact command line').toBe(
      'labdesk-agent --desk ws://127.0.0.1:7700 --pc PC-20 --token tok-7f3a',
    );
    expect(
      screen.getByTestId('agent-commands').textContent,
      'staff are told it is shown once',
    ).toContain('will not be shown again');
    expect(statusOf('PC-20'), 'the new PC is on the board').toBe('free');

    await fireEvent.click(screen.getByTestId('agent-commands-done'));
    await settle();
    expect(
      document.body.textContent,
      'once dismissed, the token is gone from the page',
    ).not.toContain('tok-7f3a');
  });

  it('builds the documented command when the desk gives none', async () => {
    stub.addPc.mockResolvedValue({ pc: stub.pc(21, 'PC-21'), token: 'tok-1', agent_command: '' });
    await add('PC-21');
    expect(screen.getByTestId('agent-command').textContent, 'built from the desk agent URL').toBe(
      'labdesk-agent --desk ws://127.0.0.1:7700 --pc PC-21 --token tok-1',
    );
  });

  it('asks for a name without calling the desk', async () => {
    await fireEvent.click(screen.getByTestId('add-pc-submit'));
    await settle();
    expect(screen.getByText('Enter a name for the PC.'), 'a nameless PC is refused').toBeVisible();
    expect(stub.addPc, 'nothing reaches the desk').not.toHaveBeenCalled();
  });

  it('shows a duplicate name in words', async () => {
    stub.addPc.mockRejectedValue({ code: 409, message: 'a pc named PC-01 exists; pick another' });
    await add('PC-01');
    expect(screen.getByRole('alert').textContent, 'the conflict and the desk message').toBe(
      'That clashes with the current state of the desk: a pc named PC-01 exists; pick another',
    );
    expect(screen.queryByTestId('pc-token'), 'no token without a PC').toBeNull();
  });
});

describe('import CSV', () => {
  async function importText(text: string) {
    const file = new File([text], 'lab.csv', { type: 'text/csv' });
    const input = screen.getByTestId('import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    await fireEvent.click(screen.getByTestId('import-submit'));
    await vi.waitFor(() => expect(stub.importPcs).toHaveBeenCalled());
    await settle();
  }

  it('sends the file text and shows the count and commands', async () => {
    stub.importPcs.mockResolvedValue({
      imported: [
        { pc: stub.pc(30, 'LAB-1'), token: 't1', agent_command: 'labdesk-agent --pc LAB-1' },
        { pc: stub.pc(31, 'LAB-2'), token: 't2', agent_command: 'labdesk-agent --pc LAB-2' },
      ],
    });
    await importText('name,zone,os\nLAB-1,A,linux\nLAB-2,A,linux\n');
    expect(stub.importPcs, 'the file content goes to the desk as text').toHaveBeenCalledWith(
      'name,zone,os\nLAB-1,A,linux\nLAB-2,A,linux\n',
    );
    expect(screen.getByTestId('import-count').textContent, 'the count').toBe('Imported 2 PCs.');
    expect(screen.getAllByTestId('agent-command'), 'one command per new PC').toHaveLength(2);
    expect(statusOf('LAB-2'), 'imported PCs join the board').toBe('free');
  });

  it('shows the desk error with its line numbers', async () => {
    stub.importPcs.mockRejectedValue({
      code: 400,
      message: 'line 3: missing name\nline 5: duplicate name LAB-1',
    });
    await importText('name,zone,os\nLAB-1,A,linux\n,A,linux\n');
    const error = screen.getByTestId('import-error').textContent ?? '';
    expect(error, 'the first bad line is named').toContain('line 3: missing name');
    expect(error, 'every bad line is named').toContain('line 5: duplicate name LAB-1');
    expect(
      screen.getAllByTestId('pc-row'),
      'a failed import adds nothing to the board',
    ).toHaveLength(3);
  });

  it('asks for a file first', async () => {
    await fireEvent.click(screen.getByTestId('import-submit'));
    await settle();
    expect(screen.getByTestId('import-error').textContent, 'no file chosen').toBe(
      'Choose a CSV file first.',
    );
    expect(stub.importPcs, 'nothing reaches the desk').not.toHaveBeenCalled();
  });
});
