import { z } from 'zod';
import { EmailSchema, PasswordSchema } from './account.js';

/**
 * People and roles (issue 14). `operator` runs the installation (every account, audited); `streamer` owns channels;
 * `moderator` moderates the channels it accepted. In the database an operator is a streamer with the operator flag.
 */
export const PersonRoles = ['operator', 'streamer', 'moderator'] as const;
export type PersonRole = (typeof PersonRoles)[number];

/** The languages mail is written in (invitations, reset links); an account whose language is unknown gets both. */
export const MailLocales = ['ko', 'en'] as const;
export const MailLocaleSchema = z.enum(MailLocales);
export type MailLocale = z.infer<typeof MailLocaleSchema>;
/** Whether the link also went out by mail: `off` without SMTP settings (the link is to be copied), `failed` when the relay refused. */
export const MailOutcomeSchema = z.enum(['sent', 'failed', 'off']);
export type MailOutcome = z.infer<typeof MailOutcomeSchema>;

export const PersonSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum([...PersonRoles, 'viewer']),
  disabled: z.boolean(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
  /** The language mail to the account is written in; null = unknown (both). */
  locale: MailLocaleSchema.nullable().optional(),
  /** Channels the account owns (id, slug, title). */
  channels: z.array(z.object({ id: z.string().uuid(), slug: z.string(), title: z.string() })),
});
export type Person = z.infer<typeof PersonSchema>;

export const UpdatePersonSchema = z
  .object({ displayName: z.string().trim().min(1).max(80).optional(), role: z.enum(PersonRoles).optional(), locale: MailLocaleSchema.optional() })
  .strict();
export type UpdatePerson = z.infer<typeof UpdatePersonSchema>;

/** DELETE /v1/users/:id?transferTo=<userId>: an account that owns channels is deleted only when they go to someone else. */
export const DeletePersonQuerySchema = z.object({ transferTo: z.string().uuid().optional() }).strict();

export const CreateInvitationSchema = z
  .object({
    email: EmailSchema,
    role: z.enum(PersonRoles),
    /** Required for `moderator`: the channel the new account moderates (id or slug). */
    channel: z.string().trim().min(1).max(100).optional(),
    /** How long the link works; default 72 h, at most 14 days. */
    expiresInHours: z.number().int().min(1).max(336).optional(),
    /** The invitee's language, for the mail (with SMTP settings); unknown = both languages. */
    locale: MailLocaleSchema.optional(),
  })
  .strict()
  .refine((v) => v.role !== 'moderator' || v.channel !== undefined, { message: 'a moderator invitation names its channel', path: ['channel'] });
export type CreateInvitation = z.infer<typeof CreateInvitationSchema>;

export const InvitationSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role: z.enum(PersonRoles),
  channel: z.object({ id: z.string().uuid(), slug: z.string(), title: z.string() }).nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  expired: z.boolean(),
});
export type Invitation = z.infer<typeof InvitationSchema>;
/** Only the create answer carries the link: it is shown once (its digest is all the server keeps). */
export const CreatedInvitationSchema = InvitationSchema.extend({ url: z.string(), token: z.string(), mail: MailOutcomeSchema.optional() });
export type CreatedInvitation = z.infer<typeof CreatedInvitationSchema>;

/** What the accept page shows before the invitee chooses a password. */
export const InvitationPreviewSchema = z.object({ email: z.string(), role: z.enum(PersonRoles), channel: z.object({ slug: z.string(), title: z.string() }).nullable(), expiresAt: z.string() });
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;

const LinkToken = z.string().min(20).max(200);
export const InvitationTokenSchema = z.object({ token: LinkToken }).strict();
export const AcceptInvitationSchema = z
  .object({ token: LinkToken, displayName: z.string().trim().min(1).max(80), password: PasswordSchema, locale: MailLocaleSchema.optional() })
  .strict();
export type AcceptInvitation = z.infer<typeof AcceptInvitationSchema>;

export const ChangePasswordSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: PasswordSchema }).strict();
export type ChangePassword = z.infer<typeof ChangePasswordSchema>;
export const ResetPasswordSchema = z.object({ token: LinkToken, password: PasswordSchema }).strict();
export type ResetPassword = z.infer<typeof ResetPasswordSchema>;
export const ResetLinkSchema = z.object({ url: z.string(), expiresAt: z.string(), mail: MailOutcomeSchema.optional() });
export type ResetLink = z.infer<typeof ResetLinkSchema>;

/** A console session of an account (GET /v1/users/:id/sessions). */
export const ConsoleSessionSchema = z.object({ id: z.string().uuid(), createdAt: z.string(), expiresAt: z.string(), current: z.boolean() });
export type ConsoleSessionInfo = z.infer<typeof ConsoleSessionSchema>;

export const AccountAuditActions = [
  'invitation.created', 'invitation.revoked', 'invitation.accepted', 'user.updated', 'user.disabled', 'user.enabled',
  'user.deleted', 'user.password_changed', 'user.password_reset_issued', 'user.password_reset', 'session.revoked', 'token.revoked',
  'user.setup',
  // An operator's change to another account's channel, and its read of that channel's stream key (the owner is the target).
  'channel.changed', 'channel.key_read',
] as const;
export const AccountAuditEntrySchema = z.object({
  id: z.string().uuid(),
  at: z.string(),
  action: z.string(),
  actor: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
  target: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
  detail: z.record(z.string(), z.unknown()),
});
export type AccountAuditEntry = z.infer<typeof AccountAuditEntrySchema>;
