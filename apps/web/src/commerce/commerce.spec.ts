import type { CommerceMarker, CommerceMoment } from '@onda/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { applyItems, initialChatState } from '../chat/chat-state';
import { claimProblem } from './commerce-card';
import { markersAt } from './commerce-replay';
import { onScreen } from './use-commerce';

const moment = (over: Partial<CommerceMoment> = {}): CommerceMoment => ({
  id: '00000000-0000-4000-8000-000000000001', channelId: '00000000-0000-4000-8000-000000000002', kind: 'sponsor', status: 'shown', title: 'Sponsor', message: null, url: null,
  imageUrl: null, price: null, displaySeconds: 30, drop: null, shownAt: '2027-03-01T12:00:00.000Z', hiddenAt: null, endsAt: '2027-03-01T12:00:30.000Z', ...over,
});

describe('commerce on the viewer page', () => {
  it('keeps one entry per moment from the chat, the latest state', () => {
    const shown = applyItems(initialChatState, [{ type: 'commerce', moment: moment() }]);
    const hidden = applyItems(shown, [{ type: 'commerce', moment: moment({ status: 'hidden' }) }]);
    expect(hidden.commerce).toEqual([moment({ status: 'hidden' })]);
  });

  it('takes a sponsor card off screen after its display time; a drop stays, marked over', () => {
    const at = Date.parse('2027-03-01T12:00:10Z');
    expect(onScreen(moment(), at)).toBe(true);
    expect(onScreen(moment(), at + 25_000)).toBe(false);
    expect(onScreen(moment({ status: 'hidden' }), at)).toBe(false);
    expect(onScreen(moment({ kind: 'drop' }), at + 25_000)).toBe(true);
  });

  it("replays a recording's moments between when they were shown and hidden", () => {
    const markers: CommerceMarker[] = [
      { moment: moment({ id: 'a' }), atSeconds: 10, untilSeconds: 40 },
      { moment: moment({ id: 'b' }), atSeconds: 30, untilSeconds: null },
    ];
    expect(markersAt(markers, 5)).toEqual([]);
    expect(markersAt(markers, 10).map((m) => m.moment.id)).toEqual(['a']);
    expect(markersAt(markers, 35).map((m) => m.moment.id)).toEqual(['a', 'b']);
    expect(markersAt(markers, 40).map((m) => m.moment.id)).toEqual(['b']);
  });

  it('tells the viewer why a claim failed', () => {
    expect(claimProblem(new ApiError('gone', 410, 'All 5 have been claimed'))).toBe('commerce.problem.soldOut');
    expect(claimProblem(new ApiError('gone', 410, 'The claim window of this drop is over'))).toBe('commerce.problem.over');
    expect(claimProblem(new ApiError('conflict', 409, 'You already claimed this drop'))).toBe('commerce.problem.already');
    expect(claimProblem(new ApiError('conflict', 409, 'This drop is not open'))).toBe('commerce.problem.closed');
    expect(claimProblem(new ApiError('unauthenticated', 401, 'Sign in to claim this drop'))).toBe('commerce.problem.signIn');
    expect(claimProblem(new ApiError('unauthenticated', 401, "Sign in, or send the chat's device token"))).toBe('commerce.problem.identity');
    expect(claimProblem(new Error('x'))).toBe('commerce.problem.failed');
  });
});
