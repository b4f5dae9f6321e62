// Desk errors in words: the `{ code, message }` every command rejects with, and the sentences
// staff read for each code. Kept apart from `api.ts` so that tests can stub the commands while
// the wording stays real.
import type { DeskError } from './types';

/** Whether a value already has the `{ code, message }` shape of a desk error. */
export function isDeskError(value: unknown): value is DeskError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'number' && typeof v.message === 'string';
}

/** Turns whatever a rejected command gave into a `DeskError`; unknown shapes become code 500. */
export function toDeskError(reason: unknown): DeskError {
  if (isDeskError(reason)) return { code: reason.code, message: reason.message };
  if (reason instanceof Error) return { code: 500, message: reason.message };
  if (typeof reason === 'string') return { code: 500, message: reason };
  let text: string | undefined;
  try {
    text = JSON.stringify(reason);
  } catch {
    text = undefined;
  }
  return { code: 500, message: text ?? String(reason) };
}

/** The action an error happened in; some codes read differently per action. */
export type Action = 'end' | 'extend' | 'start' | 'clean-up' | 'sign-in' | 'other';

const general: Record<number, string> = {
  400: 'The desk did not accept that',
  401: 'Please sign in again',
  403: 'You are not allowed to do that',
  404: 'That no longer exists',
  409: 'That clashes with the current state of the desk',
  500: 'Something went wrong in the desk',
};

const byAction: Partial<Record<Action, Record<number, string>>> = {
  end: {
    403: 'You are not allowed to end this session',
    404: 'This session no longer exists',
    409: 'This session has already ended',
  },
  extend: {
    403: 'You are not allowed to extend this session',
    404: 'This session no longer exists',
    409: 'The PC is not free for the extra time, or the session has ended',
  },
  start: {
    403: 'You are not allowed to start sessions',
    404: 'No such PC or patron',
    409: 'That PC is already in use',
  },
  'clean-up': {
    403: 'You are not allowed to clean up',
  },
  'sign-in': {
    401: 'Wrong username or password',
    403: 'This account may not use the desk console',
  },
};

/** The sentence staff read for an error code in an action (without the server's message). */
export function errorWords(code: number, action: Action = 'other'): string {
  return byAction[action]?.[code] ?? general[code] ?? general[500] ?? 'Something went wrong';
}

/** The full text shown for an error: the words for its code, then the server's own message. */
export function describeError(error: unknown, action: Action = 'other'): string {
  const e = toDeskError(error);
  const words = errorWords(e.code, action);
  const detail = e.message.trim();
  return detail ? `${words}: ${detail}` : `${words}.`;
}
