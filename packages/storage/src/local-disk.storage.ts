import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, assertValidPrefix, contentTypeForKey } from './keys.js';
import type { ObjectInfo, ObjectStorage, PutOptions, StoredObject } from './storage.js';

/**
 * Content type and cache control live in sidecar files under this folder, mirroring the key tree. Its
 * name starts with a dot, which no valid key segment may, so it can never collide with an object.
 */
const META_DIR = '.meta';

interface Sidecar {
  contentType?: string;
  cacheControl?: string;
}

/** Local-folder driver (embedded mode): one file per key under `rootDir`, written atomically. */
export class LocalDiskStorage implements ObjectStorage {
  readonly driver = 'local' as const;
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  /** Absolute file path of a key (for serving files directly, e.g. with `sendFile`). */
  pathFor(key: string): string {
    assertValidKey(key);
    return join(this.rootDir, ...key.split('/'));
  }

  async put(key: string, body: Buffer | Uint8Array | string, options?: PutOptions): Promise<void> {
    const target = this.pathFor(key);
    await this.writeMeta(key, options);
    await this.atomically(target, (tmp) => writeFile(tmp, body));
  }

  async putFile(key: string, filePath: string, options?: PutOptions): Promise<void> {
    const target = this.pathFor(key);
    await this.writeMeta(key, options);
    await this.atomically(target, (tmp) => copyFile(filePath, tmp));
  }

  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    const target = this.pathFor(key);
    // Open the temp file first (retrying a folder pruned under us): a stream cannot be replayed, so the
    // retry must happen before any byte is read. Then stream into it and rename, as `atomically` does.
    const dir = dirname(target);
    const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
    let handle;
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        handle = await open(tmp, 'wx');
        break;
      } catch (err) {
        if (attempt < 3 && isMissing(err)) continue;
        body.destroy();
        throw err;
      }
    }
    try {
      await pipeline(body, handle.createWriteStream());
      await this.writeMeta(key, options);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async presignPut(): Promise<null> {
    // Nothing to sign for: in embedded mode uploads go through the API.
    return null;
  }

  async presignGet(): Promise<null> {
    return null;
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.pathFor(key);
    // Open first and stat the handle: the object cannot vanish between the check and the read.
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      const info = await this.infoFor(key, stats.size, stats.mtime);
      const body: Readable = handle.createReadStream({ autoClose: true });
      return { ...info, body };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const path = this.pathFor(key);
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return null;
      return await this.infoFor(key, stats.size, stats.mtime);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    // Walk only the folder the prefix points into; partial names (`live/abc/r0_`) filter inside it.
    const baseDir = prefix.endsWith('/') || prefix === '' ? prefix.replace(/\/$/, '') : posix.dirname(prefix);
    const start = baseDir === '.' || baseDir === '' ? '' : baseDir;
    const found: ObjectInfo[] = [];
    await this.walk(start, prefix, found);
    // S3 lists keys in binary order; a per-folder sort would put `a/b` before `a-c`, so sort globally.
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* found;
  }

  async delete(key: string): Promise<void> {
    const path = this.pathFor(key);
    await rm(path, { force: true });
    await rm(this.metaPathFor(key), { force: true });
    await this.pruneEmptyDirs(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    let count = 0;
    for await (const object of this.list(prefix)) {
      await this.delete(object.key);
      count += 1;
    }
    return count;
  }

  async close(): Promise<void> {
    // Nothing to release: every operation opens and closes its own files.
  }

  /** Creates a read stream of a byte range (inclusive end), for HTTP Range requests in embedded mode. */
  createRangeStream(key: string, start: number, end: number): Readable {
    return createReadStream(this.pathFor(key), { start, end });
  }

  private metaPathFor(key: string): string {
    return join(this.rootDir, META_DIR, ...key.split('/')) + '.json';
  }

  private async writeMeta(key: string, options: PutOptions | undefined): Promise<void> {
    const metaPath = this.metaPathFor(key);
    const sidecar: Sidecar = {};
    if (options?.contentType) sidecar.contentType = options.contentType;
    if (options?.cacheControl) sidecar.cacheControl = options.cacheControl;
    if (sidecar.contentType === undefined && sidecar.cacheControl === undefined) {
      // A rewrite replaces metadata as on S3: no stale cache-control from the previous version.
      await rm(metaPath, { force: true });
      return;
    }
    await this.atomically(metaPath, (tmp) => writeFile(tmp, JSON.stringify(sidecar)));
  }

  private async readMeta(key: string): Promise<Sidecar> {
    try {
      return JSON.parse(await readFile(this.metaPathFor(key), 'utf8')) as Sidecar;
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) return {};
      throw err;
    }
  }

  private async infoFor(key: string, size: number, mtime: Date): Promise<ObjectInfo> {
    const meta = await this.readMeta(key);
    return {
      key,
      size,
      lastModified: mtime,
      etag: `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`,
      contentType: meta.contentType ?? contentTypeForKey(key),
      cacheControl: meta.cacheControl,
    };
  }

  /**
   * Writes to a hidden temp file beside the target, then renames it over the target: a reader sees the
   * old or the new object, never a half-written playlist. Retries once if a concurrent delete pruned
   * the folder between mkdir and rename.
   */
  private async atomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const dir = dirname(target);
    const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        await write(tmp);
        await rename(tmp, target);
        return;
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => undefined);
        if (attempt < 3 && isMissing(err)) continue;
        throw err;
      }
    }
  }

  private async walk(relDir: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(relDir === '' ? this.rootDir : join(this.rootDir, ...relDir.split('/')), {
        withFileTypes: true,
      });
    } catch (err) {
      if (isMissing(err) || isNotDir(err)) return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        // Descend only where keys can still match the prefix.
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await this.walk(key, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        try {
          const stats = await stat(join(this.rootDir, ...key.split('/')));
          out.push({ key, size: stats.size, lastModified: stats.mtime, etag: undefined });
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
      }
    }
  }

  /** Removes folders left empty by a delete, up to (not including) the root, in both trees. */
  private async pruneEmptyDirs(key: string): Promise<void> {
    const segments = key.split('/').slice(0, -1);
    for (const base of [this.rootDir, join(this.rootDir, META_DIR)]) {
      for (let depth = segments.length; depth > 0; depth--) {
        try {
          await rmdir(join(base, ...segments.slice(0, depth)));
        } catch {
          break; // not empty, already gone or in use: stop climbing
        }
      }
    }
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function isNotDir(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOTDIR';
}
