/**
 * The mail drop and reading a mail (issue 23, "Email"), on both backends:
 * - without a mail server but with a mail folder, an order confirmation is written once as an
 *   .eml file named from its Message-ID, parseable (mailparser), in the customer's language, no
 *   temporary file left; the outbox marks it sent and says mail goes to a folder;
 * - a store that died between the file and the `sent` mark writes the same file again (the same
 *   name, the same Message-ID), never a second file;
 * - GET /admin/email/outbox/:id/message: the mail as the customer gets it for an admin; a
 *   supervisor or CSR refused (forbidden), an unknown id not_found, a malformed one invalid_input,
 *   a mail sent to nobody conflict.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { buildServer } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { customerAddresses, customerEmails, customers, mailOutbox, productPrices, products, teams, userTeams } from '../../server/src/db/schema';
import { MailDrop, mailFileName } from '../../server/src/email/mail-drop';
import { messageIdFor } from '../../server/src/email/outbox';
import { describeMailDelivery, type MailOptions } from '../../server/src/email/sender';
import type { MailMessage, MailOutboxPage } from '../../src-shared/contracts/email';
import { pushResponse, type PushOutcome } from '../../src-shared/contracts/sync-protocol';
import type { MutationName } from '../../src-shared/sync/mutations';
import { loggedComplaint, phoneOrder } from '../helpers/mail-mutations';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';
import { MANY_NEW_WORKSTATIONS, signIn, workstationToken, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.now() - 60_000;

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the mail drop settings', () => {
  it('names the folder (never a customer) in the log line, the mail server with its password hidden, and neither when there is none', () => {
    expect(describeMailDelivery({ mailDir: '/var/mail/shop' })).toEqual({ message: expect.stringMatching(/written as \.eml files into this folder/), where: { mailDir: '/var/mail/shop' } });
    const smtp = describeMailDelivery({ smtpUrl: 'smtp://u:secret@mail.example.com:587', mailDir: '/var/mail/shop' });
    expect(smtp.where).toEqual({ smtp: 'smtp://u:***@mail.example.com:587' });
    expect(describeMailDelivery({}).message).toMatch(/waits in the outbox/);
  });

  it('names each mail file after its Message-ID', () => {
    const id = randomUUID();
    expect(mailFileName(messageIdFor('order_confirmation', id))).toBe(`order_confirmation.${id}.eml`);
    expect(mailFileName('<../../etc/passwd@elsewhere>')).toBe('_.._etc_passwd_elsewhere.eml');
  });

  it('removes only half-written files older than the lease, never a mail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-mail-sweep-'));
    try {
      const old = `.${randomUUID()}.eml.part`;
      const fresh = `.${randomUUID()}.eml.part`;
      const mail = 'order_confirmation.x.eml';
      for (const f of [old, fresh, mail]) writeFileSync(join(dir, f), 'x');
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(join(dir, old), hourAgo, hourAgo);
      utimesSync(join(dir, mail), hourAgo, hourAgo);
      const drop = new MailDrop(dir);
      expect(await drop.sweepPartFiles(300_000)).toBe(1);
      expect(readdirSync(dir).sort()).toEqual([fresh, mail].sort());
      drop.close();
      expect(await new MailDrop(join(dir, 'none-yet')).sweepPartFiles(0)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`the mail drop and reading a mail on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let mailDir: string;
    let mail: MailOptions;
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    const ada: Credentials = { username: 'ada', password: 'admin of mail' };
    const sue: Credentials = { username: 'sue', password: 'supervises mail' };
    const desk = randomUUID();
    let deskToken = '';
    let nextMutation = 1;
    const shoe = { id: randomUUID(), sku: 'TR-1', name: 'Trail runner', price: 8999 };
    const customer = (first: string, language: string | null, email: string | null) => ({ id: randomUUID(), addressId: randomUUID(), first, language, email });
    const zoe = customer('Zoë', 'de', 'zoe@example.test');
    const nomail = customer('Nadia', 'en', null);

    async function open(options: MailOptions): Promise<void> {
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT, newWorkstationLimit: MANY_NEW_WORKSTATIONS, mail: options });
      await app.ready();
    }
    async function close(): Promise<void> {
      await app?.close();
      await store?.close();
    }

    beforeAll(async () => {
      if (skipReason) return;
      mailDir = mkdtempSync(join(tmpdir(), 'sb-mail-drop-'));
      mail = { mailDir, from: 'Shop <shop@example.test>', pollMs: 50, retryBaseMs: 100, retryMaxMs: 300 };
      location = await backend.freshLocation();
      await open(mail);
      const carlId = (await createUser(store.db, { username: carl.username, displayName: 'Carl', role: 'csr', password: carl.password }, FAST_SCRYPT)).id;
      const sueId = (await createUser(store.db, { username: sue.username, displayName: 'Sue', role: 'supervisor', password: sue.password }, FAST_SCRYPT)).id;
      const [phones] = await store.db.insert(teams).values({ name: 'Phones' }).returning({ id: teams.id });
      await store.db.insert(userTeams).values([
        { userId: carlId, teamId: phones!.id },
        { userId: sueId, teamId: phones!.id },
      ]);
      await createUser(store.db, { username: ada.username, displayName: 'Ada', role: 'admin', password: ada.password }, FAST_SCRYPT);
      await store.db.insert(products).values({ id: shoe.id, sku: shoe.sku, name: shoe.name, brand: 'Acme', category: 'shoes', priceCents: shoe.price, taxClass: 'standard', status: 'active', stock: 100 });
      await store.db.insert(productPrices).values({ productId: shoe.id, currency: 'USD', priceCents: shoe.price });
      for (const c of [zoe, nomail]) {
        await store.db.insert(customers).values({ id: c.id, firstName: c.first, lastName: 'Ångström', language: c.language, createdAt: T0, updatedAt: T0 });
        await store.db.insert(customerAddresses).values({ id: c.addressId, customerId: c.id, line1: '1 Main St', city: 'Leeds', country: 'GB', isPrimary: true });
        if (c.email) await store.db.insert(customerEmails).values({ id: randomUUID(), customerId: c.id, email: c.email, isPrimary: true });
      }
      deskToken = await workstationToken(app, carl, desk);
    });

    afterAll(async () => {
      await close();
      await location?.dispose();
      if (mailDir) rmSync(mailDir, { recursive: true, force: true });
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    async function push(name: MutationName, args: unknown): Promise<string> {
      const mutations = [{ id: nextMutation++, name, schemaVersion: 2, createdAt: T0, args }];
      const res = await app.inject({ method: 'POST', url: '/sync/push', headers: { authorization: `Bearer ${deskToken}` }, payload: { clientId: desk, mutations } });
      expect(res.statusCode, res.body).toBe(200);
      const [r] = pushResponse.parse(res.json().value).results as PushOutcome[];
      return r!.status === 'rejected' ? `rejected:${r!.code}` : r!.status;
    }

    const order = (customerId: string, addressId: string) => phoneOrder(shoe, customerId, addressId, T0);

    const outboxRow = async (recordId: string) =>
      (await queryRows<{ id: string; state: string; attempts: number; sent_at: number | null }>(store, sql`select id, state, attempts, sent_at from mail_outbox where record_id = ${recordId}`))[0];

    async function getAs<T>(who: Credentials, url: string) {
      const token = (await signIn(app, who)).token;
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.json() as { ok: boolean; value: T; error?: { code: string; field?: string; message: string } } };
    }

    const orderId = { value: '' };
    const orderNumber = { value: '' };

    it('writes an order confirmation once into the mail folder as an .eml file named from its Message-ID, in the customer’s language', async () => {
      const o = order(zoe.id, zoe.addressId);
      orderId.value = o.orderId;
      expect(await push('order.submit', o)).toBe('applied');
      const [{ number }] = (await queryRows<{ number: string }>(store, sql`select number from orders where id = ${o.orderId}`)) as [{ number: string }];
      orderNumber.value = number;
      const file = join(mailDir, mailFileName(messageIdFor('order_confirmation', o.orderId)));
      await until('the order confirmation is marked sent', async () => (await outboxRow(o.orderId))?.state === 'sent');
      const raw = readFileSync(file);
      expect(raw.includes('\r\n')).toBe(true);
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe(`Ihre Bestellung ${number} ist bestätigt`);
      expect(parsed.messageId).toBe(messageIdFor('order_confirmation', o.orderId));
      expect(parsed.from?.text).toContain('shop@example.test');
      expect((Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.value[0]?.address).toBe('zoe@example.test');
      expect(parsed.text).toContain('Guten Tag Zoë Ångström');
      expect(parsed.text).toContain('2 × Trail runner');
      expect(String(parsed.html)).toContain(`<strong>${number}</strong>`);
      // One file, no temporary file left beside it.
      await pause(300);
      expect(readdirSync(mailDir)).toEqual([mailFileName(messageIdFor('order_confirmation', o.orderId))]);
      expect(await outboxRow(o.orderId)).toMatchObject({ state: 'sent', attempts: 1 });

      const page = await getAs<MailOutboxPage>(ada, '/admin/email/outbox');
      expect(page.status).toBe(200);
      expect(page.body.value.mailServer).toEqual({ configured: true, delivery: 'folder' });
      expect(page.body.value.mails.find((m) => m.recordId === o.orderId)).toMatchObject({ state: 'sent', reference: number, waitingFor: null });
    });

    it('lets an admin read a mail as the customer gets it; others are refused; an unknown, malformed or unsent mail gets a typed error', async () => {
      const row = (await outboxRow(orderId.value))!;
      const read = await getAs<MailMessage>(ada, `/admin/email/outbox/${row.id}/message`);
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body.value).toMatchObject({
        id: row.id,
        kind: 'order_confirmation',
        state: 'sent',
        language: 'de',
        from: 'Shop <shop@example.test>',
        to: 'zoe@example.test',
        subject: `Ihre Bestellung ${orderNumber.value} ist bestätigt`,
        messageId: messageIdFor('order_confirmation', orderId.value),
        sentAt: Number(row.sent_at),
      });
      expect(read.body.value.text).toContain('Guten Tag Zoë Ångström');
      // The same text the customer's file has.
      const file = await simpleParser(readFileSync(join(mailDir, mailFileName(read.body.value.messageId))));
      expect(read.body.value.text.trim()).toBe(file.text?.trim());

      for (const who of [sue, carl]) {
        const refused = await getAs(who, `/admin/email/outbox/${row.id}/message`);
        expect(refused.status, who.username).toBe(403);
        expect(refused.body.error?.code).toBe('forbidden');
        expect(JSON.stringify(refused.body)).not.toMatch(/zoe@|Zoë|Bestellung/);
      }
      const unknown = await getAs(ada, `/admin/email/outbox/${randomUUID()}/message`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'not_found', field: 'id' });
      const malformed = await getAs(ada, '/admin/email/outbox/not-an-id/message');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error?.code).toBe('invalid_input');
      const query = await getAs(ada, `/admin/email/outbox/${row.id}/message?raw=1`);
      expect(query.body.error?.code).toBe('invalid_input');

      // A mail owed to a customer without an address: skipped, nothing to read.
      const c = loggedComplaint(nomail.id, T0);
      expect(await push('complaint.log', c)).toBe('applied');
      const skipped = (await outboxRow(c.complaintId))!;
      expect(skipped.state).toBe('skipped');
      const none = await getAs(ada, `/admin/email/outbox/${skipped.id}/message`);
      expect(none.status).toBe(409);
      expect(none.body.error?.code).toBe('conflict');
    });

    it('writes the same file again, never a second one, when the store died between the file and the sent mark', async () => {
      const o = order(zoe.id, zoe.addressId);
      expect(await push('order.submit', o)).toBe('applied');
      const name = mailFileName(messageIdFor('order_confirmation', o.orderId));
      await until('the confirmation is marked sent', async () => (await outboxRow(o.orderId))?.state === 'sent');
      const first = await simpleParser(readFileSync(join(mailDir, name)));
      expect(first.headers.get('x-switchboard-mail')).toBe('order_confirmation; attempt=1');
      await close();

      // As a store killed after writing the file and before marking it: still `sending`, its claim long ago.
      store = await location.open();
      await store.db.update(mailOutbox).set({ state: 'sending', claimedAt: Date.now() - 600_000, sentAt: null }).where(eq(mailOutbox.recordId, o.orderId));
      await store.close();
      await open({ ...mail, leaseMs: 60_000 });
      await until('the confirmation is sent again', async () => (await outboxRow(o.orderId))?.state === 'sent');
      expect(await outboxRow(o.orderId)).toMatchObject({ state: 'sent', attempts: 2 });
      const again = await simpleParser(readFileSync(join(mailDir, name)));
      expect(again.headers.get('x-switchboard-mail')).toBe('order_confirmation; attempt=2');
      expect(again.messageId).toBe(first.messageId);
      await pause(300);
      const files = readdirSync(mailDir);
      expect(files.filter((f) => f.includes(o.orderId.toLowerCase()))).toEqual([name]);
      expect(files.filter((f) => !f.endsWith('.eml'))).toEqual([]);
    });

    it('keeps a mail owed when the mail folder cannot be written, and writes it once the folder can be', async () => {
      await close();
      // A file where the folder should be: every write fails (ENOTDIR/EEXIST) and is tried again.
      const blocked = join(mailDir, 'blocked');
      writeFileSync(blocked, 'not a folder');
      await open({ ...mail, mailDir: join(blocked, 'mail') });
      const o = order(zoe.id, zoe.addressId);
      expect(await push('order.submit', o)).toBe('applied');
      await until('two failed attempts', async () => ((await outboxRow(o.orderId))?.attempts ?? 0) >= 2);
      const failing = await queryRows<{ state: string; last_error: string | null }>(store, sql`select state, last_error from mail_outbox where record_id = ${o.orderId}`);
      expect(['pending', 'sending']).toContain(failing[0]?.state);
      expect(failing[0]?.last_error).toMatch(/^E[A-Z]+$/);
      // A waiting mail reads as it will go out, without a date yet.
      const waiting = await getAs<MailMessage>(ada, `/admin/email/outbox/${(await outboxRow(o.orderId))!.id}/message`);
      expect(waiting.status).toBe(200);
      expect(waiting.body.value).toMatchObject({ to: 'zoe@example.test', sentAt: null });
      expect(['pending', 'sending']).toContain(waiting.body.value.state);
      await close();
      await open(mail);
      await until('the mail written', async () => (await outboxRow(o.orderId))?.state === 'sent');
      expect(readdirSync(mailDir)).toContain(mailFileName(messageIdFor('order_confirmation', o.orderId)));
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
