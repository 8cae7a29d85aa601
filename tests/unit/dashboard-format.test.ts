/** How the dashboard writes a figure: by its unit, "No data" for null (never 0), the change from the previous period. */
import { describe, expect, it } from 'vitest';
import { formatChange, formatDuration, formatValue, NO_DATA, rowsNoun, TIE_OUT_METRICS, utcDay } from '../../src-renderer/src/features/dashboard/format';
import { METRICS } from '../../src-shared/domain/metrics';

describe('dashboard figures', () => {
  it('writes durations as m:ss, h:mm:ss from an hour and days from a day', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
    expect(formatDuration(-65_000)).toBe('−1:05');
  });

  it('shows null as No data in every unit, and 0 as 0', () => {
    for (const unit of ['count', 'ms', 'ratio', 'cents'] as const) expect(formatValue(unit, null, 'USD')).toBe(NO_DATA);
    expect(formatValue('count', 0, 'USD')).toBe('0');
    expect(formatValue('ms', 125_000, 'USD')).toBe('2:05');
    expect(formatValue('ratio', 0.25, 'USD')).toMatch(/25[.,]0\s?%/);
    expect(formatValue('cents', 123_456, 'USD')).toMatch(/1,?234[.,]56/);
  });

  it('states the change from the previous period, none when either side has no data', () => {
    expect(formatChange('count', 12, 10, 'USD')).toMatch(/^\+2 \(\+20%\)$/);
    expect(formatChange('count', 10, 10, 'USD')).toBe('no change');
    expect(formatChange('count', 3, 0, 'USD')).toBe('+3');
    expect(formatChange('ratio', 0.3, 0.25, 'USD')).toMatch(/^\+5[.,]0 points$/);
    expect(formatChange('ms', 60_000, 90_000, 'USD')).toMatch(/^−0:30 \(-33[.,]3%\)$/);
    expect(formatChange('count', null, 3, 'USD')).toBeNull();
    expect(formatChange('count', 3, null, 'USD')).toBeNull();
  });

  it('names the rows behind each metric and ties out only declared count metrics', () => {
    expect(rowsNoun('callsHandled')).toBe('calls');
    expect(rowsNoun('ordersTaken')).toBe('orders');
    for (const { id } of TIE_OUT_METRICS) expect((METRICS as Record<string, { aggregate: { kind: string } }>)[id]?.aggregate.kind).toBe('count');
  });

  it('counts days in UTC', () => {
    expect(utcDay(0, Date.UTC(2026, 0, 1, 23, 30))).toBe('2026-01-01');
    expect(utcDay(-29, Date.UTC(2026, 0, 30, 0, 0))).toBe('2026-01-01');
  });
});
