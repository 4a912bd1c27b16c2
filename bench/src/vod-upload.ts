import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createStorage, type ObjectStorage } from '@onda/storage';
import type { Row } from './report.js';
import { repoRoot } from './support/platform.js';
import { freePort, run, waitFor } from '@onda/testing';
import { summarize } from './support/stats.js';

/** About the archive of a 4-5 minute 6 Mb/s broadcast. */
const FILE_BYTES = 200 * 1024 * 1024;
const ROUNDS = 3;

export interface UploadWay {
  /** MB/s (10^6 bytes) of each round, in order. */
  rounds: number[];
  medianMBps: number;
}

export interface UploadResult {
  bytes: number;
  endpoint: string;
  /** The S3 driver's putFile: lib-storage multipart, 8 MiB parts, 4 in flight. */
  multipart: UploadWay;
  /** One PutObject of the whole file from memory. */
  singlePart: UploadWay;
  /** The local-disk driver's putFile (copy to a temp name, then rename), on the same disk. */
  localDisk: UploadWay;
}

async function sha256(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/** An incompressible file of FILE_BYTES (random blocks). */
async function makeFile(file: string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    const block = Buffer.alloc(8 * 1024 * 1024);
    for (let written = 0; written < FILE_BYTES; written += block.length) await handle.write(randomFillSync(block), 0, Math.min(block.length, FILE_BYTES - written));
  } finally {
    await handle.close();
  }
}

/** An S3-compatible server: BENCH_S3_ENDPOINT (+ BENCH_S3_BUCKET) when set, else s3rver started here as .ci/run does. */
async function s3Server(dir: string): Promise<{ endpoint: string; bucket: string; stop(): Promise<void> }> {
  if (process.env.BENCH_S3_ENDPOINT) return { endpoint: process.env.BENCH_S3_ENDPOINT, bucket: process.env.BENCH_S3_BUCKET ?? 'onda-ci', stop: async () => undefined };
  const port = await freePort();
  const bucket = 'onda-bench';
  const proc = run('s3rver', 'node', [path.join(repoRoot, 'infra/s3rver/run.mjs'), '--port', String(port), '--dir', path.join(dir, 's3'), '--bucket', bucket]);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor('s3rver', async () => {
    if (proc.child.exitCode !== null) throw new Error(`s3rver exited:\n${proc.output()}`);
    return /s3rver ready/.test(proc.output());
  }, 20_000, 100);
  return { endpoint, bucket, stop: async () => void (await proc.stop(5000)) };
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

/** Times one upload and checks the stored object's size; returns MB/s. */
async function timed(storage: ObjectStorage, key: string, upload: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await upload();
  const ms = performance.now() - started;
  const stored = await storage.head(key);
  if (stored?.size !== FILE_BYTES) throw new Error(`${storage.driver} ${key}: stored ${stored?.size ?? 'nothing'} of ${FILE_BYTES} bytes`);
  return mbps(FILE_BYTES, ms);
}

/** Archive upload throughput to the S3-compatible server: the S3 driver's multipart putFile vs one PutObject vs the local-disk driver. */
export async function benchVodUpload(log: (line: string) => void): Promise<UploadResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onda-bench-upload-'));
  const server = await s3Server(dir);
  const s3 = createStorage({ s3: { endpoint: server.endpoint, region: 'us-east-1', bucket: server.bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true } });
  const local = createStorage({ localDir: path.join(dir, 'local') });
  try {
    const file = path.join(dir, 'archive.mp4');
    await makeFile(file);
    const expected = await sha256(createReadStream(file));
    const body = await readFile(file);
    log(`vod-upload: ${(FILE_BYTES / 1e6).toFixed(0)} MB file, S3 at ${server.endpoint}, ${ROUNDS} rounds`);

    const multipart: number[] = [];
    const singlePart: number[] = [];
    const localDisk: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so a slow spell of this shared machine hits every way alike.
      const key = `bench/upload-${round}/archive.mp4`;
      multipart.push(await timed(s3, `${key}.multipart`, () => s3.putFile(`${key}.multipart`, file, { contentType: 'video/mp4' })));
      singlePart.push(await timed(s3, `${key}.single`, () => s3.put(`${key}.single`, body, { contentType: 'video/mp4' })));
      localDisk.push(await timed(local, key, () => local.putFile(key, file, { contentType: 'video/mp4' })));
      if (round === 0) {
        // Byte for byte (the aws-chunked trap would store framing with the data).
        for (const k of [`${key}.multipart`, `${key}.single`]) {
          const got = await s3.get(k);
          if (!got || (await sha256(got.body)) !== expected) throw new Error(`${k}: stored bytes differ from the file`);
        }
      }
      await s3.deletePrefix(`bench/upload-${round}/`);
      await local.deletePrefix(`bench/upload-${round}/`);
      log(`vod-upload round ${round + 1}: multipart ${multipart.at(-1)!.toFixed(0)} MB/s, single PutObject ${singlePart.at(-1)!.toFixed(0)} MB/s, local disk ${localDisk.at(-1)!.toFixed(0)} MB/s`);
    }
    const way = (rounds: number[]): UploadWay => ({ rounds, medianMBps: summarize(rounds).median });
    return { bytes: FILE_BYTES, endpoint: server.endpoint, multipart: way(multipart), singlePart: way(singlePart), localDisk: way(localDisk) };
  } finally {
    await Promise.all([s3.close(), local.close()]);
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Table rows for the report. */
export function vodUploadRows(r: UploadResult): Row[] {
  const mb = (w: UploadWay): string => `${w.medianMBps.toFixed(0)} MB/s`;
  const size = `${(r.bytes / 1e6).toFixed(0)} MB`;
  return [
    { bench: 'archive upload', metric: `(a) ${size} file to s3rver, S3 driver putFile (multipart, 8 MiB parts, 4 in flight), median of 3`, value: mb(r.multipart), target: '', ok: null },
    { bench: 'archive upload', metric: '(b) the same file as one PutObject', value: mb(r.singlePart), target: '', ok: null },
    { bench: 'archive upload', metric: '(c) local-disk driver putFile (copy + rename), same disk', value: mb(r.localDisk), target: '', ok: null },
    { bench: 'archive upload', metric: '(a) / (b) · (a) / (c)', value: `x${(r.multipart.medianMBps / r.singlePart.medianMBps).toFixed(2)} · x${(r.multipart.medianMBps / r.localDisk.medianMBps).toFixed(2)}`, target: '', ok: null },
  ];
}
