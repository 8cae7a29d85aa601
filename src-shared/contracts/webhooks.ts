/**
 * Outbound webhooks (issue 23): the events the store sends other tools, and the admin routes that
 * register endpoints and read and replay deliveries. Each delivery is a POST of the event's JSON
 * with `X-Switchboard-Event-Id` (the same on every retry: receivers de-duplicate by it),
 * `X-Switchboard-Event`, `X-Switchboard-Timestamp` (Unix seconds) and `X-Switchboard-Signature`
 * (hex HMAC-SHA256 of `${timestamp}.${body}` with the endpoint's secret).
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';

export const WEBHOOK_EVENTS = ['complaint.logged', 'complaint.resolved', 'order.confirmed', 'customer.erased'] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_HEADERS = {
  eventId: 'x-switchboard-event-id',
  event: 'x-switchboard-event',
  timestamp: 'x-switchboard-timestamp',
  signature: 'x-switchboard-signature',
} as const;

export const newWebhookEndpoint = z
  .object({
    url: text()
      .trim()
      .max(2000, { message: 'url: at most 2000 characters.' })
      .refine(
        (u) => {
          try {
            const p = new URL(u).protocol;
            return p === 'https:' || p === 'http:';
          } catch {
            return false;
          }
        },
        { message: 'url: an http:// or https:// address.' },
      ),
    events: z.array(z.enum(WEBHOOK_EVENTS, { message: `events: each one of ${WEBHOOK_EVENTS.join(', ')}.` })).min(1, { message: 'events: at least one.' }),
  })
  .strict();

export const webhookEndpointView = z.object({
  id: text(),
  url: text(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  active: z.boolean(),
  createdAt: z.number().int(),
  disabledAt: z.number().int().nullable(),
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointView>;

/** The answer to registering one: the only time the secret is shown. */
export const createdWebhookEndpoint = webhookEndpointView.extend({ secret: text() });

export const webhookDeliveriesQuery = z
  .object({
    state: z.enum(['pending', 'delivered', 'failed']).optional(),
    endpointId: text().uuid({ message: 'endpointId: not an endpoint id.' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const webhookDeliveryView = z.object({
  id: text(),
  eventId: text(),
  event: text(),
  endpointId: text(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  createdAt: z.number().int(),
  nextAttemptAt: z.number().int(),
  lastAttemptAt: z.number().int().nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: text().nullable(),
  deliveredAt: z.number().int().nullable(),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryView>;

// ——— IPC channels (answered by main through the store): the admin screen's Webhooks panel ———

export const webhookEndpointPath = z.object({ endpointId: text().uuid({ message: 'Not a webhook endpoint id.' }) }).strict();
export const webhookDeliveryPath = z.object({ deliveryId: text().uuid({ message: 'Not a webhook delivery id.' }) }).strict();

export const webhookList = defineChannel({
  channel: 'webhook:list',
  permission: 'integrations.manage',
  input: z.object({}).strict(),
  output: z.array(webhookEndpointView),
  access: 'store',
});

export const webhookCreate = defineChannel({
  channel: 'webhook:create',
  permission: 'integrations.manage',
  input: newWebhookEndpoint,
  output: createdWebhookEndpoint,
  access: 'store',
});

export const webhookDisable = defineChannel({
  channel: 'webhook:disable',
  permission: 'integrations.manage',
  input: webhookEndpointPath,
  output: webhookEndpointView,
  access: 'store',
});

export const webhookDeliveries = defineChannel({
  channel: 'webhook:deliveries',
  permission: 'integrations.manage',
  input: webhookDeliveriesQuery,
  output: z.array(webhookDeliveryView),
  access: 'store',
});

export const webhookReplay = defineChannel({
  channel: 'webhook:replay',
  permission: 'integrations.manage',
  input: webhookDeliveryPath,
  output: z.object({ deliveryId: text(), state: z.literal('pending') }),
  access: 'store',
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const webhookChannels = channelGroup(webhookList, webhookCreate, webhookDisable, webhookDeliveries, webhookReplay);
