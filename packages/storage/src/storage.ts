import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType?: string;
  cacheControl?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  etag?: string;
  contentType?: string;
  cacheControl?: string;
}

export interface StoredObject extends ObjectInfo {
  body: Readable;
}

export interface PresignPutOptions {
  /** When set, the signature covers it: the uploader must send exactly this Content-Type. */
  contentType?: string;
  expiresInSeconds: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Answer with `Content-Disposition: attachment` and this file name (a download rather than inline). */
  downloadName?: string;
}

/**
 * Object storage as Onda uses it: flat keys (`live/<session>/720p/r0_00001.ts`), whole-object writes,
 * streamed reads. Two drivers implement it: S3-compatible stores and a local folder (embedded mode).
 */
export interface ObjectStorage {
  readonly driver: 's3' | 'local';
  /** Writes a small object in one request (playlists, segments, images). */
  put(key: string, body: Buffer | Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Uploads a local file; large files go up in parts (multipart) with per-part retries. */
  putFile(key: string, filePath: string, options?: PutOptions): Promise<void>;
  /**
   * Writes a stream of unknown length without holding it in memory (multipart on S3). The object appears
   * only once the stream ended cleanly; if it fails the key is left as it was (or absent).
   */
  putStream(key: string, body: Readable, options?: PutOptions): Promise<void>;
  /** A time-limited URL a client can PUT the object to directly; null when the store cannot presign (local disk). */
  presignPut(key: string, options: PresignPutOptions): Promise<string | null>;
  /** A time-limited URL a client can GET the object from directly; null when the store cannot presign (local disk). */
  presignGet(key: string, options: PresignGetOptions): Promise<string | null>;
  /** Streams an object, or null when it does not exist. */
  get(key: string): Promise<StoredObject | null>;
  head(key: string): Promise<ObjectInfo | null>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}
