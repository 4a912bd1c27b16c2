/** Bytes of a file's beginning the sniffer wants (MPEG-TS needs three 188-byte packets; EBML names its DocType early). */
export const SNIFF_BYTES = 4096;

export type SniffResult =
  | { video: true; container: string; contentType: string }
  | { video: false; empty: boolean; detail: string };

const ascii = (b: Buffer, start: number, end: number): string => b.subarray(start, end).toString('latin1');
const startsWith = (b: Buffer, bytes: number[], at = 0): boolean => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const video = (container: string, contentType: string): SniffResult => ({ video: true, container, contentType });
const notVideo = (what: string): SniffResult => ({ video: false, empty: false, detail: `this looks like ${what}, not a video` });

/** ISO-BMFF brands that hold no video (audio, still images). */
const NOT_VIDEO_BRANDS: Record<string, string> = {
  'M4A ': 'an M4A audio file',
  'M4B ': 'an M4B audiobook',
  'M4P ': 'an M4P audio file',
  heic: 'a HEIC image', heix: 'a HEIC image', mif1: 'a HEIF image', msf1: 'a HEIF image sequence',
  avif: 'an AVIF image', avis: 'an AVIF image sequence',
  crx: 'a Canon raw photo',
  'jp2 ': 'a JPEG 2000 image',
};

/** QuickTime files older than `ftyp` start with one of these atoms. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/**
 * Recognises video containers by their magic numbers (the first bytes of a file): ISO-BMFF (MP4, MOV,
 * M4V, 3GP), Matroska/WebM, FLV, MPEG-TS/M2TS, AVI, MPEG-PS, ASF/WMV, Ogg. Common non-video files get a
 * plain-English name ("a PNG image") for the refusal. Whether the streams inside decode is left to
 * ffprobe in the encode job; this only stops obvious mistakes before gigabytes are stored.
 */
export function sniffMedia(head: Buffer): SniffResult {
  if (head.length === 0) return { video: false, empty: true, detail: 'the file is empty' };

  // ISO base media: [size][ftyp][major brand]... Brand names are four characters, some padded with spaces.
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    const known = NOT_VIDEO_BRANDS[brand] ?? NOT_VIDEO_BRANDS[brand.trim()];
    if (known) return notVideo(known);
    if (brand === 'qt  ') return video('mov', 'video/quicktime');
    if (brand.startsWith('3g')) return video('3gp', 'video/3gpp');
    if (brand === 'M4V ' || brand === 'M4VH' || brand === 'M4VP') return video('m4v', 'video/x-m4v');
    return video('mp4', 'video/mp4');
  }
  if (head.length >= 8 && QUICKTIME_ATOMS.has(ascii(head, 4, 8))) return video('mov', 'video/quicktime');
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML header; its DocType element says webm or matroska.
    return head.subarray(0, 64).includes('webm') ? video('webm', 'video/webm') : video('mkv', 'video/x-matroska');
  }
  if (startsWith(head, [0x46, 0x4c, 0x56, 0x01])) return video('flv', 'video/x-flv');
  if (isTransportStream(head)) return video('ts', 'video/mp2t');
  if (ascii(head, 0, 4) === 'RIFF' && head.length >= 12) {
    const form = ascii(head, 8, 12);
    if (form === 'AVI ') return video('avi', 'video/x-msvideo');
    if (form === 'WAVE') return notVideo('a WAV audio file');
    if (form === 'WEBP') return notVideo('a WebP image');
    return notVideo('a RIFF file that is not an AVI video');
  }
  // MPEG program stream pack header, or a raw MPEG-1/2 video sequence header.
  if (startsWith(head, [0x00, 0x00, 0x01, 0xba]) || startsWith(head, [0x00, 0x00, 0x01, 0xb3])) return video('mpeg', 'video/mpeg');
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return video('asf', 'video/x-ms-asf');
  // Ogg may hold Theora video or only audio: ffprobe decides.
  if (ascii(head, 0, 4) === 'OggS') return video('ogg', 'video/ogg');

  return notVideo(describeOther(head));
}

/** 0x47 sync bytes every 188 bytes (TS) or every 192 with a 4-byte timestamp first (M2TS, AVCHD). */
function isTransportStream(head: Buffer): boolean {
  for (const [offset, stride] of [[0, 188], [4, 192]] as const) {
    // At least two packets' sync bytes, three when the head is long enough.
    if (head.length < offset + stride + 1) continue;
    const packets = Math.min(3, Math.floor((head.length - offset - 1) / stride) + 1);
    let ok = true;
    for (let i = 0; i < packets; i++) if (head[offset + i * stride] !== 0x47) ok = false;
    if (ok) return true;
  }
  return false;
}

/** What a non-video file probably is, for the refusal's detail. */
function describeOther(head: Buffer): string {
  const signatures: Array<[number[], string]> = [
    [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
    [[0xff, 0xd8, 0xff], 'a JPEG image'],
    [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
    [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image'],
    [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image'],
    [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
    [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (or an Office document)'],
    [[0x1f, 0x8b], 'a gzip archive'],
    [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
    [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
    [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF executable)'],
    [[0x49, 0x44, 0x33], 'an MP3 audio file'],
    [[0x66, 0x4c, 0x61, 0x43], 'a FLAC audio file'],
  ];
  for (const [bytes, what] of signatures) if (startsWith(head, bytes)) return what;
  // MPEG audio frame sync (MP3 without an ID3 tag) or ADTS AAC.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return 'an MP3 or AAC audio file';
  const text = isText(head);
  // Two-byte signatures only for binary files: a text could start with "BM" or "MZ".
  if (!text && startsWith(head, [0x42, 0x4d])) return 'a BMP image';
  if (!text && startsWith(head, [0x4d, 0x5a])) return 'a Windows program';
  if (text) {
    const start = head.toString('utf8').trimStart().slice(0, 64).toLowerCase();
    if (start.startsWith('#extm3u')) return 'an HLS playlist (upload the video file itself)';
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'an HTML page';
    if (start.startsWith('{') || start.startsWith('[')) return 'a JSON text file';
    return 'a text file';
  }
  return 'a file of an unknown type (no known video container signature)';
}

/** Valid UTF-8 without control characters other than tab, CR, LF (a cut multi-byte character at the end is fine). */
function isText(head: Buffer): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const body = text.replace(/\uFFFD$/, '');
  if (body.includes('\uFFFD')) return false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}
