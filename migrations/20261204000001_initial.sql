-- Labdesk store: PCs, users, bookings, API tokens and the audit trail.
-- Every instant is UTC text in one format, 'YYYY-MM-DDTHH:MM:SS.mmmZ', written by the engine
-- (never CURRENT_TIMESTAMP), so that comparing the text compares the instants.

CREATE TABLE pcs (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    zone           TEXT    NOT NULL DEFAULT '',
    os             TEXT    NOT NULL DEFAULT '',
    booking_status TEXT    NOT NULL DEFAULT 'available'
                   CHECK (booking_status IN ('available', 'in_use')),
    condition      TEXT    NOT NULL DEFAULT 'active' CHECK (condition IN ('active', 'repair')),
    token_hash     TEXT    NOT NULL,
    last_seen      TEXT,
    created_at     TEXT    NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('patron', 'staff', 'admin')),
    password_hash TEXT,
    created_at    TEXT    NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT    NOT NULL UNIQUE,
    created_at TEXT    NOT NULL
);

CREATE TABLE bookings (
    id               INTEGER PRIMARY KEY,
    pc_id            INTEGER NOT NULL REFERENCES pcs (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    start_time       TEXT    NOT NULL,
    end_time         TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'confirmed'
                     CHECK (status IN ('confirmed', 'cancelled', 'completed')),
    -- set when the PC went in use for this booking (session_started was published)
    started_at       TEXT,
    -- null until the booking expires; then its end time
    expiry           TEXT,
    -- the shortest warning lead delivered (acknowledged); every longer lead counts as done
    warned_lead_secs INTEGER,
    -- minutes_left of the last delivered warning
    warned_minutes   INTEGER,
    ended_at         TEXT,
    ended_by         TEXT,
    end_reason       TEXT CHECK (end_reason IN ('expired', 'ended_by_staff', 'ended_by_user',
                                                'cancelled')),
    created_at       TEXT    NOT NULL,
    CHECK (end_time > start_time),
    -- a booking is never both expired and cancelled
    CHECK (NOT (status = 'cancelled' AND expiry IS NOT NULL)),
    CHECK ((status = 'confirmed') = (end_reason IS NULL))
);

-- Only confirmed bookings (live, upcoming or overdue) are in these indexes, so a year of
-- history costs the scheduler's queries nothing.
CREATE INDEX bookings_confirmed_by_end ON bookings (end_time) WHERE status = 'confirmed';
CREATE INDEX bookings_confirmed_by_pc ON bookings (pc_id, start_time) WHERE status = 'confirmed';
CREATE INDEX bookings_not_started ON bookings (start_time)
    WHERE status = 'confirmed' AND started_at IS NULL;

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    booking_id INTEGER,
    pc         TEXT,
    reason     TEXT,
    detail     TEXT
);
