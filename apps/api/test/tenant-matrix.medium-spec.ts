import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { ChatClientEvents, type ChatJoined, type ChatSent } from '@onda/contracts';
import { ChatTestClient } from './chat.support.js';
import { startHarness, type Harness } from './harness.js';

/**
 * Tenant isolation as a matrix (security issue #12): every REST route of the OpenAPI document x caller kind x
 * channel visibility, with the status each caller must get. A route without an entry in POLICY fails the test,
 * so a new route cannot ship without deciding who may call it. 'owner' routes are the channel's manager's: its owner
 * (streamer A) and, since issue 14, every operator; another streamer (B) and the channel's moderator get a 404.
 */
type Policy = 'open' | 'account' | 'viewer' | 'owner' | 'moderate' | 'internal' | 'self' | 'operator';
const POLICY: Record<string, Policy> = {
  'GET /v1/channels': 'open',
  'POST /v1/channels': 'account',
  'GET /v1/channels/{idOrSlug}': 'viewer',
  'PATCH /v1/channels/{idOrSlug}': 'owner',
  'DELETE /v1/channels/{idOrSlug}': 'owner',
  'GET /v1/channels/{idOrSlug}/playback': 'viewer',
  'GET /v1/channels/{idOrSlug}/thumbnail': 'viewer',
  'POST /v1/auth/sign-in': 'open',
  'POST /v1/auth/sign-out': 'open',
  'GET /v1/auth/me': 'account',
  'GET /v1/auth/setup': 'open',
  'POST /v1/auth/setup': 'open',
  'GET /v1/channels/{idOrSlug}/stream-key': 'owner',
  'DELETE /v1/channels/{idOrSlug}/stream-key': 'owner',
  'POST /v1/channels/{idOrSlug}/stream-key/rotate': 'owner',
  'GET /v1/channels/{idOrSlug}/moderators': 'owner',
  'POST /v1/channels/{idOrSlug}/moderators': 'owner',
  'DELETE /v1/channels/{idOrSlug}/moderators/{userId}': 'owner',
  'DELETE /v1/channels/{idOrSlug}/moderators/invitations/{invitationId}': 'owner',
  // Simulcast destinations carry stream keys of other services: the owner's alone (simulcast.medium-spec).
  'GET /v1/channels/{idOrSlug}/destinations': 'owner',
  'POST /v1/channels/{idOrSlug}/destinations': 'owner',
  'PATCH /v1/channels/{idOrSlug}/destinations/{destinationId}': 'owner',
  'DELETE /v1/channels/{idOrSlug}/destinations/{destinationId}': 'owner',
  // Addressed to the caller's own email: every account sees only its own (moderator-invitations.medium-spec).
  'GET /v1/moderator-invitations': 'account',
  'POST /v1/moderator-invitations/{id}/accept': 'account',
  'POST /v1/moderator-invitations/{id}/decline': 'account',
  'POST /v1/tokens': 'account',
  'GET /v1/tokens': 'account',
  'DELETE /v1/tokens/{id}': 'account',
  'GET /v1/live-sessions': 'account',
  'GET /v1/live-sessions/{id}': 'owner',
  'POST /v1/live-sessions/{id}/end': 'owner',
  'POST /v1/webhooks': 'account',
  'GET /v1/webhooks': 'account',
  'PATCH /v1/webhooks/{id}': 'account',
  'DELETE /v1/webhooks/{id}': 'account',
  'GET /v1/webhooks/{id}/deliveries': 'account',
  'POST /v1/webhooks/deliveries/{id}/resend': 'account',
  'POST /v1/vods/uploads': 'account',
  'PUT /v1/vods/{id}/source': 'owner',
  'POST /v1/vods/{id}/complete': 'owner',
  'GET /v1/vods': 'open',
  'GET /v1/vods/{id}': 'viewer',
  'PATCH /v1/vods/{id}': 'owner',
  'DELETE /v1/vods/{id}': 'owner',
  'POST /v1/beacons': 'open',
  'POST /v1/beacons/tickets': 'open',
  'GET /v1/live-sessions/{id}/stats': 'owner',
  'GET /v1/live-sessions/{id}/timeline': 'owner',
  'GET /v1/vods/{id}/stats': 'owner',
  'GET /v1/vods/{id}/chat': 'viewer',
  // People (issue 14): {id} is the owner's account here. 'self': the account itself and operators; 'operator': operators only.
  'GET /v1/users': 'account',
  'GET /v1/users/audit': 'operator',
  'POST /v1/users/me/password': 'account',
  'POST /v1/users/password-reset': 'open',
  'GET /v1/users/{id}': 'self',
  'PATCH /v1/users/{id}': 'self',
  'DELETE /v1/users/{id}': 'operator',
  'POST /v1/users/{id}/disable': 'operator',
  'POST /v1/users/{id}/enable': 'operator',
  'POST /v1/users/{id}/password-reset': 'operator',
  'GET /v1/users/{id}/sessions': 'self',
  'DELETE /v1/users/{id}/sessions/{sessionId}': 'self',
  'GET /v1/users/{id}/tokens': 'self',
  'DELETE /v1/users/{id}/tokens/{tokenId}': 'self',
  // Every caller sees and withdraws only the invitations it made (an operator: all); people.medium-spec covers who may invite whom.
  'POST /v1/invitations': 'account',
  'GET /v1/invitations': 'account',
  'DELETE /v1/invitations/{id}': 'account',
  'POST /v1/invitations/preview': 'open',
  'POST /v1/invitations/accept': 'open',
  // Takes a page URL, not an id: checked below for every caller (a private page is unknown to everyone, its owner too).
  'GET /v1/oembed': 'open',
  'POST /v1/clips': 'account',
  'GET /v1/clips': 'open',
  'GET /v1/clips/{id}': 'viewer',
  // A view of any clip the caller may see: clips.medium-spec checks it 404s for private and hidden ones.
  'POST /v1/clips/{id}/views': 'open',
  'PATCH /v1/clips/{id}': 'owner',
  'DELETE /v1/clips/{id}': 'owner',
  // Sponsor and commerce moments (issue 14): the producer's side as chat moderation; viewers' side as the channel page.
  'GET /v1/channels/{idOrSlug}/commerce/moments': 'moderate',
  'POST /v1/channels/{idOrSlug}/commerce/moments': 'moderate',
  'POST /v1/channels/{idOrSlug}/commerce/moments/{momentId}/show': 'moderate',
  'POST /v1/channels/{idOrSlug}/commerce/moments/{momentId}/hide': 'moderate',
  'DELETE /v1/channels/{idOrSlug}/commerce/moments/{momentId}': 'moderate',
  'PUT /v1/channels/{idOrSlug}/commerce/moments/{momentId}/image': 'moderate',
  'GET /v1/channels/{idOrSlug}/commerce/live': 'viewer',
  'POST /v1/channels/{idOrSlug}/commerce/moments/{momentId}/events': 'viewer',
  'POST /v1/channels/{idOrSlug}/commerce/moments/{momentId}/claim': 'viewer',
  'GET /v1/vods/{id}/commerce': 'viewer',
  'GET /v1/live-sessions/{id}/commerce': 'owner',
};
/** Routes whose success is not a 200: the stable thumbnail URL redirects to the picture (fixtures are live with one). */
const SUCCESS: Record<string, number> = { 'GET /v1/channels/{idOrSlug}/thumbnail': 302 };
/** Who may emit each socket.io chat event: every event of the contract needs an entry (moderation is REST only, below). */
const SOCKET_POLICY: Record<string, 'room'> = { join: 'room', nickname: 'room', send: 'room', vote: 'room', react: 'room', language: 'room' };
const CALLERS = ['anonymous', 'wrongScope', 'owner', 'moderator', 'otherTenant', 'operator'] as const;
const CHAT = /^\/v1\/channels\/\{idOrSlug\}\/chat\//;
const policyOf = (route: string): Policy | undefined => POLICY[route] ?? (CHAT.test(route.split(' ')[1]!) ? 'moderate' : undefined);

