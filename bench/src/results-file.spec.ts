import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/platform.js';
import { updateReadme, type SuiteResults } from './results-file.js';

const result = (value: string): SuiteResults => ({
  suite: 'live', date: '2026-12-06T22:00:00.000Z', commit: 'abc123', durationSeconds: 600, conditions: {},
  machine: { cores: 2, cpuModel: 'Test CPU', memoryGiB: 24, node: 'v20', os: 'Linux' },
  rows: [{ bench: 'live latency', metric: 'glass | to glass', value, target: '<= 4.00 s', ok: true }],
  details: { cases: [{ load: { busyCores: 0.5 } }, { load: { busyCores: 1.5 } }] },
});

describe('updateReadme', () => {
  const readme = (inner: string): string =>
    `# T\n\nbefore\n<!-- bench:live:begin (generated from bench/results/live.json by npm run bench:report; do not edit) -->\n${inner}\n<!-- bench:live:end -->\nafter\n`;

  it('replaces only the marked block of the suite, escaping pipes and keeping the text around it', () => {
    const { text, updated } = updateReadme(readme('old table'), [result('3.10 s')]);
    expect(updated).toEqual(['live']);
    expect(text).not.toContain('old table');
    expect(text).toMatch(/^# T\n\nbefore\n/);
    expect(text).toMatch(/\nafter\n$/);
    expect(text).toContain('| live latency | glass \\| to glass | 3.10 s | <= 4.00 s ✅ |');
    expect(text).toContain('commit `abc123` on 2 cores (Test CPU)');
    expect(text).toContain('0.5-1.5');
    expect(text).not.toContain('saturated');
  });

  it('says so when the machine was saturated during a window', () => {
    const busy = { ...result('9 s'), details: { cases: [{ load: { busyCores: 1.99 } }] } };
    expect(updateReadme(readme('x'), [busy]).text).toContain('The machine was saturated');
  });

  it('is idempotent and leaves a README without markers alone', () => {
    const once = updateReadme(readme('x'), [result('1 s')]).text;
    expect(updateReadme(once, [result('1 s')]).text).toBe(once);
    const plain = '# README\nno markers\n';
    expect(updateReadme(plain, [result('1 s')])).toEqual({ text: plain, updated: [] });
  });

  it('has a marked block in the real README for each long run, filled from its results file', () => {
    const real = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const suites = ['soak', 'llsoak', 'drift'];
    const { text, updated } = updateReadme(real, suites.map((suite) => ({ ...result('2.00 s'), suite })));
    expect(updated).toEqual(suites);
    for (const suite of suites) expect(text).toContain(`bench:${suite}:begin (generated from bench/results/${suite}.json by npm run bench:report; do not edit) -->\nMeasured `);
    expect(text.split('| 2.00 s | <= 4.00 s ✅ |').length - 1).toBe(suites.length);
  });
});
