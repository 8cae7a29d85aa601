/**
 * Campaign codes (issue 21) are checked offline on the workstation and again on the store with
 * `checkCode`: a code that cannot be used gets a sentence saying why, never a silent zero.
 */
import { describe, expect, it } from 'vitest';
import { checkCode, normaliseCode, type Campaign, type CodeContext } from '../../src-shared/domain/campaign';

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1); // 2026-03-01
const END = Date.UTC(2026, 4, 1); // valid until 2026-04-30 included

const campaign = (over: Partial<Campaign>): Campaign => ({
  id: '0b7e2a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c',
  code: 'SPRING10',
  family: 'SPRING-2026',
  name: 'Spring sale',
  channel: 'offline',
  rule: 'percent',
  value: 10,
  currency: null,
  minOrderCents: 0,
  startsAt: START,
  endsAt: END,
  active: true,
  ...over,
});
const ctx = (over: Partial<CodeContext> = {}): CodeContext => ({ now: START + 10 * DAY, channel: 'offline', currency: 'EUR', subtotalCents: 10_000, ...over });
const reason = (r: ReturnType<typeof checkCode>) => (r.ok ? null : r.reason);

describe('checkCode', () => {
  it('accepts a valid code however it is typed or read out, and returns its campaign', () => {
    const c = campaign({});
    for (const typed of ['SPRING10', 'spring10', '  Spring 10 ', 'spring\u00a010', 'ｓｐｒｉｎｇ１０']) {
      const r = checkCode(typed, [campaign({ id: 'other', code: 'SUMMER5' }), c], ctx());
      expect(r, typed).toEqual({ ok: true, campaign: c });
    }
    expect(normaliseCode(' spring-10 x ')).toBe('SPRING-10X');
  });

  it('says a code is unknown, naming it, and asks for one when none is typed', () => {
    expect(reason(checkCode('WINTER', [campaign({})], ctx()))).toBe('There is no campaign with the code WINTER: check the spelling with the caller.');
    expect(reason(checkCode('   ', [campaign({})], ctx()))).toBe('Enter a campaign code.');
    expect(reason(checkCode('X'.repeat(500), [campaign({ code: 'X'.repeat(500) })], ctx()))).toMatch(/^There is no campaign with the code X{40}:/);
  });

  it('refuses a switched-off campaign', () => {
    expect(reason(checkCode('spring10', [campaign({ active: false })], ctx()))).toBe('The code SPRING10 has been switched off; it gives no discount.');
  });

  it('says when a code starts and when it ended (its last valid day), at the exact instants', () => {
    expect(reason(checkCode('SPRING10', [campaign({})], ctx({ now: START - 1 })))).toBe('The code SPRING10 is not valid yet: it starts on 2026-03-01.');
    expect(checkCode('SPRING10', [campaign({})], ctx({ now: START })).ok).toBe(true);
    expect(checkCode('SPRING10', [campaign({})], ctx({ now: END - 1 })).ok).toBe(true);
    expect(reason(checkCode('SPRING10', [campaign({})], ctx({ now: END })))).toBe('The code SPRING10 has expired: it ended on 2026-04-30.');
    expect(checkCode('SPRING10', [campaign({ endsAt: null })], ctx({ now: END + 1000 * DAY })).ok).toBe(true);
  });

  it('keeps online codes off phone orders and offline codes off the web shop; both works on both', () => {
    expect(reason(checkCode('SPRING10', [campaign({ channel: 'online' })], ctx()))).toBe('The code SPRING10 is for the web shop only, not for phone orders.');
    expect(reason(checkCode('SPRING10', [campaign({ channel: 'offline' })], ctx({ channel: 'online' })))).toBe(
      'The code SPRING10 is for phone and store orders only, not for the web shop.',
    );
    expect(checkCode('SPRING10', [campaign({ channel: 'both' })], ctx()).ok).toBe(true);
    expect(checkCode('SPRING10', [campaign({ channel: 'both' })], ctx({ channel: 'online' })).ok).toBe(true);
  });

  it('tells the online and offline versions of one campaign apart by their codes', () => {
    const online = campaign({ id: 'on', code: 'SPRING10WEB', channel: 'online' });
    const offline = campaign({ id: 'off', code: 'SPRING10', channel: 'offline' });
    const r = checkCode('spring10', [online, offline], ctx());
    expect(r.ok && r.campaign.id).toBe('off');
    expect(checkCode('spring10web', [online, offline], ctx()).ok).toBe(false);
  });

  it('refuses a code for another currency', () => {
    expect(reason(checkCode('SPRING10', [campaign({ currency: 'GBP' })], ctx()))).toBe('The code SPRING10 is for orders in GBP; this order is in EUR.');
    expect(checkCode('SPRING10', [campaign({ currency: 'EUR' })], ctx()).ok).toBe(true);
  });

  it('says the minimum order and how far the order is from it', () => {
    const c = campaign({ currency: 'EUR', minOrderCents: 5000 });
    expect(reason(checkCode('SPRING10', [c], ctx({ subtotalCents: 3210 })))).toBe(
      'The code SPRING10 needs an order of at least 50.00 EUR before discounts and tax; this one is 32.10 EUR.',
    );
    expect(checkCode('SPRING10', [c], ctx({ subtotalCents: 5000 })).ok).toBe(true);
    // Without a currency of its own the minimum is read in the order's currency.
    expect(reason(checkCode('SPRING10', [campaign({ minOrderCents: 2500 })], ctx({ currency: 'SEK', subtotalCents: 0 })))).toContain('25.00 SEK');
  });

  it('says the first thing that fails: unknown, off, not yet, expired, channel, currency, minimum', () => {
    const everythingWrong = campaign({ active: false, startsAt: START + 100 * DAY, channel: 'online', currency: 'GBP', minOrderCents: 1_000_000 });
    expect(reason(checkCode('SPRING10', [everythingWrong], ctx()))).toContain('switched off');
    expect(reason(checkCode('SPRING10', [{ ...everythingWrong, active: true }], ctx()))).toContain('not valid yet');
    expect(reason(checkCode('SPRING10', [{ ...everythingWrong, active: true, startsAt: START }], ctx()))).toContain('web shop only');
    expect(reason(checkCode('SPRING10', [{ ...everythingWrong, active: true, startsAt: START, channel: 'both' }], ctx()))).toContain('orders in GBP');
    expect(reason(checkCode('SPRING10', [{ ...everythingWrong, active: true, startsAt: START, channel: 'both', currency: null }], ctx()))).toContain('at least 10000.00 EUR');
  });
});