const NO_SCOPE = new Set(['/v1/auth/me', '/v1/moderator-invitations', '/v1/moderator-invitations/{id}/accept', '/v1/moderator-invitations/{id}/decline', '/v1/users/me/password']);

type Caller = 'anonymous' | 'wrongScope' | 'owner' | 'moderator' | 'otherTenant' | 'operator';
type Visibility = 'public' | 'unlisted' | 'private';
const VISIBILITIES: Visibility[] = ['public', 'unlisted', 'private'];

/** What a caller must get on a route: a status, or 'denied' (any 4xx but 401/403: refused without a 2xx). */
function expected(policy: Policy, caller: Caller, visibility: Visibility, read: boolean, route: string): number | 'denied' | null {
  const hidden = visibility === 'private';
  if (caller === 'anonymous') return policy === 'viewer' ? (read ? (hidden ? 404 : 200) : null) : 401;
  // These need no scope: any valid credential may ask who it is, and see and answer its own invitations (a made-up id: 404).
  if (caller === 'wrongScope' && NO_SCOPE.has(route)) return read ? 200 : 'denied';
  if (caller === 'wrongScope') return policy === 'viewer' ? (read ? (hidden ? 404 : 200) : null) : 403;
  if (policy === 'operator') return caller === 'operator' ? (read ? 200 : null) : read || caller === 'otherTenant' ? 403 : null;
  // Writes: another streamer is refused everywhere, a moderator everywhere but moderation; the operator's writes are
  // the next test's (each on a channel of its own), the owner's the feature tests'.
  if (!read) return caller === 'otherTenant' || (caller === 'moderator' && policy !== 'moderate') ? 'denied' : null;
  if (policy === 'self') return caller === 'owner' || caller === 'operator' ? 200 : 404;
  // An operator manages every channel: what its owner reads, it reads (issue 14).
  if (caller === 'owner' || caller === 'operator') return 200;
  if (policy === 'moderate') return caller === 'otherTenant' ? 404 : 200;
  if (policy === 'owner') return 404;
  // viewer routes: moderators read their private channel (not its VODs); others see what anonymous viewers see.
  if (caller === 'moderator' && hidden && route.includes('{idOrSlug}')) return 200;
  return hidden ? 404 : 200;
}

