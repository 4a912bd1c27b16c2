import { describe, expect, it } from 'vitest';
import { freePort, run, waitFor } from './process.js';

describe(run.name, () => {
  it('keeps the output and the exit code', async () => {
    const sut = run('echo', 'node', ['-e', 'console.log("hello"); console.error("world"); process.exit(3)']);
    expect(await sut.exited).toBe(3);
    expect(sut.output()).toContain('hello');
    expect(sut.output()).toContain('world');
  });

  it('stops with SIGINT first, so a process can finish cleanly', async () => {
    const sut = run('sleeper', 'node', ['-e', 'process.on("SIGINT", () => { console.log("finalised"); process.exit(0); }); console.log("up"); setInterval(() => {}, 1000);']);
    await waitFor('the process to start', async () => sut.output().includes('up'), 10_000, 20);
    expect(await sut.stop()).toBe(0);
    expect(sut.output()).toContain('finalised');
  });

  it('kills a process that ignores SIGINT after the grace period', async () => {
    const sut = run('stubborn', 'node', ['-e', 'process.on("SIGINT", () => {}); console.log("up"); setInterval(() => {}, 1000);']);
    await waitFor('the process to start', async () => sut.output().includes('up'), 10_000, 20);
    await sut.stop(200);
    expect(sut.child.signalCode).toBe('SIGKILL');
  });

  it('answers -1 for a command that does not exist', async () => {
    expect(await run('missing', 'onda-no-such-command', []).exited).toBe(-1);
  });
});

describe(waitFor.name, () => {
  it('returns the first truthy value and reports the last error on timeout', async () => {
    let n = 0;
    expect(await waitFor('three tries', async () => (++n >= 3 ? n : null), 1000, 1)).toBe(3);
    await expect(waitFor('never', async () => { throw new Error('not yet'); }, 30, 5)).rejects.toThrow(/waiting for never: Error: not yet/);
  });
});

describe(freePort.name, () => {
  it('finds a port to listen on', async () => {
    expect(await freePort()).toBeGreaterThan(0);
  });
});
