import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ShareIcon } from './icons';
import { formatClock } from '../vods/format';

interface SharePanelProps {
  /** Site path of the page: `/c/slug` or `/v/id`. */
  path: string;
  /** VOD: the playhead now, offered as `?t=` (whole seconds); absent for live channels. */
  currentTime?: () => number;
}

/** "Share": the page link (a VOD's at the current time if wanted) and the embed code, each with a copy button. */
export function SharePanel({ path, currentTime }: SharePanelProps) {
  const { t } = useTranslation();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [atTime, setAtTime] = useState(false);
  const [time, setTime] = useState(0);
  const origin = window.location.origin;
  const start = currentTime && atTime && time > 0 ? `?t=${time}` : '';
  const link = `${origin}${path}${start}`;
  const embed = `<iframe src="${origin}/embed${path}${start}" width="640" height="360" title="Onda" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`;

  return (
    <div className="share">
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={id}
        data-testid="share-toggle"
        onClick={() => {
          if (!open && currentTime) setTime(Math.floor(currentTime()));
          setOpen(!open);
        }}
      >
        <ShareIcon />
        {t('player.share')}
      </button>
      {open && (
        <div id={id} className="share__panel panel" data-testid="share-panel">
          {currentTime && (
            <label className="share__check">
              <input type="checkbox" checked={atTime} onChange={(event) => setAtTime(event.target.checked)} data-testid="share-at-time" />
              {t('player.shareAtTime', { time: formatClock(time) })}
            </label>
          )}
          <CopyField label={t('player.copyLink')} value={link} testId="share-link" />
          <CopyField label={t('player.copyEmbed')} value={embed} testId="share-embed" />
        </div>
      )}
    </div>
  );
}

function CopyField({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div className="share__field">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input id={id} className="share__input" readOnly value={value} data-testid={testId} onFocus={(event) => event.target.select()} />
      <button
        type="button"
        className="button button--small"
        onClick={() => {
          // Only secure contexts (https, localhost) have the clipboard API; the field stays selectable.
          navigator.clipboard?.writeText(value).then(() => setCopied(true), () => undefined);
        }}
      >
        <span aria-live="polite">{copied ? t('player.copied') : label}</span>
      </button>
    </div>
  );
}
