import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from './parse.js';

describe(parsePrometheusText.name, () => {
  it('reads types, labels with escapes and special values', () => {
    const parsed = parsePrometheusText([
      '# HELP a_total A counter',
      '# TYPE a_total counter',
      'a_total{x="1",y="q\\"uote"} 3',
      '# TYPE h histogram',
      'h_bucket{le="+Inf"} 2',
      'g NaN',
      '',
    ].join('\n'));
    expect(parsed.types.get('a_total')).toBe('counter');
    expect(parsed.samples[0]).toEqual({ name: 'a_total', labels: { x: '1', y: 'q"uote' }, value: 3 });
    expect(parsed.samples[1]!.labels.le).toBe('+Inf');
    expect(parsed.samples[2]!.value).toBeNaN();
  });

  it('refuses malformed lines', () => {
    expect(() => parsePrometheusText('a b c d')).toThrow(/line 1/);
    expect(() => parsePrometheusText('a{x=1} 2')).toThrow(/bad labels/);
    expect(() => parsePrometheusText('# TYPE a countr')).toThrow(/bad type/);
    expect(() => parsePrometheusText('a abc')).toThrow(/not a number/);
  });
});
