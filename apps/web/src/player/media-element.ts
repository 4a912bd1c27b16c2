import type Hls from 'hls.js';

/**
 * Small pieces both players (live and VOD) use on their video element and hls.js instance,
 * so the two keep the same autoplay, mute and level-choice behaviour.
 */

/** Starts playback; `refused` runs when the browser says no (autoplay policy) or a reload interrupts it. */
export function playOrReport(video: HTMLVideoElement, refused: () => void): void {
  try {
    // Older engines return undefined instead of a promise.
    void Promise.resolve(video.play()).catch(refused);
  } catch {
    refused();
  }
}

/** Unmuting also restores a zero volume, so "sound on" is always audible. */
export function setMuted(video: HTMLVideoElement, muted: boolean): void {
  video.muted = muted;
  if (!muted && video.volume === 0) video.volume = 1;
}

export const isMuted = (video: HTMLVideoElement): boolean => video.muted || video.volume === 0;

/** Adds the handlers to the element; returns what removes them all. */
export function listen(video: HTMLVideoElement, handlers: Record<string, () => void>): () => void {
  for (const [name, handler] of Object.entries(handlers)) video.addEventListener(name, handler);
  return () => {
    for (const [name, handler] of Object.entries(handlers)) video.removeEventListener(name, handler);
  };
}

/** Picks a level index, or -1 to let hls.js adapt; returns the viewer's choice as the UI shows it. */
export function chooseLevel(hls: Hls, level: number): number {
  // currentLevel switches now (flushing the buffer) so the viewer sees the choice at once.
  hls.currentLevel = level;
  return hls.autoLevelEnabled ? -1 : level;
}
