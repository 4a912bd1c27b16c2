import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '@onda/db';
import { PeopleService } from '../src/people/people.service.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

/** People and roles (issue 14) through the real API and PostgreSQL: invitations by link, roles, disable, delete, passwords. */
describe(PeopleService.name, () => {
  let h: Harness;
  let operatorCookie: string;
  let operatorId: string;
  const PASSWORD = 'correct horse battery staple';
  const cookieOf = (res: request.Response): string => String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const asCookie = (cookie: string) => ({ Cookie: cookie, Origin: 'http://onda.test' });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** Operator invites `email` as `role`; the invitee accepts; answers its cookie, id and a '*' token it made. */
  async function invited(email: string, role: 'streamer' | 'moderator' | 'operator', channel?: string) {
    const inv = (await request(h.sut.url).post('/v1/invitations').set(asCookie(operatorCookie)).send({ email, role, channel }).expect(201)).body;
    const accepted = await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: email.split('@')[0], password: PASSWORD }).expect(201);
    const cookie = cookieOf(accepted);
    const me = (await request(h.sut.url).get('/v1/auth/me').set(asCookie(cookie)).expect(200)).body;
    const token = role === 'moderator' ? null : (await request(h.sut.url).post('/v1/tokens').set(asCookie(cookie)).send({ name: 'cli', scopes: ['*'] }).expect(201)).body.token as string;
    return { cookie, id: me.id as string, token, me, invitation: inv };
  }

  beforeAll(async () => {
    h = await startHarness({ rateLimit: { limit: 100_000, windowMs: 60_000 }, signIn: { perAddress: { limit: 60, windowMs: 60_000 } } });
    const setup = await request(h.sut.url).post('/v1/auth/setup').send({ email: 'op@example.com', password: PASSWORD }).expect(201);
    operatorCookie = cookieOf(setup);
    operatorId = (await request(h.sut.url).get('/v1/auth/me').set(asCookie(operatorCookie)).expect(200)).body.id;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('first-run setup makes the first operator, and only once', async () => {
    const me = (await request(h.sut.url).get(`/v1/users/${operatorId}`).set(asCookie(operatorCookie)).expect(200)).body;
    expect(me).toMatchObject({ email: 'op@example.com', role: 'operator', disabled: false });
    const again = await request(h.sut.url).post('/v1/auth/setup').send({ email: 'late@example.com', password: PASSWORD }).expect(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    const audit = (await request(h.sut.url).get('/v1/users/audit').set(asCookie(operatorCookie)).expect(200)).body.items;
    expect(audit.map((a: { action: string }) => a.action)).toContain('user.setup');
  });

  it('invites by a single-use link: preview, accept (signed in as a streamer), replay refused, audited', async () => {
    const inv = (await request(h.sut.url).post('/v1/invitations').set(asCookie(operatorCookie)).send({ email: 'Mina@Example.com', role: 'streamer' }).expect(201)).body;
    expect(inv.url).toBe(`http://onda.test/console/accept#token=${inv.token}`);
    // Without SMTP settings nothing is mailed: the console shows the link to copy.
    expect(inv).toMatchObject({ email: 'mina@example.com', role: 'streamer', channel: null, expired: false, mail: 'off' });
    // The link is shown once: the list never carries it.
    const listed = (await request(h.sut.url).get('/v1/invitations').set(asCookie(operatorCookie)).expect(200)).body.items;
    expect(listed.find((i: { id: string }) => i.id === inv.id)).not.toHaveProperty('token');
    expect((await request(h.sut.url).post('/v1/invitations/preview').send({ token: inv.token }).expect(200)).body).toMatchObject({ email: 'mina@example.com', role: 'streamer' });
    // The one password policy: 12 characters at least.
    await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: 'Mina', password: 'short' }).expect(400);
    const accepted = await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: 'Mina', password: PASSWORD }).expect(201);
    const me = (await request(h.sut.url).get('/v1/auth/me').set(asCookie(cookieOf(accepted))).expect(200)).body;
    expect(me).toMatchObject({ email: 'mina@example.com', displayName: 'Mina', role: 'streamer', operator: false });
    const replay = await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: 'Eve', password: PASSWORD }).expect(410);
    expect(replay.body.code).toBe('gone');
    await request(h.sut.url).post('/v1/invitations/preview').send({ token: inv.token }).expect(410);
    // Signing in works with the chosen password.
    await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'mina@example.com', password: PASSWORD }).expect(200);
    const audit = (await request(h.sut.url).get(`/v1/users/audit?user=${me.id}`).set(asCookie(operatorCookie)).expect(200)).body.items;
    expect(audit.map((a: { action: string }) => a.action)).toContain('invitation.accepted');
  });

  it('refuses an expired invitation and a withdrawn one (410), and an email that has an account (409)', async () => {
    const inv = (await request(h.sut.url).post('/v1/invitations').set(asCookie(operatorCookie)).send({ email: 'late@example.com', role: 'streamer' }).expect(201)).body;
    await h.db.prisma.moderatorInvitation.update({ where: { id: inv.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await request(h.sut.url).post('/v1/invitations/accept').send({ token: inv.token, displayName: 'Late', password: PASSWORD }).expect(410);
    expect(expired.body.detail).toMatch(/expired/);
    expect(await h.db.prisma.user.count({ where: { email: 'late@example.com' } })).toBe(0);
    const other = (await request(h.sut.url).post('/v1/invitations').set(asCookie(operatorCookie)).send({ email: 'gone@example.com', role: 'streamer' }).expect(201)).body;
    await request(h.sut.url).delete(`/v1/invitations/${other.id}`).set(asCookie(operatorCookie)).expect(204);
    await request(h.sut.url).post('/v1/invitations/accept').send({ token: other.token, displayName: 'G', password: PASSWORD }).expect(410);
    await request(h.sut.url).post('/v1/invitations').set(asCookie(operatorCookie)).send({ email: 'op@example.com', role: 'streamer' }).expect(409);
  });

  it('a streamer sees and changes only itself, and cannot make itself (or anyone) an operator', async () => {
    const a = await invited('sa@example.com', 'streamer');
    const b = await invited('sb@example.com', 'streamer');
    const list = (await request(h.sut.url).get('/v1/users').set(bearer(a.token!)).expect(200)).body.items;
    expect(list.map((u: { email: string }) => u.email)).toEqual(['sa@example.com']);
    await request(h.sut.url).get(`/v1/users/${b.id}`).set(bearer(a.token!)).expect(404);
    await request(h.sut.url).patch(`/v1/users/${b.id}`).set(bearer(a.token!)).send({ displayName: 'pwned' }).expect(404);
    await request(h.sut.url).get(`/v1/users/${b.id}/tokens`).set(bearer(a.token!)).expect(404);
    await request(h.sut.url).post(`/v1/users/${b.id}/disable`).set(bearer(a.token!)).expect(403);
    expect((await request(h.sut.url).patch(`/v1/users/${a.id}`).set(bearer(a.token!)).send({ role: 'operator' }).expect(403)).body.code).toBe('forbidden');
    await request(h.sut.url).post('/v1/invitations').set(bearer(a.token!)).send({ email: 'friend@example.com', role: 'operator' }).expect(403);
    await request(h.sut.url).post('/v1/invitations').set(bearer(a.token!)).send({ email: 'friend@example.com', role: 'streamer' }).expect(403);
    await request(h.sut.url).get('/v1/users/audit').set(bearer(a.token!)).expect(403);
    // Its own name it may change.
    expect((await request(h.sut.url).patch(`/v1/users/${a.id}`).set(bearer(a.token!)).send({ displayName: 'Sa' }).expect(200)).body.displayName).toBe('Sa');
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: a.id } })).operator).toBe(false);
    // A streamer invites moderators of its own channels only; another's channel is unknown to it.
    const mine = await createChannel(h.db.prisma, a.id);
    const theirs = await createChannel(h.db.prisma, b.id);
    await request(h.sut.url).post('/v1/invitations').set(bearer(a.token!)).send({ email: 'mod-a@example.com', role: 'moderator', channel: theirs.slug }).expect(404);
    const modInv = (await request(h.sut.url).post('/v1/invitations').set(bearer(a.token!)).send({ email: 'mod-a@example.com', role: 'moderator', channel: mine.slug }).expect(201)).body;
    expect((await request(h.sut.url).get('/v1/invitations').set(bearer(b.token!)).expect(200)).body.items).toEqual([]);
    const accepted = await request(h.sut.url).post('/v1/invitations/accept').send({ token: modInv.token, displayName: 'Mod', password: PASSWORD }).expect(201);
    const modMe = (await request(h.sut.url).get('/v1/auth/me').set(asCookie(cookieOf(accepted))).expect(200)).body;
    expect(modMe.role).toBe('moderator');
    expect(await h.db.prisma.channelModerator.count({ where: { userId: modMe.id, channelId: mine.id } })).toBe(1);
    // The operator sees everyone, and may promote.
    const all = (await request(h.sut.url).get('/v1/users').set(asCookie(operatorCookie)).expect(200)).body.items.map((u: { email: string }) => u.email);
    expect(all).toEqual(expect.arrayContaining(['op@example.com', 'sa@example.com', 'sb@example.com', 'mod-a@example.com']));
    expect((await request(h.sut.url).patch(`/v1/users/${b.id}`).set(asCookie(operatorCookie)).send({ role: 'operator' }).expect(200)).body.role).toBe('operator');
    // ...but not demote itself.
    await request(h.sut.url).patch(`/v1/users/${operatorId}`).set(asCookie(operatorCookie)).send({ role: 'streamer' }).expect(403);
  });

  it("stops a disabled account's tokens and sessions at once, and lets them work again once enabled", async () => {
    const s = await invited('dis@example.com', 'streamer');
    await request(h.sut.url).get('/v1/channels?owner=me').set(bearer(s.token!)).expect(200);
    await request(h.sut.url).post('/v1/channels').set(bearer(s.token!)).send({ slug: 'dis-live', title: 'Dis' }).expect(201);
    const { streamKey } = (await request(h.sut.url).get('/v1/channels/dis-live/stream-key').set(bearer(s.token!)).expect(200)).body;
    const authorize = (status: number) => request(h.sut.url).post('/internal/ingest/authorize').set(bearer(INTERNAL)).send({ streamKey, clientIp: '127.0.0.1', ingestId: 't' }).expect(status);
    await request(h.sut.url).post(`/v1/users/${s.id}/disable`).set(asCookie(operatorCookie)).expect(200);
    // A disabled account's stream keys publish nothing (the ingest refuses the handshake on this answer).
    expect((await authorize(403)).body.detail).toMatch(/disabled account/);
    await request(h.sut.url).get('/v1/channels?owner=me').set(bearer(s.token!)).expect(401);
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(s.cookie)).expect(401);
    expect((await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'dis@example.com', password: PASSWORD }).expect(403)).body.detail).toMatch(/disabled/);
    await request(h.sut.url).post(`/v1/users/${operatorId}/disable`).set(asCookie(operatorCookie)).expect(403);
    await request(h.sut.url).post(`/v1/users/${s.id}/enable`).set(asCookie(operatorCookie)).expect(200);
    await request(h.sut.url).get('/v1/channels?owner=me').set(bearer(s.token!)).expect(200);
    await authorize(200);
    // Disabling ended the console session for good; signing in again works.
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(s.cookie)).expect(401);
    await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'dis@example.com', password: PASSWORD }).expect(200);
    const actions = (await request(h.sut.url).get(`/v1/users/audit?user=${s.id}`).set(asCookie(operatorCookie)).expect(200)).body.items.map((a: { action: string; actor: { email: string } }) => `${a.action} by ${a.actor.email}`);
    expect(actions).toEqual(expect.arrayContaining(['user.disabled by op@example.com', 'user.enabled by op@example.com']));
  });

  it('refuses to delete an account that owns channels unless they are transferred; the channels keep their VODs', async () => {
    const leaving = await invited('leaving@example.com', 'streamer');
    const heir = await invited('heir@example.com', 'streamer');
    const channel = await createChannel(h.db.prisma, leaving.id);
    const vod = await h.db.prisma.vod.create({ data: { channelId: channel.id, origin: 'upload', title: 'kept', status: 'ready' } });
    const refused = await request(h.sut.url).delete(`/v1/users/${leaving.id}`).set(asCookie(operatorCookie)).expect(409);
    expect(refused.body.detail).toMatch(/owns 1 channel/);
    const mod = await invited('justmod@example.com', 'moderator', channel.slug);
    await request(h.sut.url).delete(`/v1/users/${leaving.id}?transferTo=${mod.id}`).set(asCookie(operatorCookie)).expect(422);
    await request(h.sut.url).delete(`/v1/users/${leaving.id}?transferTo=${heir.id}`).set(asCookie(operatorCookie)).expect(204);
    expect(await h.db.prisma.user.count({ where: { id: leaving.id } })).toBe(0);
    expect((await h.db.prisma.channel.findUniqueOrThrow({ where: { id: channel.id } })).ownerId).toBe(heir.id);
    expect((await h.db.prisma.vod.findUniqueOrThrow({ where: { id: vod.id } })).channelId).toBe(channel.id);
    await request(h.sut.url).get('/v1/channels?owner=me').set(bearer(leaving.token!)).expect(401);
    const heirChannels = (await request(h.sut.url).get('/v1/channels?owner=me').set(bearer(heir.token!)).expect(200)).body.items;
    expect(heirChannels.map((c: { slug: string }) => c.slug)).toEqual([channel.slug]);
    // An account without channels goes at once; the audit log outlives it.
    await request(h.sut.url).delete(`/v1/users/${mod.id}`).set(asCookie(operatorCookie)).expect(204);
    const entry = (await request(h.sut.url).get(`/v1/users/audit?user=${leaving.id}`).set(asCookie(operatorCookie)).expect(200)).body.items[0];
    expect(entry).toMatchObject({ action: 'user.deleted', target: { email: 'leaving@example.com' }, detail: { transferTo: heir.id, channelsTransferred: 1 } });
  });

  it('changes a password (signing out other sessions) and resets one with a single-use operator link', async () => {
    const p = await invited('pw@example.com', 'streamer');
    const second = cookieOf(await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'pw@example.com', password: PASSWORD }).expect(200));
    await request(h.sut.url).post('/v1/users/me/password').set(asCookie(p.cookie)).send({ currentPassword: 'wrong wrong wrong', newPassword: 'another long password' }).expect(403);
    await request(h.sut.url).post('/v1/users/me/password').set(asCookie(p.cookie)).send({ currentPassword: PASSWORD, newPassword: 'another long password' }).expect(204);
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(p.cookie)).expect(200);
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(second)).expect(401);
    await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'pw@example.com', password: 'another long password' }).expect(200);

    await request(h.sut.url).post(`/v1/users/${p.id}/password-reset`).set(bearer(p.token!)).expect(403);
    const link = (await request(h.sut.url).post(`/v1/users/${p.id}/password-reset`).set(asCookie(operatorCookie)).expect(201)).body;
    const token = new URL(link.url).hash.replace('#token=', '');
    await request(h.sut.url).post('/v1/users/password-reset').send({ token, password: 'brand new password!' }).expect(204);
    expect((await request(h.sut.url).post('/v1/users/password-reset').send({ token, password: 'attacker password!!' }).expect(410)).body.code).toBe('gone');
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(p.cookie)).expect(401);
    await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'pw@example.com', password: 'brand new password!' }).expect(200);
  });

  it('lists and revokes one account\'s sessions and tokens (the account itself, or an operator)', async () => {
    const s = await invited('sess@example.com', 'streamer');
    const sessions = (await request(h.sut.url).get(`/v1/users/${s.id}/sessions`).set(asCookie(s.cookie)).expect(200)).body.items;
    expect(sessions).toHaveLength(1);
    expect(sessions[0].current).toBe(true);
    const tokens = (await request(h.sut.url).get(`/v1/users/${s.id}/tokens`).set(asCookie(operatorCookie)).expect(200)).body.items;
    expect(tokens.map((t: { name: string }) => t.name)).toEqual(['cli']);
    await request(h.sut.url).delete(`/v1/users/${s.id}/tokens/${tokens[0].id}`).set(asCookie(operatorCookie)).expect(200);
    await request(h.sut.url).get('/v1/auth/me').set(bearer(s.token!)).expect(401);
    await request(h.sut.url).delete(`/v1/users/${s.id}/sessions/${sessions[0].id}`).set(asCookie(operatorCookie)).expect(204);
    await request(h.sut.url).get('/v1/auth/me').set(asCookie(s.cookie)).expect(401);
    const actions = (await request(h.sut.url).get(`/v1/users/audit?user=${s.id}`).set(asCookie(operatorCookie)).expect(200)).body.items.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['token.revoked', 'session.revoked']));
  });

  it('rate-limits link guessing per address (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70 && !statuses.includes(429); i++) {
      statuses.push((await request(h.sut.url).post('/v1/invitations/preview').send({ token: `inv_guess-${i}-aaaaaaaaaaaaaaaaaaaa` })).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([410]));
  });
});
