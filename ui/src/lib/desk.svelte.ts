// The console's live state: who is signed in, the live sessions, the PC board and the settings.
// It loads everything from the desk on start and on every reload, then applies `desk-event`s as
// they arrive (no polling). One shared timer moves `now` once a second for every countdown.
import * as api from './api';
import { toDeskError } from './errors';
import { comparePcNames, reasonWords, systemTimeZone } from './format';
import type {
  CleanUpReport,
  DeskError,
  DeskEvent,
  DeskStatus,
  Pc,
  PcRef,
  Session,
  Settings,
} from './types';

/** A live session with its end instant parsed once, so countdowns cost no parsing per tick. */
export type LiveSession = Session & { end_ms: number };

/** A sentence for the status region; `seq` changes on every notice so repeats are re-read. */
export interface Notice {
  text: string;
  tone: 'info' | 'error';
  seq: number;
}

/** Reads a PC's name from an event that names it either way. */
export function pcName(ref: PcRef): string {
  return typeof ref === 'string' ? ref : ref.name;
}

function live(session: Session): LiveSession {
  return { ...session, end_ms: Date.parse(session.end_time) };
}

function sortSessions(rows: LiveSession[]): LiveSession[] {
  return rows.sort((a, b) => comparePcNames(a.pc, b.pc) || a.booking_id - b.booking_id);
}

/** The sentence staff read after a clean-up. */
export function cleanUpText(report: CleanUpReport): string {
  if (report.freed.length === 0) return 'Nothing was due for clean-up.';
  const names = report.freed.map((f) => f.pc).join(', ');
  const count = report.freed.length === 1 ? '1 PC' : `${report.freed.length} PCs`;
  return `Clean-up freed ${count}: ${names}.`;
}

/** The console's state; one per window. */
export class Desk {
  /** Whether an admin is needed, who is signed in, and where the desk listens. */
  status = $state<DeskStatus | null>(null);
  /** Live sessions, sorted by PC name; replaced as a whole on every change. */
  sessions = $state.raw<LiveSession[]>([]);
  /** Every PC, sorted by name; replaced as a whole on every change. */
  pcs = $state.raw<Pc[]>([]);
  /** The desk's settings, or null until loaded (or when this user may not read them). */
  settings = $state<Settings | null>(null);
  /** Milliseconds since the epoch, moved once a second by the shared timer. */
  now = $state(Date.now());
  /** Whether a load is under way. */
  loading = $state(false);
  /** Why the last load failed, if it did. */
  loadError = $state<DeskError | null>(null);
  /** The last sentence for the status region. */
  notice = $state<Notice | null>(null);
  /** The report of the last clean-up, from this console or from anywhere else. */
  lastCleanUp = $state<CleanUpReport | null>(null);

  /** The site's time zone: from settings, else the machine's. */
  timeZone = $derived(this.settings?.time_zone || systemTimeZone());
  /** Whoever is signed in. */
  user = $derived(this.status?.user ?? null);

  #buffer: DeskEvent[] | null = null;
  #unlisten: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;

  /** Starts listening for events, starts the countdown timer and loads the whole state. */
  async start(): Promise<void> {
    this.#tick();
    if (!this.#unlisten) {
      // Events that arrive while a load is in flight wait in the buffer and are applied on top
      // of the loaded state, so none is lost and none is undone by an older snapshot.
      this.#buffer = [];
      try {
        this.#unlisten = await api.onDeskEvent((event) => this.#receive(event));
      } catch (reason) {
        this.announce(`Live updates are off: ${toDeskError(reason).message}`, 'error');
      }
    }
    await this.load();
  }

  /** Stops the timer and the event subscription. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#unlisten?.();
    this.#unlisten = null;
  }

  /** Loads the whole state again: status, then sessions, PCs and settings when signed in. */
  async load(): Promise<void> {
    this.loading = true;
    this.#buffer ??= [];
    try {
      const status = await api.deskStatus();
      this.status = status;
      if (status.user) {
        const [sessions, pcs, settings] = await Promise.all([
          api.liveSessions(),
          api.listPcs(),
          api.getSettings().catch(() => null),
        ]);
        this.replaceAll(sessions, pcs);
        if (settings) this.settings = settings;
      } else {
        this.replaceAll([], []);
      }
      this.loadError = null;
    } catch (reason) {
      this.loadError = toDeskError(reason);
      this.announce(`Could not load the desk: ${this.loadError.message}`, 'error');
    } finally {
      const pending = this.#buffer ?? [];
      this.#buffer = null;
      this.loading = false;
      for (const event of pending) this.apply(event);
    }
  }

