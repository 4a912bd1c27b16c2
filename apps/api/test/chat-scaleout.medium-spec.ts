import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ChatSent, Poll } from '@onda/contracts';
import { createChannel } from '@onda/db';
import { twoChatNodes } from './chat.support.js';

describe('chat on two API nodes sharing one Redis (real PostgreSQL and Redis)', () => {
  // null filter: the real moderation pipeline, its duplicate/flood memory in Redis.
  const suite = twoChatNodes({}, null);

  it('delivers a message sent on node B to a viewer on node A, and both see one history', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { c: onA } = await suite.join(suite.nodeA, ch.slug, 'on a');
    const { c: onB } = await suite.join(suite.nodeB, ch.slug, 'on b');
    await onB.ok('send', { text: 'hello from B' });
    await onA.ok('send', { text: 'hello from A' });
    await onA.until(() => onA.messages().length === 2);
    await onB.until(() => onB.messages().length === 2);
    expect(onA.messages().sort()).toEqual(['hello from A', 'hello from B']);
    // Exactly once each: a later marker arrives after any duplicate would have.
    await onB.ok('send', { text: 'marker' });
    await onA.until(() => onA.messages().includes('marker'));
    await onB.until(() => onB.messages().includes('marker'));
    expect(onA.messages()).toHaveLength(3);
    expect(onB.messages()).toHaveLength(3);
    const { joined: late } = await suite.join(suite.nodeA, ch.slug, 'late');
    expect(late.history.map((m) => m.text)).toEqual(['hello from B', 'hello from A', 'marker']);
  });

  it('sums viewers of both nodes', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { c: onA } = await suite.join(suite.nodeA, ch.slug, 'count a');
    const { c: onB } = await suite.join(suite.nodeB, ch.slug, 'count b');
    await suite.join(suite.nodeB, ch.slug, 'count c');
    await onA.until(() => onA.viewers.includes(3));
    await onB.until(() => onB.viewers.includes(3));
  });

  it('applies a ban made through node A on node B, and purges it everywhere', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    const { c: troll, joined } = await suite.join(suite.nodeB, ch.slug, 'troll');
    const { c: watcherA } = await suite.join(suite.nodeA, ch.slug, 'watcher');
    await troll.ok('send', { text: 'bad' });
    await watcherA.until(() => watcherA.messages().includes('bad'));
    await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/bans`).set(suite.auth()).send({ authorKey: joined.you.key }).expect(201);
    expect(await troll.emit('send', { text: 'bad again' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await watcherA.untilItem('purge', (i) => i.authorKey === joined.you.key);
    await troll.untilItem('purge', (i) => i.authorKey === joined.you.key);
    const { joined: fresh } = await suite.join(suite.nodeB, ch.slug, 'fresh');
    expect(fresh.history).toEqual([]);
  });

  it('shares slow mode, deletes and one vote per viewer across nodes', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    // One browser, two tabs: the device token node A issued is honoured by node B (same server secret).
    const { c: tabA, joined: onA } = await suite.join(suite.nodeA, ch.slug, 'two tabs');
    const { c: tabB, joined: onB } = await suite.join(suite.nodeB, ch.slug, 'two tabs', { deviceToken: onA.you.deviceToken! });
    expect(onB.you.key).toBe(onA.you.key);
    await request(suite.nodeB.sut.url).patch(`/v1/channels/${ch.slug}/chat/settings`).set(suite.auth()).send({ slowModeSeconds: 60 }).expect(200);
    await tabA.untilItem('mode', (i) => i.mode.slowModeSeconds === 60);
    const sent = await tabA.ok<ChatSent>('send', { text: 'once a minute' });
    expect(await tabB.emit('send', { text: 'twice?' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

    await request(suite.nodeB.sut.url).delete(`/v1/channels/${ch.slug}/chat/messages/${sent.id}`).set(suite.auth()).expect(204);
    await tabA.untilItem('delete', (i) => i.messageIds.includes(sent.id));

    const poll = (await request(suite.nodeA.sut.url).post(`/v1/channels/${ch.slug}/chat/polls`).set(suite.auth()).send({ question: 'q', options: ['a', 'b'] }).expect(201)).body as Poll;
    await tabB.untilItem('poll', (i) => i.poll.id === poll.id);
    await tabA.ok('vote', { pollId: poll.id, option: 0 });
    expect(await tabB.emit('vote', { pollId: poll.id, option: 1 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await tabB.untilItem('poll', (i) => i.poll.id === poll.id && i.poll.totalVotes === 1);
    const closed = (await request(suite.nodeB.sut.url).post(`/v1/channels/${ch.slug}/chat/polls/${poll.id}/close`).set(suite.auth()).expect(200)).body as Poll;
    expect(closed.options.map((o) => o.votes)).toEqual([1, 0]);
  });

  it('runs the moderation pipeline with its flood memory shared by the nodes', async () => {
    const ch = await createChannel(suite.db.prisma, suite.owner.id);
    await request(suite.nodeA.sut.url).patch(`/v1/channels/${ch.slug}/chat/settings`).set(suite.auth()).send({ blockedWords: ['바나나'], profanity: 'drop' }).expect(200);
    const { c: onA, joined: first } = await suite.join(suite.nodeA, ch.slug, 'pipeline');
    const { c: onB } = await suite.join(suite.nodeB, ch.slug, 'pipeline', { deviceToken: first.you.deviceToken! });
    expect(await onA.ok<ChatSent>('send', { text: '바나나 맛있다' })).toMatchObject({ outcome: 'masked' });
    await onB.untilItem('message', (i) => i.message.masked);
    expect(onB.messages()[0]).not.toContain('바나나');
    expect(await onA.ok<ChatSent>('send', { text: '같은 말 또 해요' })).toMatchObject({ outcome: 'delivered' });
    expect(await onB.ok<ChatSent>('send', { text: '같은 말 또 해요' })).toMatchObject({ outcome: 'dropped' });
    const stats = (await request(suite.nodeB.sut.url).get(`/v1/channels/${ch.slug}/chat/stats`).set(suite.auth()).expect(200)).body as { filterHits: Record<string, number> };
    expect(stats.filterHits).toMatchObject({ 'blocked-word': 1, duplicate: 1 });
  });
});
