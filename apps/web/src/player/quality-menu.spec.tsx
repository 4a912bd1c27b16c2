import { fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { qualityOptions } from './quality';
import { QualityMenu } from './quality-menu';

// hls.js orders levels by bitrate, lowest first.
const options = qualityOptions([
  { height: 360, bitrate: 800_000 },
  { height: 480, bitrate: 1_400_000 },
  { height: 720, bitrate: 2_800_000 },
]);

describe(QualityMenu.name, () => {
  it('lists Auto with the level it is on, then the ladder, and reports the picked hls level index', () => {
    const picked: number[] = [];
    render(
      <I18nextProvider i18n={createI18n('en')}>
        <QualityMenu options={options} selected={-1} active={1} onSelect={(level) => picked.push(level)} />
      </I18nextProvider>,
    );
    const sut = screen.getByTestId('quality-menu') as HTMLSelectElement;

    expect([...sut.options].map((option) => option.text)).toEqual(['Auto (480p)', '720p', '480p', '360p']);
    fireEvent.change(sut, { target: { value: '0' } });
    expect(picked).toEqual([0]);
  });
});
