import { describe, expect, it } from 'vitest';
import { redactStreamKey } from './channel.js';

describe(redactStreamKey.name, () => {
  it('keeps the first nine characters: the live_ prefix and four that tell keys apart', () => {
    expect(redactStreamKey('live_abcdefghijklmnop')).toBe('live_abcd…');
    expect(redactStreamKey('live')).toBe('live…');
  });
});
