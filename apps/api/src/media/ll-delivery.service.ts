import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { llPosition, llTooFarAhead, renderLlPlaylist, type LlRenditionReport, type LlRequest } from '@onda/media';
import { AppError } from '../common/app-error.js';
import { LlPlaylistsService } from './ll-playlists.service.js';

/** `live/<session>/<rendition>/index.m3u8`: the playlists a low-latency broadcast serves from its model. */
const LL_PLAYLIST = /^live\/([0-9a-f-]{36})\/([A-Za-z0-9_-]+)\/index\.m3u8$/;

const int = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw new AppError('validation_failed', `${name}: a non-negative integer`);
  return Number(v);
};

/**
 * Blocking playlist reload (RFC 8216bis 6.2.5.2) and delta updates (6.2.5.1) for low-latency
 * broadcasts: `_HLS_msn`/`_HLS_part` hold the request until that part is announced, `_HLS_skip=YES`
 * answers a delta playlist. Live only: an ended broadcast's playlist is the stored replay.
 */
@Injectable()
export class LlDeliveryService {
  constructor(private readonly models: LlPlaylistsService) {}

  /** Answers the request when `key` is a live low-latency playlist; false to let the object be served from storage. */
  async serve(key: string, query: Record<string, unknown>, res: Response, opts: { mediaBase?: string } = {}): Promise<boolean> {
    const m = LL_PLAYLIST.exec(key);
    if (!m) return false;
    const [, sessionId, rendition] = m as unknown as [string, string, string];
    const msn = int(query._HLS_msn, '_HLS_msn');
    const part = int(query._HLS_part, '_HLS_part');
    const skip = query._HLS_skip;
    if (part !== undefined && msn === undefined) throw new AppError('validation_failed', '_HLS_part needs _HLS_msn');
    if (skip !== undefined && skip !== 'YES' && skip !== 'v2') throw new AppError('validation_failed', '_HLS_skip: YES or v2');

    let model = await this.models.get(sessionId, rendition);
    if (!model || model.ended) return false;
    if (msn !== undefined) {
      const req: LlRequest = part === undefined ? { msn } : { msn, part };
      if (llTooFarAhead(model, req)) throw new AppError('validation_failed', `_HLS_msn=${msn}${part === undefined ? '' : `&_HLS_part=${part}`} is too far ahead of the live edge`);
      const abort = new AbortController();
      res.req.once('close', () => abort.abort());
      // The spec's limit: a server that cannot answer within three target durations says so (503).
      const ok = await this.models.wait(sessionId, rendition, req, 3 * model.targetDuration * 1000, abort.signal);
      if (abort.signal.aborted) {
        res.end();
        return true;
      }
      if (!ok) {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Retry-After', '1');
        throw new AppError('unavailable', `part ${msn}.${part ?? '-'} did not arrive in time`);
      }
      model = (await this.models.get(sessionId, rendition)) ?? model;
      if (model.ended) return false;
    }
    const reports: LlRenditionReport[] = [];
    for (const other of model.renditions) {
      if (other === rendition) continue;
      const om = await this.models.get(sessionId, other);
      const pos = om && !om.ended ? llPosition(om) : null;
      if (pos) reports.push({ uri: `../${other}/index.m3u8`, position: pos });
    }
    // Parts and segments from the CDN or bucket when one is configured: only playlists go through the API.
    const mediaBase = opts.mediaBase ? `${opts.mediaBase}/live/${sessionId}/${rendition}/` : undefined;
    const body = renderLlPlaylist(model, { skip: skip !== undefined, reports, ...(mediaBase ? { mediaBase } : {}) });
    res.status(200);
    res.setHeader('Content-Type', 'application/vnd.apple.mpegurl');
    // A blocking answer contains the requested part whenever it is served, so a CDN may keep it per
    // msn/part URL for a while; the plain URL changes every part and must not be cached.
    res.setHeader('Cache-Control', msn !== undefined ? `public, max-age=${3 * model.targetDuration}` : 'no-cache');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Age');
    res.setHeader('Content-Length', String(Buffer.byteLength(body)));
    res.end(res.req.method === 'HEAD' ? undefined : body);
    return true;
  }
}
