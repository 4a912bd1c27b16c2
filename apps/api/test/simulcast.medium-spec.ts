import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESTINATION_PRESET_URLS, type Destination } from '@onda/contracts';
import { isSpecialPurpose } from '@onda/outbound';
import { createAdminWithToken } from '../src/index.js';
import { SecretBox } from '../src/common/secret-box.js';
import { DestinationsService } from '../src/simulcast/destinations.service.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const internal = { Authorization: `Bearer ${INTERNAL}` };
const KEY = 'abcd-efgh-ijkl-mnop-qrst';

// Real PostgreSQL, the default address guard (no OUTBOUND_ALLOW_PRIVATE).
describe(`${DestinationsService.name} (real PostgreSQL)`, () => {
  let h: Harness;
  let owner: { token: string; userId: string };
  let other: string;
  let channelId: string;
  const base = () => `/v1/channels/simulcast-ch/destinations`;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
    owner = await createAdminWithToken(h.db.prisma, 'simulcast-owner@example.com');
    other = (await createAdminWithToken(h.db.prisma, 'simulcast-other@example.com')).token;
    channelId = (await request(h.sut.url).post('/v1/channels').set(auth(owner.token)).send({ slug: 'simulcast-ch', title: 'Simulcast' }).expect(201)).body.id;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('stores the key encrypted, returns it masked, never in full', async () => {
    const created = (await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'youtube', streamKey: KEY }).expect(201)).body as Destination;
    expect(created).toMatchObject({ platform: 'youtube', name: 'YouTube', url: DESTINATION_PRESET_URLS.youtube, enabled: true, state: 'idle', streamKeyMasked: '••••••••qrst' });
    const listed = await request(h.sut.url).get(base()).set(auth(owner.token)).expect(200);
    for (const text of [JSON.stringify(created), listed.text]) expect(text).not.toContain('mnop');
    const row = await h.db.prisma.simulcastDestination.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyCiphertext).not.toContain(KEY);
    expect(row.keyCiphertext).toMatch(/^v1\./);
    expect(new SecretBox('x'.repeat(40), 'simulcast-key').decrypt(row.keyCiphertext)).toBe(KEY);
    // A new key: stored anew, still never returned.
    const changed = await request(h.sut.url).patch(`${base()}/${created.id}`).set(auth(owner.token)).send({ streamKey: 'zzzz-yyyy-xxxx-wwww' }).expect(200);
    expect(changed.body.streamKeyMasked).toBe('••••••••wwww');
    expect(changed.text).not.toContain('zzzz');
  });

  it.each([
    'rtmp://127.0.0.1/live', 'rtmp://localhost/live', 'rtmp://10.0.0.7:1935/live', 'rtmps://[::1]/live', 'rtmp://0x7f.1/live', 'rtmp://169.254.169.254/app', 'rtmp://[fd00::1]/app',
    'http://example.com/live', 'rtmp://user:pass@example.com/live',
  ])('refuses %s with a 400 problem', async (url) => {
    const res = await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'custom', url, streamKey: KEY }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
  });

  it('refuses a name that resolves to a private address (this machine\'s own name), when saved and when changed', async () => {
    const name = hostname();
    const addresses = await lookup(name, { all: true });
    expect(addresses.some((a) => isSpecialPurpose(a.address)), `${name} should resolve to a private or loopback address here`).toBe(true);
    const res = await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'custom', url: `rtmp://${name}/live`, streamKey: KEY }).expect(400);
    expect(res.body.detail).toMatch(/resolves to a (loopback|private)/);
    const ok = (await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'custom', url: 'rtmp://ingest.invalid/live', streamKey: KEY, name: 'CDN' }).expect(201)).body;
    await request(h.sut.url).patch(`${base()}/${ok.id}`).set(auth(owner.token)).send({ url: `rtmps://${name}:443/live` }).expect(400);
    await request(h.sut.url).delete(`${base()}/${ok.id}`).set(auth(owner.token)).expect(204);
  });

  it('asks a custom destination for its URL and bounds the key', async () => {
    await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'custom', streamKey: KEY }).expect(400);
    await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'twitch', streamKey: 'has space in it' }).expect(400);
    await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'twitch', streamKey: 'a/b/../c' }).expect(400);
    await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'myspace', streamKey: KEY }).expect(400);
  });

  it('is the owner\'s alone', async () => {
    const id = (await request(h.sut.url).get(base()).set(auth(owner.token)).expect(200)).body.items[0].id;
    await request(h.sut.url).get(base()).set(auth(other)).expect(404);
    await request(h.sut.url).patch(`${base()}/${id}`).set(auth(other)).send({ enabled: false }).expect(404);
    await request(h.sut.url).delete(`${base()}/${id}`).set(auth(other)).expect(404);
    await request(h.sut.url).get(base()).expect(401);
  });

  it('hands the worker the push URLs of an open broadcast, records its reports, tells webhooks of a failure', async () => {
    const twitch = (await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'twitch', streamKey: 'live_123_secretkey' }).expect(201)).body as Destination;
    const off = (await request(h.sut.url).post(base()).set(auth(owner.token)).send({ platform: 'custom', url: 'rtmp://cdn.example.com/app', streamKey: 'offkey1234', enabled: false }).expect(201)).body as Destination;
    await request(h.sut.url).post('/v1/webhooks').set(auth(owner.token)).send({ url: 'https://hooks.example.com/x', eventTypes: ['simulcast.failed'] }).expect(201);
    const sessionId = randomUUID();
    await h.db.prisma.liveSession.create({ data: { id: sessionId, channelId, state: 'live', ingestId: 'i', storagePrefix: `live/${sessionId}`, startedAt: new Date() } });

    const pushes = (await request(h.sut.url).get(`/internal/worker/sessions/${sessionId}/destinations`).set(internal).expect(200)).body.items as Array<{ id: string; pushUrl: string; revision: string }>;
    expect(pushes.map((p) => p.pushUrl).sort()).toEqual([`${DESTINATION_PRESET_URLS.twitch}/live_123_secretkey`, `${DESTINATION_PRESET_URLS.youtube}/zzzz-yyyy-xxxx-wwww`].sort());
    expect(pushes.some((p) => p.id === off.id)).toBe(false);
    await request(h.sut.url).get(`/internal/worker/sessions/${sessionId}/destinations`).set(auth(owner.token)).expect(401);

    const report = (state: string, reason: string | null) => request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/destinations/${twitch.id}/state`).set(internal).send({ state, reason });
    await report('live', null).expect(204);
    const state = async () => ((await request(h.sut.url).get(base()).set(auth(owner.token)).expect(200)).body.items as Destination[]).find((d) => d.id === twitch.id)!;
    expect(await state()).toMatchObject({ state: 'live', stateReason: null });
    await report('retrying', 'the destination closed the connection').expect(204);
    expect(await state()).toMatchObject({ state: 'retrying', stateReason: 'the destination closed the connection' });
    await report('failed', 'the destination refused the stream key').expect(204);
    await report('failed', 'the destination refused the stream key').expect(204);
    const deliveries = await h.db.prisma.webhookDelivery.findMany({ where: { eventType: 'simulcast.failed' } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.payload).toMatchObject({ type: 'simulcast.failed', data: { sessionId, channelId, destinationId: twitch.id, platform: 'twitch', reason: 'the destination refused the stream key' } });
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/destinations/${randomUUID()}/state`).set(internal).send({ state: 'live', reason: null }).expect(404);
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/destinations/${twitch.id}/state`).set(internal).send({ state: 'exploded', reason: null }).expect(400);

    // Disabling resets the state and takes it out of the worker's list; a new revision when enabled again.
    const before = pushes.find((p) => p.id === twitch.id)!.revision;
    await request(h.sut.url).patch(`${base()}/${twitch.id}`).set(auth(owner.token)).send({ enabled: false }).expect(200);
    expect(await state()).toMatchObject({ state: 'idle', enabled: false });
    await request(h.sut.url).patch(`${base()}/${twitch.id}`).set(auth(owner.token)).send({ enabled: true }).expect(200);
    const again = (await request(h.sut.url).get(`/internal/worker/sessions/${sessionId}/destinations`).set(internal).expect(200)).body.items.find((p: { id: string }) => p.id === twitch.id);
    expect(again.revision).not.toBe(before);

    // After the broadcast: nothing to push, a live state no longer shows.
    await report('live', null).expect(204);
    await h.db.prisma.liveSession.update({ where: { id: sessionId }, data: { state: 'ended', endedAt: new Date() } });
    expect((await request(h.sut.url).get(`/internal/worker/sessions/${sessionId}/destinations`).set(internal).expect(200)).body.items).toEqual([]);
    expect((await state()).state).toBe('idle');
    await report('live', null).expect(404);
  });
});
