import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStorage, PutOptions, StoredObject } from '@onda/storage';

/** ObjectStorage in memory that logs every write in order, and can be told to fail the next writes. */
export class MemoryStorage implements ObjectStorage {
  readonly driver = 'local' as const;
  readonly objects = new Map<string, { body: Buffer; options: PutOptions }>();
  /** Keys in write order. */
  readonly writes: string[] = [];
  failNext = 0;

  async put(key: string, body: Buffer | Uint8Array | string, options: PutOptions = {}): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`injected failure writing ${key}`);
    }
    this.objects.set(key, { body: Buffer.from(body), options });
    this.writes.push(key);
  }

  async putFile(key: string, filePath: string, options?: PutOptions): Promise<void> {
    await this.put(key, await readFile(filePath), options);
  }

  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    await this.put(key, Buffer.concat(chunks), options);
  }

  async presignPut(): Promise<null> {
    return null;
  }

  async presignGet(): Promise<null> {
    return null;
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString('utf8');
  }

  async get(key: string): Promise<StoredObject | null> {
    const o = this.objects.get(key);
    return o ? { ...this.info(key, o), body: Readable.from([o.body]) } : null;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const o = this.objects.get(key);
    return o ? this.info(key, o) : null;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const [key, o] of this.objects) if (key.startsWith(prefix)) yield this.info(key, o);
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix) && this.objects.delete(key)) n++;
    return n;
  }

  async close(): Promise<void> {}

  private info(key: string, o: { body: Buffer; options: PutOptions }): ObjectInfo {
    return { key, size: o.body.length, lastModified: new Date(), contentType: o.options.contentType, cacheControl: o.options.cacheControl };
  }
}
