import { LIVE_INPUT_ARGS } from './live-args.js';

export interface SimulcastPushInput {
  /** The broadcast on the ingest (rtmp://ingest/live/<internal id>). */
  pullUrl: string;
  /** Where ffmpeg sends the FLV: the destination, or a local relay standing in for it. */
  outputUrl: string;
  /** The destination's own tcUrl (rtmp[s]://host[:port]/app) when `outputUrl` is a relay: what the service expects to see. */
  tcUrl?: string;
  /** Flags before `-i`; defaults to LIVE_INPUT_ARGS. */
  inputArgs?: readonly string[];
}

/**
 * One simulcast push: the source as published, remuxed into FLV over RTMP without decoding or encoding (a
 * destination costs a socket and a little CPU, never a ladder rung). One process per destination, reading the
 * ingest itself, so one destination failing never stalls the ladder or another destination.
 */
export function simulcastPushArgs(input: SimulcastPushInput): string[] {
  return [
    ...(input.inputArgs ?? LIVE_INPUT_ARGS), '-i', input.pullUrl,
    // Optional streams: an audio-only or silent source pushes what it has.
    '-map', '0:v:0?',
    '-map', '0:a:0?',
    '-c', 'copy',
    '-f', 'flv',
    // The output is a socket: no seeking back to patch duration and size into the header at the end.
    '-flvflags', 'no_duration_filesize',
    // A destination that stops reading for 10 s (microseconds) ends the push, which the worker then retries.
    '-rw_timeout', '10000000',
    ...(input.tcUrl ? ['-rtmp_tcurl', input.tcUrl] : []),
    input.outputUrl,
  ];
}

/**
 * Known stderr lines of a failed push and a fixed sentence for each. Fixed, because ffmpeg's own lines name the
 * output URL, stream key included, and reasons are stored and shown.
 */
const PUSH_FAILURES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  { pattern: /NetStream\.Publish\.(BadName|Denied)|Server error|Unauthori[sz]ed|authentication/i, reason: 'the destination refused the stream (check the stream key and URL)' },
  { pattern: /Connection refused/i, reason: 'the destination refused the connection' },
  { pattern: /timed out/i, reason: 'the destination stopped accepting data (timed out)' },
  { pattern: /Broken pipe|Connection reset|End of file|Input\/output error/i, reason: 'the destination closed the connection' },
  { pattern: /Stream not found|StreamNotFound/i, reason: 'the source is not on the ingest (encoder reconnecting?)' },
];

/** A plain, key-free reason for a push that ended, from its last stderr lines. */
export function classifyPushFailure(stderrLines: readonly string[], code: number | null): string {
  for (let i = stderrLines.length - 1; i >= 0; i--) {
    const hit = PUSH_FAILURES.find((f) => f.pattern.test(stderrLines[i]!));
    if (hit) return hit.reason;
  }
  return code === 0 ? 'the push ended (the source stopped)' : `the push stopped (ffmpeg exit code ${code ?? 'none'})`;
}
