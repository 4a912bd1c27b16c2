import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const infraDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../infra');

export interface LocalBackends {
  /** HTTP port of each API node. */
  api: number[];
  /** RTMP port and health (metrics) port of each ingest node. */
  ingest: Array<{ rtmp: number; health: number }>;
  /** Where the balancer listens: public HTTP, the roles' internal HTTP, RTMP, stats. */
  http: number;
  internal: number;
  rtmp: number;
  stats: number;
  /** Faster checks for tests (the shipped 2 s x 3 stays the default). */
  checkInterMs?: number;
}

/**
 * infra/haproxy/haproxy.cfg as shipped, with its DNS server templates replaced by static servers on
 * loopback and its listeners moved to the given ports: tests exercise the real frontends, backends,
 * stickiness, checks and timeouts, not a copy of them.
 */
export function localHaproxyConfig(b: LocalBackends): string {
  let cfg = readFileSync(path.join(infraDir, 'haproxy/haproxy.cfg'), 'utf8');
  const replace = (from: RegExp, to: string): void => {
    if (!from.test(cfg)) throw new Error(`haproxy.cfg no longer has ${from}`);
    cfg = cfg.replace(from, to);
  };
  replace(/^\s*server-template api \d+ api:8080 check$/m, b.api.map((p, i) => `    server api${i + 1} 127.0.0.1:${p} check`).join('\n'));
  replace(/^\s*server-template media \d+ api:8080 check$/m, b.api.map((p, i) => `    server media${i + 1} 127.0.0.1:${p} check`).join('\n'));
  replace(/^\s*server-template ingest \d+ ingest:1935 check port 9465$/m, b.ingest.map((n, i) => `    server ingest${i + 1} 127.0.0.1:${n.rtmp} check port ${n.health}`).join('\n'));
  replace(/bind :8080$/m, `bind 127.0.0.1:${b.http}`);
  replace(/bind :8081$/m, `bind 127.0.0.1:${b.internal}`);
  replace(/bind :1935$/m, `bind 127.0.0.1:${b.rtmp}`);
  replace(/bind :8404$/m, `bind 127.0.0.1:${b.stats}`);
  // Two file descriptors per proxied connection: the shipped maxconn needs a raised limit (containers have it).
  replace(/maxconn \d+/, 'maxconn 4000');
  replace(/^\s*nameserver docker .*$/m, '    nameserver local 127.0.0.1:53');
  if (b.checkInterMs) replace(/inter 2s fall 3 rise 2/, `inter ${b.checkInterMs}ms fall 2 rise 1`);
  return cfg;
}

export interface RunningHaproxy {
  socket: string;
  child: ChildProcess;
  output(): string;
  /** One command on the runtime API (e.g. `set server api/api1 state drain`). */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startHaproxy(config: string): Promise<RunningHaproxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onda-haproxy-'));
  const socket = path.join(dir, 'admin.sock');
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, config.replaceAll('/tmp/haproxy.sock', socket));
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const net = await import('node:net');
  const command = (line: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = net.connect(socket);
      let answer = '';
      s.on('data', (c) => (answer += c.toString()));
      s.on('end', () => resolve(answer));
      s.on('error', reject);
      s.end(`${line}\n`);
    });
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${out}`);
    if (await command('show info').then(() => true, () => false)) break;
    if (Date.now() > until) throw new Error(`haproxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    socket,
    child,
    output: () => out,
    command,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `show stat` as rows of {pxname, svname, status, ...}. */
export async function serverStates(h: RunningHaproxy, backend: string): Promise<Record<string, string>> {
  const csv = await h.command('show stat');
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const cols = header!.split(',');
  const states: Record<string, string> = {};
  for (const row of rows) {
    const v = row.split(',');
    const rec = Object.fromEntries(cols.map((c, i) => [c, v[i] ?? '']));
    if (rec.pxname === backend && rec.svname !== 'BACKEND' && rec.svname !== 'FRONTEND') states[rec.svname!] = rec.status!;
  }
  return states;
}