describe('tenant isolation matrix (real PostgreSQL, every REST route)', () => {
  let h: Harness;
  const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
  let wrongForWebhooks: string;
  const fixtures = {} as Record<Visibility, { slug: string; channelId: string; sessionId: string; vodId: string; clipId: string }>;
  let webhookId: string;
  let tokenId: string;
  let ownerId: string;

  beforeAll(async () => {
    h = await startHarness({
      webhooks: { pollMs: 0 }, rateLimit: { limit: 100_000, windowMs: 60_000 },
      chat: { perConnection: { limit: 1000, windowMs: 60_000 }, perAuthor: { limit: 1000, windowMs: 60_000 }, perConnectionEvents: { limit: 1000, windowMs: 60_000 } },
    });
    const owner = await createAdminWithToken(h.db.prisma, 'matrix-owner@example.com');
    tokens.owner = owner.token;
    ownerId = owner.userId;
    tokens.otherTenant = (await createAdminWithToken(h.db.prisma, 'matrix-other@example.com')).token;
    tokens.operator = (await createAdminWithToken(h.db.prisma, 'matrix-operator@example.com', undefined, undefined, { operator: true })).token;
    const mod = await createAdminWithToken(h.db.prisma, 'matrix-mod@example.com');
    tokens.moderator = mod.token;
    const auth = { Authorization: `Bearer ${owner.token}` };
    tokens.wrongScope = (await request(h.sut.url).post('/v1/tokens').set(auth).send({ name: 'w', scopes: ['webhooks:write'] }).expect(201)).body.token;
    const narrow = (await request(h.sut.url).post('/v1/tokens').set(auth).send({ name: 'n', scopes: ['channels:read'] }).expect(201)).body;
    wrongForWebhooks = narrow.token;
    tokenId = narrow.id;
    webhookId = (await request(h.sut.url).post('/v1/webhooks').set(auth).send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['stream.started'] }).expect(201)).body.id;
    for (const visibility of VISIBILITIES) {
      const slug = `matrix-${visibility}`;
      const channel = (await request(h.sut.url).post('/v1/channels').set(auth).send({ slug, title: slug, visibility }).expect(201)).body;
      await request(h.sut.url).post(`/v1/channels/${slug}/moderators`).set(auth).send({ email: 'matrix-mod@example.com' }).expect(202);
      const session = await h.db.prisma.liveSession.create({ data: { channelId: channel.id, state: 'ended', ingestId: 'm', storagePrefix: `live/${randomUUID()}`, endedAt: new Date() } });
      const vod = await h.db.prisma.vod.create({ data: { channelId: channel.id, liveSessionId: session.id, origin: 'recording', title: slug, status: 'ready', durationSeconds: 10, renditions: ['720p'], readyAt: new Date() } });
      const clip = await h.db.prisma.clip.create({ data: { channelId: channel.id, vodId: vod.id, title: slug, status: 'ready', requestedSeconds: 10, durationSeconds: 10 } });
      fixtures[visibility] = { slug, channelId: channel.id, sessionId: session.id, vodId: vod.id, clipId: clip.id };
      // Live with a thumbnail, so the stable thumbnail URL has something to redirect to.
      const onAir = randomUUID();
      await h.db.prisma.liveSession.create({ data: { id: onAir, channelId: channel.id, state: 'live', ingestId: 'm', storagePrefix: `live/${onAir}`, startedAt: new Date(), thumbnailAt: new Date() } });
    }
    // The moderator moderates once it accepts (finding 15).
    for (const invitation of (await request(h.sut.url).get('/v1/moderator-invitations').set('Authorization', `Bearer ${mod.token}`).expect(200)).body.items as Array<{ id: string }>) {
      await request(h.sut.url).post(`/v1/moderator-invitations/${invitation.id}/accept`).set('Authorization', `Bearer ${mod.token}`).expect(204);
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('has a policy for every route, and every caller gets what its policy says, on every visibility', async () => {
    const spec = (await request(h.sut.url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.filter((r) => !policyOf(r)), 'routes without an entry in the tenant matrix').toEqual([]);

    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const policy = policyOf(route)!;
      if (policy === 'open' || policy === 'internal') continue;
      const [method, template] = route.split(' ') as [string, string];
      for (const visibility of VISIBILITIES) {
        const f = fixtures[visibility];
        const path = template
          .replace('{idOrSlug}', f.slug)
          .replace(/^\/v1\/live-sessions\/\{id\}/, `/v1/live-sessions/${f.sessionId}`)
          .replace(/^\/v1\/vods\/\{id\}/, `/v1/vods/${f.vodId}`)
          .replace(/^\/v1\/clips\/\{id\}/, `/v1/clips/${f.clipId}`)
          .replace(/^\/v1\/webhooks\/deliveries\/\{id\}/, `/v1/webhooks/deliveries/${randomUUID()}`)
          .replace(/^\/v1\/webhooks\/\{id\}/, `/v1/webhooks/${webhookId}`)
          .replace(/^\/v1\/tokens\/\{id\}/, `/v1/tokens/${tokenId}`)
          .replace(/^\/v1\/users\/\{id\}/, `/v1/users/${ownerId}`)
          .replace(/\{[A-Za-z]+\}/g, () => randomUUID());
        for (const caller of ['anonymous', 'wrongScope', 'owner', 'moderator', 'otherTenant', 'operator'] as Caller[]) {
          if (policy === 'account' && caller !== 'anonymous' && caller !== 'wrongScope') continue;
          const want = expected(policy, caller, visibility, method === 'GET', template);
          if (want === null) continue;
          const token = caller === 'anonymous' ? null : caller === 'wrongScope' && template.startsWith('/v1/webhooks') ? wrongForWebhooks : tokens[caller];
          let req = (request(h.sut.url) as unknown as Record<string, (p: string) => request.Test>)[method.toLowerCase()]!(path);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          const res = await (method === 'GET' || method === 'DELETE' ? req : req.send({}));
          checked++;
          const ok = want === 'denied' ? res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 : res.status === (want === 200 ? (SUCCESS[route] ?? 200) : want);
          if (!ok) failures.push(`${route} [${visibility}] as ${caller}: ${res.status}, want ${want}`);
          if (res.status >= 400) expect(res.headers['content-type'], route).toMatch(/application\/problem\+json/);
        }
      }
    }
    // oEmbed is for other sites embedding a page: it answers the same to every caller, and never for a private page.
    for (const visibility of VISIBILITIES) {
      for (const caller of ['anonymous', 'wrongScope', 'owner', 'moderator', 'otherTenant', 'operator'] as Caller[]) {
        let req = request(h.sut.url).get(`/v1/oembed?url=${encodeURIComponent(`http://onda.test/c/${fixtures[visibility].slug}`)}`);
        if (caller !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[caller]}`);
        const res = await req;
        const want = visibility === 'private' ? 404 : 200;
        if (res.status !== want) failures.push(`GET /v1/oembed [${visibility}] as ${caller}: ${res.status}, want ${want}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(300);
    // ~1,000 requests: on a loaded 2-core CI box that takes longer than the default 30 s.
  }, 180_000);

  it('chat joins: who enters which room, and who moderates it (socket.io)', async () => {
    const failures: string[] = [];
    for (const visibility of VISIBILITIES) {
      for (const caller of ['anonymous', 'wrongScope', 'owner', 'moderator', 'otherTenant', 'operator'] as Caller[]) {
        const client = await ChatTestClient.connect(h.sut.url, caller === 'anonymous' ? {} : { token: tokens[caller] });
        try {
          const ack = await client.emit('join', { channel: fixtures[visibility].slug });
          const staff = caller === 'owner' || caller === 'moderator' || caller === 'operator';
          const want = visibility === 'private' && !staff ? 'not_found' : staff ? 'moderator' : 'viewer';
          const got = ack.ok ? ((ack.data as ChatJoined).you.canModerate ? 'moderator' : 'viewer') : ack.error.code;
          if (got !== want) failures.push(`join [${visibility}] as ${caller}: ${got}, want ${want}`);
        } finally {
          client.close();
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('chat moderation reaching socket.io viewers: ban, delete and held approve by every caller on every visibility', async () => {
    expect(Object.keys(ChatClientEvents).sort(), 'socket.io events without an entry in SOCKET_POLICY').toEqual(Object.keys(SOCKET_POLICY).sort());
    const failures: string[] = [];
    const chat = (slug: string) => `/v1/channels/${slug}/chat`;
    for (const visibility of VISIBILITIES) {
      const f = fixtures[visibility];
      // The owner's socket watches the room (a private room admits only its staff).
      const observer = await ChatTestClient.connect(h.sut.url, { token: tokens.owner });
      try {
        await observer.ok('join', { channel: f.slug });
        const refused: Array<{ kind: string; id: string }> = [];
        for (const caller of CALLERS) {
          const allowed = caller === 'owner' || caller === 'moderator' || caller === 'operator';
          const want = allowed ? null : caller === 'anonymous' ? 401 : caller === 'wrongScope' ? 403 : 404;
          const as = (req: request.Test) => (caller === 'anonymous' ? req : req.set('Authorization', `Bearer ${tokens[caller]}`));
          const check = (kind: string, status: number, ok: number) => {
            if (status !== (want ?? ok)) failures.push(`${kind} [${visibility}] as ${caller}: ${status}, want ${want ?? ok}`);
          };

          const target = `a:${randomBytes(12).toString('base64url')}`;
          const ban = await as(request(h.sut.url).post(`${chat(f.slug)}/bans`)).send({ authorKey: target });
          check('ban', ban.status, 201);
          if (allowed) await observer.untilItem('purge', (i) => i.authorKey === target);
          else refused.push({ kind: 'purge', id: target });

          const sent = await observer.ok<ChatSent>('send', { text: `delete me ${caller}` });
          const del = await as(request(h.sut.url).delete(`${chat(f.slug)}/messages/${sent.id}`));
          check('delete', del.status, 204);
          if (allowed) await observer.untilItem('delete', (i) => i.messageIds.includes(sent.id));
          else refused.push({ kind: 'delete', id: sent.id });

          const held = randomUUID();
          await h.db.prisma.chatMessage.create({ data: { id: held, channelId: f.channelId, authorKey: 'a:heldauthor', nickname: 'held', role: 'viewer', registered: false, text: `held ${caller}`, outcome: 'held', createdAt: new Date() } });
          const approve = await as(request(h.sut.url).post(`${chat(f.slug)}/held/${held}/approve`));
          check('held approve', approve.status, 200);
          if (allowed) await observer.untilItem('message', (i) => i.message.id === held);
          else refused.push({ kind: 'message', id: held });
          if (!allowed && (await h.db.prisma.chatMessage.findUniqueOrThrow({ where: { id: held } })).reviewedAt) failures.push(`held approve [${visibility}] as ${caller}: reviewed`);
        }
        // Nothing a refused caller did reached the room: a later marker arrives after anything that would have.
        const marker = await observer.ok<ChatSent>('send', { text: 'marker' });
        await observer.untilItem('message', (i) => i.message.id === marker.id);
        for (const r of refused) {
          const reached = observer.items.some((i) => (i.type === 'purge' && i.authorKey === r.id) || (i.type === 'delete' && i.messageIds.includes(r.id)) || (i.type === 'message' && i.message.id === r.id && r.kind === 'message'));
          if (reached) failures.push(`${r.kind} ${r.id} [${visibility}] reached the room from a refused caller`);
        }
      } finally {
        observer.close();
      }
    }
    expect(failures).toEqual([]);
  });

  it('media objects and playback tickets: private ones only through a signature or ticket their viewers get; archives never', async () => {
    const failures: string[] = [];
    let signedChecks = 0;
    const as = (caller: (typeof CALLERS)[number], req: request.Test) => (caller === 'anonymous' ? req : req.set('Authorization', `Bearer ${caller === 'wrongScope' ? tokens.wrongScope : tokens[caller]}`));
    for (const visibility of VISIBILITIES) {
      const f = fixtures[visibility];
      const liveId = randomUUID();
      await h.db.prisma.liveSession.updateMany({ where: { channelId: f.channelId, state: { not: 'ended' } }, data: { state: 'ended', endedAt: new Date() } });
      await h.db.prisma.liveSession.create({ data: { id: liveId, channelId: f.channelId, state: 'live', ingestId: 'media-matrix', storagePrefix: `live/${liveId}`, startedAt: new Date() } });
      const playback = [`live/${liveId}/master.m3u8`, `live/${liveId}/720p/000001.ts`, `vod/${f.vodId}/hls/master.m3u8`, `vod/${f.vodId}/hls/720p/000001.ts`];
      const source = [`vod/${f.vodId}/archive/000001.ts`, `vod/${f.vodId}/source.mp4`];
      for (const key of [...playback, ...source]) await h.storage.put(key, `bytes of ${key}`);
      const hidden = visibility === 'private';
      for (const caller of CALLERS) {
        // Unsigned: credentials open nothing; a public or unlisted channel's playback objects are open, archives never.
        for (const key of [...playback, ...source]) {
          const want = !hidden && playback.includes(key) ? 200 : 403;
          const res = await as(caller, request(h.sut.url).get(`/media/${key}`));
          if (res.status !== want) failures.push(`GET /media/${key} [${visibility}] as ${caller}: ${res.status}, want ${want}`);
        }
        // Signed: whoever may watch gets a playback signature; it opens the playback objects and never the archive.
        const channelPlayback = await as(caller, request(h.sut.url).get(`/v1/channels/${f.slug}/playback`));
        const vod = await as(caller, request(h.sut.url).get(`/v1/vods/${f.vodId}`));
        const mayWatchLive = !hidden || caller === 'owner' || caller === 'moderator' || caller === 'operator';
        const mayWatchVod = !hidden || caller === 'owner' || caller === 'operator';
        if ((channelPlayback.status === 200) !== mayWatchLive) failures.push(`playback [${visibility}] as ${caller}: ${channelPlayback.status}`);
        // Playback tickets (finding 9) go to exactly those who may watch.
        const ticket = await as(caller, request(h.sut.url).post('/v1/beacons/tickets')).send({ liveSessionId: liveId, viewerId: `viewer-${caller}`, playbackId: `matrix-${caller}-${visibility}` });
        if (ticket.status !== (mayWatchLive ? 201 : 404)) failures.push(`ticket [${visibility}] as ${caller}: ${ticket.status}`);
        if ((vod.status === 200) !== mayWatchVod) failures.push(`vod [${visibility}] as ${caller}: ${vod.status}`);
        for (const [url, prefix] of [[channelPlayback.body?.hlsUrl, `live/${liveId}`], [vod.body?.playbackUrl, `vod/${f.vodId}`]] as Array<[string | undefined, string]>) {
          const signed = url ? /\/media\/s\/([^/]+)\//.exec(url)?.[1] : undefined;
          if (!hidden || !url) continue;
          if (!signed) {
            failures.push(`[${visibility}] as ${caller}: ${prefix} playback URL is not signed`);
            continue;
          }
          for (const key of [...playback, ...source].filter((k) => k.startsWith(prefix))) {
            const want = playback.includes(key) ? 200 : 403;
            const res = await request(h.sut.url).get(`/media/s/${signed}/${key}`);
            signedChecks++;
            if (res.status !== want) failures.push(`GET signed /media/${key} [${visibility}] as ${caller}: ${res.status}, want ${want}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The owner's and the operator's live and VOD signatures (2 + 4 objects each) and the moderator's live one (2).
    expect(signedChecks).toBe(14);
  });
  it('operator writes: every write of a channel\'s manager reaches another account\'s channel, and lands in the account audit log (issue 14)', async () => {
    const spec = (await request(h.sut.url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .filter((r) => !r.startsWith('GET ') && (policyOf(r) === 'owner' || policyOf(r) === 'moderate'));
    // Bodies that make the write succeed; anything else gets {} and must still reach the channel (a 4xx of its own, never 401/403/404).
    const BODIES: Record<string, object> = {
      'PATCH /v1/channels/{idOrSlug}': { title: 'retitled by the operator' },
      'POST /v1/channels/{idOrSlug}/moderators': { email: 'op-invited@example.com' },
      'POST /v1/channels/{idOrSlug}/destinations': { platform: 'youtube', streamKey: 'k-operator' },
      'PATCH /v1/channels/{idOrSlug}/destinations/{destinationId}': { name: 'renamed by the operator' },
      'PATCH /v1/vods/{id}': { title: 'retitled by the operator' },
      'PATCH /v1/clips/{id}': { hidden: true },
      'POST /v1/channels/{idOrSlug}/chat/bans': { authorKey: 'a:banned-by-the-operator' },
      'POST /v1/channels/{idOrSlug}/chat/announcements': { text: 'from the operator' },
      'PATCH /v1/channels/{idOrSlug}/chat/settings': {},
      'PUT /v1/channels/{idOrSlug}/chat/pin': { messageId: null },
      'POST /v1/channels/{idOrSlug}/chat/polls': { question: 'Which?', options: ['this', 'that'] },
      'POST /v1/channels/{idOrSlug}/commerce/moments': { kind: 'product', title: 'set out by the operator', price: { amount: 19900, currency: 'KRW' } },
    };
    const owner = { Authorization: `Bearer ${tokens.owner}` };
    const operatorEmail = 'matrix-operator@example.com';
    const failures: string[] = [];
    let succeeded = 0;
    for (const [i, route] of writes.entries()) {
      const [method, template] = route.split(' ') as [string, string];
      // A fresh private, offline channel of streamer A for each write: a delete here leaves the other rows alone.
      const slug = `op-write-${i}`;
      const channel = (await request(h.sut.url).post('/v1/channels').set(owner).send({ slug, title: slug, visibility: 'private' }).expect(201)).body;
      const live = await h.db.prisma.liveSession.create({ data: { channelId: channel.id, state: 'live', ingestId: 'op', storagePrefix: `live/${randomUUID()}`, startedAt: new Date() } });
      const vod = await h.db.prisma.vod.create({ data: { channelId: channel.id, origin: 'upload', title: slug, status: 'ready', durationSeconds: 10, renditions: ['720p'], readyAt: new Date() } });
      const clip = await h.db.prisma.clip.create({ data: { channelId: channel.id, vodId: vod.id, title: slug, status: 'ready', requestedSeconds: 10, durationSeconds: 10 } });
      const destination = (await request(h.sut.url).post(`/v1/channels/${slug}/destinations`).set(owner).send({ platform: 'youtube', streamKey: 'k-owner' }).expect(201)).body;
      const modId = (await h.db.prisma.user.findUniqueOrThrow({ where: { email: 'matrix-mod@example.com' } })).id;
      await h.db.prisma.channelModerator.create({ data: { channelId: channel.id, userId: modId } });
      const invitation = await h.db.prisma.moderatorInvitation.create({ data: { channelId: channel.id, email: 'pending@example.com' } });
      const chatRow = (outcome: 'delivered' | 'held') =>
        h.db.prisma.chatMessage.create({ data: { id: randomUUID(), channelId: channel.id, authorKey: 'a:someone', nickname: 'someone', role: 'viewer', registered: false, text: outcome, outcome, createdAt: new Date() } });
      const [message, held] = [await chatRow('delivered'), await chatRow('held')];
      const chat = `/v1/channels/${slug}/chat`;
      const banId = template.includes('{banId}') ? (await request(h.sut.url).post(`${chat}/bans`).set(owner).send({ authorKey: 'a:banned-by-owner' }).expect(201)).body.id : null;
      const momentId = template.includes('{momentId}')
        ? (await request(h.sut.url).post(`/v1/channels/${slug}/commerce/moments`).set(owner).send({ kind: 'drop', title: 'owner drop', quantity: 5 }).expect(201)).body.id
        : null;
      const pollId = template.includes('{pollId}') ? (await request(h.sut.url).post(`${chat}/polls`).set(owner).send({ question: 'Q?', options: ['a', 'b'] }).expect(201)).body.id : null;
      // Deleting a channel needs it offline: that one route gets the channel without its broadcast.
      if (route === 'DELETE /v1/channels/{idOrSlug}') await h.db.prisma.liveSession.update({ where: { id: live.id }, data: { state: 'ended', endedAt: new Date() } });
      const path = template
        .replace('{idOrSlug}', slug)
        .replace('{destinationId}', destination.id)
        .replace('{invitationId}', invitation.id)
        .replace('{userId}', modId)
        .replace('messages/{messageId}', `messages/${message.id}`)
        .replace('held/{messageId}', `held/${held.id}`)
        .replace('{banId}', banId ?? '')
        .replace('{pollId}', pollId ?? '')
        .replace('{momentId}', momentId ?? '')
        .replace(/^\/v1\/live-sessions\/\{id\}/, `/v1/live-sessions/${live.id}`)
        .replace(/^\/v1\/vods\/\{id\}/, `/v1/vods/${vod.id}`)
        .replace(/^\/v1\/clips\/\{id\}/, `/v1/clips/${clip.id}`)
        .replace(/\{[A-Za-z]+\}/g, () => randomUUID());
      const send = (caller: 'otherTenant' | 'operator') => {
        const req = (request(h.sut.url) as unknown as Record<string, (p: string) => request.Test>)[method.toLowerCase()]!(path).set('Authorization', `Bearer ${tokens[caller]}`);
        return method === 'DELETE' ? req : req.send(BODIES[route] ?? {});
      };
      // Streamer B first: refused, as in the matrix above; then the operator.
      const other = await send('otherTenant');
      if (![403, 404].includes(other.status)) failures.push(`${route} as otherTenant: ${other.status}`);
      const before = await h.db.prisma.accountAudit.count({ where: { action: 'channel.changed' } });
      const res = await send('operator');
      if ([401, 403, 404].includes(res.status)) {
        failures.push(`${route} as operator: ${res.status} ${res.body?.detail ?? ''}`);
        continue;
      }
      if (res.status >= 400) {
        // Refused on its merits (a state this test does not set up): no change, so no entry.
        if ((await h.db.prisma.accountAudit.count({ where: { action: 'channel.changed' } })) !== before) failures.push(`${route} as operator: ${res.status} yet audited`);
        continue;
      }
      const entries = await h.db.prisma.accountAudit.findMany({ where: { action: 'channel.changed' }, orderBy: { createdAt: 'desc' }, take: 5 });
      succeeded++;
      const entry = entries.find((e) => (e.detail as { channelId?: string }).channelId === channel.id);
      if (!entry || entry.actorEmail !== operatorEmail || entry.targetId !== ownerId) failures.push(`${route} as operator: ${res.status} but no audit entry with the operator as actor and the owner as target`);
      else if ((entry.detail as { request?: string }).request !== `${method} ${template.replace(/\{(\w+)\}/g, ':$1')}`) failures.push(`${route}: audited as ${(entry.detail as { request?: string }).request}`);
    }
    expect(failures).toEqual([]);
    // Most writes succeed with the bodies above (the rest answer 4xx on their merits, after the channel check).
    expect(succeeded).toBeGreaterThanOrEqual(15);
    // Reading another account's stream key is audited like a change; the owner reading its own is not.
    const keyRead = async (token: string) => {
      const before = await h.db.prisma.accountAudit.count({ where: { action: 'channel.key_read' } });
      await request(h.sut.url).get(`/v1/channels/${fixtures.public.slug}/stream-key`).set('Authorization', `Bearer ${token}`).expect(200);
      return (await h.db.prisma.accountAudit.count({ where: { action: 'channel.key_read' } })) - before;
    };
    expect(await keyRead(tokens.operator)).toBe(1);
    expect(await keyRead(tokens.owner)).toBe(0);
  }, 180_000);

  it('operators list every account\'s channels with their owner; nobody else may (owner=all)', async () => {
    const all = (await request(h.sut.url).get('/v1/channels?owner=all&limit=100').set('Authorization', `Bearer ${tokens.operator}`).expect(200)).body.items as Array<{ slug: string; owner?: { email: string } }>;
    expect(all.find((c) => c.slug === fixtures.private.slug)?.owner?.email).toBe('matrix-owner@example.com');
    for (const caller of ['owner', 'moderator', 'otherTenant'] as const) {
      await request(h.sut.url).get('/v1/channels?owner=all').set('Authorization', `Bearer ${tokens[caller]}`).expect(403);
    }
    await request(h.sut.url).get('/v1/channels?owner=all').expect(401);
    // An operator reading another account's channel is told whose it is; the owner's own read carries no owner.
    expect((await request(h.sut.url).get(`/v1/channels/${fixtures.private.slug}`).set('Authorization', `Bearer ${tokens.operator}`).expect(200)).body.owner?.email).toBe('matrix-owner@example.com');
    expect((await request(h.sut.url).get(`/v1/channels/${fixtures.private.slug}`).set('Authorization', `Bearer ${tokens.owner}`).expect(200)).body.owner).toBeUndefined();
    // The operator flag means nothing on a moderator account: it reaches only what it moderates.
    const flagged = await createAdminWithToken(h.db.prisma, 'matrix-flagged-mod@example.com', undefined, undefined, { operator: true });
    await h.db.prisma.user.update({ where: { id: flagged.userId }, data: { role: 'moderator' } });
    await request(h.sut.url).get(`/v1/channels/${fixtures.private.slug}/stream-key`).set('Authorization', `Bearer ${flagged.token}`).expect(404);
    await request(h.sut.url).patch(`/v1/channels/${fixtures.public.slug}`).set('Authorization', `Bearer ${flagged.token}`).send({ title: 'x' }).expect(404);
  });

  it("a disabled account's tokens stop at once on every authenticated route and in chat (issue 14)", async () => {
    const gone = await createAdminWithToken(h.db.prisma, 'matrix-disabled@example.com');
    const auth = { Authorization: `Bearer ${gone.token}` };
    await request(h.sut.url).get('/v1/auth/me').set(auth).expect(200);
    await request(h.sut.url).post(`/v1/users/${gone.userId}/disable`).set('Authorization', `Bearer ${tokens.operator}`).expect(200);
    const spec = (await request(h.sut.url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const failures: string[] = [];
    for (const [template, ops] of Object.entries(spec.paths)) {
      for (const method of Object.keys(ops)) {
        const policy = policyOf(`${method.toUpperCase()} ${template}`);
        if (policy === 'open' || policy === 'internal' || policy === 'viewer') continue;
        const path = template.replace(/^\/v1\/users\/\{id\}/, `/v1/users/${gone.userId}`).replace('{idOrSlug}', fixtures.public.slug).replace(/\{[A-Za-z]+\}/g, () => randomUUID());
        const req = (request(h.sut.url) as unknown as Record<string, (p: string) => request.Test>)[method]!(path).set(auth);
        const res = await (method === 'get' || method === 'delete' ? req : req.send({}));
        if (res.status !== 401) failures.push(`${method.toUpperCase()} ${template}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    const client = await ChatTestClient.connect(h.sut.url, { token: gone.token }).catch((e: Error) => e);
    expect(client instanceof Error ? client.message : 'connected').toMatch(/unknown, expired or revoked/);
  });
});
