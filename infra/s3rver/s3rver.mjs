// A local S3-compatible server for development, CI and tests (no MinIO is installable here).
// Plain ESM JavaScript so `node infra/s3rver/run.mjs` works without a build step.
import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';

/** s3rver checks the access key id: clients must use these credentials. */
export const S3RVER_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

/**
 * Browsers fetch HLS straight from storage in some setups (hls.js on another origin), so every
 * bucket answers GET/HEAD from any origin; Range is listed because players ask for byte ranges.
 */
export const PERMISSIVE_CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

// S3 bucket naming rules, checked here because s3rver accepts names the AWS SDK then cannot address.
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RUN_SCRIPT = fileURLToPath(new URL('./run.mjs', import.meta.url));
const READY_LINE = /^s3rver ready endpoint=(\S+)/m;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers through its
 * legacy provider: without `--openssl-legacy-provider` every paginated listing fails with a 500.
 */
export function legacyCiphersAvailable() {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

function checkOptions({ directory, bucket }) {
  if (!directory) throw new Error('s3rver: directory is required');
  if (!bucket || !BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new Error(`s3rver: "${bucket}" is not a valid bucket name (lowercase DNS name, 3-63 chars)`);
  }
}

/** Runs s3rver inside this process; pagination needs the process started with --openssl-legacy-provider. */
export async function startS3rverInProcess({ port = 0, directory, bucket, silent = true, address: bind = '127.0.0.1' }) {
  checkOptions({ directory, bucket });
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: bind,
    port,
    directory,
    silent,
    // Path-style URLs only: virtual-host buckets would need DNS for <bucket>.127.0.0.1.
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [PERMISSIVE_CORS_XML] }],
  });
  const address = await server.run();
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    bucket,
    async close() {
      if (closed) return;
      closed = true;
      // Keep-alive sockets from SDK clients would keep close() waiting forever.
      server.httpServer.closeAllConnections?.();
      await server.close();
    },
  };
}

/**
 * Starts s3rver in a child process (with the legacy OpenSSL provider, see above) on 127.0.0.1
 * (port 0 = any free port), with `bucket` created and permissive GET CORS. The child exits when
 * `close()` is called or when this process dies (it watches its stdin pipe).
 */
export async function startS3rver({ port = 0, directory, bucket, silent = true }) {
  checkOptions({ directory, bucket });
  const args = ['--openssl-legacy-provider', RUN_SCRIPT, '--port', String(port), '--dir', directory, '--bucket', bucket, '--exit-with-stdin'];
  if (!silent) args.push('--verbose');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 15 s:\n${output}`)), 15_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = READY_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before it was ready:\n${output}`));
    });
  });
  // Keep draining so a chatty (verbose) child never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  let closing;
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    bucket,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      })();
      return closing;
    },
  };
}
