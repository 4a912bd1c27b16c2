import { describe, expect, it } from 'vitest';
import { applyItems, CHAT_KEEP_MESSAGES, initialChatState, joinedState, type ChatState } from './chat-state';
import { makeJoined, makeMessage, makePoll } from './testing';

function withMessages(...texts: string[]): ChatState {
  return applyItems(
    initialChatState,
    texts.map((text) => ({ type: 'message' as const, message: makeMessage(text) })),
  );
}

describe(applyItems.name, () => {
  it('appends messages in order, replaces a replayed copy and keeps only the newest ones', () => {
    const state = withMessages('one', 'two');
    const replay = { ...state.messages[0]!, text: 'one (again)' };
    const next = applyItems(state, [{ type: 'message', message: replay }]);
    expect(next.messages.map((m) => m.text)).toEqual(['one (again)', 'two']);

    const flood = Array.from({ length: CHAT_KEEP_MESSAGES + 5 }, (_, i) => ({ type: 'message' as const, message: makeMessage(`n${i}`) }));
    const bounded = applyItems(next, flood);
    expect(bounded.messages).toHaveLength(CHAT_KEEP_MESSAGES);
    expect(bounded.messages.at(-1)!.text).toBe(`n${CHAT_KEEP_MESSAGES + 4}`);
    expect(bounded.messages[0]!.text).toBe('n5');
  });

  it('skips an item type from a newer server and goes on with the rest of the frame', () => {
    const state = withMessages('one');
    const unknown = { type: 'sticker', sticker: 'wave' } as unknown as Parameters<typeof applyItems>[1][number];
    const next = applyItems(state, [unknown, { type: 'message', message: makeMessage('two') }]);
    expect(next.messages.map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('deletes messages by id, and the pinned copy with them', () => {
    const state = withMessages('keep', 'drop', 'also drop');
    const [keep, drop, alsoDrop] = state.messages;
    const pinned = applyItems(state, [{ type: 'pin', message: drop! }]);
    const next = applyItems(pinned, [{ type: 'delete', messageIds: [drop!.id, alsoDrop!.id, 'unknown'] }]);
    expect(next.messages).toEqual([keep]);
    expect(next.pinned).toBeNull();
    expect(applyItems(next, [{ type: 'delete', messageIds: ['unknown'] }])).toBe(next);
  });

  it('purges every message of one author after a ban', () => {
    const troll = [makeMessage('spam 1', { nickname: 'troll' }), makeMessage('spam 2', { nickname: 'troll' })];
    const state = applyItems(initialChatState, [
      { type: 'message', message: troll[0]! },
      { type: 'message', message: makeMessage('hello', { nickname: 'mina' }) },
      { type: 'message', message: troll[1]! },
      { type: 'pin', message: troll[1]! },
      { type: 'purge', authorKey: 'a:troll' },
    ]);
    expect(state.messages.map((m) => m.text)).toEqual(['hello']);
    expect(state.pinned).toBeNull();
  });

  it('pins and unpins', () => {
    const message = makeMessage('read the rules');
    expect(applyItems(initialChatState, [{ type: 'pin', message }]).pinned).toEqual(message);
    expect(applyItems(initialChatState, [{ type: 'pin', message }, { type: 'pin', message: null }]).pinned).toBeNull();
  });

  it('updates the poll results, keeps the vote for the same poll and resets it for a new one', () => {
    const poll = makePoll();
    const voted: ChatState = { ...initialChatState, poll, yourVote: 1 };
    const results = makePoll({ options: [{ label: 'Tteokbokki', votes: 3 }, { label: 'Chips', votes: 2 }], totalVotes: 5 });
    const updated = applyItems(voted, [{ type: 'poll', poll: results }]);
    expect(updated.poll?.totalVotes).toBe(5);
    expect(updated.yourVote).toBe(1);

    const closed = applyItems(updated, [{ type: 'poll', poll: { ...results, status: 'closed', closedAt: '2026-01-01T09:05:00.000Z' } }]);
    expect(closed.poll?.status).toBe('closed');
    expect(closed.yourVote).toBe(1);

    const next = makePoll({ id: '00000000-0000-4000-8000-0000000000f2', question: 'Next?' });
    expect(applyItems(closed, [{ type: 'poll', poll: next }])).toMatchObject({ poll: next, yourVote: null });
  });

  it('does not let an old poll closing hide the open one', () => {
    const open = makePoll({ id: '00000000-0000-4000-8000-0000000000f2' });
    const state: ChatState = { ...initialChatState, poll: open };
    const oldClosed = makePoll({ status: 'closed' });
    expect(applyItems(state, [{ type: 'poll', poll: oldClosed }]).poll).toBe(open);
  });

  it('sets the room mode and reaction counts', () => {
    const state = withMessages('nice');
    const id = state.messages[0]!.id;
    const next = applyItems(state, [
      { type: 'mode', mode: { slowModeSeconds: 10, registeredOnly: true } },
      { type: 'reactions', messageId: id, reactions: { heart: 2 } },
      { type: 'reactions', messageId: 'gone', reactions: { like: 1 } },
    ]);
    expect(next.mode).toEqual({ slowModeSeconds: 10, registeredOnly: true });
    expect(next.messages[0]!.reactions).toEqual({ heart: 2 });
  });
});

describe('live items', () => {
  const id = '00000000-0000-4000-8000-0000000000aa';
  it('remember the announced broadcast, and a repeat changes nothing', () => {
    const once = applyItems(initialChatState, [{ type: 'live', sessionId: id }]);
    expect(once.liveSessionId).toBe(id);
    expect(once.messages).toBe(initialChatState.messages);
    expect(applyItems(once, [{ type: 'live', sessionId: id }])).toBe(once);
  });
  it('survive a re-join (the page may not have reacted yet)', () => {
    const announced = applyItems(initialChatState, [{ type: 'live', sessionId: id }]);
    expect(joinedState(announced, makeJoined()).liveSessionId).toBe(id);
  });
});

describe(joinedState.name, () => {
  it('takes the server snapshot on join, and appends only the missed messages on a resumed join', () => {
    const seen = withMessages('before the drop');
    const missed = makeMessage('while away');
    const fresh = joinedState(seen, makeJoined({ history: [missed], viewers: 7 }));
    expect(fresh.messages.map((m) => m.text)).toEqual(['while away']);
    expect(fresh).toMatchObject({ status: 'joined', viewers: 7 });

    const resumed = joinedState(seen, makeJoined({ history: [missed] }), seen.messages.at(-1)!.id);
    expect(resumed.messages.map((m) => m.text)).toEqual(['before the drop', 'while away']);
  });

  it('merges a resumed join with frames that arrived first: one copy each, in id order, the server copy winning', () => {
    const [before, missed1, missed2, after] = ['before', 'missed 1', 'missed 2', 'after'].map((text) => makeMessage(text));
    const onScreen = applyItems(initialChatState, [before!, missed2!, after!].map((message) => ({ type: 'message' as const, message })));
    const resumed = joinedState(onScreen, makeJoined({ history: [missed1!, { ...missed2!, reactions: { clap: 1 } }] }), before!.id);
    expect(resumed.messages.map((m) => m.text)).toEqual(['before', 'missed 1', 'missed 2', 'after']);
    expect(resumed.messages[2]!.reactions).toEqual({ clap: 1 });
  });

  it('puts a missed message older than the newest on screen (it came through another server) in its place', () => {
    const [a, late, b] = ['a', 'late', 'b'].map((text) => makeMessage(text));
    const onScreen = applyItems(initialChatState, [a!, b!].map((message) => ({ type: 'message' as const, message })));
    const resumed = joinedState(onScreen, makeJoined({ history: [late!] }), b!.id);
    expect(resumed.messages.map((m) => m.text)).toEqual(['a', 'late', 'b']);
  });
});
