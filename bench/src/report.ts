/** One line of the results table. `ok` is null for figures without a target. */
export interface Row {
  bench: string;
  metric: string;
  value: string;
  target: string;
  ok: boolean | null;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The results as one markdown table, ready to paste into the README. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| benchmark | metric | result | target |', '|---|---|---|---|'];
  for (const r of rows) {
    const verdict = r.ok === null ? '' : r.ok ? ' ✅' : ' ❌';
    lines.push(`| ${cell(r.bench)} | ${cell(r.metric)} | ${cell(r.value)} | ${cell(r.target)}${verdict} |`);
  }
  return lines.join('\n');
}
