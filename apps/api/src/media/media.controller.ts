import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition, type ObjectStorage } from '@onda/storage';
import { AppError } from '../common/app-error.js';
import { STORAGE } from '../common/tokens.js';
import { MediaAccessService, VOD_SOURCE_FILES } from '../playback/media-access.service.js';

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  vtt: 'text/vtt; charset=utf-8',
};

/**
 * Playlists change every segment: cache them for about half a segment. Segments never change once
 * written: cache them forever. What the worker stored with the object wins over these defaults.
 */
function cacheControlFor(key: string): string {
  return key.endsWith('.m3u8') ? 'public, max-age=1' : 'public, max-age=31536000, immutable';
}

const KEY = /^(live|vod)\/[A-Za-z0-9/_.-]+$/;

/**
 * Serves HLS objects from storage. Used in embedded mode and whenever no CDN/bucket URL is configured
 * (MEDIA_PUBLIC_URL); in scale-out behind a CDN viewers never reach this path.
 */
@ApiExcludeController()
@Controller('media')
export class MediaController {
  constructor(
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    private readonly access: MediaAccessService,
  ) {}

  /**
   * Private channels' objects: `/media/s/<exp>.<sig>/live/<session>/...` or `.../vod/<id>/...` (see
   * PlaybackSigner), and VOD source downloads (`vod/<id>/upload`, `vod/<id>/source.mp4`, `?name=` the
   * file name to save as) for any channel.
   */
  @Get('s/:token/*key')
  async signed(@Param('token') token: string, @Param('key') keyParam: string | string[], @Query('name') name: unknown, @Res() res: Response): Promise<void> {
    const key = Array.isArray(keyParam) ? keyParam.join('/') : keyParam;
    if (!this.access.verifySigned(token, key)) throw new AppError('forbidden', 'The playback signature is invalid or expired');
    const parts = key.split('/');
    if (parts.length === 3 && parts[0] === 'vod' && VOD_SOURCE_FILES.has(parts[2]!)) {
      const fallback = parts[2] === 'upload' ? parts[1]! : `${parts[1]}.mp4`;
      res.setHeader('Content-Disposition', attachmentDisposition(typeof name === 'string' && name.trim() ? name : fallback));
    }
    // Signed URLs differ per viewer and expire: keep them out of shared caches.
    await this.serve(key, res, 'private, max-age=1');
  }

  @Get('*key')
  async get(@Param('key') keyParam: string | string[], @Res() res: Response): Promise<void> {
    const key = Array.isArray(keyParam) ? keyParam.join('/') : keyParam;
    if (!(await this.access.unsignedAllowed(key))) throw new AppError('forbidden', 'This object is private: use the signed URL the API gives its owner');
    await this.serve(key, res);
  }

  private async serve(key: string, res: Response, cacheOverride?: string): Promise<void> {
    if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.' || part === '')) {
      throw new AppError('not_found', 'No such media object');
    }
    const object = await this.storage.get(key);
    if (!object) throw new AppError('not_found', 'No such media object');
    const ext = key.slice(key.lastIndexOf('.') + 1);
    res.status(200);
    res.setHeader('Content-Type', TYPES[ext] ?? object.contentType ?? 'application/octet-stream');
    res.setHeader('Cache-Control', cacheOverride ?? object.cacheControl ?? cacheControlFor(key));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Length', String(object.size));
    if (object.etag) res.setHeader('ETag', object.etag);
    res.setHeader('Last-Modified', object.lastModified.toUTCString());
    if (res.req.method === 'HEAD') {
      object.body.destroy();
      res.end();
      return;
    }
    await pipeline(object.body, res).catch(() => {
      // The viewer went away mid-transfer; nothing to report.
    });
  }
}
