import { Logger } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { MailOutcome } from '@onda/contracts';

export const MAILER = Symbol('MAILER');

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends the people feature's mail (invitation and reset links); `off` without SMTP settings. */
export interface Mailer {
  send(mail: Mail): Promise<MailOutcome>;
}

/**
 * SMTP_URL / SMTP_FROM (packages/config). The relay is the installation operator's own setting, never a user's, so it
 * is not put through the outbound address guard: a relay on localhost or the private network is the common case.
 */
/** SMTP_URL and SMTP_FROM (ApiConfig.smtp). */
export interface MailOptions {
  url: string;
  from: string;
}

/** Mail through the configured relay, or none. A relay that fails or hangs gives `failed` (bounded by timeouts), never an error. */
export function createMailer(options: MailOptions | undefined): Mailer {
  if (!options) return { send: () => Promise.resolve('off') };
  const logger = new Logger('Mail');
  // Not pooled: a connection per message, none left open between the rare mails.
  const transport = createTransport({ url: options.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 }, { from: options.from });
  return {
    async send(mail) {
      try {
        await transport.sendMail(mail);
        return 'sent';
      } catch (error) {
        // The link is in the answer either way: the console shows it to copy.
        logger.warn(`mail to ${mail.to} failed: ${(error as Error).message}`);
        return 'failed';
      }
    },
  };
}
