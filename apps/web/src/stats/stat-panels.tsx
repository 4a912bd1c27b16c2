import type { Qoe } from '@onda/contracts';
import { useTranslation } from 'react-i18next';
import type { StatsFormat } from './stats-format';

/** A row of headline numbers: `[key, label, value]`. */
export function StatCards({ cards, testId = 'stat-cards' }: { cards: ReadonlyArray<readonly [string, string, string]>; testId?: string }) {
  return (
    <dl className="dash-cards" data-testid={testId}>
      {cards.map(([key, label, value]) => (
        <div key={key} className="dash-card" data-testid={`card-${key}`}>
          <dt className="dash-card__label">{label}</dt>
          <dd className="dash-card__value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Quality of experience: startup time, rebuffering and errors over the playbacks. */
export function QoePanel({ qoe, format }: { qoe: Qoe; format: StatsFormat }) {
  const { t } = useTranslation();
  const rows: Array<[string, string, string]> = [
    ['playbacks', t('stats.qoe.playbacks'), format.count(qoe.playbacks)],
    ['startup-p50', t('stats.qoe.startupP50'), format.millis(qoe.startupMsP50)],
    ['startup-p90', t('stats.qoe.startupP90'), format.millis(qoe.startupMsP90)],
    ['rebuffer-ratio', t('stats.qoe.rebufferRatio'), format.ratio(qoe.rebufferRatio)],
    ['rebuffers', t('stats.qoe.rebufferEvents'), format.count(qoe.rebufferEvents)],
    ['errors', t('stats.qoe.errors'), t('stats.qoe.errorsValue', { errors: format.count(qoe.errors), fatal: format.count(qoe.fatalErrors) })],
  ];
  const tone = qoe.rebufferRatio !== null && qoe.rebufferRatio > 0.02 ? 'warn' : 'ok';
  return (
    <dl className="dash-facts" data-testid="qoe-panel" data-tone={tone}>
      {rows.map(([key, label, value]) => (
        <div key={key} className="dash-facts__row" data-testid={`qoe-${key}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Viewers per country, or a note that no GeoIP source is configured. */
export function CountriesPanel({ countries, format, language }: { countries: Record<string, number> | null; format: StatsFormat; language: string }) {
  const { t } = useTranslation();
  if (countries === null) return <p className="muted small">{t('stats.live.noGeo')}</p>;
  const entries = Object.entries(countries).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="muted small">{t('stats.none')}</p>;
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([language], { type: 'region' });
  } catch {
    names = null;
  }
  return (
    <dl className="dash-facts" data-testid="countries">
      {entries.map(([code, count]) => (
        <div key={code} className="dash-facts__row">
          <dt>{safeRegion(names, code)}</dt>
          <dd>{format.count(count)}</dd>
        </div>
      ))}
    </dl>
  );
}

function safeRegion(names: Intl.DisplayNames | null, code: string): string {
  try {
    return names?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
