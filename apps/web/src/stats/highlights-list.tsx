import type { Highlight, HighlightSignal } from '@onda/contracts';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FilmIcon } from '../vods/vod-icons';
import { cueAt, type StoryboardCue } from '../vods/storyboard';
import type { StatsFormat } from './stats-format';

/** A thumbnail box of the list; sprite regions are scaled to fit it. */
const ThumbWidth = 160;

/** A sprite region to show, or a whole image. */
export type Thumb = { kind: 'sprite'; url: string; x: number; y: number; width: number; height: number } | { kind: 'image'; url: string } | null;

const Xywh = /#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/;

/**
 * The picture of a highlight: the server's thumbnail (a storyboard sprite region when it carries
 * `#xywh=`, else a whole image), or the storyboard cue at the highlight's start, or none.
 */
export function highlightThumb(highlight: Highlight, cues: readonly StoryboardCue[]): Thumb {
  const url = highlight.thumbnailUrl;
  const region = url ? Xywh.exec(url) : null;
  if (url && region) {
    const [x, y, width, height] = region.slice(1).map(Number) as [number, number, number, number];
    return { kind: 'sprite', url: url.slice(0, region.index), x, y, width, height };
  }
  const cue = cues.length > 0 ? cueAt(cues, highlight.start) : null;
  if (cue) return { kind: 'sprite', url: cue.url, x: cue.x, y: cue.y, width: cue.width, height: cue.height };
  return url ? { kind: 'image', url } : null;
}

/** The top moments of a broadcast: thumbnail, time span, why they scored, and a jump into the VOD. */
export function HighlightsList({ highlights, cues, format }: { highlights: Highlight[]; cues: readonly StoryboardCue[]; format: StatsFormat }) {
  const { t } = useTranslation();
  const signalText = (s: HighlightSignal): string => {
    switch (s.kind) {
      case 'chat-ratio':
        return t('stats.highlights.signal.chatRatio', { ratio: format.decimal(s.ratio) });
      case 'chat-burst':
        return t('stats.highlights.signal.chatBurst', { messages: format.count(s.messages), seconds: format.count(s.seconds) });
      case 'viewers-rise':
        return t('stats.highlights.signal.viewersRise', { delta: format.count(s.delta) });
      case 'viewer-peak':
        return t('stats.highlights.signal.viewerPeak', { viewers: format.count(s.viewers) });
    }
  };
  if (highlights.length === 0) return <p className="muted small" data-testid="highlights-empty">{t('stats.highlights.empty')}</p>;
  return (
    <ol className="stack-list dash-highlights" data-testid="highlights">
      {highlights.map((h, i) => {
        const thumb = highlightThumb(h, cues);
        const span = `${format.clock(h.start)} – ${format.clock(h.end)}`;
        const picture = <HighlightThumb thumb={thumb} />;
        return (
          <li key={`${h.start}-${i}`} className="dash-highlight" data-testid="highlight">
            {h.url ? (
              <Link to={h.url} className="dash-highlight__thumb" aria-label={t('stats.highlights.watchAt', { time: format.clock(h.start) })}>
                {picture}
              </Link>
            ) : (
              <span className="dash-highlight__thumb">{picture}</span>
            )}
            <div className="dash-highlight__body">
              <div className="dash-highlight__head">
                <span className="dash-highlight__rank">#{format.count(i + 1)}</span>
                <span className="dash-highlight__span" data-testid="highlight-span">
                  {span}
                </span>
                <span className="dash-highlight__score">{t('stats.highlights.score', { score: format.decimal(h.score) })}</span>
              </div>
              {h.signals.length > 0 && (
                <ul className="chips dash-highlight__reasons">
                  {h.signals.map((signal) => (
                    <li key={signal.kind} className="chip">
                      {signalText(signal)}
                    </li>
                  ))}
                </ul>
              )}
              {h.url ? (
                <Link to={h.url} className="button button--small" data-testid="highlight-link">
                  {t('stats.highlights.watch')}
                </Link>
              ) : (
                <span className="muted small">{t('stats.highlights.noVod')}</span>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function HighlightThumb({ thumb }: { thumb: Thumb }) {
  if (thumb?.kind === 'sprite') return <span className="dash-sprite" style={spriteBox(thumb)} data-testid="highlight-sprite" aria-hidden="true" />;
  if (thumb?.kind === 'image') return <img className="dash-highlight__img" src={thumb.url} alt="" loading="lazy" data-testid="highlight-image" />;
  return (
    <span className="dash-highlight__empty" aria-hidden="true">
      <FilmIcon />
    </span>
  );
}

/** The sprite region at its own size, scaled down to the list's thumbnail width with a transform. */
function spriteBox(thumb: Extract<Thumb, { kind: 'sprite' }>): CSSProperties {
  const scale = Math.min(1, ThumbWidth / thumb.width);
  return {
    width: `${thumb.width}px`,
    height: `${thumb.height}px`,
    backgroundImage: `url("${thumb.url}")`,
    backgroundPosition: `${-thumb.x}px ${-thumb.y}px`,
    transform: scale < 1 ? `scale(${scale})` : undefined,
    transformOrigin: 'top left',
    marginRight: scale < 1 ? `${-(thumb.width * (1 - scale))}px` : undefined,
    marginBottom: scale < 1 ? `${-(thumb.height * (1 - scale))}px` : undefined,
  };
}
