// Shared steps for component tests: a desk loaded from the API stub, a fixed wall clock, and
// waiting for promise chains to settle.
import { tick } from 'svelte';
import { vi } from 'vitest';
import { Desk } from '../lib/desk.svelte';
import * as stub from './api-stub';

/** The wall-clock instant every test starts at: 10:30 UTC, half-way through the fixtures. */
export const NOW = Date.parse('2026-12-04T10:30:00Z');

/** Fakes timers and the clock at `NOW`, so the shared countdown timer moves only when told. */
export function fakeClock(): void {
  vi.useFakeTimers({
    now: NOW,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

/** Lets pending promise callbacks run and Svelte apply what they changed. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  await tick();
}

/** A started desk over the stub with the given state. */
export async function startedDesk(state: Parameters<typeof stub.reset>[0]): Promise<Desk> {
  stub.reset(state);
  const desk = new Desk();
  await desk.start();
  return desk;
}

/** A promise with its resolver, for holding a command's answer back. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
