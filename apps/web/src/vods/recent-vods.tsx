import type { Vod } from '@onda/contracts';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../api/api-context';
import { useLoad } from '../api/use-load';
import { formatDateTime } from '../i18n/format';
import { formatClock } from './format';
import { FilmIcon } from './vod-icons';
import './vods.css';

const RecentCount = 8;

/** A channel's latest ready VODs, for its page (loaded once per slug; errors just hide the list). */
export function useRecentVods(slug: string): Vod[] {
  const api = useApi();
  const loaded = useLoad(`recent-vods:${slug}`, async (signal) => (await api.listChannelVods(slug, RecentCount, signal)).items);
  return (loaded.data ?? []).filter((vod) => vod.status === 'ready');
}

/** A row of VOD cards (poster, duration, title, date) linking to `/v/:id`; nothing when empty. */
export function RecentVods({ vods }: { vods: Vod[] }) {
  const { t, i18n } = useTranslation();
  if (vods.length === 0) return null;
  return (
    <section className="recent-vods" aria-labelledby="recent-vods-title" data-testid="recent-vods">
      <h2 id="recent-vods-title" className="panel__title">
        {t('vod.recentTitle')}
      </h2>
      <ul className="recent-vods__list">
        {vods.map((vod) => (
          <li key={vod.id}>
            <VideoCard to={`/v/${vod.id}`} posterUrl={vod.posterUrl} durationSeconds={vod.durationSeconds} title={vod.title} meta={formatDateTime(vod.createdAt, i18n.language)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

interface VideoCardProps {
  to: string;
  posterUrl: string | null;
  durationSeconds: number | null;
  title: string;
  /** The line under the title (a date, views). */
  meta: ReactNode;
  testId?: string;
}

/** One card of a row of videos: poster (or a film icon) with the length on it, title, one line more; all one link. */
export function VideoCard({ to, posterUrl, durationSeconds, title, meta, testId }: VideoCardProps) {
  return (
    <Link to={to} className="vod-card" data-testid={testId}>
      <span className="vod-card__thumb">
        {posterUrl ? <img src={posterUrl} alt="" loading="lazy" /> : <FilmIcon />}
        {durationSeconds !== null && <span className="vod-card__duration">{formatClock(durationSeconds)}</span>}
      </span>
      <span className="vod-card__title">{title}</span>
      <span className="vod-card__meta">{meta}</span>
    </Link>
  );
}
