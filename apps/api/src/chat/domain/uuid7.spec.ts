import { describe, expect, it } from 'vitest';
import { uuidv7 } from './uuid7.js';

describe(uuidv7.name, () => {
  it('makes version 7 UUIDs whose strings sort by creation, within one millisecond too', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(1_760_000_000_000 + Math.floor(i / 1000)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps increasing when the clock goes backwards', () => {
    const a = uuidv7(1_800_000_000_000);
    const b = uuidv7(1_700_000_000_000);
    expect(b > a).toBe(true);
  });

  it('encodes the time in the first 48 bits', () => {
    const id = uuidv7(1_900_000_000_000);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(1_900_000_000_000);
  });
});
