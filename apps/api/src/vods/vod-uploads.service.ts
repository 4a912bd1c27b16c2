import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { VOD_FILES, type CreateVodUpload, type Vod as VodDto, type VodUploadTicket } from '@onda/contracts';
import type { ObjectStorage } from '@onda/storage';
import { managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, STORAGE, type ApiOptions } from '../common/tokens.js';
import { SNIFF_BYTES, sniffMedia } from './media-sniff.js';
import { VodsRepository, type VodWithChannel } from './vods.repository.js';
import { VodsService } from './vods.service.js';

/** UPLOAD_MAX_BYTES when the composition root gives none: 20 GiB. */
export const DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 ** 3;
/** S3 takes at most 5 GiB in one PUT: larger files go through the API, which uploads them in parts. */
const SINGLE_PUT_MAX_BYTES = 5 * 1024 ** 3;
/** How long a presigned upload URL works (S3 checks it when the PUT starts, so a slow upload still finishes). */
const PRESIGN_TTL_SECONDS = 6 * 3600;

export const uploadKey = (vodId: string): string => `vod/${vodId}/${VOD_FILES.upload}`;

/** The upload ran past the size limit while it streamed. */
class UploadTooLarge extends Error {}

/** `video/mp4; codecs=...` -> `video/mp4`; undefined when absent. */
function mediaType(value: string | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

/** Anything a browser or tool may label a video file with; octet-stream is what they send when they do not know. */
const isVideoType = (type: string): boolean => /^video\/[a-z0-9.+-]+$/.test(type) || type === 'application/octet-stream';

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * VOD uploads: a ticket (`POST /v1/vods/uploads`), the file itself (a presigned PUT straight to S3, or
 * `PUT /v1/vods/:id/source` streamed through the API into storage), then `complete`, which checks what
 * was stored and queues the same `vod-encode` job as recordings. Files are refused early by size and by
 * their first bytes (magic numbers); whether the streams decode is left to the encode job's ffprobe.
 */
@Injectable()
export class VodUploadsService {
  private readonly logger = new Logger('VodUploads');

  constructor(
    private readonly repo: VodsRepository,
    private readonly vods: VodsService,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  get maxBytes(): number {
    return this.options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES;
  }

  async create(principal: Principal, body: CreateVodUpload): Promise<VodUploadTicket> {
    const channel = await this.repo.channel(body.channel);
    if (!channel || !managesChannel(principal, channel)) throw new AppError('not_found', `No channel "${body.channel}" of yours`);
    const type = mediaType(body.contentType);
    if (type && !isVideoType(type)) throw new AppError('unsupported_media_type', `${body.contentType} is not a video type: upload a video file (video/*)`);
    this.checkSize(body.bytes);

    const created = await this.repo.create({ channelId: channel.id, title: body.title, origin: 'upload', status: 'uploading' });
    const vod: VodWithChannel = { ...created, channel: { ownerId: channel.ownerId, visibility: channel.visibility } };
    const dto = await this.vods.dto(vod, true);
    // The content type travels with the PUT; a presigned URL signs it, so the header is part of the ticket.
    const headers = { 'Content-Type': type ?? 'application/octet-stream' };
    if (body.direct !== false && (body.bytes ?? 0) <= SINGLE_PUT_MAX_BYTES) {
      const url = await this.storage.presignPut(uploadKey(vod.id), { contentType: headers['Content-Type'], expiresInSeconds: PRESIGN_TTL_SECONDS });
      if (url) {
        const expiresAt = new Date(Date.now() + PRESIGN_TTL_SECONDS * 1000).toISOString();
        return { vod: dto, uploadUrl: url, method: 'PUT', headers, maxBytes: Math.min(this.maxBytes, SINGLE_PUT_MAX_BYTES), expiresAt };
      }
    }
    return { vod: dto, uploadUrl: `${this.options.publicUrl}/v1/vods/${vod.id}/source`, method: 'PUT', headers, maxBytes: this.maxBytes, expiresAt: null };
  }

  /**
   * Streams the request body into `vod/<id>/upload`: never whole in memory, refused by its first bytes
   * before anything is stored, cut off (and the partial object deleted) past the size limit.
   */
  async receive(principal: Principal, id: string, req: Readable & { headers: IncomingHttpHeaders }): Promise<void> {
    const vod = await this.vods.mustOwn(principal, id);
    this.mustBeUploading(vod);
    const declared = req.headers['content-length'];
    if (declared !== undefined) this.checkSize(Number(declared));
    const type = mediaType(req.headers['content-type']);
    if (type && !isVideoType(type)) throw new AppError('unsupported_media_type', `${type} is not a video type: send the video file (video/* or application/octet-stream)`);

    // One iterator for the head and the rest; destroyOnReturn: false leaves the request readable when
    // the head is refused, so the caller can still drain it and answer.
    const chunks = req.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
    const head = await this.readHead(chunks);
    const sniff = sniffMedia(head.subarray(0, SNIFF_BYTES));
    if (!sniff.video) {
      await chunks.return?.();
      if (sniff.empty) throw new AppError('validation_failed', 'The request body is empty: send the video file');
      throw new AppError('unsupported_media_type', sentence(sniff.detail));
    }

    const max = this.maxBytes;
    const body = Readable.from(
      (async function* limited(): AsyncGenerator<Buffer> {
        try {
          let total = head.length;
          if (total > max) throw new UploadTooLarge();
          yield head;
          for (;;) {
            const next = await chunks.next();
            if (next.done) return;
            total += next.value.length;
            if (total > max) throw new UploadTooLarge();
            yield next.value;
          }
        } finally {
          // Detach from the request without destroying it: the caller still answers on its socket.
          await chunks.return?.();
        }
      })(),
      { objectMode: false },
    );
    const key = uploadKey(id);
    try {
      await this.storage.putStream(key, body, { contentType: sniff.contentType });
    } catch (err) {
      await this.storage.delete(key).catch(() => undefined);
      if (err instanceof UploadTooLarge) throw this.tooLarge(`The upload is larger than the ${formatBytes(max)} limit`);
      if (isClientAbort(err)) throw new AppError('validation_failed', 'The upload was cut off before the end of the file');
      throw err;
    }
    this.logger.log(`VOD ${id}: upload stored (${sniff.container})`);
  }

  /**
   * The file is in storage: check it (exists, size, first bytes — for direct uploads the only check) and
   * queue the encode. A file that is no video fails the VOD and is deleted. Repeating it is harmless.
   */
  async complete(principal: Principal, id: string): Promise<VodDto> {
    const vod = await this.vods.mustOwn(principal, id);
    if (vod.origin !== 'upload') throw new AppError('conflict', `VOD ${id} is a recording, not an upload`);
    if (vod.status === 'processing' || vod.status === 'ready') return this.vods.dto(vod, true);
    this.mustBeUploading(vod);

    const key = uploadKey(id);
    const info = await this.storage.head(key);
    if (!info) throw new AppError('conflict', 'Nothing has been uploaded yet: PUT the file to the ticket\'s uploadUrl first');
    if (info.size === 0) {
      await this.storage.delete(key);
      throw new AppError('validation_failed', 'The uploaded file is empty: PUT the video file again');
    }
    if (info.size > this.maxBytes) {
      await this.refuse(vod, `the file is ${formatBytes(info.size)}, over the ${formatBytes(this.maxBytes)} limit`);
      throw this.tooLarge(`The file is ${formatBytes(info.size)}, over the ${formatBytes(this.maxBytes)} limit`);
    }
    const sniff = sniffMedia(await this.storedHead(key));
    if (!sniff.video) {
      await this.refuse(vod, sniff.detail);
      throw new AppError('unsupported_media_type', sentence(sniff.detail));
    }

    const moved = await this.repo.transition(id, 'uploading', {
      status: 'processing', sourceKey: key, sourceBytes: BigInt(info.size), progressPercent: 0, etaSeconds: null, failureReason: null,
    });
    if (moved) {
      try {
        await this.vods.queueEncode(id, VOD_FILES.upload);
      } catch (err) {
        // Back to uploading, so completing again retries the enqueue instead of finding a job-less "processing".
        await this.repo.transition(id, 'processing', { status: 'uploading', sourceKey: null, sourceBytes: null });
        throw err;
      }
      this.logger.log(`VOD ${id}: upload of ${formatBytes(info.size)} (${sniff.container}) complete; encode queued`);
    }
    // Not moved: a concurrent complete got there first; answer with whatever it left.
    const now = await this.repo.findWithChannel(id);
    if (!now) throw new AppError('not_found', `No VOD ${id}`);
    return this.vods.dto(now, true);
  }

  private checkSize(bytes: number | undefined): void {
    if (bytes !== undefined && Number.isFinite(bytes) && bytes > this.maxBytes) {
      throw this.tooLarge(`The file is ${formatBytes(bytes)}; uploads are limited to ${formatBytes(this.maxBytes)}`);
    }
  }

  private tooLarge(detail: string): AppError {
    return new AppError('payload_too_large', detail);
  }

  private mustBeUploading(vod: VodWithChannel): void {
    if (vod.origin !== 'upload') throw new AppError('conflict', `VOD ${vod.id} is a recording, not an upload`);
    if (vod.status === 'failed') throw new AppError('conflict', `This upload failed (${vod.failureReason ?? 'unknown reason'}): start a new upload`);
    if (vod.status !== 'uploading') throw new AppError('conflict', `VOD ${vod.id} is ${vod.status}: its file can no longer be replaced`);
  }

  /** Fails the VOD with the reason and deletes what was uploaded. */
  private async refuse(vod: VodWithChannel, reason: string): Promise<void> {
    await this.vods.fail(vod.id, `upload refused: ${reason}`);
    await this.storage.delete(uploadKey(vod.id));
  }

  private async readHead(chunks: AsyncIterator<Buffer>): Promise<Buffer> {
    const parts: Buffer[] = [];
    let length = 0;
    while (length < SNIFF_BYTES) {
      const next = await chunks.next();
      if (next.done) break;
      parts.push(next.value);
      length += next.value.length;
    }
    return Buffer.concat(parts);
  }

  /** The first SNIFF_BYTES of a stored object (the rest of the stream is dropped). */
  private async storedHead(key: string): Promise<Buffer> {
    const object = await this.storage.get(key);
    if (!object) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let length = 0;
    try {
      for await (const chunk of object.body) {
        parts.push(Buffer.from(chunk as Uint8Array));
        length += (chunk as Uint8Array).length;
        if (length >= SNIFF_BYTES) break;
      }
    } finally {
      object.body.destroy();
    }
    return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
  }
}

function isClientAbort(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted';
}
