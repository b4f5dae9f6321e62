// The console's frame: first run, sign-in (and its errors), navigation, and the start-up load.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { Desk } from './lib/desk.svelte';
import * as stub from './test/api-stub';
import { fakeClock, settle } from './test/helpers';

vi.mock('./lib/api', () => import('./test/api-stub'));

let desk: Desk;

async function type(testId: string, value: string) {
  await fireEvent.input(screen.getByTestId(testId), { target: { value } });
}

beforeEach(() => {
  fakeClock();
  desk = new Desk();
});

afterEach(() => {
  desk.stop();
  vi.useRealTimers();
});

describe('sign in', () => {
  beforeEach(async () => {
    stub.reset({ status: { user: null }, sessions: [stub.session(1, 'PC-01')] });
    render(App, { desk });
    await settle();
  });

  it('shows the sign-in form and no screens while nobody is signed in', () => {
    expect(screen.getByTestId('sign-in'), 'the sign-in button is there').toBeVisible();
    expect(screen.queryByTestId('nav-sessions'), 'no navigation before sign-in').toBeNull();
    expect(stub.liveSessions, 'sessions are not read before sign-in').not.toHaveBeenCalled();
  });

  it('shows a wrong password in words and stays on the form', async () => {
    stub.signIn.mockRejectedValue({ code: 401, message: 'check the username and password' });
    await type('username', 'mira');
    await type('password', 'wrong');
    await fireEvent.click(screen.getByTestId('sign-in'));
    await settle();
    expect(stub.signIn, 'the typed credentials go to the desk').toHaveBeenCalledWith(
      'mira',
      'wrong',
    );
    expect(screen.getByTestId('sign-in-error').textContent, '401 in words plus the message').toBe(
      'Wrong username or password: check the username and password',
    );
    expect(screen.queryByTestId('nav-sessions'), 'still signed out').toBeNull();
  });

  it('asks for both fields without calling the desk', async () => {
    await fireEvent.click(screen.getByTestId('sign-in'));
    await settle();
    expect(screen.getByTestId('sign-in-error').textContent, 'empty form').toBe(
      'Enter a username and a password.',
    );
    expect(stub.signIn, 'an empty form never reaches the desk').not.toHaveBeenCalled();
  });

  it('loads the live sessions once signed in', async () => {
    stub.signIn.mockResolvedValue(stub.staff);
    stub.deskStatus.mockResolvedValue({
      needs_admin: false,
      user: stub.staff,
      listen: '0.0.0.0:7700',
      agent_url: 'ws://127.0.0.1:7700',
    });
    await type('username', 'mira');
    await type('password', 'secret');
    await fireEvent.click(screen.getByTestId('sign-in'));
    await settle();
    expect(
      screen.getAllByTestId('session-row'),
      'the main screen shows the live session',
    ).toHaveLength(1);
    expect(
      screen.getByTestId('nav-sessions').getAttribute('aria-current'),
      'on the main screen',
    ).toBe('page');
  });
});

describe('first run', () => {
  it('creates the admin account when the desk has none', async () => {
    stub.reset({ status: { needs_admin: true, user: null } });
    render(App, { desk });
    await settle();
    expect(screen.getByRole('heading', { level: 1 }).textContent, 'first-run heading').toBe(
      'Create the admin account',
    );
    stub.createAdmin.mockResolvedValue({ ...stub.staff, role: 'admin' });
    stub.deskStatus.mockResolvedValue({
      needs_admin: false,
      user: { ...stub.staff, role: 'admin' },
      listen: '0.0.0.0:7700',
      agent_url: 'ws://127.0.0.1:7700',
    });
    await type('username', 'root');
    await type('password', 'a long passphrase');
    await type('password-again', 'a different one');
    await fireEvent.click(screen.getByTestId('sign-in'));
    await settle();
    expect(stub.createAdmin, 'differing passwords never reach the desk').not.toHaveBeenCalled();

    await type('password-again', 'a long passphrase');
    await fireEvent.click(screen.getByTestId('sign-in'));
    await settle();
    expect(stub.createAdmin, 'the admin is created').toHaveBeenCalledWith(
      'root',
      'a long passphrase',
    );
    expect(screen.getByTestId('nav-settings'), 'signed in as the new admin').toBeVisible();
  });
});

describe('navigation', () => {
  it('reaches every screen from buttons in the nav', async () => {
    stub.reset({ pcs: [stub.pc(1, 'PC-01')] });
    render(App, { desk });
    await settle();
    await fireEvent.click(screen.getByTestId('nav-pcs'));
    await settle();
    expect(screen.getAllByTestId('pc-row'), 'the PC board is shown').toHaveLength(1);
    await fireEvent.click(screen.getByTestId('nav-activity'));
    await settle();
    expect(stub.audit, 'the activity screen reads the audit trail').toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('nav-settings'));
    await settle();
    expect(screen.getByTestId('settings-zone'), 'the settings form is shown').toBeVisible();
    await fireEvent.click(screen.getByTestId('nav-sessions'));
    await settle();
    expect(screen.getByTestId('clean-up'), 'back on live sessions').toBeVisible();
    for (const id of ['nav-sessions', 'nav-pcs', 'nav-activity', 'nav-settings']) {
      expect(screen.getByTestId(id).tagName, `${id} is a real button, so keyboard reaches it`).toBe(
        'BUTTON',
      );
    }
  });

  it('says so when the desk does not answer, and tries again', async () => {
    stub.reset({});
    stub.deskStatus.mockRejectedValueOnce({ code: 500, message: 'the store is locked' });
    render(App, { desk });
    await settle();
    expect(screen.getByTestId('status').textContent, 'the failure is announced').toContain(
      'the store is locked',
    );
    await fireEvent.click(screen.getByText('Try again'));
    await settle();
    expect(screen.getByTestId('clean-up'), 'the second load works').toBeVisible();
  });
});
