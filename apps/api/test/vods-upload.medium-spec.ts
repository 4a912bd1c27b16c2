import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vod, VodEncodeJob, VodUploadTicket } from '@onda/contracts';
import { createTestDatabase, type TestDatabase } from '@onda/db';
import { createQueue, type JobQueue } from '@onda/queue';
import { createStorage, S3Storage, type ObjectStorage } from '@onda/storage';
import { PlaybackSigner } from '../src/playback/playback-signer.js';
import { VodUploadsService } from '../src/vods/vod-uploads.service.js';
import { createAdminWithToken, startApi, type ApiOptions, type RunningApi } from '../src/index.js';
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from '../../../infra/s3rver/s3rver.mjs';

const exec = promisify(execFile);
const INTERNAL = 'internal-token-for-tests-0123456789';
const SECRET = 'x'.repeat(40);
const MAX = 1024 * 1024;

/** Small real media files, made once with ffmpeg. */
interface Media {
  mp4: Buffer;
  png: Buffer;
  text: Buffer;
}

async function makeMedia(dir: string): Promise<Media> {
  const mp4 = path.join(dir, 'clip.mp4');
  const png = path.join(dir, 'still.png');
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', mp4]);
  await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180', '-frames:v', '1', png]);
  return { mp4: await readFile(mp4), png: await readFile(png), text: Buffer.from('just some text, not a video\n'.repeat(50)) };
}

/** A real API over a fresh database with the given storage; vod-encode jobs are recorded, not run. */
async function start(storage: ObjectStorage, options: Partial<ApiOptions> = {}) {
  const db: TestDatabase = await createTestDatabase();
  const queue: JobQueue = createQueue({});
  queue.consume('live', async () => undefined);
  const encodes: VodEncodeJob[] = [];
  queue.consume('vod-encode', async (job) => void encodes.push(job.payload));
  const sut: RunningApi = await startApi(
    {
      prisma: db.prisma, queue, storage,
      options: { publicUrl: 'http://onda.test', rtmpPublicUrl: 'rtmp://onda.test/live', internalToken: INTERNAL, secret: SECRET, webhooks: { pollMs: 0 }, uploadMaxBytes: MAX, ...options },
    },
    { host: '127.0.0.1', port: 0, logLevel: 'error' },
  );
  const owner = await createAdminWithToken(db.prisma, 'owner@example.com', 'Owner', 'owner console passphrase');
  const other = await createAdminWithToken(db.prisma, 'other@example.com');
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  return {
    db, queue, storage, sut, encodes, owner: as(owner.token), other: as(other.token),
    /** The API's own URLs name http://onda.test: fetch their path from the running API. */
    local: (url: string) => url.replace('http://onda.test', ''),
    async channel(slug: string, visibility = 'public'): Promise<void> {
      await request(sut.url).post('/v1/channels').set(as(owner.token)).send({ slug, title: `Show ${slug}`, visibility }).expect(201);
    },
    async ticket(body: object, auth: Record<string, string> = as(owner.token)): Promise<VodUploadTicket> {
      return (await request(sut.url).post('/v1/vods/uploads').set(auth).send(body).expect(201)).body as VodUploadTicket;
    },
    async close(): Promise<void> {
      await sut.close();
      await queue.close();
      await db.drop();
    },
  };
}

/** Waits until the in-process queue has handed every job to its consumer. */
async function settled(queue: JobQueue): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const counts = await queue.counts('vod-encode');
    if (counts.waiting === 0 && counts.active === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the vod-encode queue did not settle');
}

/** PUTs a body without Content-Length (chunked), as a tool piping a file would. */
function putChunked(url: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: { code?: string; detail?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as { code?: string; detail?: string }) : {} }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

