/**
 * `GET /lookup/phone?number=…&region=US`: the caller lookup asked of the central store over HTTP.
 * Workstations never wait on this (their lookups are local reads); it is here for tools that have
 * no cache, and so the benchmark can set the local lookup beside what an online-only CRM does.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js/max';
import { isCountryCode, keepableUnverified, normalizePhone, unverifiedLookupKeys } from '../../../src-shared/domain/phone';
import { LIMITS } from '../../../src-shared/domain/customer';
import { HttpError, parseBody } from '../http/errors';

const phoneLookupQuery = z.object({
  number: z.string().trim().min(1, 'Give the number to look up.').max(LIMITS.searchQuery),
  region: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryCode, 'region: a two-letter region code such as US or GB.')
    .default('US'),
});

export interface PhoneLookupHit {
  customerId: string;
  displayName: string;
  /** E.164, or for a number kept unverified its digits (`verified` false). */
  e164: string;
  verified: boolean;
  email: string | null;
  city: string | null;
}

export function registerLookupRoutes(app: FastifyInstance): void {
  app.get('/lookup/phone', async (request) => {
    const query = parseBody(phoneLookupQuery, request.query);
    const region = query.region as CountryCode;
    const phone = normalizePhone(query.number, region);
    // Numbers kept unverified (issue 18) are found by the digits typed, read or not.
    const keys = [...(phone.ok ? [phone.e164] : []), ...unverifiedLookupKeys(query.number, region)];
    if (!phone.ok && keepableUnverified(query.number, phone) === null) throw new HttpError('unparseable_phone', phone.message, 'number');
    // One statement: the phone index, then each customer's primary email and address by key.
    const result = await app.store.db.execute(sql`
      select c.id as "customerId", c.first_name || ' ' || c.last_name as "displayName", p.e164, p.verified,
             (select e.email from customer_emails e where e.customer_id = c.id order by e.is_primary desc limit 1) as email,
             (select a.city from customer_addresses a where a.customer_id = c.id order by a.is_primary desc limit 1) as city
        from customer_phones p join customers c on c.id = p.customer_id
       where p.e164 in (${sql.join(
         keys.map((k) => sql`${k}`),
         sql`, `,
       )})
       limit 20`);
    const hits = (result as unknown as { rows: PhoneLookupHit[] }).rows;
    return { ok: true, value: { e164: phone.ok ? phone.e164 : null, hits } };
  });
}
