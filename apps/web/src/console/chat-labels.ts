import type { TFunction } from 'i18next';

const Actions = {
  'settings.update': 'settingsUpdate',
  'message.delete': 'messageDelete',
  'held.approve': 'heldApprove',
  'held.reject': 'heldReject',
  ban: 'ban',
  timeout: 'timeout',
  unban: 'unban',
  pin: 'pin',
  unpin: 'unpin',
  announcement: 'announcement',
  'poll.create': 'pollCreate',
  'poll.close': 'pollClose',
  'commerce.create': 'commerceCreate',
  'commerce.show': 'commerceShow',
  'commerce.hide': 'commerceHide',
  'commerce.delete': 'commerceDelete',
} as const;

const Rules = {
  profanity: 'profanity',
  link: 'link',
  flood: 'flood',
  duplicate: 'duplicate',
  classifier: 'classifier',
  'blocked-word': 'blockedWord',
  'blocked-pattern': 'blockedPattern',
} as const;

/** A readable name for an audit action (`message.delete` -> "Message deleted"); unknown ones as they are. */
export function actionLabel(t: TFunction, action: string): string {
  const key = Actions[action as keyof typeof Actions];
  return key ? t(`console.chat.auditActions.${key}`) : action;
}

/** A readable name for a filter rule (`profanity:ko` -> "Profanity · ko"); unknown ones as they are. */
export function ruleLabel(t: TFunction, rule: string): string {
  const [base = rule, ...rest] = rule.split(':');
  const key = Rules[base as keyof typeof Rules];
  if (!key) return rule;
  const detail = rest.join(':');
  return detail ? `${t(`console.chat.rules.${key}`)} · ${detail}` : t(`console.chat.rules.${key}`);
}