  /** Replaces the live sessions and the PC board with a fresh snapshot from the desk. */
  replaceAll(sessions: Session[], pcs: Pc[]): void {
    this.sessions = sortSessions(sessions.map(live));
    this.pcs = [...pcs].sort((a, b) => comparePcNames(a.name, b.name));
  }

  /** Puts a sentence in the status region. */
  announce(text: string, tone: Notice['tone'] = 'info'): void {
    this.#seq += 1;
    this.notice = { text, tone, seq: this.#seq };
  }

  /** Applies one desk event to the state. */
  apply(event: DeskEvent): void {
    switch (event.type) {
      case 'session_started':
      case 'session_extended':
        this.upsertSession(event.session);
        break;
      case 'session_ended': {
        const row = this.sessions.find((s) => s.booking_id === event.booking_id);
        this.removeSession(event.booking_id, event.pc);
        // Announced only while the row was still shown: an end this console already showed
        // (its own End Session or Clean Up) must not overwrite that result.
        if (row) {
          const who = row.display_name || row.user;
          this.announce(`Session of ${who} on ${row.pc} ended: ${reasonWords(event.reason)}.`);
        }
        break;
      }
      case 'session_warned':
        this.sessions = this.sessions.map((s) =>
          s.booking_id === event.booking_id ? { ...s, warned_minutes: event.minutes_left } : s,
        );
        break;
      case 'pc_online':
      case 'pc_offline':
        this.#setOnline(pcName(event.pc), event.type === 'pc_online');
        break;
      case 'pc_changed':
        this.upsertPc(event.pc);
        break;
      case 'cleaned_up':
        for (const f of event.report.freed) this.removeSession(f.booking_id, f.pc);
        this.lastCleanUp = event.report;
        this.announce(cleanUpText(event.report));
        break;
      case 'booking_created':
        // Upcoming bookings are not shown; the session arrives with `session_started`.
        break;
    }
  }

  /** Adds a live session or replaces the one with the same booking id. */
  upsertSession(session: Session): void {
    const row = live(session);
    const rest = this.sessions.filter((s) => s.booking_id !== row.booking_id);
    this.sessions = sortSessions([...rest, row]);
    this.#setBooking(row.pc, 'in_use');
  }

  /** Removes a live session (if still listed) and shows its PC as free. */
  removeSession(bookingId: number, pc?: string): void {
    const gone = this.sessions.find((s) => s.booking_id === bookingId);
    this.sessions = this.sessions.filter((s) => s.booking_id !== bookingId);
    const name = pc ?? gone?.pc;
    if (name && !this.sessions.some((s) => s.pc === name)) this.#setBooking(name, 'available');
  }

  /** Adds a PC to the board or replaces the one with the same id or name. */
  upsertPc(pc: Pc): void {
    const rest = this.pcs.filter((p) => p.id !== pc.id && p.name !== pc.name);
    this.pcs = [...rest, pc].sort((a, b) => comparePcNames(a.name, b.name));
  }

  #receive(event: DeskEvent): void {
    if (this.#buffer) this.#buffer.push(event);
    else this.apply(event);
  }

  #setOnline(name: string, online: boolean): void {
    this.sessions = this.sessions.map((s) => (s.pc === name ? { ...s, pc_online: online } : s));
    this.pcs = this.pcs.map((p) => (p.name === name ? { ...p, online } : p));
  }

  #setBooking(name: string, booking: Pc['booking_status']): void {
    if (!this.pcs.some((p) => p.name === name && p.booking_status !== booking)) return;
    this.pcs = this.pcs.map((p) => (p.name === name ? { ...p, booking_status: booking } : p));
  }

  // One timer for every countdown, aligned to the wall clock's seconds so all rows change
  // together.
  #tick(): void {
    if (this.#timer !== null) return;
    const step = () => {
      this.now = Date.now();
      this.#timer = setTimeout(step, 1000 - (this.now % 1000));
    };
    step();
  }
}