let dir: string;
let media: Media;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onda-vod-upload-'));
  media = await makeMedia(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`${VodUploadsService.name} (local disk, through the API)`, () => {
  let h: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    h = await start(createStorage({ localDir: path.join(dir, 'media') }));
    await h.channel('uploads');
    await h.channel('hidden', 'private');
  });
  afterAll(() => h?.close());

  it('ticket, PUT of a real MP4, complete: the same vod-encode job as recordings, once', async () => {
    const ticket = await h.ticket({ channel: 'uploads', title: '업로드 영상', bytes: media.mp4.length, contentType: 'video/mp4' });
    const id = ticket.vod.id;
    // Local disk cannot presign: the upload goes through the API whatever `direct` says.
    expect(ticket).toEqual({
      vod: expect.objectContaining({ id, origin: 'upload', status: 'uploading', title: '업로드 영상', liveSessionId: null, playbackUrl: null, downloadUrl: null }),
      uploadUrl: `http://onda.test/v1/vods/${id}/source`, method: 'PUT', headers: { 'Content-Type': 'video/mp4' }, maxBytes: MAX, expiresAt: null,
    });

    await request(h.sut.url).post(`/v1/vods/${id}/complete`).set(h.owner).expect(409);
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set(ticket.headers).send(media.mp4).expect(204);
    const stored = await h.storage.get(`vod/${id}/upload`);
    expect(stored).toMatchObject({ size: media.mp4.length, contentType: 'video/mp4' });
    stored!.body.destroy();

    const done = await request(h.sut.url).post(`/v1/vods/${id}/complete`).set(h.owner).expect(202);
    expect(done.body).toMatchObject({ id, status: 'processing', progressPercent: 0 });
    const again = await request(h.sut.url).post(`/v1/vods/${id}/complete`).set(h.owner).expect(202);
    expect(again.body).toMatchObject({ id, status: 'processing' });
    await settled(h.queue);
    expect(h.encodes.filter((j) => j.vodId === id)).toEqual([{ vodId: id, sourceKey: `vod/${id}/upload`, storagePrefix: `vod/${id}` }]);
    expect(await h.db.prisma.vod.findUniqueOrThrow({ where: { id } })).toMatchObject({ sourceKey: `vod/${id}/upload`, sourceBytes: BigInt(media.mp4.length) });

    // Too late to replace the file.
    const late = await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set(ticket.headers).send(media.mp4).expect(409);
    expect(late.body.code).toBe('conflict');
  });

  it('takes the upload with the console session cookie too', async () => {
    const signIn = await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'owner@example.com', password: 'owner console passphrase' }).expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const ticket = await h.ticket({ channel: 'uploads', title: 'from the console', direct: false }, { Cookie: cookie });
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set('Cookie', cookie).set('Content-Type', 'application/octet-stream').send(media.mp4).expect(204);
    await request(h.sut.url).post(`/v1/vods/${ticket.vod.id}/complete`).set('Cookie', cookie).expect(202);
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).send(media.mp4).expect(401);
  });

  it('refuses what is not a video by its first bytes, before storing it, with a plain reason', async () => {
    const ticket = await h.ticket({ channel: 'uploads', title: 'not a video' });
    const id = ticket.vod.id;
    const png = await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'application/octet-stream').send(media.png).expect(415);
    expect(png.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(png.body).toMatchObject({ code: 'unsupported_media_type', detail: 'This looks like a PNG image, not a video' });
    const text = await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(media.text).expect(415);
    expect(text.body.detail).toBe('This looks like a text file, not a video');
    expect(await h.storage.head(`vod/${id}/upload`)).toBeNull();
    // A declared non-video type is refused before any byte is read; an empty body is a plain 400.
    const declared = await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'image/png').send(media.png).expect(415);
    expect(declared.body.detail).toMatch(/^image\/png is not a video type/);
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(Buffer.alloc(0)).expect(400);
    // Nothing stored, nothing failed: the right file can still come.
    expect((await request(h.sut.url).get(`/v1/vods/${id}`).set(h.owner).expect(200)).body.status).toBe('uploading');
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(media.mp4).expect(204);

    const refused = await request(h.sut.url).post('/v1/vods/uploads').set(h.owner).send({ channel: 'uploads', title: 'x', contentType: 'image/png' }).expect(415);
    expect(refused.body.detail).toBe('image/png is not a video type: upload a video file (video/*)');
    await request(h.sut.url).post('/v1/vods/uploads').set(h.owner).send({ channel: 'uploads', title: 'x', contentType: 'application/octet-stream' }).expect(201);
  });

  it('refuses more than UPLOAD_MAX_BYTES: declared, sent with a length, or streamed without one (partial object deleted)', async () => {
    const big = await request(h.sut.url).post('/v1/vods/uploads').set(h.owner).send({ channel: 'uploads', title: 'big', bytes: MAX + 1 }).expect(413);
    expect(big.body).toMatchObject({ code: 'payload_too_large', detail: 'The file is 1.0 MiB; uploads are limited to 1 MiB' });

    const ticket = await h.ticket({ channel: 'uploads', title: 'grows' });
    const id = ticket.vod.id;
    const tooLong = Buffer.concat([media.mp4, Buffer.alloc(MAX)]);
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(tooLong).expect(413);

    const chunks = [media.mp4, ...Array.from({ length: 20 }, () => Buffer.alloc(64 * 1024, 7))];
    const streamed = await putChunked(`${h.sut.url}${h.local(ticket.uploadUrl)}`, { ...h.owner, 'Content-Type': 'video/mp4' }, chunks);
    expect(streamed).toMatchObject({ status: 413, body: { code: 'payload_too_large', detail: 'The upload is larger than the 1 MiB limit' } });
    expect(await h.storage.head(`vod/${id}/upload`)).toBeNull();
    expect((await request(h.sut.url).get(`/v1/vods/${id}`).set(h.owner).expect(200)).body.status).toBe('uploading');

    // Within the limit the same chunked way works.
    const fits = await putChunked(`${h.sut.url}${h.local(ticket.uploadUrl)}`, { ...h.owner, 'Content-Type': 'video/mp4' }, [media.mp4.subarray(0, 1000), media.mp4.subarray(1000)]);
    expect(fits.status).toBe(204);
    expect((await h.storage.head(`vod/${id}/upload`))?.size).toBe(media.mp4.length);
  });

  it("keeps another account's VODs and channels out of reach (404)", async () => {
    await request(h.sut.url).post('/v1/vods/uploads').set(h.other).send({ channel: 'uploads', title: 'mine now' }).expect(404);
    const ticket = await h.ticket({ channel: 'uploads', title: 'owned' });
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.other).set('Content-Type', 'video/mp4').send(media.mp4).expect(404);
    await request(h.sut.url).post(`/v1/vods/${ticket.vod.id}/complete`).set(h.other).expect(404);
    await request(h.sut.url).post('/v1/vods/uploads').send({ channel: 'uploads', title: 'anonymous' }).expect(401);
  });

  it("serves a private channel's VOD signed to its owner only; the source is a signed download for any channel", async () => {
    const signer = new PlaybackSigner(SECRET);
    const ticket = await h.ticket({ channel: 'hidden', title: '비공개 영상' });
    const id = ticket.vod.id;
    await request(h.sut.url).put(h.local(ticket.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(media.mp4).expect(204);
    await request(h.sut.url).post(`/v1/vods/${id}/complete`).set(h.owner).expect(202);
    await request(h.sut.url).post(`/internal/worker/vods/${id}/result`).set('Authorization', `Bearer ${INTERNAL}`)
      .send({ status: 'ready', durationSeconds: 2, width: 320, height: 180, renditions: ['360p'] }).expect(204);
    await h.storage.put(`vod/${id}/hls/master.m3u8`, '#EXTM3U\n');
    await h.storage.put(`vod/${id}/poster.jpg`, Buffer.from([0xff, 0xd8, 0xff]));

    const vod = (await request(h.sut.url).get(`/v1/vods/${id}`).set(h.owner).expect(200)).body as Vod;
    const signed = new RegExp(`^http://onda\\.test/media/s/\\d+\\.[0-9a-f]{64}/vod/${id}/`);
    expect(vod.playbackUrl).toMatch(new RegExp(`${signed.source}hls/master\\.m3u8$`));
    expect(vod.posterUrl).toMatch(new RegExp(`${signed.source}poster\\.jpg$`));
    expect(vod.storyboardUrl).toMatch(new RegExp(`${signed.source}storyboard\\.vtt$`));
    expect(vod.downloadUrl).toMatch(new RegExp(`${signed.source}upload\\?name=%EB%B9%84%EA%B3%B5%EA%B0%9C%20%EC%98%81%EC%83%81$`));
    const mine = (await request(h.sut.url).get('/v1/vods?owner=me&channel=hidden').set(h.owner).expect(200)).body as { items: Vod[] };
    expect(mine.items.map((v) => v.playbackUrl)).toEqual([expect.stringMatching(signed)]);
    // Not the owner: a 404, and no trace in public lists.
    await request(h.sut.url).get(`/v1/vods/${id}`).expect(404);
    await request(h.sut.url).get(`/v1/vods/${id}`).set(h.other).expect(404);
    expect(((await request(h.sut.url).get('/v1/vods').expect(200)).body as { items: Vod[] }).items.map((v) => v.id)).not.toContain(id);

    // The media route: unsigned 403, signed 200, expired or forged 403.
    await request(h.sut.url).get(`/media/vod/${id}/hls/master.m3u8`).expect(403);
    await request(h.sut.url).get(`/media/vod/${id}/poster.jpg`).expect(403);
    expect((await request(h.sut.url).get(h.local(vod.playbackUrl!)).expect(200)).text).toBe('#EXTM3U\n');
    await request(h.sut.url).get(h.local(vod.posterUrl!)).expect(200);
    const past = Math.floor(Date.now() / 1000) - 5;
    await request(h.sut.url).get(`/media/s/${signer.token(`vod/${id}`, past)}/vod/${id}/hls/master.m3u8`).expect(403);
    const forged = vod.playbackUrl!.replace(/\.([0-9a-f])/, (_, c: string) => `.${c === '0' ? '1' : '0'}`);
    await request(h.sut.url).get(h.local(forged)).expect(403);
    const otherVod = `/media/s/${signer.token(`vod/${ticket.vod.channelId}`, past + 3600)}/vod/${id}/hls/master.m3u8`;
    await request(h.sut.url).get(otherVod).expect(403);

    // The owner's download: the file as uploaded, as an attachment named after the title.
    const download = await request(h.sut.url).get(h.local(vod.downloadUrl!)).buffer(true).parse((res, cb) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => cb(null, Buffer.concat(parts)));
    }).expect(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="___ __"; filename*=UTF-8''%EB%B9%84%EA%B3%B5%EA%B0%9C%20%EC%98%81%EC%83%81`);
    expect(download.headers['content-type']).toBe('video/mp4');
    expect((download.body as Buffer).equals(media.mp4)).toBe(true);
  });

  it('signs the instant replay of a private recording for its owner, and never serves sources unsigned', async () => {
    const channel = (await request(h.sut.url).get('/v1/channels/hidden').set(h.owner).expect(200)).body as { id: string };
    const replayPrefix = `live/${randomUUID()}`;
    const vod = await h.db.prisma.vod.create({ data: { channelId: channel.id, origin: 'recording', title: 'replay', status: 'processing', replayPrefix } });
    const dto = (await request(h.sut.url).get(`/v1/vods/${vod.id}`).set(h.owner).expect(200)).body as Vod;
    expect(dto.playbackUrl).toMatch(new RegExp(`^http://onda\\.test/media/s/\\d+\\.[0-9a-f]{64}/${replayPrefix}/master\\.m3u8$`));
    expect(dto.downloadUrl).toBeNull();

    // A public channel's VOD: unsigned playback for everyone, but its source is the owner's alone.
    const pub = await h.ticket({ channel: 'uploads', title: 'public one' });
    await request(h.sut.url).put(h.local(pub.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(media.mp4).expect(204);
    await request(h.sut.url).post(`/v1/vods/${pub.vod.id}/complete`).set(h.owner).expect(202);
    const asOwner = (await request(h.sut.url).get(`/v1/vods/${pub.vod.id}`).set(h.owner).expect(200)).body as Vod;
    const asViewer = (await request(h.sut.url).get(`/v1/vods/${pub.vod.id}`).expect(200)).body as Vod;
    expect(asOwner.downloadUrl).toMatch(/^http:\/\/onda\.test\/media\/s\//);
    expect(asViewer.downloadUrl).toBeNull();
    await request(h.sut.url).get(`/media/vod/${pub.vod.id}/upload`).expect(403);
    await request(h.sut.url).get(`/media/vod/${pub.vod.id}/source.mp4`).expect(403);
    await request(h.sut.url).get(`/media/vod/${pub.vod.id}/archive/c_00001.mp4`).expect(403);
    await request(h.sut.url).get(h.local(asOwner.downloadUrl!)).expect(200);
  });

  it('lists the upload routes in the OpenAPI document', async () => {
    const spec = (await request(h.sut.url).get('/v1/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(spec.paths['/v1/vods/uploads'] ?? {})).toEqual(['post']);
    expect(Object.keys(spec.paths['/v1/vods/{id}/source'] ?? {})).toEqual(['put']);
    expect(Object.keys(spec.paths['/v1/vods/{id}/complete'] ?? {})).toEqual(['post']);
  });
});

describe(`${VodUploadsService.name} (S3, direct to the store)`, () => {
  let s3: RunningS3rver | null = null;
  let h: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    // CI runs one S3-compatible server for everything (TEST_S3_ENDPOINT); otherwise start one here.
    const shared = process.env.TEST_S3_ENDPOINT;
    const bucket = shared ? (process.env.TEST_S3_BUCKET ?? 'onda-ci') : 'onda-upload-test';
    if (!shared) s3 = await startS3rver({ port: 0, directory: path.join(dir, 's3'), bucket });
    const storage = new S3Storage({ endpoint: shared ?? s3!.endpoint, region: 'us-east-1', bucket, ...S3RVER_CREDENTIALS, forcePathStyle: true });
    await storage.ensureBucket();
    h = await start(storage);
    await h.channel('direct');
  });
  afterAll(async () => {
    await h?.storage.close();
    await h?.close();
    await s3?.close();
  });

  it('hands out a presigned PUT; complete checks what landed and queues the encode; the owner downloads through a presigned GET', async () => {
    const ticket = await h.ticket({ channel: 'direct', title: 'Direct clip', contentType: 'video/mp4', bytes: media.mp4.length });
    const id = ticket.vod.id;
    expect(ticket.uploadUrl).toContain(`/vod/${id}/upload?`);
    expect(ticket.uploadUrl).toContain('X-Amz-Signature=');
    expect(ticket).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'video/mp4' }, maxBytes: MAX });
    expect(Date.parse(ticket.expiresAt!)).toBeGreaterThan(Date.now());

    expect((await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: media.mp4 })).status).toBe(200);
    const vod = (await request(h.sut.url).post(`/v1/vods/${id}/complete`).set(h.owner).expect(202)).body as Vod;
    expect(vod.status).toBe('processing');
    await settled(h.queue);
    expect(h.encodes.filter((j) => j.vodId === id)).toEqual([{ vodId: id, sourceKey: `vod/${id}/upload`, storagePrefix: `vod/${id}` }]);

    const read = (await request(h.sut.url).get(`/v1/vods/${id}`).set(h.owner).expect(200)).body as Vod;
    expect(read.downloadUrl).toContain('X-Amz-Signature=');
    const download = await fetch(read.downloadUrl!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="Direct clip"; filename*=UTF-8''Direct%20clip`);
    expect(Buffer.from(await download.arrayBuffer()).equals(media.mp4)).toBe(true);
    expect(((await request(h.sut.url).get(`/v1/vods/${id}`).expect(200)).body as Vod).downloadUrl).toBeNull();

    // direct: false still goes through the API, streamed to S3 in parts.
    const proxied = await h.ticket({ channel: 'direct', title: 'via the API', direct: false });
    expect(proxied).toMatchObject({ uploadUrl: `http://onda.test/v1/vods/${proxied.vod.id}/source`, expiresAt: null });
    await request(h.sut.url).put(h.local(proxied.uploadUrl)).set(h.owner).set('Content-Type', 'video/mp4').send(media.mp4).expect(204);
    expect((await h.storage.head(`vod/${proxied.vod.id}/upload`))?.size).toBe(media.mp4.length);
  });

  it('fails a direct upload that is not a video, or too large, at complete, and deletes it', async () => {
    const png = await h.ticket({ channel: 'direct', title: 'a picture' });
    expect((await fetch(png.uploadUrl, { method: 'PUT', headers: png.headers, body: media.png })).status).toBe(200);
    const refused = await request(h.sut.url).post(`/v1/vods/${png.vod.id}/complete`).set(h.owner).expect(415);
    expect(refused.body).toMatchObject({ code: 'unsupported_media_type', detail: 'This looks like a PNG image, not a video' });
    const failed = (await request(h.sut.url).get(`/v1/vods/${png.vod.id}`).set(h.owner).expect(200)).body as Vod;
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'upload refused: this looks like a PNG image, not a video', downloadUrl: null });
    expect(await h.storage.head(`vod/${png.vod.id}/upload`)).toBeNull();
    await request(h.sut.url).post(`/v1/vods/${png.vod.id}/complete`).set(h.owner).expect(409);

    const text = await h.ticket({ channel: 'direct', title: 'notes.mp4' });
    await fetch(text.uploadUrl, { method: 'PUT', headers: text.headers, body: media.text });
    expect((await request(h.sut.url).post(`/v1/vods/${text.vod.id}/complete`).set(h.owner).expect(415)).body.detail).toBe('This looks like a text file, not a video');

    // S3 does not enforce the size of a presigned PUT: complete does.
    const big = await h.ticket({ channel: 'direct', title: 'too big' });
    await fetch(big.uploadUrl, { method: 'PUT', headers: big.headers, body: Buffer.concat([media.mp4, Buffer.alloc(MAX)]) });
    const tooBig = await request(h.sut.url).post(`/v1/vods/${big.vod.id}/complete`).set(h.owner).expect(413);
    expect(tooBig.body.code).toBe('payload_too_large');
    expect(await h.storage.head(`vod/${big.vod.id}/upload`)).toBeNull();
    expect(((await request(h.sut.url).get(`/v1/vods/${big.vod.id}`).set(h.owner).expect(200)).body as Vod).status).toBe('failed');
    await settled(h.queue);
    for (const refusedId of [png.vod.id, text.vod.id, big.vod.id]) expect(h.encodes.map((j) => j.vodId)).not.toContain(refusedId);
  });
});
