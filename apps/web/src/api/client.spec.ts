import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './client';
import { makeChannel } from '../test/fixtures';

function respond(status: number, body: unknown, contentType = 'application/json'): typeof fetch {
  return async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': contentType } });
}

describe(ApiClient.name, () => {
  it('parses a channel and asks for the slug path', async () => {
    const channel = makeChannel({ slug: 'my-show' });
    const urls: string[] = [];
    const sut = new ApiClient('', async (input) => {
      urls.push(String(input));
      return respond(200, channel)(input);
    });

    await expect(sut.getChannel('my-show')).resolves.toEqual(channel);
    expect(urls).toEqual(['/v1/channels/my-show']);
  });

  it('turns problem+json into an ApiError carrying the code', async () => {
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: 'no channel "x"' };
    const sut = new ApiClient('', respond(404, problem, 'application/problem+json'));

    const error = await sut.getChannel('x').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not_found', status: 404, message: 'no channel "x"' });
  });

  it('reports an unreachable API (refused connection or proxy 502) as a network error', async () => {
    const refused = new ApiClient('', async () => {
      throw new TypeError('fetch failed');
    });
    const proxied = new ApiClient('', respond(502, 'Bad Gateway', 'text/plain'));

    await expect(refused.listLiveChannels()).rejects.toMatchObject({ code: 'network', status: 0 });
    await expect(proxied.listLiveChannels()).rejects.toMatchObject({ code: 'network', status: 502 });
  });

  it('rejects a body that does not match the contract', async () => {
    const sut = new ApiClient('', respond(200, { items: [{ id: 'nope' }], nextCursor: null }));

    await expect(sut.listLiveChannels()).rejects.toMatchObject({ code: 'bad_response' });
  });
});
