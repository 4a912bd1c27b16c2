import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { freePort, run, waitFor, type Proc } from '@onda/testing';

export type Role = 'api' | 'ingest' | 'worker';
export type Dependency = 'postgres' | 'redis' | 's3';
const ROLES: Role[] = ['api', 'ingest', 'worker'];

/**
 * The backing services of a cluster under test as each role sees them: a PRIVATE Redis (the machine's shared
 * one is never stopped), and a fault proxy per role in front of PostgreSQL, Redis and S3, so one dependency
 * can go down for everyone (`down`), or one role be partitioned from it while the others still reach it.
 */
export interface Dependencies {
  redisPort: number;
  /** proxies[role][dependency] */
  proxies: Record<Role, Record<Dependency, FaultProxy>>;
  /** DATABASE_URL, REDIS_URL and S3_ENDPOINT through this role's proxies. */
  roleEnv(role: Role): Record<string, string>;
  /** Every role loses the dependency (connections reset, new ones refused), as when it is stopped. */
  down(dep: Dependency): void;
  /** One role cannot reach the dependency (traffic held, nothing refused), the others still can. */
  partition(role: Role, dep: Dependency): void;
  /** Every proxy of the dependency passes traffic again (held bytes delivered in order). */
  heal(dep: Dependency): void;
  /** Stops the private Redis (SIGINT, no save: its data is lost, as in a restart without persistence). */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  close(): Promise<void>;
}

async function startRedis(port: number): Promise<Proc> {
  const proc = run('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor('private redis', async () => {
    if (proc.child.exitCode !== null) throw new Error(`redis-server exited:\n${proc.output()}`);
    return /Ready to accept connections/.test(proc.output());
  }, 10_000, 50);
  return proc;
}

export async function startDependencies(target: { databaseUrl: string; s3Port: number }): Promise<Dependencies> {
  const redisPort = await freePort();
  let redis: Proc | null = await startRedis(redisPort);
  const db = new URL(target.databaseUrl);
  const pgPort = Number(db.port || 5432);
  const proxies = {} as Record<Role, Record<Dependency, FaultProxy>>;
  for (const role of ROLES) {
    proxies[role] = {
      postgres: await startFaultProxy({ host: db.hostname, port: pgPort }),
      redis: await startFaultProxy({ port: redisPort }),
      s3: await startFaultProxy({ port: target.s3Port }),
    };
  }
  const each = (dep: Dependency, f: (p: FaultProxy) => void): void => ROLES.forEach((r) => f(proxies[r][dep]));
  return {
    redisPort,
    proxies,
    roleEnv(role) {
      const p = proxies[role];
      return {
        DATABASE_URL: Object.assign(new URL(target.databaseUrl), { host: p.postgres.address }).toString(),
        REDIS_URL: `redis://${p.redis.address}`,
        S3_ENDPOINT: `http://${p.s3.address}`,
      };
    },
    down: (dep) => each(dep, (p) => p.refuse()),
    partition: (role, dep) => proxies[role][dep].blackhole(),
    heal: (dep) => each(dep, (p) => p.heal()),
    async stopRedis() {
      await redis?.stop(5000);
      redis = null;
    },
    async startRedis() {
      redis ??= await startRedis(redisPort);
    },
    async close() {
      for (const role of ROLES) for (const p of Object.values(proxies[role])) await p.close();
      await redis?.stop(5000);
    },
  };
}
