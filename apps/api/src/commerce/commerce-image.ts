import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { COMMERCE_IMAGE_MAX_BYTES, COMMERCE_IMAGE_TYPES } from '@onda/contracts';
import { AppError } from '../common/app-error.js';

export type ImageType = (typeof COMMERCE_IMAGE_TYPES)[number];
const EXT: Record<ImageType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** The image type its first bytes say (PNG, JPEG, WebP), or null: the declared Content-Type is not trusted alone. */
export function sniffImage(head: Buffer): ImageType | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export const imageExtension = (type: ImageType): string => EXT[type];

/**
 * Reads an image request body (at most COMMERCE_IMAGE_MAX_BYTES, refused early by Content-Length or as it
 * streams past the limit) and checks that it is what it claims: a PNG, JPEG or WebP picture.
 */
export async function readImage(req: Readable & { headers: IncomingHttpHeaders }): Promise<{ type: ImageType; body: Buffer }> {
  const declared = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(COMMERCE_IMAGE_TYPES as readonly string[]).includes(declared)) {
    throw new AppError('unsupported_media_type', `Send the image as ${COMMERCE_IMAGE_TYPES.join(', ')} (Content-Type ${declared || 'missing'})`);
  }
  const max = COMMERCE_IMAGE_MAX_BYTES;
  const tooLarge = () => new AppError('payload_too_large', `Images are limited to ${max / 1024 / 1024} MiB`);
  if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) throw tooLarge();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (!body.length) throw new AppError('validation_failed', 'The request body is empty: send the image file');
  const type = sniffImage(body);
  if (type !== declared) throw new AppError('unsupported_media_type', type ? `The file is ${type}, not ${declared}` : 'The file is not a PNG, JPEG or WebP image');
  return { type, body };
}
