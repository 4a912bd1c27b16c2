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
    <VideoShelf
      name="recent-vods"
      title={t('vod.recentTitle')}
      items={vods}
      card={(vod) => ({ key: vod.id, to: `/v/${vod.id}`, posterUrl: vod.posterUrl, durationSeconds: vod.durationSeconds, title: vod.title, meta: formatDateTime(vod.createdAt, i18n.language) })}
    />
  );
}

export interface VideoShelfProps<T> {
  /** Names the section: its test id, and `<name>-title` is its heading's id. */
  name: string;
  title: string;
  items: readonly T[];
  card(item: T): VideoCardProps & { key: string };
  /** Classes added to the section's. */
  className?: string;
  /** Under the cards (a "more" button, an error). */
  children?: ReactNode;
}

/** A titled row of video cards (a channel's recent VODs, its clips) that wraps into a grid. */
export function VideoShelf<T>({ name, title, items, card, className, children }: VideoShelfProps<T>) {
  return (
    <section className={className ? `recent-vods ${className}` : 'recent-vods'} aria-labelledby={`${name}-title`} data-testid={name}>
      <h2 id={`${name}-title`} className="panel__title">
        {title}
      </h2>
      <ul className="recent-vods__list">
        {items.map((item) => {
          const { key, ...props } = card(item);
          return (
            <li key={key}>
              <VideoCard {...props} />
            </li>
          );
        })}
      </ul>
      {children}
    </section>
  );
}

export interface VideoCardProps {
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
