/**
 * Sends the outbox's mail through SMTP with nodemailer (issue 23).
 *
 * Each round claims a batch of due mails in a short transaction (FOR UPDATE SKIP LOCKED, so two
 * senders — two store processes on one PostgreSQL — never take the same mail), marks them
 * `sending` and commits; then sends each and marks it `sent`, or on failure `pending` again with a
 * later attempt (exponential backoff), or `failed` on a permanent refusal (an SMTP 5xx for the
 * message or its recipient) or after too many attempts. A store killed between the mail server's
 * answer and the `sent` mark leaves the mail `sending`: once its claim is older than the lease it
 * is sent again, with the same Message-ID, so the one ambiguous case is recognisable downstream.
 * A mail is never claimed twice while its claim holds, so it goes out once in every other case.
 *
 * Without a mail server (no SWITCHBOARD_SMTP_URL) but with a mail folder (SWITCHBOARD_MAIL_DIR,
 * the demo store's case) the same rounds write each mail there as an `.eml` file instead
 * (server/src/email/mail-drop.ts): claimed, written, marked sent, the same Message-ID.
 * With neither the sender does not run: mails wait as `pending`, and the admin's outbox says they
 * wait for a mail server; they go out once the store is started with one.
 */
import { resolve } from 'node:path';
import { and, eq, inArray, lte, or, asc, lt, sql } from 'drizzle-orm';
import { createTransport, type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../db/connect';
import { mailOutbox } from '../db/schema';
import type { ChangeFeed } from '../sync/change-feed';
import { MailDrop } from './mail-drop';
import { composeMail, type OutboxRow } from './outbox';

export interface MailOptions {
  /** smtp://user:pass@host:587 or smtps://…:465 (SWITCHBOARD_SMTP_URL); none → mails wait in the outbox. */
  smtpUrl?: string | undefined;
  /** A folder each mail is written to as an .eml file when there is no smtpUrl (SWITCHBOARD_MAIL_DIR). */
  mailDir?: string | undefined;
  /** The From address (SWITCHBOARD_MAIL_FROM); default "Switchboard <no-reply@localhost>". */
  from?: string | undefined;
  /** How often the outbox is looked at besides after each committed change (default 10 s). */
  pollMs?: number;
  /** The first retry's wait; each later one doubles it (default 30 s), up to `retryMaxMs` (default 1 h). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before a mail is left `failed` for an admin to retry (default 30: about a day at the cap). */
  maxAttempts?: number;
  /** How long a `sending` claim holds before the mail is taken again (default 5 min). */
  leaseMs?: number;
  /** Mails claimed per round (default 20). */
  batch?: number;
  /** SMTP timeouts in ms (connection and greeting; socket is 3×). Default 15 s. */
  timeoutMs?: number;
  /** The sender's clock (scheduling only). */
  clock?: () => number;
}

export const DEFAULT_FROM = 'Switchboard <no-reply@localhost>';

/** The mail settings from the environment: SWITCHBOARD_SMTP_URL, SWITCHBOARD_MAIL_DIR and SWITCHBOARD_MAIL_FROM. */
export function mailOptionsFromEnv(env: NodeJS.ProcessEnv): MailOptions {
  return { smtpUrl: env.SWITCHBOARD_SMTP_URL || undefined, mailDir: env.SWITCHBOARD_MAIL_DIR || undefined, from: env.SWITCHBOARD_MAIL_FROM || undefined };
}

/** How the store delivers mail: through a mail server, into a folder (no mail server), or not at all (mails wait). */
export type MailDelivery = 'smtp' | 'folder' | 'none';

export const mailDeliveryOf = (options: MailOptions): MailDelivery => (options.smtpUrl ? 'smtp' : options.mailDir ? 'folder' : 'none');

/** One line for the log on where customer mail goes: the mail server (password hidden) or the folder; never a customer's data. */
export function describeMailDelivery(options: MailOptions): { message: string; where?: Record<string, string> } {
  switch (mailDeliveryOf(options)) {
    case 'smtp':
      return { message: 'customer mail goes out through this mail server', where: { smtp: redactSmtpUrl(options.smtpUrl!) } };
    case 'folder':
      return { message: 'no mail server (SWITCHBOARD_SMTP_URL): customer mail is written as .eml files into this folder', where: { mailDir: resolve(options.mailDir!) } };
    case 'none':
      return { message: 'no mail server (SWITCHBOARD_SMTP_URL) and no mail folder (SWITCHBOARD_MAIL_DIR): customer mail waits in the outbox until the store is started with one' };
  }
}

/** The SMTP URL without its password, for logs. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

interface SmtpError {
  code?: string;
  responseCode?: number;
}

export class MailSender {
  /** Whether mails go anywhere (a mail server or a mail folder); false: they wait in the outbox. */
  readonly configured: boolean;
  readonly delivery: MailDelivery;
  /** The From address every mail carries. */
  readonly from: string;
  private readonly transport: Transporter | undefined;
  private readonly drop: MailDrop | undefined;
  private readonly o: Required<Omit<MailOptions, 'smtpUrl' | 'mailDir'>>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wanted = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
    options: MailOptions = {},
  ) {
    this.o = {
      from: options.from ?? DEFAULT_FROM,
      pollMs: options.pollMs ?? 10_000,
      retryBaseMs: options.retryBaseMs ?? 30_000,
      retryMaxMs: options.retryMaxMs ?? 3_600_000,
      maxAttempts: options.maxAttempts ?? 30,
      leaseMs: options.leaseMs ?? 300_000,
      batch: options.batch ?? 20,
      timeoutMs: options.timeoutMs ?? 15_000,
      clock: options.clock ?? Date.now,
    };
    this.from = this.o.from;
    this.delivery = mailDeliveryOf(options);
    this.configured = this.delivery !== 'none';
    this.transport = options.smtpUrl
      ? createTransport({
          url: options.smtpUrl,
          connectionTimeout: this.o.timeoutMs,
          greetingTimeout: this.o.timeoutMs,
          socketTimeout: this.o.timeoutMs * 3,
        })
      : undefined;
    this.drop = this.delivery === 'folder' ? new MailDrop(options.mailDir!) : undefined;
  }

  /** Starts looking at the outbox (now, every pollMs, and after each poke of the change feed). Nowhere to deliver: nothing to do. */
  start(changeFeed: ChangeFeed): void {
    if (!this.transport && !this.drop) return;
    this.stopped = false;
    this.drop?.sweepPartFiles(this.o.leaseMs).catch((e: unknown) => this.log.warn({ err: e }, 'could not tidy the mail folder of half-written files; they stay'));
    this.unsubscribe = changeFeed.subscribe(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.o.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    this.transport?.close();
    this.drop?.close();
  }

  /** Look at the outbox soon (a mail was owed, or an admin asked to retry one). */
  kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      try {
        if ((await this.round()) === this.o.batch) this.wanted = true;
      } catch (e) {
        this.log.warn({ err: e }, 'the mail sender could not read the outbox; trying again at the next round');
      }
    }
  }

  /** Claims and sends one batch of due mails; the number claimed. */
  async round(): Promise<number> {
    const now = this.o.clock();
    const claimed = await this.claim(now);
    for (const [i, row] of claimed.entries()) {
      if (this.stopped) {
        await this.release(claimed.slice(i));
        break;
      }
      await this.sendOne(row);
    }
    return claimed.length;
  }

  /** Claimed but not tried (the store is stopping): due again at once, the attempt not counted, rather than after the lease. */
  private async release(rows: readonly (OutboxRow & { claimedAt: number })[]): Promise<void> {
    for (const row of rows) {
      await this.store.db
        .update(mailOutbox)
        .set({ state: 'pending', claimedAt: null, attempts: sql`${mailOutbox.attempts} - 1` })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.state, 'sending'), eq(mailOutbox.claimedAt, row.claimedAt)));
    }
  }

  private async claim(now: number): Promise<(OutboxRow & { claimedAt: number })[]> {
    return this.store.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: mailOutbox.id })
        .from(mailOutbox)
        .where(
          or(
            and(eq(mailOutbox.state, 'pending'), lte(mailOutbox.nextAttemptAt, now)),
            and(eq(mailOutbox.state, 'sending'), lt(mailOutbox.claimedAt, now - this.o.leaseMs)),
          ),
        )
        .orderBy(asc(mailOutbox.nextAttemptAt))
        .limit(this.o.batch)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const rows = await tx
        .update(mailOutbox)
        .set({ state: 'sending', claimedAt: now, attempts: sql`${mailOutbox.attempts} + 1` })
        .where(
          inArray(
            mailOutbox.id,
            due.map((d) => d.id),
          ),
        )
        .returning({
          id: mailOutbox.id,
          kind: mailOutbox.kind,
          recordId: mailOutbox.recordId,
          customerId: mailOutbox.customerId,
          language: mailOutbox.language,
          attempts: mailOutbox.attempts,
          messageId: mailOutbox.messageId,
        });
      return rows.map((r) => ({ ...r, claimedAt: now }));
    });
  }

  private async sendOne(row: OutboxRow & { claimedAt: number }): Promise<void> {
    const ours = and(eq(mailOutbox.id, row.id), eq(mailOutbox.state, 'sending'), eq(mailOutbox.claimedAt, row.claimedAt));
    const composed = await composeMail(this.store.db, row);
    if (!composed.send) {
      await this.store.db.update(mailOutbox).set({ state: 'skipped', skipReason: composed.reason, claimedAt: null, nextAttemptAt: null }).where(ours);
      return;
    }
    const message = {
      from: this.o.from,
      to: composed.to,
      subject: composed.mail.subject,
      text: composed.mail.text,
      html: composed.mail.html,
      messageId: row.messageId,
      headers: { 'X-Switchboard-Mail': `${row.kind}; attempt=${row.attempts}` },
    };
    try {
      // A folder write that fails (no space, no permission) is retried like a mail server that is down; its code is the fs error's.
      if (this.transport) await this.transport.sendMail(message);
      else await this.drop!.deliver(message);
    } catch (e) {
      const err = e as SmtpError;
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE');
      const giveUp = permanent || row.attempts >= this.o.maxAttempts;
      const wait = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.max(0, row.attempts - 1));
      const lastError = `${err.code ?? 'error'}${err.responseCode ? ` ${err.responseCode}` : ''}`;
      this.log.warn({ mail: row.id, kind: row.kind, attempts: row.attempts, code: err.code, responseCode: err.responseCode }, giveUp ? 'a mail could not be sent; left failed' : 'a mail could not be sent; it will be tried again');
      await this.store.db
        .update(mailOutbox)
        .set(giveUp ? { state: 'failed', lastError, claimedAt: null, nextAttemptAt: null } : { state: 'pending', lastError, claimedAt: null, nextAttemptAt: this.o.clock() + wait })
        .where(ours);
      return;
    }
    await this.store.db.update(mailOutbox).set({ state: 'sent', sentAt: this.o.clock(), claimedAt: null, nextAttemptAt: null, lastError: null }).where(ours);
  }
}
