/**
 * Customer email from the central store (issue 23, "Email"), on both backends: a real SMTP server
 * on 127.0.0.1 (smtp-server) receives what the store sends, read back with mailparser.
 * - an order placed and a complaint logged through /sync/push arrive rendered in the customer's
 *   language (German; English for none or one without templates), their HTML escaped;
 * - no email address: nothing sent, the outbox says why;
 * - the mail server down (not listening), then up: each mail arrives exactly once;
 * - the store closed after the commit (no mail server then) and reopened with one: sent once; a
 *   mail left "sending" by a store that stopped mid-send is sent again with the same Message-ID;
 * - a recipient refused (550): failed, then sent again by an admin's retry; a sent mail is not;
 * - bad template input: a typed error, nothing changed; a good edit is audited and used;
 * - the language: a customer imported with a `language` column gets German mail (a bad language
 *   refuses its row; a new one in a later file updates it), as does one whose web-shop order said so.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { buildServer } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { customerAddresses, customerEmails, customers, integrations, mailOutbox, productPrices, products, teams, userTeams } from '../../server/src/db/schema';
import { applyDelivery } from '../../server/src/ingest/apply';
import type { MailOptions } from '../../server/src/email/sender';
import { complaintReference, messageIdFor } from '../../server/src/email/outbox';
import type { MailOutboxPage, MailTemplate } from '../../src-shared/contracts/email';
import { pushResponse, type PushOutcome } from '../../src-shared/contracts/sync-protocol';
import type { MutationName } from '../../src-shared/sync/mutations';
import { loggedComplaint, phoneOrder } from '../helpers/mail-mutations';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';
import { MANY_NEW_WORKSTATIONS, signIn, workstationToken, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.now() - 60_000;

/** A free port on 127.0.0.1 (listened on and let go), for a mail server that is down first and up later. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives; it refuses recipients at `refuse@…` with 550. */
class MailSink {
  readonly received: ParsedMail[] = [];
  private server: SMTPServer | undefined;
  constructor(readonly port: number) {}

