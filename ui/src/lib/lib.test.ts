// The pure parts of the console: time formatting, countdowns, warning leads and error words.
import { describe, expect, it } from 'vitest';
import { describeError, toDeskError } from './errors';
import { formatCountdown, formatLeads, formatTime, parseLeads } from './format';

describe('format', () => {
  it('shows times as 24-hour HH:MM in the site zone', () => {
    expect(formatTime('2026-12-04T17:05:00Z', 'UTC'), 'afternoon stays 17, no AM/PM').toBe('17:05');
    expect(formatTime('2026-12-04T17:05:00Z', 'America/New_York'), 'UTC-5 in December').toBe(
      '12:05',
    );
    expect(formatTime('2026-07-04T17:05:00Z', 'Europe/London'), 'summer time is UTC+1').toBe(
      '18:05',
    );
    expect(formatTime('2026-12-04T23:30:00Z', 'Europe/Berlin'), 'midnight reads 00').toBe('00:30');
    expect(formatTime(null, 'UTC'), 'missing instants read as a dash').toBe('—');
  });

  it('counts down in m:ss and h:mm:ss, rounding seconds up', () => {
    const end = Date.parse('2026-12-04T11:00:00Z');
    expect(formatCountdown(end, end - 90_000), '90 s').toBe('1:30');
    expect(formatCountdown(end, end - 500), 'half a second still shows as time left').toBe('0:01');
    expect(formatCountdown(end, end - 3_725_000), 'over an hour').toBe('1:02:05');
    expect(formatCountdown(end, end), 'at the end').toBe('overdue');
  });

  it('reads and writes warning leads', () => {
    expect(parseLeads('5m, 1m'), 'minutes').toEqual({ secs: [300, 60] });
    expect(parseLeads('1m 90s 2'), 'seconds and bare minutes, longest first').toEqual({
      secs: [120, 90, 60],
    });
    expect(parseLeads('1.5m'), 'fractions of a minute in whole seconds').toEqual({ secs: [90] });
    expect('error' in parseLeads('soon'), 'words are refused').toBe(true);
    expect('error' in parseLeads('0m'), 'zero is refused').toBe(true);
    expect(formatLeads([300, 60, 90]), 'whole minutes as m, the rest as s').toBe('5m, 1m, 90s');
  });
});

describe('errors', () => {
  it('keeps a desk error and makes anything else a 500', () => {
    expect(toDeskError({ code: 409, message: 'not live' }), 'already a desk error').toEqual({
      code: 409,
      message: 'not live',
    });
    expect(toDeskError('boom'), 'a plain string').toEqual({ code: 500, message: 'boom' });
    expect(toDeskError(new Error('lost')), 'an Error').toEqual({ code: 500, message: 'lost' });
    expect(toDeskError({ code: '409' }).code, 'a code that is not a number is not trusted').toBe(
      500,
    );
    expect(describeError({ code: 404, message: 'no booking 3' }, 'end'), 'end words').toBe(
      'This session no longer exists: no booking 3',
    );
  });
});
