import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

interface Received {
  to: string[];
  from: string;
  subject: string;
  text: string;
}

/** RFC 2047 encoded words (=?UTF-8?B?...?= / =?UTF-8?Q?...?=), as nodemailer writes non-ASCII subjects. */
const decodeWords = (value: string): string =>
  value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );

const quotedPrintable = (body: string): string =>
  Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

/** A single-part text mail as received: unfolded headers, decoded subject and body. */
function parse(raw: string, envelope: { to: string[]; from: string }): Received {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = new Map(head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/).map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
  const body = rest.join('\n\n');
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? quotedPrintable(body) : body;
  return { ...envelope, subject: decodeWords(headers.get('subject') ?? ''), text };
}

/**
 * Optional mail of invitation and reset links (issue 14) against a tiny SMTP server started here (smtp-server): the
 * link is in the mail, the subject in the recipient's language when known (both when not), and a relay that is gone
 * costs nothing but the mail (the answer still carries the link to copy).
 */
describe('invitation and reset mail (SMTP)', () => {
  let h: Harness;
  let smtp: SMTPServer;
  let operator: string;
  const inbox: Received[] = [];
  const bearer = () => ({ Authorization: `Bearer ${operator}` });
  const mailTo = async (address: string): Promise<Received> => {
    for (let i = 0; i < 100; i++) {
      const found = inbox.find((m) => m.to.includes(address));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no mail to ${address}`);
  };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          inbox.push(parse(Buffer.concat(chunks).toString('utf8'), { to: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '' }));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    h = await startHarness({ rateLimit: { limit: 100_000, windowMs: 60_000 }, smtp: { url: `smtp://127.0.0.1:${port}`, from: 'Onda <onda@example.com>' } });
    operator = (await createAdminWithToken(h.db.prisma, 'mail-op@example.com', 'Mail Operator', undefined, { operator: true })).token;
  });

  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => (smtp.server.listening ? smtp.close(resolve) : resolve()));
  });

  it('mails the invitation link in the language the inviter gave: Korean', async () => {
    const inv = (await request(h.sut.url).post('/v1/invitations').set(bearer()).send({ email: 'jiwoo@example.com', role: 'streamer', locale: 'ko' }).expect(201)).body;
    expect(inv.mail).toBe('sent');
    // The console keeps showing the link to copy.
    expect(inv.url).toMatch(/^http:\/\/onda\.test\/console\/accept#token=inv_/);
    const mail = await mailTo('jiwoo@example.com');
    expect(mail.from).toBe('onda@example.com');
    expect(mail.subject).toBe('Onda에 초대되었습니다');
    expect(mail.text).toContain(inv.url);
    expect(mail.text).toContain('Mail Operator 님이');
    expect(mail.text).toContain('스트리머');
  });

  it('in English, naming the channel of a moderator invitation; in both languages when the language is unknown', async () => {
    const owner = await createAdminWithToken(h.db.prisma, 'mail-owner@example.com');
    await request(h.sut.url).post('/v1/channels').set({ Authorization: `Bearer ${owner.token}` }).send({ slug: 'mail-show', title: 'Mail Show' }).expect(201);
    const en = (await request(h.sut.url).post('/v1/invitations').set(bearer()).send({ email: 'sam@example.com', role: 'moderator', channel: 'mail-show', locale: 'en' }).expect(201)).body;
    const english = await mailTo('sam@example.com');
    expect(english.subject).toBe('You are invited to Onda');
    expect(english.text).toContain(en.url);
    expect(english.text).toContain('as a moderator of the channel “Mail Show”');

    const both = (await request(h.sut.url).post('/v1/invitations').set(bearer()).send({ email: 'who@example.com', role: 'streamer' }).expect(201)).body;
    const bilingual = await mailTo('who@example.com');
    expect(bilingual.subject).toBe('Onda에 초대되었습니다 / You are invited to Onda');
    expect(bilingual.text.split(both.url)).toHaveLength(3);
  });

  it("mails an operator's reset link in the language the account accepted its invitation in", async () => {
    const inv = (await request(h.sut.url).post('/v1/invitations').set(bearer()).send({ email: 'reset-me@example.com', role: 'streamer' }).expect(201)).body;
    await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: 'Reset Me', password: 'correct horse battery staple', locale: 'en' }).expect(201);
    const user = await h.db.prisma.user.findUniqueOrThrow({ where: { email: 'reset-me@example.com' } });
    expect(user.locale).toBe('en');
    inbox.length = 0;
    const link = (await request(h.sut.url).post(`/v1/users/${user.id}/password-reset`).set(bearer()).expect(201)).body;
    expect(link.mail).toBe('sent');
    const mail = await mailTo('reset-me@example.com');
    expect(mail.subject).toBe('Reset your Onda password');
    expect(mail.text).toContain(link.url);
    // The account may change its mail language; the next link follows it.
    await request(h.sut.url).patch(`/v1/users/${user.id}`).set(bearer()).send({ locale: 'ko' }).expect(200);
    inbox.length = 0;
    const again = (await request(h.sut.url).post(`/v1/users/${user.id}/password-reset`).set(bearer()).expect(201)).body;
    expect((await mailTo('reset-me@example.com')).subject).toBe('Onda 비밀번호 재설정');
    expect(again.url).not.toBe(link.url);
  });

  it('a relay that is gone costs only the mail: the link is still answered, to copy', async () => {
    await new Promise<void>((resolve) => smtp.close(resolve));
    const inv = await request(h.sut.url).post('/v1/invitations').set(bearer()).send({ email: 'nomail@example.com', role: 'streamer', locale: 'en' }).expect(201);
    expect(inv.body).toMatchObject({ mail: 'failed', email: 'nomail@example.com' });
    expect(inv.body.url).toContain('#token=inv_');
  });
});
