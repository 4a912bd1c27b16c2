#!/usr/bin/env node
// Runs s3rver in the foreground for dev and CI:
//   node infra/s3rver/run.mjs --port 9000 --dir ./data/s3 --bucket onda-media [--address 0.0.0.0] [--verbose]
// Prints one "s3rver ready endpoint=... bucket=..." line when it accepts requests; stops on
// SIGINT/SIGTERM. Clients use the access key S3RVER / secret S3RVER and path-style URLs.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { legacyCiphersAvailable, startS3rverInProcess } from './s3rver.mjs';

if (!legacyCiphersAvailable()) {
  // Paginated listings need DES (see s3rver.mjs): run again with the legacy provider, same arguments.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9000' },
      dir: { type: 'string', default: './data/s3' },
      bucket: { type: 'string', default: 'onda-media' },
      // Loopback by default; 0.0.0.0 where other hosts or containers must reach it.
      address: { type: 'string', default: '127.0.0.1' },
      verbose: { type: 'boolean', default: false },
      // Used by startS3rver(): exit when the parent's pipe closes, so a crashed test leaves no server.
      'exit-with-stdin': { type: 'boolean', default: false },
    },
  });

  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --port ${values.port}`);
    process.exit(2);
  }

  try {
    const dir = resolve(values.dir);
    const server = await startS3rverInProcess({ port, directory: dir, bucket: values.bucket, silent: !values.verbose, address: values.address });
    console.log(`s3rver ready endpoint=${server.endpoint} bucket=${server.bucket} dir=${dir}`);
    let stopping = false;
    const stop = async (reason) => {
      if (stopping) return;
      stopping = true;
      console.log(`s3rver stopping (${reason})`);
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    if (values['exit-with-stdin']) {
      process.stdin.on('end', () => void stop('parent gone')).resume();
    }
  } catch (err) {
    console.error(`s3rver failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
