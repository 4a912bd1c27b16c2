import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const infraDir = path.join(repoRoot, 'infra');

/** Whether a command exists on PATH. */
export function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * CI (`.ci/run`) installs docker-compose, haproxy and nginx and sets ONDA_REQUIRE_DEPLOY_TOOLS, so a
 * missing tool fails there; on a developer machine without them the tests that need them are skipped.
 */
export function toolAvailable(command: string): boolean {
  if (has(command)) return true;
  if (process.env.ONDA_REQUIRE_DEPLOY_TOOLS) throw new Error(`${command} is required (ONDA_REQUIRE_DEPLOY_TOOLS is set) but not installed`);
  return false;
}

export function runTool(command: string, args: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot): { status: number | null; output: string } {
  const r = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export const exec = (command: string, args: string[], cwd = repoRoot): string => execFileSync(command, args, { cwd, encoding: 'utf8' });
