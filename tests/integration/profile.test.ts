import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable, outboxRows, testDesk, type TestDesk } from '../helpers/desk';
import { contactForm, type ContactEdit, type ContactFormInput } from '../../src-shared/contracts/customer360';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import type { CallState } from '../../src-shared/contracts/calls';

let cache: TempCache;
let desk: TestDesk;
let zoe: string;
const nobody = '00000000-0000-4000-8000-000000000000';

type Changes = { customerId: string; changes: { field: string; oldValue: string | null; newValue: string | null }[] };

beforeEach(() => {
  cache = tempCache();
  zoe = plantCustomer(cache.db, {
    firstName: 'Zoë',
    lastName: 'Ångström',
    phones: ['+442079460958', '+447700900123'],
    emails: ['zoe@example.com'],
    city: 'London',
    country: 'GB',
  });
  desk = testDesk(cache.db);
});
afterEach(() => cache.cleanup());

/** The form as the CSR sees it: what is stored now. */
function currentForm(): ContactFormInput & { customerId: string } {
  const card = desk.ok<CustomerCard>('customer:get', { customerId: zoe });
  const primary = card.addresses.find((a) => a.isPrimary) ?? null;
  return {
    customerId: zoe,
    firstName: card.firstName,
    lastName: card.lastName,
    phones: card.phones.map((p) => ({ number: p.display, kind: p.kind })),
    emails: card.emails.map((e) => e.email),
    primaryAddress: primary && {
      line1: primary.line1,
      line2: primary.line2 ?? '',
      city: primary.city,
      region: primary.region ?? '',
      postalCode: primary.postalCode ?? '',
      country: primary.country,
    },
    marketingConsent: card.marketingConsent,
  };
}

