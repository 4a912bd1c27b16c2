import type { InputHTMLAttributes, ReactNode } from 'react';
import { guardImeEnter } from '../components/ime';

export interface ComposerRowProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'className' | 'value' | 'onChange' | 'onKeyDown'> {
  value: string;
  onChange(value: string): void;
  /** The submit button beside the box: its text, whether it is disabled, and its test id. */
  submit: { label: ReactNode; disabled: boolean; testId: string };
}

/**
 * The chat's one-line box with its submit button (a message, a nickname, a console announcement): Enter submits,
 * never mid-composition (Korean IME). Other props go to the input.
 */
export function ComposerRow({ value, onChange, submit, ...input }: ComposerRowProps) {
  return (
    <div className="chat-input__row">
      <input {...input} className="chat-input__field" value={value} onChange={(e) => onChange(e.target.value)} onKeyDown={guardImeEnter} />
      <button type="submit" className="chat-input__send" disabled={submit.disabled} data-testid={submit.testId}>
        {submit.label}
      </button>
    </div>
  );
}