  async up(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('refuse@')) {
          const refused = new Error('Mailbox unavailable') as Error & { responseCode: number };
          refused.responseCode = 550;
          callback(refused);
        } else callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.received.push(mail);
            callback();
          },
          (e: Error) => callback(e),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ParsedMail[] {
    return this.received.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.value.some((v) => v.address === address)));
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`customer email on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let sink: MailSink;
    let mail: MailOptions;
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    const ada: Credentials = { username: 'ada', password: 'admin of mail' };
    const sue: Credentials = { username: 'sue', password: 'supervises mail' };
    const desk = randomUUID();
    let deskToken = '';
    let nextMutation = 1;
    const shoe = { id: randomUUID(), sku: 'TR-1', name: 'Trail <runner> & co', price: 8999 };
    const customer = (first: string, language: string | null, email: string | null) => ({ id: randomUUID(), addressId: randomUUID(), first, language, email });
    const zoe = customer('Zoë <script>alert(1)</script>', 'de', 'zoe@example.test');
    const ben = customer('Ben', null, 'ben@example.test');
    const pedro = customer('Pedro', 'pt-BR', 'pedro@example.test');
    const nomail = customer('Nadia', 'en', null);
    const refused = customer('Rita', null, 'refuse@example.test');

    async function open(options: MailOptions | undefined): Promise<void> {
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT, newWorkstationLimit: MANY_NEW_WORKSTATIONS, ...(options ? { mail: options } : {}) });
      await app.ready();
    }
    async function close(): Promise<void> {
      await app?.close();
      await store?.close();
    }

    beforeAll(async () => {
      if (skipReason) return;
      sink = new MailSink(await freePort());
      await sink.up();
      mail = { smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'Shop <shop@example.test>', pollMs: 50, retryBaseMs: 100, retryMaxMs: 300, timeoutMs: 2000 };
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
      for (const c of [zoe, ben, pedro, nomail, refused]) {
        await store.db.insert(customers).values({ id: c.id, firstName: c.first, lastName: 'Ångström', language: c.language, createdAt: T0, updatedAt: T0 });
        await store.db.insert(customerAddresses).values({ id: c.addressId, customerId: c.id, line1: '1 Main St', city: 'Leeds', country: 'GB', isPrimary: true });
        if (c.email) await store.db.insert(customerEmails).values({ id: randomUUID(), customerId: c.id, email: c.email, isPrimary: true });
      }
      deskToken = await workstationToken(app, carl, desk);
    });

    afterAll(async () => {
      await close();
      await sink?.down();
      await location?.dispose();
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

    const order = (customerId: string, addressId: string, percentOff?: number) => phoneOrder(shoe, customerId, addressId, T0, percentOff);
    const complaint = (customerId: string, description?: string) => loggedComplaint(customerId, T0, description);

    const outboxRow = async (recordId: string) =>
      (await queryRows<{ state: string; skip_reason: string | null; attempts: number; last_error: string | null; message_id: string; language: string }>(
        store,
        sql`select state, skip_reason, attempts, last_error, message_id, language from mail_outbox where record_id = ${recordId}`,
      ))[0];

    async function adminGet<T>(url: string): Promise<{ status: number; body: { ok: boolean; value: T; error?: { code: string; field?: string } } }> {
      const token = (await signIn(app, ada)).token;
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.json() };
    }
    async function adminSend(method: 'PUT' | 'POST', url: string, payload: unknown) {
      const token = (await signIn(app, ada)).token;
      const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
      return { status: res.statusCode, body: res.json() as { ok: boolean; value: unknown; error?: { code: string; field?: string; message: string } } };
    }

    it('sends the order confirmation and the complaint acknowledgement in the customer’s language, the HTML escaped', async () => {
      const o = order(zoe.id, zoe.addressId);
      expect(await push('order.submit', o)).toBe('applied');
      const [{ number }] = (await queryRows<{ number: string }>(store, sql`select number from orders where id = ${o.orderId}`)) as [{ number: string }];
      expect(number).toMatch(/^SB\d+/);
      await until('the order confirmation', () => sink.to(zoe.email!).length === 1);
      const confirmation = sink.to(zoe.email!)[0]!;
      expect(confirmation.subject).toBe(`Ihre Bestellung ${number} ist bestätigt`);
      expect(confirmation.messageId).toBe(messageIdFor('order_confirmation', o.orderId));
      expect(confirmation.from?.text).toContain('shop@example.test');
      // The HTML has every customer value escaped; the text has them as they are.
      const html = String(confirmation.html);
      expect(html).toContain('Zoë &lt;script&gt;alert(1)&lt;/script&gt; Ångström');
      expect(html).not.toContain('<script>');
      expect(html).toContain('2 × Trail &lt;runner&gt; &amp; co');
      expect(confirmation.text).toContain('Guten Tag Zoë <script>alert(1)</script> Ångström');
      expect(confirmation.text).toContain('2 × Trail <runner> & co');
      expect(confirmation.text).toMatch(/Gesamt: .*\$|Gesamt: .*US\$/);

      const forBen = complaint(ben.id);
      expect(await push('complaint.log', forBen)).toBe('applied');
      // The same complaint delivered again: still one mail.
      expect(await push('complaint.log', forBen)).toBe('applied');
      const forPedro = complaint(pedro.id);
      expect(await push('complaint.log', forPedro)).toBe('applied');
      await until('both acknowledgements', () => sink.to(ben.email!).length === 1 && sink.to(pedro.email!).length === 1);
      const ack = sink.to(ben.email!)[0]!;
      expect(ack.subject).toBe(`We have received your complaint ${complaintReference(forBen.complaintId)}`);
      expect(String(ack.html)).toContain('The sole came off &lt;after&gt; a week &amp; more.');
      expect(ack.text).toContain('The sole came off <after> a week & more.');
      // pt-BR has no template: English.
      expect(sink.to(pedro.email!)[0]!.subject).toMatch(/^We have received your complaint/);
      expect((await outboxRow(forPedro.complaintId))?.language).toBe('en');
      await pause(300);
      expect(sink.to(ben.email!)).toHaveLength(1);
      expect(await outboxRow(forBen.complaintId)).toMatchObject({ state: 'sent', attempts: 1 });
    });

    it('sends the confirmation of an order awaiting approval when a supervisor approves it, not before', async () => {
      const o = order(ben.id, ben.addressId, 20);
      expect(await push('order.submit', o)).toBe('applied');
      const status = async () => (await queryRows<{ status: string }>(store, sql`select status from orders where id = ${o.orderId}`))[0]?.status;
      expect(await status()).toBe('awaiting_approval');
      expect(await outboxRow(o.orderId)).toBeUndefined();
      const token = (await signIn(app, sue)).token;
      const res = await app.inject({ method: 'POST', url: `/orders/${o.orderId}/decision`, headers: { authorization: `Bearer ${token}` }, payload: { decision: 'approve', reason: 'Goodwill.' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(await status()).toBe('placed');
      const id = messageIdFor('order_confirmation', o.orderId);
      await until('the confirmation after the approval', () => sink.received.some((m) => m.messageId === id));
      expect(sink.received.find((m) => m.messageId === id)?.subject).toMatch(/^Your order SB\d+ is confirmed$/);
    });

    it('sends nothing to a customer without an email address, and the outbox says why', async () => {
      const before = sink.received.length;
      const c = complaint(nomail.id);
      expect(await push('complaint.log', c)).toBe('applied');
      expect(await outboxRow(c.complaintId)).toMatchObject({ state: 'skipped', skip_reason: 'no_email_address' });
      const { status, body } = await adminGet<MailOutboxPage>('/admin/email/outbox?state=skipped');
      expect(status).toBe(200);
      const entry = body.value.mails.find((m) => m.recordId === c.complaintId);
      expect(entry).toMatchObject({ state: 'skipped', skipReason: 'no_email_address', kind: 'complaint_acknowledgement' });
      // No address, name or text in what an admin sees of the outbox.
      expect(JSON.stringify(body.value)).not.toMatch(/@example\.test|Nadia|sole/);
      // Bad queries: a typed error.
      for (const url of ['/admin/email/outbox?state=lost', '/admin/email/outbox?limit=0', '/admin/email/outbox?limit=9999', '/admin/email/outbox?customer=x', '/admin/email/templates?all=1']) {
        const bad = await adminGet(url);
        expect(bad.status, url).toBe(400);
        expect(bad.body.error?.code, url).toBe('invalid_input');
      }
      await pause(300);
      expect(sink.received.length).toBe(before);
    });

    it('keeps trying while the mail server is down, and each mail arrives exactly once when it is back', async () => {
      await sink.down();
      const first = complaint(ben.id, 'First while down.');
      const second = complaint(ben.id, 'Second while down.');
      expect(await push('complaint.log', first)).toBe('applied');
      expect(await push('complaint.log', second)).toBe('applied');
      await until('two failed attempts each', async () => ((await outboxRow(first.complaintId))?.attempts ?? 0) >= 2 && ((await outboxRow(second.complaintId))?.attempts ?? 0) >= 2);
      const row = await outboxRow(first.complaintId);
      expect(['pending', 'sending']).toContain(row?.state);
      expect(row?.last_error).toMatch(/^E[A-Z]+/);
      await sink.up();
      const ids = [messageIdFor('complaint_acknowledgement', first.complaintId), messageIdFor('complaint_acknowledgement', second.complaintId)];
      await until('both mails', () => ids.every((id) => sink.received.some((m) => m.messageId === id)));
      await pause(500);
      for (const id of ids) expect(sink.received.filter((m) => m.messageId === id)).toHaveLength(1);
      expect(await outboxRow(first.complaintId)).toMatchObject({ state: 'sent', last_error: null });
    });

    it('keeps a mail owed when the store closes after the commit, and sends it once when it is back with a mail server', async () => {
      await close();
      // No mail server: the mail waits, and the outbox says for what.
      await open(undefined);
      const c = complaint(ben.id, 'Logged while no mail server was set.');
      expect(await push('complaint.log', c)).toBe('applied');
      const waiting = await adminGet<MailOutboxPage>('/admin/email/outbox?state=pending');
      expect(waiting.body.value.mailServer).toEqual({ configured: false, delivery: null });
      expect(waiting.body.value.mails.find((m) => m.recordId === c.complaintId)).toMatchObject({ state: 'pending', waitingFor: 'mail_server' });
      // A mail a store was sending when it stopped (claimed long ago, never marked sent).
      const midSend = complaint(pedro.id, 'Sent when the store stopped.');
      expect(await push('complaint.log', midSend)).toBe('applied');
      await store.db.update(mailOutbox).set({ state: 'sending', claimedAt: Date.now() - 600_000, attempts: 1 }).where(eq(mailOutbox.recordId, midSend.complaintId));
      await close();

      await open({ ...mail, leaseMs: 60_000 });
      const ids = [messageIdFor('complaint_acknowledgement', c.complaintId), messageIdFor('complaint_acknowledgement', midSend.complaintId)];
      await until('the mails owed before the restart', () => ids.every((id) => sink.received.some((m) => m.messageId === id)));
      await pause(500);
      for (const id of ids) expect(sink.received.filter((m) => m.messageId === id)).toHaveLength(1);
      expect(await outboxRow(c.complaintId)).toMatchObject({ state: 'sent', attempts: 1 });
      expect(await outboxRow(midSend.complaintId)).toMatchObject({ state: 'sent', attempts: 2 });
    });

    it('leaves a refused recipient failed; an admin’s retry sends it once the address is fixed; a sent mail is not sent again', async () => {
      const c = complaint(refused.id);
      expect(await push('complaint.log', c)).toBe('applied');
      await until('the refusal', async () => (await outboxRow(c.complaintId))?.state === 'failed');
      expect((await outboxRow(c.complaintId))?.last_error).toBe('EENVELOPE 550');
      const listed = await adminGet<MailOutboxPage>('/admin/email/outbox?state=failed');
      const entry = listed.body.value.mails.find((m) => m.recordId === c.complaintId)!;
      expect(entry).toMatchObject({ state: 'failed', lastError: 'EENVELOPE 550' });

      await store.db.update(customerEmails).set({ email: 'rita@example.test' }).where(eq(customerEmails.customerId, refused.id));
      const retried = await adminSend('POST', `/admin/email/outbox/${entry.id}/retry`, {});
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      await until('the retried mail', () => sink.to('rita@example.test').length === 1);
      await until('marked sent', async () => (await outboxRow(c.complaintId))?.state === 'sent');
      const again = await adminSend('POST', `/admin/email/outbox/${entry.id}/retry`, {});
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('conflict');
      const audited = await queryRows<{ n: number }>(store, sql`select count(*)::int as n from audit_log where action = 'email_retried' and subject = ${entry.id}`);
      expect(Number(audited[0]!.n)).toBe(1);
      await pause(300);
      expect(sink.to('rita@example.test')).toHaveLength(1);
      // An unknown mail id, a malformed one.
      expect((await adminSend('POST', `/admin/email/outbox/${randomUUID()}/retry`, {})).status).toBe(404);
      expect((await adminSend('POST', '/admin/email/outbox/not-an-id/retry', {})).body.error?.code).toBe('invalid_input');
    });

    it('writes in the language the customer import gives: a German customer’s order confirmation arrives in German', async () => {
      const token = (await signIn(app, ada)).token;
      const csv = (rows: string[]) => ['source_id,first_name,last_name,email,address_line1,city,country,language', ...rows].join('\r\n') + '\r\n';
      const file = csv(['G-1,Greta,Grün,greta@example.test,1 Hauptstr.,Berlin,DE,de_de', 'G-2,Bad,Tag,bad@example.test,1 Main St,Leeds,GB,Deutsch', 'G-3,Eve,Plain,eve@example.test,1 Main St,Leeds,GB,']);
      const importFile = async (body: string) => {
        const res = await app.inject({ method: 'POST', url: '/import/customers?source=mailshop', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` } });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().value as { created: number; updated: number; unchanged: number; refused: number; errors?: unknown; refusedRows?: { line: number; column: string; value: string }[] } & Record<string, unknown>;
      };
      const report = await importFile(file);
      expect(report).toMatchObject({ created: 2, refused: 1 });
      expect(JSON.stringify(report)).toMatch(/"column":"language","value":"Deutsch"/);
      const imported = async (sourceId: string) =>
        (await queryRows<{ id: string; language: string | null; address_id: string }>(
          store,
          sql`select c.id, c.language, a.id as address_id from customer_sources s join customers c on c.id = s.customer_id join customer_addresses a on a.customer_id = c.id where s.source = 'mailshop' and s.source_id = ${sourceId}`,
        ))[0]!;
      const greta = await imported('G-1');
      expect(greta.language).toBe('de-DE');
      expect((await imported('G-3')).language).toBeNull();
      // The same file again changes nothing.
      expect(await importFile(file)).toMatchObject({ created: 0, updated: 0, refused: 1 });

      const o = order(greta.id, greta.address_id);
      expect(await push('order.submit', o)).toBe('applied');
      const id = messageIdFor('order_confirmation', o.orderId);
      await until('Greta’s confirmation', () => sink.received.some((m) => m.messageId === id));
      const m = sink.received.find((x) => x.messageId === id)!;
      // de-DE has no template of its own: its base language's, German.
      expect(m.subject).toMatch(/^Ihre Bestellung SB\d+ ist bestätigt$/);
      expect(m.text).toContain('Guten Tag Greta Grün');
      expect((await outboxRow(o.orderId))?.language).toBe('de');

      // A later file with another language updates it.
      expect(await importFile(csv(['G-1,Greta,Grün,greta@example.test,1 Hauptstr.,Berlin,DE,EN']))).toMatchObject({ updated: 1, refused: 0 });
      expect((await imported('G-1')).language).toBe('en');
    });

    it('writes in the language a web-shop order gives for its customer', async () => {
      const integrationId = randomUUID();
      await store.db.insert(integrations).values({ id: integrationId, name: 'Mail test shop', source: 'webshop', secret: 'not used here', createdAt: Date.now() });
      const hans = customer('Hans', null, 'hans@example.test');
      await store.db.insert(customers).values({ id: hans.id, firstName: hans.first, lastName: 'Meier', createdAt: T0, updatedAt: T0 });
      await store.db.insert(customerEmails).values({ id: randomUUID(), customerId: hans.id, email: hans.email!, isPrimary: true });
      const delivery = (language: unknown) =>
        JSON.stringify({
          orderId: `W-${randomUUID()}`,
          customer: { email: 'HANS@example.test', language },
          currency: 'EUR',
          placedAt: new Date().toISOString(),
          lines: [{ sku: shoe.sku, quantity: 1, unitPriceCents: 8999 }],
          totalCents: 8999,
        });
      // A language that is no language tag: refused, nothing written.
      await expect(store.db.transaction((tx) => applyDelivery(tx, { id: integrationId, source: 'webshop' }, 'order', delivery('German')))).rejects.toThrow(/language/);
      await store.db.transaction((tx) => applyDelivery(tx, { id: integrationId, source: 'webshop' }, 'order', delivery('DE')));
      const [row] = await queryRows<{ language: string | null }>(store, sql`select language from customers where id = ${hans.id}`);
      expect(row?.language).toBe('de');
      const c = complaint(hans.id, 'Zu klein.');
      expect(await push('complaint.log', c)).toBe('applied');
      const id = messageIdFor('complaint_acknowledgement', c.complaintId);
      await until('Hans’s acknowledgement', () => sink.received.some((m) => m.messageId === id));
      expect(sink.received.find((m) => m.messageId === id)?.subject).toBe(`Wir haben Ihre Reklamation ${complaintReference(c.complaintId)} erhalten`);
    });

    it('refuses bad template input with a typed error and changes nothing; a good edit is audited and used', async () => {
      const before = (await adminGet<{ templates: MailTemplate[] }>('/admin/email/templates')).body.value.templates;
      const good = { subject: 'Bestellung {{orderNumber}} – danke, {{firstName}}!', text: 'Hallo {{firstName}}, Nummer {{orderNumber}}.', html: '<p>Hallo {{firstName}}, Nummer {{ orderNumber }}.</p>' };
      const bad = [
        { url: '/admin/email/templates/order_confirmation/de', body: { ...good, html: '<p>{{password}}</p>' }, field: 'html' },
        { url: '/admin/email/templates/order_confirmation/de', body: { ...good, subject: 'Hi {{firstName}' }, field: 'subject' },
        { url: '/admin/email/templates/order_confirmation/de', body: { ...good, text: 'Your complaint {{complaintReference}}' }, field: 'text' },
        { url: '/admin/email/templates/order_confirmation/de', body: { ...good, subject: 'two\nlines' }, field: 'subject' },
        { url: '/admin/email/templates/order_confirmation/de', body: { ...good, extra: 1 }, field: undefined },
        { url: '/admin/email/templates/newsletter/de', body: good, field: 'kind' },
        { url: '/admin/email/templates/order_confirmation/Deutsch', body: good, field: 'language' },
      ];
      for (const b of bad) {
        const r = await adminSend('PUT', b.url, b.body);
        expect(r.status, JSON.stringify(b)).toBe(400);
        expect(r.body.error?.code).toBe('invalid_input');
        if (b.field) expect(r.body.error?.field, JSON.stringify(r.body)).toBe(b.field);
      }
      expect((await adminGet<{ templates: MailTemplate[] }>('/admin/email/templates')).body.value.templates).toEqual(before);
      const none = await queryRows<{ n: number }>(store, sql`select count(*)::int as n from audit_log where action = 'email_template_changed'`);
      expect(Number(none[0]!.n)).toBe(0);

      const saved = await adminSend('PUT', '/admin/email/templates/order_confirmation/de', good);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.value).toMatchObject({ kind: 'order_confirmation', language: 'de', edited: true, updatedBy: 'ada', subject: good.subject });
      const audit = await queryRows<{ n: number }>(store, sql`select count(*)::int as n from audit_log where action = 'email_template_changed' and subject = 'order_confirmation/de'`);
      expect(Number(audit[0]!.n)).toBe(1);
      const o = order(zoe.id, zoe.addressId);
      expect(await push('order.submit', o)).toBe('applied');
      const id = messageIdFor('order_confirmation', o.orderId);
      await until('the mail from the edited template', () => sink.received.some((m) => m.messageId === id));
      const m = sink.received.find((x) => x.messageId === id)!;
      expect(m.subject).toMatch(/^Bestellung SB\d+ – danke, Zoë <script>alert\(1\)<\/script>!$/);
      expect(String(m.html)).toContain('Hallo Zoë &lt;script&gt;alert(1)&lt;/script&gt;, Nummer SB');
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
