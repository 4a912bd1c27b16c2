/** What happens to a message: delivered as written, delivered with words masked, held for a moderator, or dropped. */
export type ModerationOutcome = 'deliver' | 'mask' | 'hold' | 'drop';

/** Outcomes from the mildest to the strictest. */
export const OUTCOMES: readonly ModerationOutcome[] = ['deliver', 'mask', 'hold', 'drop'];

/** The stricter of two outcomes (drop > hold > mask > deliver). */
export function strictest(a: ModerationOutcome, b: ModerationOutcome): ModerationOutcome {
  return OUTCOMES.indexOf(a) >= OUTCOMES.indexOf(b) ? a : b;
}
