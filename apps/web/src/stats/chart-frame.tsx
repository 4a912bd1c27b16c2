import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** Width used before layout (and where there is none, as in component tests). */
const FallbackWidth = 640;

/** Dark-theme colours of the charts (SVG attributes take no CSS variables). */
export const ChartColors = {
  grid: '#262a35',
  axis: '#9aa0ad',
  viewers: '#7c5cff',
  chat: '#38bdf8',
  reactions: '#ff3b5c',
  chatters: '#facc15',
  vod: '#34d399',
  highlight: '#ff8a5b',
  series: ['#7c5cff', '#38bdf8', '#34d399', '#facc15', '#ff8a5b', '#ff3b5c', '#a78bfa'],
} as const;

export const AxisTick = { fill: ChartColors.axis, fontSize: 12 };

// Charts draw at once: no entry animation (it only delays what the producer came to read).
export const still = { isAnimationActive: false } as const;

/** The look of an area series (viewers over a broadcast, sessions over a VOD): a line over a light fill of its colour. */
export const filledArea = (color: string) => ({ stroke: color, fill: color, fillOpacity: 0.25, strokeWidth: 2 }) as const;
export const TooltipStyle = {
  contentStyle: { background: '#16181f', border: `1px solid ${ChartColors.grid}`, borderRadius: 8, color: '#eceef3', fontSize: 13 },
  labelStyle: { color: '#eceef3', fontWeight: 600 },
  itemStyle: { color: '#eceef3' },
  cursor: { stroke: ChartColors.axis, strokeOpacity: 0.4 },
};

/**
 * A chart box as wide as its container: measures it (ResizeObserver) and hands the chart a fixed size,
 * so charts render the same way in a browser and in a DOM without layout.
 */
export function ChartFrame({ height, label, testId, children }: { height: number; label: string; testId?: string; children: (width: number) => ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(FallbackWidth);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(measured);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  return (
    <div ref={ref} className="dash-chart" style={{ height }} role="figure" aria-label={label} data-testid={testId}>
      {children(width)}
    </div>
  );
}
