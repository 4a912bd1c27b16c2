import { run } from './process.js';

export interface CreateAdminOptions {
  /** The `onda` entry (apps/onda/dist/main.js): a package never imports an app, so callers name it. */
  entry: string;
  /** The environment of the installation (DATA_DIR or DATABASE_URL, ...). */
  env: Record<string, string>;
  email: string;
  /** Also sets a console password (ONDA_ADMIN_PASSWORD). */
  password?: string;
}

/** Runs `onda create-admin` as an operator would and returns the API token it prints. */
export async function createAdmin(o: CreateAdminOptions): Promise<string> {
  const env = o.password === undefined ? o.env : { ...o.env, ONDA_ADMIN_PASSWORD: o.password };
  const cli = run('create-admin', 'node', [o.entry, 'create-admin', '--email', o.email], env);
  const code = await cli.exited;
  const token = /\n\s+(onda_[A-Za-z0-9_-]+)\s*\n/.exec(cli.output())?.[1];
  if (code !== 0 || !token) throw new Error(`create-admin failed (${code}):\n${cli.output()}`);
  return token;
}
