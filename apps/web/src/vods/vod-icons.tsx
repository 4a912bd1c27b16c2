import type { SVGProps } from 'react';

// Control-bar sizes of the player icons (components/icons.tsx has the big play button).
const base: SVGProps<SVGSVGElement> = {
  viewBox: '0 0 24 24',
  width: 20,
  height: 20,
  fill: 'currentColor',
  stroke: 'none',
  'aria-hidden': true,
  focusable: false,
};

/** Small triangle: play. */
export function SmallPlayIcon() {
  return (
    <svg {...base}>
      <path d="M8 5.5v13a1 1 0 0 0 1.5.86l11-6.5a1 1 0 0 0 0-1.72l-11-6.5A1 1 0 0 0 8 5.5z" />
    </svg>
  );
}

/** Two bars: pause. */
export function PauseIcon() {
  return (
    <svg {...base}>
      <rect x="6" y="5" width="4" height="14" rx="1" />
      <rect x="14" y="5" width="4" height="14" rx="1" />
    </svg>
  );
}

/** Circular arrow: play again from the start. */
export function ReplayIcon() {
  return (
    <svg {...base} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      <path d="M3 12a9 9 0 1 0 3-6.7L3 8" />
      <path d="M3 3v5h5" />
    </svg>
  );
}

/** Film frame: a video without a poster yet. */
export function FilmIcon() {
  return (
    <svg {...base} fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round">
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M7 5v14M17 5v14M3 9h4M3 15h4M17 9h4M17 15h4" />
    </svg>
  );
}
