import { describe, expect, it } from 'vitest';
import { metaTags, sharedPage, withFrameAncestors, withMeta, type PageMeta } from './page-meta.js';

const meta: PageMeta = {
  title: 'Night <b>"radio"</b> & friends',
  description: 'Live on Onda',
  url: 'https://tv.example/c/night',
  image: null,
  embedUrl: 'https://tv.example/embed/c/night',
  oembedUrl: 'https://tv.example/v1/oembed?url=https%3A%2F%2Ftv.example%2Fc%2Fnight&format=json',
};

describe('page meta', () => {
  it('names channel and VOD pages and their embeds, nothing else', () => {
    expect(sharedPage('/c/night')).toEqual({ kind: 'channel', slug: 'night', embed: false });
    expect(sharedPage('/embed/c/night')).toEqual({ kind: 'channel', slug: 'night', embed: true });
    expect(sharedPage('/clip/0b8c6a3e-1b2c-4d5e-8f90-123456789abc')).toEqual({ kind: 'clip', id: '0b8c6a3e-1b2c-4d5e-8f90-123456789abc', embed: false });
    expect(sharedPage('/embed/clip/0b8c6a3e-1b2c-4d5e-8f90-123456789abc')).toEqual({ kind: 'clip', id: '0b8c6a3e-1b2c-4d5e-8f90-123456789abc', embed: true });
    expect(sharedPage('/v/0b6f3c1e-8b0a-4b7f-9d7e-1c2b3a4d5e6f')).toMatchObject({ kind: 'vod', embed: false });
    expect(sharedPage('/embed/v/abc/')).toEqual({ kind: 'vod', id: 'abc', embed: true });
    for (const path of ['/', '/console', '/console/channels/night', '/c/night/extra', '/embed/x/night', '/c/<script>']) {
      expect(sharedPage(path)).toBeNull();
    }
  });

  it('escapes user text in every tag and announces oEmbed', () => {
    const tags = metaTags(meta);
    expect(tags).toContain('<meta property="og:title" content="Night &lt;b&gt;&quot;radio&quot;&lt;/b&gt; &amp; friends" />');
    expect(tags).toContain('<meta name="twitter:card" content="summary" />');
    expect(tags).toContain('<link rel="alternate" type="application/json+oembed" href="https://tv.example/v1/oembed?url=https%3A%2F%2Ftv.example%2Fc%2Fnight&amp;format=json"');
    expect(tags).not.toContain('og:image');
    expect(metaTags({ ...meta, image: 'https://cdn.example/p.jpg' })).toContain('<meta property="og:image" content="https://cdn.example/p.jpg" />');
  });

  it('puts the title and tags into the head of index.html', () => {
    const html = '<html><head><title>Onda</title></head><body></body></html>';
    const out = withMeta(html, meta);
    expect(out).toMatch(/<title>Night &lt;b&gt;.* · Onda<\/title>/);
    expect(out.indexOf('og:title')).toBeLessThan(out.indexOf('</head>'));
  });

  it("lets only this site and the channel's origins frame an embed", () => {
    const csp = "default-src 'self'; frame-ancestors 'none'; object-src 'none'";
    expect(withFrameAncestors(csp, ['https://blog.example', 'http://localhost:3000'])).toBe(
      "default-src 'self'; frame-ancestors 'self' https://blog.example http://localhost:3000; object-src 'none'",
    );
    expect(withFrameAncestors(csp, [])).toBe("default-src 'self'; frame-ancestors 'self'; object-src 'none'");
    expect(withFrameAncestors(csp, null)).toBe(csp);
  });
});
