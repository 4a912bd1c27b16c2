/** A thin determinate progress bar (0-100) with an accessible name; the caption is shown beside it by the caller. */
export function ProgressBar({ percent, label, testId }: { percent: number; label: string; testId?: string }) {
  const value = Math.round(Math.min(100, Math.max(0, percent)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} data-testid={testId}>
      <div className="progress__bar" style={{ width: `${value}%` }} />
    </div>
  );
}
