import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { ProblemFilter } from '../src/common/problem.filter.js';
import { startHarness, type Harness } from './harness.js';

describe(`${ProblemFilter.name} on hostile input`, () => {
  let h: Harness;
  let token: string;
  let channelId: string;
  let webhookId: string;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
    token = (await createAdminWithToken(h.db.prisma, 'bad@example.com')).token;
    channelId = (await request(h.sut.url).post('/v1/channels').set({ Authorization: `Bearer ${token}` }).send({ slug: 'target', title: 'Target' }).expect(201)).body.id;
    webhookId = (await request(h.sut.url).post('/v1/webhooks').set({ Authorization: `Bearer ${token}` }).send({ url: 'http://127.0.0.1:9/x', eventTypes: ['stream.ended'] }).expect(201)).body.id;
  });

  afterAll(async () => {
    await h?.close();
  });

  const counts = () =>
    Promise.all([h.db.prisma.user.count(), h.db.prisma.channel.count(), h.db.prisma.apiToken.count(), h.db.prisma.webhookEndpoint.count(), h.db.prisma.channelModerator.count(), h.db.prisma.streamKey.count(), h.db.prisma.consoleSession.count(), h.db.prisma.idempotencyKey.count()]);

  it('answers at least 40 malformed requests with a 4xx problem and writes nothing', async () => {
    const a = { Authorization: `Bearer ${token}` };
    const post = (p: string, body: unknown) => request(h.sut.url).post(p).set(a).send(body as object);
    const patch = (p: string, body: unknown) => request(h.sut.url).patch(p).set(a).send(body as object);
    const get = (p: string) => request(h.sut.url).get(p).set(a);
    const raw = (p: string, type: string, body: string) => request(h.sut.url).post(p).set(a).set('content-type', type).send(body);
    const cases: Array<[string, () => request.Test]> = [
      ['channel: missing title', () => post('/v1/channels', { slug: 'abc' })],
      ['channel: missing slug', () => post('/v1/channels', { title: 'x' })],
      ['channel: slug with spaces', () => post('/v1/channels', { slug: 'Bad Slug!', title: 't' })],
      ['channel: slug too short', () => post('/v1/channels', { slug: 'ab', title: 't' })],
      ['channel: slug SQL', () => post('/v1/channels', { slug: "x'; DROP TABLE channels;--", title: 't' })],
      ['channel: title empty', () => post('/v1/channels', { slug: 'empty-title', title: '   ' })],
      ['channel: title too long', () => post('/v1/channels', { slug: 'long-title', title: 'x'.repeat(141) })],
      ['channel: unknown field', () => post('/v1/channels', { slug: 'abcd', title: 't', ownerId: channelId })],
      ['channel: wrong types', () => post('/v1/channels', { slug: 42, title: ['t'] })],
      ['channel: bad visibility', () => post('/v1/channels', { slug: 'vis', title: 't', visibility: 'secret' })],
      ['channel: negative reconnect', () => post('/v1/channels', { slug: 'neg', title: 't', reconnectWindowSeconds: -1 })],
      ['channel: fractional reconnect', () => post('/v1/channels', { slug: 'frac', title: 't', reconnectWindowSeconds: 1.5 })],
      ['channel: string boolean', () => post('/v1/channels', { slug: 'strb', title: 't', recording: 'yes' })],
      ['channel: array body', () => post('/v1/channels', [{ slug: 'arr', title: 't' }])],
      ['channel: null body', () => raw('/v1/channels', 'application/json', 'null')],
      ['channel: broken JSON', () => raw('/v1/channels', 'application/json', '{"slug":')],
      ['channel: text/plain', () => raw('/v1/channels', 'text/plain', 'slug=x')],
      ['channel: form body', () => raw('/v1/channels', 'application/x-www-form-urlencoded', 'slug=form&title=x')],
      ['channel: oversized', () => post('/v1/channels', { slug: 'big', title: 'x'.repeat(100_000) })],
      ['channel: prototype pollution', () => raw('/v1/channels', 'application/json', '{"slug":"proto","title":"t","__proto__":{"admin":true}}')],
      ['patch: empty body', () => patch(`/v1/channels/${channelId}`, {})],
      ['patch: slug not patchable', () => patch(`/v1/channels/${channelId}`, { slug: 'renamed' })],
      ['patch: HTML title too long', () => patch(`/v1/channels/${channelId}`, { title: `<script>${'a'.repeat(200)}</script>` })],
      ['patch: bad latency', () => patch(`/v1/channels/${channelId}`, { latencyMode: 'ultra' })],
      ['patch: bad ladder', () => patch(`/v1/channels/${channelId}`, { ladderProfile: '4k' })],
      ['channel id: SQL in path', () => get("/v1/channels/'%3B%20DROP%20TABLE%20channels%3B--")],
      ['channel id: too long', () => get(`/v1/channels/${'a'.repeat(65)}`)],
      ['channels: negative limit', () => get('/v1/channels?limit=-1')],
      ['channels: zero limit', () => get('/v1/channels?limit=0')],
      ['channels: huge limit', () => get('/v1/channels?limit=100000')],
      ['channels: garbage cursor', () => get('/v1/channels?cursor=zzz')],
      ['channels: unknown filter', () => get('/v1/channels?ownerId=1')],
      ['channels: private without owner=me', () => get('/v1/channels?visibility=private')],
      ['sessions: bad UUID', () => get('/v1/live-sessions/not-a-uuid')],
      ['sessions: bad state', () => get('/v1/live-sessions?state=paused')],
      ['sessions: bad channelId', () => get("/v1/live-sessions?channelId=1' OR '1'='1")],
      ['sessions: unknown id', () => get('/v1/live-sessions/00000000-0000-4000-8000-000000000000')],
      ['end: bad UUID', () => post('/v1/live-sessions/1%20OR%201=1/end', undefined)],
      ['token: unknown scope', () => post('/v1/tokens', { name: 'x', scopes: ['root'] })],
      ['token: no scopes', () => post('/v1/tokens', { name: 'x', scopes: [] })],
      ['token: expiry in the past', () => post('/v1/tokens', { name: 'x', scopes: ['vods:read'], expiresAt: '2001-01-01T00:00:00Z' })],
      ['token: expiry not a date', () => post('/v1/tokens', { name: 'x', scopes: ['vods:read'], expiresAt: 'tomorrow' })],
      ['token: revoke bad UUID', () => request(h.sut.url).delete('/v1/tokens/abc').set(a)],
      ['webhook: javascript URL', () => post('/v1/webhooks', { url: 'javascript:alert(1)', eventTypes: ['stream.ended'] })],
      ['webhook: not a URL', () => post('/v1/webhooks', { url: 'not a url', eventTypes: ['stream.ended'] })],
      ['webhook: unknown event', () => post('/v1/webhooks', { url: 'https://example.com/h', eventTypes: ['stream.exploded'] })],
      ['webhook: no events', () => post('/v1/webhooks', { url: 'https://example.com/h', eventTypes: [] })],
      ['webhook: deliveries bad cursor', () => get(`/v1/webhooks/${webhookId}/deliveries?cursor=${Buffer.from('x|y').toString('base64url')}`)],
      ['webhook: deliveries negative limit', () => get(`/v1/webhooks/${webhookId}/deliveries?limit=-5`)],
      ['webhook: resend bad UUID', () => post('/v1/webhooks/deliveries/xyz/resend', undefined)],
      ['moderator: bad email', () => post(`/v1/channels/${channelId}/moderators`, { email: '<img src=x onerror=alert(1)>' })],
      ['moderator: invitation bad UUID', () => request(h.sut.url).delete(`/v1/channels/${channelId}/moderators/invitations/xyz`).set(a)],
      ['moderator: accept bad UUID', () => post('/v1/moderator-invitations/1%20OR%201=1/accept', undefined)],
      ['sign-in: missing password', () => request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'bad@example.com' })],
      ['sign-in: SQL email', () => request(h.sut.url).post('/v1/auth/sign-in').send({ email: "' OR 1=1 --", password: 'x' })],
      ['setup: weak password', () => request(h.sut.url).post('/v1/auth/setup').send({ email: 'new@example.com', password: '123' })],
      ['setup: already done', () => request(h.sut.url).post('/v1/auth/setup').send({ email: 'new@example.com', password: 'long enough password' })],
      ['idempotency: bad key', () => request(h.sut.url).post('/v1/channels').set(a).set('Idempotency-Key', 'spaces are bad').send({ slug: 'idem-bad', title: 't' })],
      ['unknown route', () => get('/v1/nope')],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const before = await counts();
    for (const [name, send] of cases) {
      const res = await send();
      expect(res.status, `${name}: ${res.status} ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expect(res.headers['content-type'], name).toMatch(/application\/problem\+json/);
      expect(res.body, name).toMatchObject({ status: res.status, type: expect.any(String), title: expect.any(String), code: expect.any(String), detail: expect.any(String), requestId: expect.any(String) });
    }
    expect(await counts()).toEqual(before);
    expect((await h.db.prisma.channel.findUniqueOrThrow({ where: { id: channelId } })).title).toBe('Target');
  });
});
