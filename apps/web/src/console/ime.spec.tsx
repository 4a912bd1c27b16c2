import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TextField } from './fields';
import { guardImeEnter } from '../components/ime';

describe(guardImeEnter.name, () => {
  const field = () => {
    render(<TextField name="title" label="Title" value="" onChange={() => undefined} />);
    return screen.getByLabelText('Title');
  };

  it('swallows the Enter that commits a Korean syllable (isComposing)', () => {
    const notCancelled = fireEvent.keyDown(field(), { key: 'Enter', isComposing: true });
    expect(notCancelled).toBe(false);
  });

  it('swallows the IME Enter of browsers that only report keyCode 229', () => {
    const notCancelled = fireEvent.keyDown(field(), { key: 'Enter', keyCode: 229 });
    expect(notCancelled).toBe(false);
  });

  it('lets a plain Enter through so the form still submits', () => {
    const input = field();
    expect(fireEvent.keyDown(input, { key: 'Enter' })).toBe(true);
    expect(fireEvent.keyDown(input, { key: 'a', isComposing: true })).toBe(true);
  });
});
