import { describe, expect, it } from 'vitest';
import type { VoteInsert } from './chat-moderation.repository.js';
import type { MessageInsert } from './chat.repository.js';
import { ChatWriter, type ChatWriterSink } from './chat.writer.js';
import { messageRow } from '../../../test/chat-rows.js';

class FakeSink implements ChatWriterSink {
  readonly messageBatches: MessageInsert[][] = [];
  readonly voteBatches: VoteInsert[][] = [];
  failBatchesOver = Infinity;
  insertMessages(rows: MessageInsert[]): Promise<number> {
    if (rows.length > this.failBatchesOver || rows.some((r) => r.text === 'poison')) return Promise.reject(new Error('constraint'));
    this.messageBatches.push(rows.map((r) => ({ ...r })));
    return Promise.resolve(rows.length);
  }
  insertVotes(rows: VoteInsert[]): Promise<number> {
    this.voteBatches.push(rows);
    return Promise.resolve(rows.length);
  }
}

describe(ChatWriter.name, () => {
  it('writes everything that arrived within an interval as one batch per kind', async () => {
    const sink = new FakeSink();
    const sut = new ChatWriter(sink, 60_000);
    for (let i = 0; i < 100; i++) sut.addMessage(messageRow(`m${i}`));
    sut.addVote({ pollId: 'p', voterKey: 'a:1', option: 0 });
    sut.addVote({ pollId: 'p', voterKey: 'a:2', option: 1 });
    await sut.flush();
    expect(sink.messageBatches.map((b) => b.length)).toEqual([100]);
    expect(sink.voteBatches.map((b) => b.length)).toEqual([2]);
    await sut.flush();
    expect(sink.messageBatches).toHaveLength(1);
  });

  it('marks rows still waiting when their delete or purge overtakes them', async () => {
    const sink = new FakeSink();
    const sut = new ChatWriter(sink, 60_000);
    sut.addMessage(messageRow('keep', { authorKey: 'a:good' }));
    sut.addMessage(messageRow('gone'));
    sut.addMessage(messageRow('troll-1', { authorKey: 'a:troll' }));
    sut.addMessage(messageRow('troll-other-channel', { authorKey: 'a:troll', channelId: 'c2' }));
    const at = new Date(5);
    sut.markDeleted(['gone'], at);
    sut.markPurged('c1', 'a:troll', at);
    await sut.close();
    expect(sink.messageBatches[0]!.map((r) => [r.id, r.deletedAt ?? null])).toEqual([
      ['keep', null],
      ['gone', at],
      ['troll-1', at],
      ['troll-other-channel', null],
    ]);
  });

  it('retries a failed batch row by row, so one bad row costs only itself', async () => {
    const sink = new FakeSink();
    const sut = new ChatWriter(sink, 60_000);
    sut.addMessage(messageRow('a'));
    sut.addMessage(messageRow('b', { text: 'poison' }));
    sut.addMessage(messageRow('c'));
    await sut.flush();
    expect(sink.messageBatches.map((b) => b.map((r) => r.id))).toEqual([['a'], ['c']]);
  });

  it('writes on its own after the interval', async () => {
    const sink = new FakeSink();
    const sut = new ChatWriter(sink, 5);
    sut.addMessage(messageRow('later'));
    while (!sink.messageBatches.length) await new Promise((r) => setTimeout(r, 5));
    expect(sink.messageBatches[0]![0]!.id).toBe('later');
  });
});
