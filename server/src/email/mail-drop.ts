/**
 * The mail drop (issue 23): where the store has no mail server but a mail folder
 * (SWITCHBOARD_MAIL_DIR; `npm start`'s demo store sets one), each mail the sender would hand to
 * SMTP is written there as an RFC 5322 message (`.eml`, CRLF lines), built by nodemailer's stream
 * transport — the same headers, Message-ID and bodies the SMTP path sends. A mail client opens it.
 *
 * The file is written under a temporary name and renamed, so a half-written mail never shows under
 * its real name; the real name comes from the Message-ID, so a mail written again (the store died
 * between the file and the `sent` mark, and the claim ran out) replaces the same file instead of
 * making a second one. A temporary file a store left when it died mid-write is removed at the next
 * start once it is older than the sender's lease (its mail is written again by then).
 */

const PART_FILE = /^\.[0-9a-f-]{36}\.eml\.part$/;
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';

/** The file a mail with this Message-ID is written to: `<kind.record@switchboard>` → `kind.record.eml`. */
export function mailFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '').replace(/@switchboard$/, '');
  const safe = bare.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  if (safe === '') throw new Error('A mail needs a Message-ID to be written to the mail folder.');
  return `${safe}.eml`;
}

export class MailDrop {
  readonly dir: string;
  private readonly composer: Transporter;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  /** Writes the mail as `<Message-ID>.eml` in the folder (made if missing); the file's path. */
  async deliver(mail: SendMailOptions & { messageId: string }): Promise<string> {
    const info = (await this.composer.sendMail(mail)) as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, mailFileName(mail.messageId));
    // A dot name the mail client's folder view skips; unique, so two senders never write one temp file.
    const temp = join(this.dir, `.${randomUUID()}.eml.part`);
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(info.message);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    return path;
  }

  /** Removes temporary files older than `olderThanMs` (left by a store that died mid-write); how many. No folder yet: none. */
  async sweepPartFiles(olderThanMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw e;
    }
    let removed = 0;
    for (const name of names.filter((n) => PART_FILE.test(n))) {
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < now - olderThanMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  close(): void {
    this.composer.close();
  }
}
