import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface OutgoingMail {
  id: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  messageId: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Where messages go: an SMTP server through nodemailer, or, with none configured, a
 * complete .eml file per message under `DATA_DIR/outbox/` (built by nodemailer too), so
 * the embedded default needs no mail server and a person can open what would be sent.
 */
export function createMailTransport(options: { smtpUrl: string | undefined; outboxDir: string }): MailTransport {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl as unknown as SMTPTransport.Options);
    return {
      async send(mail) {
        await transport.sendMail(message(mail));
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(mail) {
      const info = await transport.sendMail(message(mail));
      await mkdir(options.outboxDir, { recursive: true });
      const file = path.join(options.outboxDir, `${String(mail.id).padStart(8, '0')}.eml`);
      // Written whole or not at all: a reader never sees half a message.
      const partial = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
    },
    close: () => transport.close(),
  };
}

function message(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    messageId: mail.messageId,
  };
}

/**
 * A permanent refusal of the recipient (a 5xx answer to RCPT TO: no such mailbox): the
 * address has bounced. Other 5xx (a refused login, a rejected message) fail the message
 * but say nothing about the address.
 */
export function isBounce(error: unknown): boolean {
  const e = error as { responseCode?: number; command?: string };
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.command === 'RCPT TO';
}

/** Any other 5xx: trying again will not help. */
export function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
