import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClassifierServer, type ClassifierServer } from '../test/classifier-server.js';
import { callClassifier } from './classifier.js';

describe(callClassifier.name, () => {
  let server: ClassifierServer;
  beforeAll(async () => {
    server = await startClassifierServer();
  });
  afterAll(() => server.close());

  const settings = (path: string, timeoutMs = 2000) => ({ url: server.url(path), timeoutMs, failMode: 'open' as const });
  // The test classifier listens on 127.0.0.1, which only the operator's opt-in lets the guard reach.
  const local = { allowPrivate: true };

  it('refuses a classifier on a loopback address by default: the message never leaves (finding 2)', async () => {
    const before = server.requests.length;
    expect(await callClassifier(settings('/verdict/hold'), { text: 'secret', authorKey: 'a:1' })).toEqual({ status: 'error', detail: 'unreachable or not allowed' });
    expect(server.requests.length).toBe(before);
  });

  it('POSTs the message as JSON and returns the verdict with clean labels', async () => {
    const sut = await callClassifier(settings('/verdict/hold?labels=Hate Speech,spam'), { text: '안녕 hi', channelId: 'c1', authorKey: 'a:1' }, local);
    expect(sut).toEqual({ status: 'ok', action: 'hold', labels: ['hate-speech', 'spam'] });
    expect(server.requests.at(-1)).toEqual({ path: '/verdict/hold', contentType: 'application/json', body: { text: '안녕 hi', channelId: 'c1', authorKey: 'a:1' } });
  });

  it('gives up after timeoutMs when the classifier does not answer', async () => {
    expect(await callClassifier(settings('/slow', 100), { text: 'x', authorKey: 'a:1' }, local)).toEqual({ status: 'timeout' });
  });

  it('reports an HTTP error, a body that is not JSON, an unknown action and a refused connection as errors', async () => {
    expect(await callClassifier(settings('/error'), { text: 'x', authorKey: 'a' }, local)).toEqual({ status: 'error', detail: 'HTTP 500' });
    expect(await callClassifier(settings('/garbage'), { text: 'x', authorKey: 'a' }, local)).toEqual({ status: 'error', detail: 'reply is not JSON' });
    expect(await callClassifier(settings('/verdict/explode'), { text: 'x', authorKey: 'a' }, local)).toEqual({ status: 'error', detail: 'reply has no valid action' });
    const refused = await callClassifier({ url: 'http://127.0.0.1:1/', timeoutMs: 2000, failMode: 'open' }, { text: 'x', authorKey: 'a' }, local);
    expect(refused.status).toBe('error');
  });
});
