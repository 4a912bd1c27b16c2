/** Known ffmpeg stderr lines and what they mean to an operator, most specific first. */
export const FFMPEG_FAILURES: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /Connection refused/i, reason: 'The input refused the connection (is the ingest running?)' },
  { pattern: /Server returned 404|404 Not Found|Stream not found|NetStream\.Play\.StreamNotFound/i, reason: 'The input stream does not exist on the server' },
  { pattern: /Connection timed out|timed out/i, reason: 'The input stopped sending data (timed out)' },
  { pattern: /No space left on device/i, reason: 'The scratch disk is full' },
  { pattern: /Permission denied/i, reason: 'Permission denied reading the input or writing the output' },
  { pattern: /No such file or directory/i, reason: 'A file, folder or stream name was not found' },
  { pattern: /Invalid data found when processing input/i, reason: 'The input is not a valid media stream' },
  {
    pattern: /Error (while opening|initializing|while) encod|Error initializing output stream|Error while encoding|Could not open encoder|Invalid argument.*encoder|\[libx264 @ [^\]]+\] .*(error|failed)/i,
    reason: 'The video or audio encoder failed (check the ladder settings)',
  },
  { pattern: /Unrecognized option|Option .* not found/i, reason: 'This ffmpeg build does not support an option Onda uses' },
  { pattern: /End of file|Input\/output error|Broken pipe|Connection reset/i, reason: 'The input ended or was cut off' },
];

/** Turns the last stderr lines of a failed ffmpeg into a plain-English reason (the last line when nothing matches). */
export function classifyFfmpegFailure(stderrLines: readonly string[]): string | null {
  // Scan from the end: the last known error is usually the cause, earlier ones are often warnings.
  for (let i = stderrLines.length - 1; i >= 0; i--) {
    const line = stderrLines[i]!;
    const hit = FFMPEG_FAILURES.find((f) => f.pattern.test(line));
    if (hit) return hit.reason;
  }
  const last = [...stderrLines].reverse().find((l) => l.trim().length > 0);
  return last ? `ffmpeg failed: ${last.trim().slice(0, 300)}` : null;
}
