import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidKey, assertValidPrefix, attachmentDisposition, contentTypeForKey } from './keys.js';
import type { ObjectInfo, ObjectStorage, PresignGetOptions, PresignPutOptions, PutOptions, StoredObject } from './storage.js';

/** Connection settings of an S3-compatible store (AWS, s3rver, R2, ...). */
export interface S3StorageConfig {
  /** Omit for AWS; e.g. `http://127.0.0.1:9000` for s3rver. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `true` for most self-hosted stores (`<endpoint>/<bucket>/<key>` instead of `<bucket>.<host>`). */
  forcePathStyle: boolean;
  /** Page size of ListObjectsV2 (default 1000, the S3 maximum); small values exercise pagination. */
  listPageSize?: number;
  /** Attempts per request, including the first, with the SDK's exponential backoff (default 5). */
  maxAttempts?: number;
}

/** putFile: parts of 8 MiB, 4 in flight; a whole upload is restarted this many times on failure. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
const UPLOAD_ATTEMPTS = 3;
const UPLOAD_BACKOFF_MS = 500;
/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

/** S3-compatible driver (scale-out mode). */
export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;
  private readonly listPageSize: number;
  /** Set after a store refused DeleteObjects, so later prefix deletes go straight to single deletes. */
  private batchDeleteUnsupported = false;

  constructor(config: S3StorageConfig) {
    this.bucket = config.bucket;
    this.listPageSize = config.listPageSize ?? 1000;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: config.maxAttempts ?? 5,
      // With the SDK defaults a streamed PutObject goes out aws-chunked with a trailing checksum, which
      // s3rver (and several other S3-compatible stores) save verbatim, framing included: silent
      // corruption. Only send/verify checksums where the operation demands them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer | Uint8Array | string, options?: PutOptions): Promise<void> {
    assertValidKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: options?.contentType ?? contentTypeForKey(key),
        CacheControl: options?.cacheControl,
      }),
    );
  }

  async putFile(key: string, filePath: string, options?: PutOptions): Promise<void> {
    assertValidKey(key);
    // Each part already gets the client's per-request retries; this outer loop restarts an upload that
    // failed anyway (e.g. the store was restarted), with a fresh file stream since the old one is spent.
    for (let attempt = 1; ; attempt++) {
      const upload = this.multipartUpload(key, createReadStream(filePath), options);
      try {
        await upload.done();
        return;
      } catch (err) {
        if (attempt >= UPLOAD_ATTEMPTS || isFileError(err)) throw err;
        await sleep(UPLOAD_BACKOFF_MS * 2 ** (attempt - 1));
      }
    }
  }

  async putStream(key: string, body: Readable, options?: PutOptions): Promise<void> {
    assertValidKey(key);
    // A stream can be read once: no outer restart as in putFile, but each part still gets the client's
    // retries. Memory stays at about partSize x queueSize whatever the length; a failed stream aborts the
    // multipart upload, so no half object appears.
    const upload = this.multipartUpload(key, body, options);
    const failed = new Promise<never>((_, reject) => body.once('error', reject));
    failed.catch(() => undefined);
    try {
      // The SDK reads the stream through an iterator; race its error too so a destroyed stream cannot leave done() waiting.
      await Promise.race([upload.done(), failed]);
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
  }

  /** A multipart upload of `body` (parts of PART_SIZE, QUEUE_SIZE at a time) that removes its parts if it fails. */
  private multipartUpload(key: string, body: Readable, options?: PutOptions): Upload {
    return new Upload({
      client: this.client,
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: options?.contentType ?? contentTypeForKey(key),
        CacheControl: options?.cacheControl,
      },
    });
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<string> {
    assertValidKey(key);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: options.contentType });
    // Signing Content-Type makes the store refuse a PUT that declares another type.
    return getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      ...(options.contentType ? { signableHeaders: new Set(['content-type']) } : {}),
    });
  }

  async get(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      // In Node the SDK body is an http.IncomingMessage (a Readable) with helper mixins.
      return { ...objectInfo(key, out), body: out.Body as Readable };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return objectInfo(key, out);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix === '' ? undefined : prefix,
          MaxKeys: this.listPageSize,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
          etag: object.ETag,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    // Collect first: deleting while paginating would shift the listing under the continuation token.
    const keys: string[] = [];
    for await (const object of this.list(prefix)) keys.push(object.key);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await this.deleteBatch(keys.slice(i, i + DELETE_BATCH));
    return keys.length;
  }

  /** A time-limited GET URL for a key (private playback, downloads). */
  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(options.downloadName ? { ResponseContentDisposition: attachmentDisposition(options.downloadName) } : {}),
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  /** Creates the bucket when it does not exist (dev and CI; production buckets are provisioned). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // Another process created it in the meantime.
      const name = (err as Error).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    if (!this.batchDeleteUnsupported) {
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length === 0) return;
        // Retry the refused keys one by one below; a persistent failure surfaces there.
        keys = failed.map((e) => e.Key).filter((k): k is string => k !== undefined);
      } catch (err) {
        if (!isNotImplemented(err)) throw err;
        this.batchDeleteUnsupported = true;
      }
    }
    for (const key of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  const name = (err as Error)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket' || statusOf(err) === 404;
}

function isNotImplemented(err: unknown): boolean {
  const name = (err as Error)?.name;
  return name === 'NotImplemented' || statusOf(err) === 501 || statusOf(err) === 405;
}

/** Local file problems (missing, unreadable) are not worth retrying. */
function isFileError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR';
}

/** The object metadata GetObject and HeadObject both answer with. */
function objectInfo(
  key: string,
  out: { ContentLength?: number; LastModified?: Date; ETag?: string; ContentType?: string; CacheControl?: string },
): ObjectInfo {
  return {
    key,
    size: out.ContentLength ?? 0,
    lastModified: out.LastModified ?? new Date(0),
    etag: out.ETag,
    contentType: out.ContentType,
    cacheControl: out.CacheControl,
  };
}
