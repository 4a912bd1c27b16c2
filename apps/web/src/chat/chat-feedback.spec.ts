import { describe, expect, it } from 'vitest';
import { errorFeedback } from './chat-feedback';

const mode = { slowModeSeconds: 0, registeredOnly: false };

describe(errorFeedback.name, () => {
  it('tells a chat service that cannot take messages (Redis down, server draining) from a lost connection', () => {
    // The server's refusal carries when to try again: the message was not sent, and the input says so with a countdown.
    expect(errorFeedback({ code: 'unavailable', detail: 'Chat is briefly unavailable; try again shortly', retryAfterMs: 2000 }, mode, 1000)).toEqual({ kind: 'unavailable', until: 3000 });
    // The client's own: no socket, or no answer in time.
    expect(errorFeedback({ code: 'unavailable', detail: 'not connected' }, mode, 1000)).toEqual({ kind: 'offline' });
  });
});
