import { z } from 'zod';
import { PageQuerySchema } from '../common.schema';

/** Webhook ids: alpha-dash, 1..50 (CometChat's limit), stored lower-case. */
export const WebhookIdSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters')
  .regex(/^[a-zA-Z0-9_-]+$/, 'may contain only letters, digits, _ and -')
  .transform((s) => s.toLowerCase());

/** Where deliveries go: an http(s) URL of at most 255 characters (CometChat's limit). */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(255, 'must be at most 255 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && Boolean(u.hostname);
    } catch {
      return false;
    }
  }, 'must be an http or https URL')
  .refine((s) => {
    try {
      const u = new URL(s);
      return !u.username && !u.password;
    } catch {
      return true;
    }
  }, 'must not carry credentials (use useBasicAuth)');

/** Trigger ids as given; the service refuses unknown ones with ERR_TRIGGER_NOT_FOUND. */
export const TriggerIdsSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(100, 'at most 100 triggers');

const WebhookFields = {
  name: z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters'),
  webhookURL: WebhookUrlSchema,
  triggers: TriggerIdsSchema,
  useBasicAuth: z.boolean(),
  username: z.string().max(100, 'must be at most 100 characters'),
  password: z.string().max(100, 'must be at most 100 characters'),
  enabled: z.boolean(),
};

const basicAuthComplete = (w: { useBasicAuth?: boolean; username?: string; password?: string }) =>
  !w.useBasicAuth || (Boolean(w.username) && Boolean(w.password));
const basicAuthIssue = {
  message: 'useBasicAuth needs a username and a password',
  path: ['useBasicAuth'],
};

/** The body of `POST /admin/apps/{appId}/webhooks`. */
export const WebhookCreateBodySchema = z
  .object({
    id: WebhookIdSchema.optional(),
    name: WebhookFields.name,
    webhookURL: WebhookFields.webhookURL,
    triggers: WebhookFields.triggers.default([]),
    useBasicAuth: WebhookFields.useBasicAuth.default(false),
    username: WebhookFields.username.optional(),
    password: WebhookFields.password.optional(),
    enabled: WebhookFields.enabled.default(true),
  })
  .strict();
export const WebhookCreateSchema = WebhookCreateBodySchema.extend({ appId: z.string() })
  .strict()
  .refine(basicAuthComplete, basicAuthIssue);
export type WebhookCreate = z.output<typeof WebhookCreateSchema>;

/** The body of `PUT /admin/apps/{appId}/webhooks/{id}`: given fields replace the stored ones. */
export const WebhookUpdateBodySchema = z
  .object({
    name: WebhookFields.name.optional(),
    webhookURL: WebhookFields.webhookURL.optional(),
    triggers: WebhookFields.triggers.optional(),
    useBasicAuth: WebhookFields.useBasicAuth.optional(),
    username: WebhookFields.username.optional(),
    password: WebhookFields.password.optional(),
    enabled: WebhookFields.enabled.optional(),
  })
  .strict();
/** `password` is write-only: never shown, replaced when given (empty clears it). */
export const WebhookUpdateSchema = WebhookUpdateBodySchema.extend({
  appId: z.string(),
  id: z.string(),
}).strict();
export type WebhookUpdate = z.output<typeof WebhookUpdateSchema>;

export const WebhookRefSchema = z.object({ appId: z.string(), id: z.string() });
export const WebhookListSchema = PageQuerySchema.extend({ appId: z.string() });
/** The body of `POST|DELETE /admin/apps/{appId}/webhooks/{id}/triggers` (CometChat's shape). */
export const WebhookTriggersBodySchema = z
  .object({ triggerIds: TriggerIdsSchema.min(1, 'name at least one trigger') })
  .strict();
export const WebhookTriggersChangeSchema = WebhookTriggersBodySchema.extend({
  appId: z.string(),
  id: z.string(),
}).strict();
export const DeliveryListQuerySchema = PageQuerySchema.extend({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
});

/**
 * An endpoint as the operator API shows it. The password is never shown. `signingSecret` keys the
 * `X-Parley-Signature` HMAC of every delivery (docs/events.md, "Webhooks").
 */
export const WebhookSchema = z.object({
  id: z.string(),
  name: z.string(),
  webhookURL: z.string(),
  triggers: z.array(z.string()),
  useBasicAuth: z.boolean(),
  username: z.string().optional(),
  enabled: z.boolean(),
  signingSecret: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const DeliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliveryAttemptSchema = z.object({
  attempt: z.number().int(),
  /** Unix seconds the request was sent. */
  attemptedAt: z.number(),
  durationMs: z.number().int(),
  /** The receiver's HTTP status; absent when there was no response (refused, timed out). */
  statusCode: z.number().int().optional(),
  error: z.string().optional(),
});

/**
 * One event for one endpoint. `id` is sent as `X-Parley-Delivery` on every attempt, so a receiver
 * deduplicates by it. `failed` is the dead-letter state: every attempt failed; redeliver to retry.
 */
export const DeliverySchema = z.object({
  id: z.string(),
  webhook: z.string(),
  trigger: z.string(),
  eventId: z.string(),
  status: DeliveryStatusSchema,
  /** Attempts since the delivery was created or last redelivered. */
  attempts: z.number().int(),
  /** Unix seconds of the next attempt (pending only). */
  nextAttemptAt: z.number().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  deliveredAt: z.number().optional(),
  /** The latest attempts, newest first (at most 10). */
  attemptLog: z.array(DeliveryAttemptSchema),
});
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryListSchema = DeliveryListQuerySchema.extend({
  appId: z.string(),
  id: z.string(),
});
export const DeliveryRedeliverSchema = z.object({
  appId: z.string(),
  id: z.string(),
  deliveryId: z.string().uuid('must be a delivery id'),
});
