/**
 * `GET /lookup/phone?number=…&region=US`: the caller lookup asked of the central store over HTTP.
 * Workstations never wait on this (their lookups are local reads); it is here for tools that have
 * no cache, and so the benchmark can set the local lookup beside what an online-only CRM does.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { isCountryCode, normalizePhone } from '../../../src-shared/domain/phone';
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
  e164: string;
  email: string | null;
  city: string | null;
}

export function registerLookupRoutes(app: FastifyInstance): void {
  app.get('/lookup/phone', async (request) => {
    const query = parseBody(phoneLookupQuery, request.query);
    const phone = normalizePhone(query.number, query.region as Parameters<typeof normalizePhone>[1]);
    if (!phone.ok) throw new HttpError('unparseable_phone', phone.message, 'number');
    // One statement: the phone index, then each customer's primary email and address by key.
    const result = await app.store.db.execute(sql`
      select c.id as "customerId", c.first_name || ' ' || c.last_name as "displayName", p.e164,
             (select e.email from customer_emails e where e.customer_id = c.id order by e.is_primary desc limit 1) as email,
             (select a.city from customer_addresses a where a.customer_id = c.id order by a.is_primary desc limit 1) as city
        from customer_phones p join customers c on c.id = p.customer_id
       where p.e164 = ${phone.e164}
       limit 20`);
    const hits = (result as unknown as { rows: PhoneLookupHit[] }).rows;
    return { ok: true, value: { e164: phone.e164, hits } };
  });
}
