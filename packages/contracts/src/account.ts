import { z } from 'zod';
import { LatencyModes, LiveSessionStates } from './channel.js';

/** Scopes an API token may carry; `*` grants every scope. */
export const Scopes = [
  'channels:read',
  'channels:write',
  'streamkeys:read',
  'streamkeys:write',
  'sessions:read',
  'sessions:write',
  'tokens:write',
  'webhooks:write',
  'vods:read',
  'vods:write',
  'chat:moderate',
  /** Accounts: one's own, or every account for an operator (issue 14). */
  'users:read',
  'users:write',
  'clips:write',
] as const;
export type Scope = (typeof Scopes)[number];
export const ScopeSchema = z.enum([...Scopes, '*']);

export const EmailSchema = z.string().trim().toLowerCase().max(254).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address');
/** At least 12 characters: no composition rules, length is what resists guessing. */
export const PasswordSchema = z.string().min(12).max(200);

/** The one password policy outside request validation (create-admin, seed): throws when `password` breaks it. */
export function assertPasswordPolicy(password: string, what = 'The password'): void {
  if (!PasswordSchema.safeParse(password).success) throw new Error(`${what} must have at least 12 characters (and at most 200)`);
}

export const SignInSchema = z.object({ email: EmailSchema, password: z.string().min(1).max(200) }).strict();
export type SignIn = z.infer<typeof SignInSchema>;

export const SetupSchema = z.object({ email: EmailSchema, password: PasswordSchema, displayName: z.string().trim().min(1).max(80).optional() }).strict();
export type Setup = z.infer<typeof SetupSchema>;

export const MeSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['admin', 'moderator', 'viewer', 'streamer']),
  /** The platform operator (first-run setup, `create-admin --operator`, an operator invitation): every account, audited. */
  operator: z.boolean(),
  scopes: z.array(z.string()),
  via: z.enum(['token', 'session']),
});
export type Me = z.infer<typeof MeSchema>;

export const CreateApiTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    scopes: z.array(ScopeSchema).min(1).max(20),
    expiresAt: z.iso.datetime().optional(),
  })
  .strict();
export type CreateApiToken = z.infer<typeof CreateApiTokenSchema>;

export const ApiTokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** Only the create response carries the token itself: it is never shown again. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

export const AddModeratorSchema = z.object({ email: EmailSchema }).strict();
export const ModeratorSchema = z.object({ userId: z.string().uuid(), email: z.string(), displayName: z.string(), createdAt: z.string() });
export type Moderator = z.infer<typeof ModeratorSchema>;

/**
 * 202 answer of POST /v1/channels/:c/moderators: the same whether or not an account has that email (no enumeration).
 * The invited account moderates only once it accepts (finding 15).
 */
export const ModeratorInvitedSchema = z.object({ email: z.string(), status: z.literal('invited') });
export type ModeratorInvited = z.infer<typeof ModeratorInvitedSchema>;
/** A pending invitation as the channel owner sees it. */
export const PendingModeratorSchema = z.object({ id: z.string().uuid(), email: z.string(), createdAt: z.string() });
export type PendingModerator = z.infer<typeof PendingModeratorSchema>;
/** GET /v1/channels/:c/moderators: who moderates, and who was invited and has not answered. */
export const ModeratorListSchema = z.object({ items: z.array(ModeratorSchema), invitations: z.array(PendingModeratorSchema) });
export type ModeratorList = z.infer<typeof ModeratorListSchema>;
/** An invitation addressed to the caller (GET /v1/moderator-invitations). */
export const ModeratorInvitationSchema = z.object({
  id: z.string().uuid(),
  channel: z.object({ id: z.string().uuid(), slug: z.string(), title: z.string() }),
  createdAt: z.string(),
});
export type ModeratorInvitation = z.infer<typeof ModeratorInvitationSchema>;

export const LiveSessionDetailSchema = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  state: z.enum(LiveSessionStates),
  publisherConnected: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  renditions: z.array(z.string()),
  latencyMode: z.enum(LatencyModes),
  source: z.unknown().nullable(),
  lastHealth: z.unknown().nullable(),
  lastHealthAt: z.string().nullable(),
  /** Set while the worker runs the broadcast lighter than planned because it is short of CPU. */
  degraded: z.object({ level: z.number().int(), reason: z.string(), since: z.string() }).nullable(),
});
export type LiveSessionDetail = z.infer<typeof LiveSessionDetailSchema>;

/** Event types a webhook endpoint can subscribe to. */
export const WebhookEventTypes = ['stream.started', 'stream.ended', 'stream.reconnecting', 'stream.degraded', 'vod.ready', 'vod.failed', 'simulcast.failed', 'commerce.claimed'] as const;
export type WebhookEventType = (typeof WebhookEventTypes)[number];

export const CreateWebhookSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    eventTypes: z.array(z.enum(WebhookEventTypes)).min(1).max(WebhookEventTypes.length),
    enabled: z.boolean().optional(),
  })
  .strict();
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;
export const UpdateWebhookSchema = CreateWebhookSchema.partial().strict();
export type UpdateWebhook = z.infer<typeof UpdateWebhookSchema>;

export const WebhookSchema = z.object({
  id: z.string().uuid(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export type Webhook = z.infer<typeof WebhookSchema>;
export const CreatedWebhookSchema = WebhookSchema.extend({ secret: z.string() });
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.string().uuid(),
  endpointId: z.string().uuid(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  payload: z.unknown(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
