import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '@onda/db';
import { hashPassword } from '../src/auth/password.js';
import { ModeratorInvitationsService } from '../src/channels/moderator-invitations.service.js';
import { userWithToken } from './chat.support.js';
import { startHarness, type Harness } from './harness.js';

/** Security issue #12, finding 15: no user enumeration through POST …/moderators, and moderators by consent. */
describe(ModeratorInvitationsService.name, () => {
  let h: Harness;
  let owner: { id: string; token: string };
  let invitee: { id: string; token: string; email: string };
  let bystander: { id: string; token: string };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    h = await startHarness({ rateLimit: { limit: 100_000, windowMs: 60_000 } });
    owner = await userWithToken(h.db.prisma, 'admin', ['*'], 'Owner');
    const viewer = await userWithToken(h.db.prisma, 'viewer', ['*'], 'Mina');
    invitee = { ...viewer, email: (await h.db.prisma.user.findUniqueOrThrow({ where: { id: viewer.id } })).email };
    bystander = await userWithToken(h.db.prisma, 'admin', ['*']);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers an invitation the same whether or not an account has the email', async () => {
    const ch = await createChannel(h.db.prisma, owner.id);
    const known = await request(h.sut.url).post(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).send({ email: invitee.email });
    const unknown = await request(h.sut.url).post(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).send({ email: 'nobody-here@example.com' });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual({ email: invitee.email, status: 'invited' });
    expect(unknown.body).toEqual({ email: 'nobody-here@example.com', status: 'invited' });
    // The owner's list shows both as pending, and nobody as a moderator yet.
    const list = (await request(h.sut.url).get(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).expect(200)).body;
    expect(list.items).toEqual([]);
    expect(list.invitations.map((i: { email: string }) => i.email).sort()).toEqual([invitee.email, 'nobody-here@example.com'].sort());
  });

  it('gives no rights until the invited account accepts; it may decline instead', async () => {
    const ch = await createChannel(h.db.prisma, owner.id, { visibility: 'private' });
    await request(h.sut.url).post(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).send({ email: invitee.email }).expect(202);
    // Pending: the private channel and its chat moderation are still closed to the invitee.
    await request(h.sut.url).get(`/v1/channels/${ch.slug}`).set(auth(invitee.token)).expect(404);
    await request(h.sut.url).get(`/v1/channels/${ch.slug}/chat/bans`).set(auth(invitee.token)).expect(404);
    expect(await h.db.prisma.channelModerator.count({ where: { channelId: ch.id } })).toBe(0);

    const mine = (await request(h.sut.url).get('/v1/moderator-invitations').set(auth(invitee.token)).expect(200)).body.items as Array<{ id: string; channel: { slug: string } }>;
    const invitation = mine.find((i) => i.channel.slug === ch.slug)!;
    expect(invitation).toBeTruthy();
    // Nobody else sees or answers it.
    expect((await request(h.sut.url).get('/v1/moderator-invitations').set(auth(bystander.token)).expect(200)).body.items).toEqual([]);
    await request(h.sut.url).post(`/v1/moderator-invitations/${invitation.id}/accept`).set(auth(bystander.token)).expect(404);
    await request(h.sut.url).post(`/v1/moderator-invitations/${invitation.id}/accept`).set(auth(owner.token)).expect(404);

    await request(h.sut.url).post(`/v1/moderator-invitations/${invitation.id}/accept`).set(auth(invitee.token)).expect(204);
    await request(h.sut.url).get(`/v1/channels/${ch.slug}`).set(auth(invitee.token)).expect(200);
    await request(h.sut.url).get(`/v1/channels/${ch.slug}/chat/bans`).set(auth(invitee.token)).expect(200);
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: invitee.id } })).role).toBe('moderator');
    const list = (await request(h.sut.url).get(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).expect(200)).body;
    expect(list).toMatchObject({ items: [{ userId: invitee.id }], invitations: [] });
    await request(h.sut.url).post(`/v1/moderator-invitations/${invitation.id}/accept`).set(auth(invitee.token)).expect(404);

    // A second channel: declined, nothing granted; the owner can withdraw a pending one.
    const other = await createChannel(h.db.prisma, owner.id, { visibility: 'private' });
    await request(h.sut.url).post(`/v1/channels/${other.slug}/moderators`).set(auth(owner.token)).send({ email: invitee.email }).expect(202);
    const second = ((await request(h.sut.url).get('/v1/moderator-invitations').set(auth(invitee.token)).expect(200)).body.items as Array<{ id: string; channel: { slug: string } }>).find((i) => i.channel.slug === other.slug)!;
    await request(h.sut.url).post(`/v1/moderator-invitations/${second.id}/decline`).set(auth(invitee.token)).expect(204);
    await request(h.sut.url).get(`/v1/channels/${other.slug}/chat/bans`).set(auth(invitee.token)).expect(404);
    await request(h.sut.url).post(`/v1/channels/${other.slug}/moderators`).set(auth(owner.token)).send({ email: 'later@example.com' }).expect(202);
    const pending = (await request(h.sut.url).get(`/v1/channels/${other.slug}/moderators`).set(auth(owner.token)).expect(200)).body.invitations as Array<{ id: string }>;
    await request(h.sut.url).delete(`/v1/channels/${other.slug}/moderators/invitations/${pending[0]!.id}`).set(auth(bystander.token)).expect(404);
    await request(h.sut.url).delete(`/v1/channels/${other.slug}/moderators/invitations/${pending[0]!.id}`).set(auth(owner.token)).expect(204);
    expect((await request(h.sut.url).get(`/v1/channels/${other.slug}/moderators`).set(auth(owner.token)).expect(200)).body.invitations).toEqual([]);
  });

  it('lets a viewer account with an invitation sign in to the console to answer it, and no other viewer', async () => {
    const password = 'viewer password 123';
    const email = 'invited-viewer@example.com';
    await h.db.prisma.user.create({ data: { email, displayName: 'Viewer', role: 'viewer', passwordHash: await hashPassword(password) } });
    const origin = { Origin: 'http://onda.test' };
    await request(h.sut.url).post('/v1/auth/sign-in').set(origin).send({ email, password }).expect(403);
    const ch = await createChannel(h.db.prisma, owner.id);
    await request(h.sut.url).post(`/v1/channels/${ch.slug}/moderators`).set(auth(owner.token)).send({ email }).expect(202);
    const signIn = await request(h.sut.url).post('/v1/auth/sign-in').set(origin).send({ email, password });
    expect(signIn.status).toBeLessThan(300);
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    const [invitation] = (await request(h.sut.url).get('/v1/moderator-invitations').set('Cookie', cookie).expect(200)).body.items as Array<{ id: string }>;
    await request(h.sut.url).post(`/v1/moderator-invitations/${invitation!.id}/accept`).set('Cookie', cookie).set(origin).expect(204);
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { email } })).role).toBe('moderator');
    // Nothing else opened up for the session it signed in with before accepting.
    await request(h.sut.url).get('/v1/tokens').set('Cookie', cookie).expect(403);
  });
});
