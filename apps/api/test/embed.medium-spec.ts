import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken } from '../src/index.js';
import { EmbedController } from '../src/embed/embed.controller.js';
import { startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
const frameAncestors = (csp: string | undefined) => /frame-ancestors ([^;]*)/.exec(csp ?? '')?.[1];
const oembed = (url: string) => `/v1/oembed?url=${encodeURIComponent(url)}`;

describe(EmbedController.name, () => {
  let h: Harness;
  let token: string;
  const web = mkdtempSync(path.join(tmpdir(), 'onda-web-'));

  beforeAll(async () => {
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><html><head><title>Onda</title></head><body><div id="root"></div></body></html>');
    h = await startHarness({ webDist: web });
    token = (await createAdminWithToken(h.db.prisma, 'embed@example.com')).token;
    const create = (body: object) => request(h.sut.url).post('/v1/channels').set(auth(token)).send(body).expect(201);
    await create({ slug: 'open-show', title: 'Open & "loud"', embedOrigins: ['https://blog.example', 'http://localhost:3000'], dvrWindowSeconds: 0 });
    await create({ slug: 'link-only', title: 'Unlisted', visibility: 'unlisted' });
    await create({ slug: 'secret-show', title: 'Secret', visibility: 'private', embedOrigins: ['https://blog.example'] });
  });

  afterAll(async () => {
    await h?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('stores the DVR window and embedding origins, refusing what is not an origin', async () => {
    const channel = (await request(h.sut.url).get('/v1/channels/open-show').expect(200)).body;
    expect(channel).toMatchObject({ dvrWindowSeconds: 0, embedOrigins: ['https://blog.example', 'http://localhost:3000'] });
    expect((await request(h.sut.url).get('/v1/channels/link-only').expect(200)).body).toMatchObject({ dvrWindowSeconds: 300, embedOrigins: [] });
    for (const body of [{ embedOrigins: ['https://blog.example/page'] }, { embedOrigins: ['javascript:alert(1)'] }, { embedOrigins: ['*'] }, { dvrWindowSeconds: -1 }, { dvrWindowSeconds: 1.5 }]) {
      const res = await request(h.sut.url).patch('/v1/channels/open-show').set(auth(token)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await request(h.sut.url).patch('/v1/channels/open-show').set(auth(token)).send({ dvrWindowSeconds: 600 }).expect(200)).body.dvrWindowSeconds).toBe(600);
  });

  it('answers oEmbed for public and unlisted pages of this site only', async () => {
    const card = (await request(h.sut.url).get(oembed('http://onda.test/c/open-show')).expect(200)).body;
    expect(card).toMatchObject({ version: '1.0', type: 'video', title: 'Open & "loud"', provider_name: 'Onda', provider_url: 'http://onda.test', width: 640, height: 360 });
    expect(card.html).toBe(
      '<iframe src="http://onda.test/embed/c/open-show" width="640" height="360" title="Open &amp; &quot;loud&quot;" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>',
    );
    expect((await request(h.sut.url).get(`${oembed('http://onda.test/c/link-only')}&maxwidth=400&maxheight=180`).expect(200)).body).toMatchObject({ width: 320, height: 180 });
    // Private channels are not described to anyone, nor are other sites' pages or other paths.
    for (const url of ['http://onda.test/c/secret-show', 'https://evil.example/c/open-show', 'http://onda.test/console', 'http://onda.test/v/00000000-0000-4000-8000-000000000000', 'not a url']) {
      const res = await request(h.sut.url).get(oembed(url));
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await request(h.sut.url).get(`${oembed('http://onda.test/c/open-show')}&format=xml`)).status).toBe(400);
    expect((await request(h.sut.url).get(`${oembed('http://onda.test/c/open-show')}&maxwidth=abc`)).status).toBe(400);
    expect((await request(h.sut.url).get('/v1/oembed')).status).toBe(400);
  });

  it('puts sharing tags in shared pages and lets only the allowed origins frame embeds', async () => {
    const page = await request(h.sut.url).get('/c/open-show').expect(200);
    expect(page.text).toContain('<title>Open &amp; &quot;loud&quot; · Onda</title>');
    expect(page.text).toContain('<meta property="og:url" content="http://onda.test/c/open-show" />');
    expect(page.text).toContain('<link rel="alternate" type="application/json+oembed" href="http://onda.test/v1/oembed?url=http%3A%2F%2Fonda.test%2Fc%2Fopen-show&amp;format=json"');
    expect(frameAncestors(page.headers['content-security-policy'])).toBe("'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');

    const embed = await request(h.sut.url).get('/embed/c/open-show?chat=1').expect(200);
    expect(frameAncestors(embed.headers['content-security-policy'])).toBe("'self' https://blog.example http://localhost:3000");
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(frameAncestors((await request(h.sut.url).get('/embed/c/link-only').expect(200)).headers['content-security-policy'])).toBe("'self'");

    // A private channel: the plain app page, framed by nobody, whatever its list says.
    for (const url of ['/c/secret-show', '/embed/c/secret-show', '/embed/c/no-such-channel', '/console/channels/open-show']) {
      const res = await request(h.sut.url).get(url).expect(200);
      expect(res.text, url).not.toContain('og:title');
      expect(frameAncestors(res.headers['content-security-policy']), url).toBe("'none'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
  });
});
