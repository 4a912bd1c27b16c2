import type { ReactNode } from 'react';

interface StatePanelProps {
  title: string;
  hint?: string;
  icon?: ReactNode;
  tone?: 'neutral' | 'error';
  testId?: string;
  reason?: string;
  children?: ReactNode;
}

/** A centred message for empty, offline, ended and error states. */
export function StatePanel({ title, hint, icon, tone = 'neutral', testId, reason, children }: StatePanelProps) {
  return (
    <div className={`state state--${tone}`} data-testid={testId} data-reason={reason} role="status">
      {icon && (
        <div className="state__icon" aria-hidden="true">
          {icon}
        </div>
      )}
      <h2 className="state__title">{title}</h2>
      {hint && <p className="state__hint">{hint}</p>}
      {children}
    </div>
  );
}
