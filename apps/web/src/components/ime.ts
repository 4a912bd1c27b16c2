import type { KeyboardEvent } from 'react';

/**
 * Korean (and Japanese, Chinese) input methods send Enter to commit the syllable being composed;
 * that Enter must not also submit the form (Safari and some Chrome versions do submit).
 * Attach as `onKeyDown` to text inputs; keyCode 229 covers browsers without `isComposing`.
 */
export function guardImeEnter(event: KeyboardEvent<HTMLElement>): void {
  if (event.key !== 'Enter') return;
  if (event.nativeEvent.isComposing || event.keyCode === 229) event.preventDefault();
}
