import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies `text` to the clipboard and says so for two seconds (or that it failed). */
export function CopyButton({ text, label, testId }: { text: string; label?: string; testId?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      // Only secure contexts (https, localhost) have the clipboard API.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <button type="button" className="button" data-testid={testId} data-state={state} onClick={() => void copy()}>
      <span aria-live="polite">{state === 'copied' ? t('console.copied') : state === 'failed' ? t('console.copyFailed') : (label ?? t('console.copy'))}</span>
    </button>
  );
}
