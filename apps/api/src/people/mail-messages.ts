import type { MailLocale, PersonRole } from '@onda/contracts';
import type { Mail } from './mailer.js';

const ROLE: Record<MailLocale, Record<PersonRole, string>> = {
  en: { operator: 'an operator', streamer: 'a streamer', moderator: 'a moderator' },
  ko: { operator: '운영자', streamer: '스트리머', moderator: '모더레이터' },
};

const when = (at: Date, locale: MailLocale): string =>
  new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at) + ' UTC';

type Parts = Record<MailLocale, { subject: string; body: string }>;

/** One language when the recipient's is known; both (Korean first) when it is not. */
function compose(to: string, locale: MailLocale | null | undefined, parts: Parts): Mail {
  if (locale) return { to, subject: parts[locale].subject, text: parts[locale].body };
  return { to, subject: `${parts.ko.subject} / ${parts.en.subject}`, text: `${parts.ko.body}\n\n----\n\n${parts.en.body}` };
}

/** The invitation link by mail: who invites, as what (and which channel), until when. */
export function invitationMail(input: { to: string; locale?: MailLocale | null; url: string; role: PersonRole; channel: string | null; inviter: string; expiresAt: Date }): Mail {
  const { url, role, channel, inviter, expiresAt } = input;
  return compose(input.to, input.locale, {
    en: {
      subject: 'You are invited to Onda',
      body: `${inviter} invites you to Onda as ${ROLE.en[role]}${channel ? ` of the channel “${channel}”` : ''}.\n\nOpen this link to choose your name and password:\n${url}\n\nThe link works once, until ${when(expiresAt, 'en')}. If you did not expect it, ignore this mail.`,
    },
    ko: {
      subject: 'Onda에 초대되었습니다',
      body: `${inviter} 님이 Onda${channel ? `의 “${channel}” 채널` : ''}에 ${ROLE.ko[role]}(으)로 초대했습니다.\n\n아래 링크를 열어 이름과 비밀번호를 정하세요.\n${url}\n\n링크는 ${when(expiresAt, 'ko')}까지 한 번만 쓸 수 있습니다. 예상하지 못한 메일이면 무시하세요.`,
    },
  });
}

/** An operator's password reset link by mail. */
export function resetMail(input: { to: string; locale?: MailLocale | null; url: string; expiresAt: Date }): Mail {
  const { url, expiresAt } = input;
  return compose(input.to, input.locale, {
    en: {
      subject: 'Reset your Onda password',
      body: `An operator of this Onda server issued a link for you to choose a new password:\n${url}\n\nThe link works once, until ${when(expiresAt, 'en')}. Using it signs you out everywhere.`,
    },
    ko: {
      subject: 'Onda 비밀번호 재설정',
      body: `이 Onda 서버의 운영자가 새 비밀번호를 정할 수 있는 링크를 발급했습니다.\n${url}\n\n링크는 ${when(expiresAt, 'ko')}까지 한 번만 쓸 수 있으며, 사용하면 모든 기기에서 로그아웃됩니다.`,
    },
  });
}
