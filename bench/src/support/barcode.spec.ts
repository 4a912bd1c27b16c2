import { describe, expect, it } from 'vitest';
import { barcodeCentres, barcodeFilter, decodeBarcode, plausibleFrames } from './barcode.js';

describe(decodeBarcode.name, () => {
  it('reads box k as bit k, least significant on the left', () => {
    const lumas = Array.from({ length: 16 }, (_, k) => ([0, 2, 15].includes(k) ? 235 : 16));
    expect(decodeBarcode(lumas)).toBe(1 + 4 + 32768);
  });

  it('thresholds at mid-grey', () => {
    expect(decodeBarcode([127, 128])).toBe(2);
  });
});

describe(barcodeFilter.name, () => {
  it('draws a black band then one white box per bit, each enabled by its bit of n', () => {
    const sut = barcodeFilter(1280, 4, 40).split(',drawbox');
    expect(sut).toHaveLength(5);
    expect(sut[0]).toBe('drawbox=x=0:y=0:w=1280:h=40:color=black:t=fill');
    expect(sut[4]).toBe("=x=960:y=0:w=320:h=40:color=white:t=fill:enable='eq(mod(floor(n/8),2),1)'");
  });
});

describe(barcodeCentres.name, () => {
  it('scales box centres to the decoded picture size', () => {
    expect(barcodeCentres(1280, 720)[0]).toEqual({ x: 40, y: 24 });
    expect(barcodeCentres(640, 360)[15]).toEqual({ x: 620, y: 12 });
  });
});

describe(plausibleFrames.name, () => {
  const spawnedAt = 1_000_000;
  it('accepts non-decreasing frames the encoder has already produced', () => {
    expect(plausibleFrames([{ frame: 30, at: spawnedAt + 3000 }, { frame: 30, at: spawnedAt + 3500 }, { frame: 45, at: spawnedAt + 4000 }], spawnedAt, 30)).toBe(true);
  });

  it('rejects a frame from the future (a misread high bit) and a step backwards', () => {
    expect(plausibleFrames([{ frame: 30 + 4096, at: spawnedAt + 3000 }], spawnedAt, 30)).toBe(false);
    expect(plausibleFrames([{ frame: 45, at: spawnedAt + 3000 }, { frame: 44, at: spawnedAt + 3500 }], spawnedAt, 30)).toBe(false);
  });
});
