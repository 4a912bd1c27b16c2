import type { Channel } from '@onda/contracts';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EyeIcon } from '../components/icons';
import { formatDateTime, formatNumber, formatUptime } from '../i18n/format';

/** How often the cards' "live for" counters move on (they count minutes). */
export const UptimeTickMs = 30_000;

/** The current time, renewed every `intervalMs` while mounted. */
function useNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * A live channel on the home page: its newest live thumbnail (the URL changes with every picture, so the list's
 * refresh brings the new one) with the viewer count and how long it has been live, or the channel's initial on
 * a gradient until the first picture exists or when it cannot load.
 */
export function LiveChannelCard({ channel }: { channel: Channel }) {
  const { t, i18n } = useTranslation();
  const now = useNow(UptimeTickMs);
  const [failed, setFailed] = useState<string | null>(null);
  const startedAt = channel.liveSession?.startedAt ?? channel.liveSession?.createdAt;
  const thumbnail = channel.thumbnailUrl && failed !== channel.thumbnailUrl ? channel.thumbnailUrl : null;
  const uptime = startedAt ? formatUptime(startedAt, i18n.language, now) : null;
  return (
    <li className="card" data-testid={`channel-${channel.slug}`}>
      <Link to={`/c/${channel.slug}`} className="card__link">
        <div className="card__thumb">
          {thumbnail ? (
            <img className="card__image" src={thumbnail} alt="" onError={() => setFailed(thumbnail)} data-testid="card-thumbnail" />
          ) : (
            <span className="card__initial" aria-hidden="true">{channel.title.trim().charAt(0).toUpperCase()}</span>
          )}
          <span className="badge badge--live card__badge">{t('status.live')}</span>
          {channel.viewerCount !== undefined && (
            <span className="card__overlay card__viewers" data-testid="card-viewers">
              <EyeIcon />
              {t('chat.viewers', { count: channel.viewerCount, formatted: formatNumber(channel.viewerCount, i18n.language) })}
            </span>
          )}
          {startedAt && (
            <span className="card__overlay card__uptime" data-testid="card-uptime">
              {uptime ? t('home.liveFor', { duration: uptime }) : t('home.justStarted')}
            </span>
          )}
        </div>
        <div className="card__body">
          <h2 className="card__title">{channel.title}</h2>
          <p className="card__meta">
            <span className="card__slug">/{channel.slug}</span>
            {startedAt && <time dateTime={startedAt}>{t('home.startedAt', { time: formatDateTime(startedAt, i18n.language) })}</time>}
          </p>
        </div>
      </Link>
    </li>
  );
}
