import type { ChatSettings } from '@onda/contracts';
import { validateBlockedWord } from './blocked-words.js';
import { validateBlockedPattern } from './patterns.js';

/** The chat settings the moderation pipeline reads (a whole ChatSettings object will do). */
export type ModerationSettings = Pick<ChatSettings, 'blockedWords' | 'blockedPatterns' | 'blockedWordsAction' | 'profanity' | 'linkPolicy' | 'classifier'>;

/** One unusable entry, addressed like a zod issue (`['blockedPatterns', 2]`) so the API can answer 400 with it. */
export interface SettingsIssue {
  path: [field: 'blockedWords' | 'blockedPatterns', index: number];
  message: string;
}

/**
 * Checks what zod cannot: that every blocked word survives normalisation and every pattern compiles and is safe
 * to run (see patterns.ts). For the API to call when settings are saved; an empty array means they are fine.
 */
export function validateModerationSettings(settings: Partial<Pick<ChatSettings, 'blockedWords' | 'blockedPatterns'>>): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  settings.blockedWords?.forEach((word, index) => {
    const error = validateBlockedWord(word);
    if (error) issues.push({ path: ['blockedWords', index], message: `blocked word "${word}" ${error}` });
  });
  settings.blockedPatterns?.forEach((pattern, index) => {
    const error = validateBlockedPattern(pattern);
    if (error) issues.push({ path: ['blockedPatterns', index], message: `blocked pattern /${pattern}/: ${error}` });
  });
  return issues;
}
