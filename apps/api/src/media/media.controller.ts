import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { attachmentDisposition, type ObjectStorage } from '@onda/storage';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, STORAGE, type ApiOptions, mediaBaseUrl } from '../common/tokens.js';
import { DirectMediaService } from '../playback/direct-media.service.js';
import { MediaAccessService } from '../playback/media-access.service.js';
import { isSourceObject } from '../playback/playback-signer.js';
import { LlDeliveryService } from './ll-delivery.service.js';

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  vtt: 'text/vtt; charset=utf-8',
};

/**
 * Playlists change every segment: browsers revalidate every load, shared caches may keep one for a
 * second. Segments never change once written: cache them forever. What the worker stored with the
 * object wins over these defaults.
 */
function cacheControlFor(key: string): string {
  return key.endsWith('.m3u8') ? 'public, max-age=0, s-maxage=1' : 'public, max-age=31536000, immutable';
}

const KEY = /^(live|vod|clip|commerce)\/[A-Za-z0-9/_.-]+$/;

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
    private readonly ll: LlDeliveryService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    private readonly direct: DirectMediaService,
  ) {}

  /** Where viewers fetch media objects when that is not this route (a CDN or the bucket): LL playlists point there. */
  private get externalMedia(): string | undefined {
    const base = mediaBaseUrl(this.options).replace(/\/+$/, '');
    return base === `${this.options.publicUrl.replace(/\/+$/, '')}/media` ? undefined : base;
  }

  /**
   * Private channels' objects: `/media/s/<exp>.<sig>/live/<session>/...` or `.../vod/<id>/...` (see
   * PlaybackSigner), and VOD source downloads (`vod/<id>/upload`, `vod/<id>/source.mp4`, `?name=` the
   * file name to save as) for any channel.
   */
  @Get('s/:token/*key')
  async signed(@Param('token') token: string, @Param('key') keyParam: string | string[], @Query('name') name: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const key = Array.isArray(keyParam) ? keyParam.join('/') : keyParam;
    const saveAs = typeof name === 'string' ? name : '';
    if (!this.access.verifySigned(token, key, saveAs)) throw new AppError('forbidden', 'The playback signature is invalid or expired');
    if (await this.ll.serve(key, req.query, res)) return;
    const parts = key.split('/');
    const download = isSourceObject(key);
    if (this.direct.enabled && !download && KEY.test(key)) {
      // Direct delivery: playlists here with every object signed; any object itself from storage/CDN.
      if (key.endsWith('.m3u8')) return this.signedPlaylist(key, res);
      const url = await this.direct.objectUrl(key);
      if (url) {
        res.setHeader('Cache-Control', 'private, max-age=60');
        res.redirect(302, url);
        return;
      }
    }
    if (download) {
      const fallback = parts[2] === 'upload' ? parts[1]! : `${parts[1]}.mp4`;
      res.setHeader('Content-Disposition', attachmentDisposition(saveAs.trim() ? saveAs : fallback));
    }
    // Signed URLs differ per viewer and expire: keep them out of shared caches.
    await this.serve(key, res, 'private, max-age=1');
  }

  @Get('*key')
  async get(@Param('key') keyParam: string | string[], @Req() req: Request, @Res() res: Response): Promise<void> {
    const key = Array.isArray(keyParam) ? keyParam.join('/') : keyParam;
    if (!(await this.access.unsignedAllowed(key))) throw new AppError('forbidden', 'This object is private: use the signed URL the API gives its owner');
    // Live low-latency playlists are rendered from the announced model (blocking reload, delta updates).
    const mediaBase = this.externalMedia;
    if (await this.ll.serve(key, req.query, res, mediaBase ? { mediaBase } : {})) return;
    await this.serve(key, res);
  }

  private async signedPlaylist(key: string, res: Response): Promise<void> {
    if (key.split('/').some((part) => part === '..' || part === '.' || part === '')) throw new AppError('not_found', 'No such media object');
    const text = await this.direct.playlist(key);
    if (text === null) throw new AppError('not_found', 'No such media object');
    res.status(200);
    res.setHeader('Content-Type', TYPES.m3u8!);
    // Per viewer (the signed path) and changing every segment: never in a shared cache, barely in the player's.
    res.setHeader('Cache-Control', 'private, max-age=1');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.send(text);
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
