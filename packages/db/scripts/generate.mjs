// Runs `prisma generate` offline, and only when the schema or Prisma changed: `build` and
// `typecheck` both call this and turbo may run them at the same time, so regenerating files
// another tsc is reading is worth avoiding.
//
// Prisma 7's CLI insists on resolving the schema engine binary even though generate does not
// use it, and the engine is a download that cannot happen offline: any existing file passes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prismaDir = dirname(require.resolve('prisma/package.json'));
const schemaPath = join(root, 'prisma', 'schema.prisma');
const output = join(root, 'src', 'generated', 'prisma');
const stampPath = join(output, '.schema-hash');

const hash = createHash('sha256')
  .update(readFileSync(schemaPath))
  .update(readFileSync(join(prismaDir, 'package.json')))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');

const current = existsSync(stampPath) && existsSync(join(output, 'client.ts')) ? readFileSync(stampPath, 'utf8') : '';
if (current === hash && !process.argv.includes('--force')) {
  process.exit(0);
}

const result = spawnSync(process.execPath, [join(prismaDir, 'build', 'index.js'), 'generate', '--schema', schemaPath], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
if (result.status === 0) writeFileSync(stampPath, hash);
process.exit(result.status ?? 1);
