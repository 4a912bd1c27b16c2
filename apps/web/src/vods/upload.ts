import type { Vod } from '@onda/contracts';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import type { ConsoleApi } from '../api/console-client';
import { errorText } from '../api/errors';
import { formatBytes, looksLikeVideo } from './format';

/** Where an upload is: asking for a ticket, sending bytes, or waiting for the server's check. */
export interface UploadProgress {
  stage: 'creating' | 'sending' | 'completing';
  loaded: number;
  total: number;
}

/** A refusal found before anything is sent (the server checks again, and decides). */
export type UploadProblem = 'noChannel' | 'noTitle' | 'noFile' | 'empty' | 'notVideo';

/** Client-side checks of the upload form, in the order a person fixes them. */
export function checkUpload(input: { channel: string; title: string; file: File | null }): UploadProblem | null {
  if (!input.channel) return 'noChannel';
  if (!input.file) return 'noFile';
  if (!looksLikeVideo(input.file)) return 'notVideo';
  if (input.file.size === 0) return 'empty';
  if (!input.title.trim()) return 'noTitle';
  return null;
}

/** A failed upload, with the size limit the server announced when it got that far. */
export class UploadFailed extends Error {
  constructor(
    readonly reason: unknown,
    readonly maxBytes: number | null,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'UploadFailed';
  }
}

type UploadApi = Pick<ConsoleApi, 'createVodUpload' | 'uploadVodFile' | 'completeVodUpload' | 'deleteVod'>;

/**
 * Uploads one video in the API's three steps: ticket (POST /v1/vods/uploads), PUT of the file to the
 * ticket's URL, then `complete`, which probes the file and queues the encode. Failures are UploadFailed;
 * the VOD the ticket created is then deleted (best effort), so a refused or cancelled upload leaves no row behind.
 */
export async function uploadVod(
  api: UploadApi,
  input: { channel: string; title: string; file: File },
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<Vod> {
  const { file } = input;
  let maxBytes: number | null = null;
  let vodId: string | null = null;
  try {
    onProgress({ stage: 'creating', loaded: 0, total: file.size });
    const ticket = await api.createVodUpload({
      channel: input.channel,
      title: input.title.trim(),
      bytes: file.size,
      contentType: file.type || 'application/octet-stream',
      direct: false,
    });
    maxBytes = ticket.maxBytes;
    vodId = ticket.vod.id;
    if (file.size > ticket.maxBytes) throw new ApiError('payload_too_large', 413, 'larger than the upload limit');
    onProgress({ stage: 'sending', loaded: 0, total: file.size });
    await api.uploadVodFile(ticket, file, (loaded, total) => onProgress({ stage: 'sending', loaded, total }), signal);
    onProgress({ stage: 'completing', loaded: file.size, total: file.size });
    return await api.completeVodUpload(ticket.vod.id);
  } catch (error) {
    if (vodId) await api.deleteVod(vodId).catch(() => undefined);
    throw new UploadFailed(error, maxBytes);
  }
}

/** The message for a failed upload: the clear cases (not a video, too large, connection) in words, else the server's. */
export function uploadErrorText(t: TFunction, failure: unknown, language: string): string {
  const error = failure instanceof UploadFailed ? failure.reason : failure;
  const maxBytes = failure instanceof UploadFailed ? failure.maxBytes : null;
  if (error instanceof ApiError) {
    if (error.code === 'unsupported_media_type' || error.status === 415) return t('console.vods.upload.errors.notVideo');
    if (error.code === 'payload_too_large' || error.status === 413) {
      return maxBytes ? t('console.vods.upload.errors.tooLarge', { limit: formatBytes(maxBytes, language) }) : t('console.vods.upload.errors.tooLargeNoLimit');
    }
    if (error.code === 'network') return t('console.vods.upload.errors.network');
  }
  return errorText(t, error);
}
