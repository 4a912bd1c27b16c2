import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { QualityOption } from './quality';

interface QualityMenuProps {
  options: QualityOption[];
  /** Level index the viewer chose, or -1 for automatic. */
  selected: number;
  /** Level index playing now (shown next to "Auto"), or -1. */
  active: number;
  onSelect: (level: number) => void;
}

/** A native select: keyboard- and screen-reader-friendly, and simple for e2e tests to drive. */
export function QualityMenu({ options, selected, active, onSelect }: QualityMenuProps) {
  const { t } = useTranslation();
  const id = useId();
  const activeLabel = options.find((option) => option.level === active)?.label;
  return (
    <label className="quality" htmlFor={id} title={t('player.quality')}>
      <span className="quality__label">{t('player.quality')}</span>
      <select
        id={id}
        className="quality__select"
        data-testid="quality-menu"
        aria-label={t('player.quality')}
        value={selected}
        onChange={(event) => onSelect(Number(event.target.value))}
      >
        <option value={-1}>{activeLabel ? t('player.autoWithLevel', { level: activeLabel }) : t('player.auto')}</option>
        {options.map((option) => (
          <option key={option.level} value={option.level}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