describe('customer:update-contact', () => {
  it('writes nothing when the form matches what is stored (numbers typed another way included)', () => {
    const before = dumpWritable(cache.db);
    const form = currentForm();
    form.phones = [
      { number: '020 7946 0958', kind: 'mobile' },
      { number: '07700 900123', kind: 'mobile' },
    ];
    form.emails = ['ZOE@Example.com'];
    expect(desk.ok<Changes>('customer:update-contact', form).changes).toEqual([]);
    expect(dumpWritable(cache.db)).toEqual(before);
  });

  it('records each changed field with who, when, on which call, old and new — in one transaction with its outbox entry', () => {
    const call = desk.ok<CallState>('call:start', { source: 'manual', customerId: zoe });
    const form = {
      ...currentForm(),
      callId: call.id,
      lastName: 'Angström-Berg',
      phones: [
        { number: '+44 7700 900123', kind: 'work' as const },
        { number: '+1 555 010 4477', kind: 'home' as const },
      ],
      emails: ['Zoe.Berg@Example.com', 'zoe@example.com'],
      primaryAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'gb' },
      marketingConsent: true,
    };
    const out = desk.ok<Changes>('customer:update-contact', form);
    expect(out.changes).toEqual([
      { field: 'last_name', oldValue: 'Ångström', newValue: 'Angström-Berg' },
      { field: 'phones', oldValue: '+442079460958 (mobile), +447700900123 (mobile)', newValue: '+447700900123 (work), +15550104477 (home)' },
      { field: 'emails', oldValue: 'zoe@example.com', newValue: 'zoe.berg@example.com, zoe@example.com' },
      { field: 'primary_address', oldValue: '1 Main St, London, GB', newValue: '221B Baker Street, London, NW1 6XE, GB' },
      { field: 'marketing_consent', oldValue: 'false', newValue: 'true' },
    ]);

    const card = desk.ok<CustomerCard>('customer:get', { customerId: zoe });
    expect(card.lastName).toBe('Angström-Berg');
    expect(card.phones.map((p) => [p.e164, p.kind, p.isPrimary])).toEqual([
      ['+447700900123', 'work', true],
      ['+15550104477', 'home', false],
    ]);
    expect(card.emails).toEqual([
      { email: 'zoe.berg@example.com', isPrimary: true },
      { email: 'zoe@example.com', isPrimary: false },
    ]);
    expect(card.addresses).toEqual([expect.objectContaining({ line1: '221B Baker Street', postalCode: 'NW1 6XE', country: 'GB', isPrimary: true })]);
    expect(card.marketingConsent).toBe(true);

    const history = desk.ok<{ edits: ContactEdit[]; total: number }>('customer:edit-history', { customerId: zoe });
    expect(history.total).toBe(5);
    expect(history.edits.every((e) => e.agentId === 'agent-ana' && e.callId === call.id && e.at === new Date(desk.clock.now).toISOString())).toBe(true);

    const entry = outboxRows(cache.db).at(-1);
    expect(entry?.name).toBe('customer.update_contact');
    expect(entry?.args).toMatchObject({ customerId: zoe, callId: call.id, agentId: 'agent-ana', changes: { lastName: 'Angström-Berg', marketingConsent: true } });
    expect((entry?.args.editIds as string[]).sort()).toEqual(history.edits.map((e) => e.id).sort());
    expect(entry?.args.changes).not.toHaveProperty('firstName');
    // Surviving rows keep their ids (the central store knows them by id).
    const phones = (entry?.args.changes as { phones: { id: string; e164: string }[] }).phones;
    const keptId = cache.db.$client.prepare(`SELECT id FROM customer_phones WHERE e164 = '+447700900123'`).pluck().get();
    expect(phones.find((p) => p.e164 === '+447700900123')?.id).toBe(keptId);
    // The name index follows the rename.
    expect(desk.ok<{ hits: { customerId: string }[] }>('lookup:search', { query: 'angstrom-berg' }).hits.map((h) => h.customerId)).toContain(zoe);
  });

  it('records a withdrawn marketing consent as its own change', () => {
    const form = currentForm();
    desk.ok('customer:update-contact', { ...form, marketingConsent: true });
    desk.clock.advance(60_000);
    const out = desk.ok<Changes>('customer:update-contact', { ...form, marketingConsent: false });
    expect(out.changes).toEqual([{ field: 'marketing_consent', oldValue: 'true', newValue: 'false' }]);
    const history = desk.ok<{ edits: ContactEdit[] }>('customer:edit-history', { customerId: zoe });
    expect(history.edits.map((e) => e.newValue)).toEqual(['false', 'true']); // newest first
  });

  it('removes the primary address when the form clears it', () => {
    const out = desk.ok<Changes>('customer:update-contact', { ...currentForm(), primaryAddress: null });
    expect(out.changes).toEqual([{ field: 'primary_address', oldValue: '1 Main St, London, GB', newValue: null }]);
    expect(desk.ok<CustomerCard>('customer:get', { customerId: zoe }).addresses).toEqual([]);
  });

  it('refuses bad contact data with a field error and writes nothing', () => {
    const form = currentForm();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ firstName: '' }, 'invalid_input', 'firstName'],
      [{ lastName: 'x'.repeat(101) }, 'invalid_input', 'lastName'],
      [{ phones: [{ number: '12', kind: 'mobile' }] }, 'invalid_input', 'phones.0.number'],
      [{ phones: [{ number: '+44 20 7946 0958', kind: 'mobile' }, { number: '020 7946 0958', kind: 'work' }] }, 'invalid_input', 'phones.1.number'],
      [{ phones: [{ number: '+44 20 7946 0958', kind: 'pager' }] }, 'invalid_input', 'phones.0.kind'],
      [{ emails: ['not-an-email'] }, 'invalid_input', 'emails.0'],
      [{ emails: ['a@example.com', 'A@example.com'] }, 'invalid_input', 'emails.1'],
      [{ primaryAddress: { line1: '', city: 'London', country: 'GB' } }, 'invalid_input', 'primaryAddress.line1'],
      [{ primaryAddress: { line1: 'a'.repeat(201), city: 'London', country: 'GB' } }, 'invalid_input', 'primaryAddress.line1'],
      [{ primaryAddress: { line1: '1 Main St', city: 'London', postalCode: 'p'.repeat(21), country: 'GB' } }, 'invalid_input', 'primaryAddress.postalCode'],
      [{ primaryAddress: { line1: '1 Main St', city: 'London', country: 'Britain' } }, 'invalid_input', 'primaryAddress.country'],
      [{ primaryAddress: { line1: '1 Main St', city: 'London', country: 'ZZ' } }, 'invalid_input', 'primaryAddress.country'],
      [{ customerId: nobody }, 'not_found', 'customerId'],
      [{ callId: nobody }, 'not_found', 'callId'],
    ];
    for (const [patch, code, field] of cases) {
      const before = dumpWritable(cache.db);
      const r = desk.call('customer:update-contact', { ...form, lastName: 'Changed', ...patch });
      expect(r, JSON.stringify(patch).slice(0, 100)).toMatchObject({ ok: false, error: { code, field } });
      expect(dumpWritable(cache.db)).toEqual(before);
    }
  });

  it('shares its schema with the renderer form: the same limits, lower-cased emails, upper-cased country', () => {
    const parsed = contactForm.parse({
      firstName: ' Zoë ',
      lastName: 'Ångström',
      phones: [],
      emails: [' Zoe@Example.COM '],
      primaryAddress: { line1: '1 Main St', city: 'London', country: 'gb' },
      marketingConsent: false,
    });
    expect(parsed).toMatchObject({ firstName: 'Zoë', emails: ['zoe@example.com'], primaryAddress: { country: 'GB' } });
    expect(contactForm.safeParse({ ...parsed, phones: Array.from({ length: 6 }, () => ({ number: '1', kind: 'home' })) }).success).toBe(false);
  });

  it('answers edit-history for an unknown customer with not_found', () => {
    expect(desk.call('customer:edit-history', { customerId: nobody })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
