import { useId, type ReactNode } from 'react';
import { guardImeEnter } from '../components/ime';

interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  name: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'number';
  hint?: string;
  required?: boolean;
  autoComplete?: string;
  multiline?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
}

/** A labelled input whose Enter never submits mid-composition (Korean IME). */
export function TextField({ label, value, onChange, name, type = 'text', hint, multiline, ...rest }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {multiline ? (
        <textarea id={id} name={name} className="field__input field__input--multiline" value={value} rows={3} aria-describedby={hintId} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          id={id}
          name={name}
          type={type}
          className="field__input"
          value={value}
          aria-describedby={hintId}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={guardImeEnter}
          {...rest}
        />
      )}
      {hint && (
        <span id={hintId} className="field__hint">
          {hint}
        </span>
      )}
    </div>
  );
}

/** A labelled select over fixed options. */
export function SelectField<T extends string>({ label, value, options, onChange, name }: { label: string; value: T; options: Array<{ value: T; label: string }>; onChange(value: T): void; name: string }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select id={id} name={name} className="field__input" value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A checkbox with its label to the right. */
export function CheckField({ label, checked, onChange, name }: { label: ReactNode; checked: boolean; onChange(checked: boolean): void; name: string }) {
  return (
    <label className="check">
      <input type="checkbox" name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/** A form-level error line, announced to screen readers. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  );
}

/** A `channel` picker by slug (or by id), with a first "every channel" choice (value '') when `all` names it. */
export function ChannelField({ label, value, onChange, channels, by = 'slug', all }: { label: string; value: string; onChange(value: string): void; channels: ReadonlyArray<{ id: string; slug: string; title: string }>; by?: 'slug' | 'id'; all?: string }) {
  const options = channels.map((c) => ({ value: by === 'id' ? c.id : c.slug, label: c.title }));
  return <SelectField name="channel" label={label} value={value} onChange={onChange} options={all === undefined ? options : [{ value: '', label: all }, ...options]} />;
}

/** A console form's actions row with its one submit button. */
export function SubmitRow({ disabled, testId, children }: { disabled: boolean; testId?: string; children: ReactNode }) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--accent" disabled={disabled} data-testid={testId}>
        {children}
      </button>
    </div>
  );
}
