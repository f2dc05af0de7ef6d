import { z } from 'zod';
import { EventDef, EVENTS, STREAM_RETENTION, STREAMS } from '../subjects';
import { WEBHOOK_TRIGGERS } from '../webhooks/triggers';

/**
 * docs/events.md, rendered from the contracts: every event of EVENTS with its subject, stream,
 * webhook trigger, payload fields and an example built from its zod schema. `npm run docs:events`
 * writes it; a unit test fails when the file differs, so a new event cannot go undocumented.
 */

/** The catalogue's version: raised when an event changes incompatibly (its payload's `v` too). */
export const EVENT_CATALOGUE_VERSION = 1;

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  format?: string;
  description?: string;
};

const ENVELOPE = ['v', 'eventId', 'appId', 'occurredAt'];
const EXAMPLE_APP = 'app1';

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as JsonSchema;
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  if (s.$ref?.startsWith('#/$defs/')) return root.$defs?.[s.$ref.slice(8)] ?? {};
  if (s.$ref === '#') return root;
  return s;
}

/** A readable type: `string`, `integer`, `"a" \| "b"`, `array of object`, `object`. */
function typeOf(s: JsonSchema, root: JsonSchema): string {
  s = resolve(s, root);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => typeOf(a, root)).join(' \\| ');
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items, root) : 'any'}`;
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  return s.type ?? 'any';
}

/** A deterministic example value for a schema (field names pick plausible values). */
function example(s: JsonSchema, root: JsonSchema, name: string, depth = 0): unknown {
  s = resolve(s, root);
  if (depth > 8) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const notNull = alternatives.find((a) => resolve(a, root).type !== 'null') ?? alternatives[0];
    return example(notNull, root, name, depth);
  }
  if (s.allOf?.length) return example(s.allOf[0], root, name, depth);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      if (!s.properties) return {};
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties)) {
        out[key] = example(prop, root, key, depth + 1);
      }
      return out;
    }
    case 'array':
      return s.items ? [example(s.items, root, name.replace(/s$/, ''), depth + 1)] : [];
    case 'integer':
    case 'number':
      if (name === 'v') return 1;
      if (/At$/.test(name)) return 1767225600;
      if (name === 'seq') return 1;
      return 2;
    case 'boolean':
      return name === 'imported';
    case 'string':
      return exampleString(name);
    default:
      return null;
  }
}

function exampleString(name: string): string {
  const known: Record<string, string> = {
    eventId: '6f1c2a4e-0c57-4d2b-9a53-3f1f4d2f8b10',
    appId: EXAMPLE_APP,
    uid: 'alice',
    actor: 'alice',
    blocker: 'alice',
    blocked: 'bob',
    friendUid: 'bob',
    owner: 'alice',
    oldOwner: 'alice',
    guid: 'team',
    sender: 'alice',
    receiver: 'bob',
    role: 'default',
    name: 'Alice',
    id: '1',
    conversationId: 'alice_user_bob',
    text: 'Hello',
  };
  return known[name] ?? name;
}

function section(title: string, def: EventDef<z.ZodType>, stream: string): string[] {
  const root = jsonSchemaOf(def.schema);
  const trigger = WEBHOOK_TRIGGERS.find((t) => t.event === def)?.trigger;
  const lines = [
    `#### \`${def.service}.${def.name}\``,
    '',
    title ? `${title}` : '',
    '',
    `- Subject: \`${def.subject('<appId>')}\` (all apps: \`${def.allApps}\`)`,
    `- Stream: \`${stream}\``,
    `- Webhook trigger: ${trigger ? `\`${trigger}\`` : 'none'}`,
    '',
    '| field | type | required |',
    '| --- | --- | --- |',
  ];
  const required = new Set(root.required ?? []);
  for (const [key, prop] of Object.entries(root.properties ?? {})) {
    if (ENVELOPE.includes(key)) continue;
    lines.push(`| \`${key}\` | ${typeOf(prop, root)} | ${required.has(key) ? 'yes' : 'no'} |`);
  }
  lines.push('', '```json', JSON.stringify(example(root, root, ''), null, 2), '```', '');
  return lines.filter((l, i, all) => !(l === '' && all[i - 1] === ''));
}

function streamOf(def: EventDef<z.ZodType>): string {
  const subject = def.subject(EXAMPLE_APP);
  const stream = STREAMS.find((s) =>
    (s.subjects as readonly string[]).some((p) => subject.startsWith(p.replace(/>$/, ''))),
  );
  return stream?.name ?? '(none)';
}

export function renderEventCatalogue(): string {
  const days = STREAM_RETENTION.maxAgeSeconds / 86400;
  const out: string[] = [
    '# Parley events',
    '',
    '<!-- Generated from libs/contracts by `npm run docs:events`; do not edit by hand. A unit test',
    '(libs/contracts/src/catalogue/event-catalogue.spec.ts) fails when this file is stale. -->',
    '',
    `Catalogue version ${EVENT_CATALOGUE_VERSION}. Every change Parley commits is published, after the commit, as an`,
    'event on NATS JetStream. Internal services of a customer subscribe to them (a durable consumer per',
    "purpose; [examples/event-consumer](../examples/event-consumer) shows one), and Parley's webhooks",
    'are one such consumer.',
    '',
    '## Conventions',
    '',
    '- Subject: `evt.<service>.<appId>.<entity>.<pastTense>`. A live subject is never renamed. One',
    "  app's events of a service: `evt.<service>.<appId>.>`; one event of every app:",
    '  `evt.<service>.*.<entity>.<pastTense>`.',
    '- Payload: JSON. Every event carries `v` (the payload version, now `1`), `eventId` (unique; the',
    '  JetStream message id too), `appId` and `occurredAt` (Unix seconds), then its own fields, listed',
    '  below without those four. Objects (users, groups, messages) are in the CometChat shape the REST',
    '  API returns.',
    '- Versioning: a field may be added to an event at any time (ignore the ones you do not know). A',
    '  field is never removed, renamed or given another meaning within a version; such a change',
    '  publishes `v: 2` (or a new subject) beside `v: 1` for a deprecation period.',
    '- Delivery is at least once: a consumer is idempotent on `eventId`. Events of one subject arrive',
    '  in commit order; a stream sequence (JetStream metadata) orders the events of one stream.',
    '',
    '## Streams and retention',
    '',
    `Configured in one place, \`STREAMS\` and \`STREAM_RETENTION\` in libs/contracts/src/subjects.ts; the`,
    'services create or update them at start (file storage, limits retention, `NATS_STREAM_REPLICAS`',
    'copies).',
    '',
    '| stream | subjects | kept for | duplicate window |',
    '| --- | --- | --- | --- |',
    ...STREAMS.map(
      (s) =>
        `| \`${s.name}\` | ${(s.subjects as readonly string[]).map((x) => `\`${x}\``).join(', ')} | ${days} days | ${STREAM_RETENTION.duplicateWindowSeconds} s |`,
    ),
    '',
    `A durable consumer that is down for less than ${days} days misses nothing. A new consumer`,
    `starting from the beginning sees the last ${days} days, not the history before (read that`,
    'through the REST API).',
    '',
    '## Events',
    '',
  ];
  for (const [service, events] of Object.entries(EVENTS)) {
    out.push(`### ${service}`, '');
    for (const def of Object.values(events) as Array<EventDef<z.ZodType>>) {
      const described = WEBHOOK_TRIGGERS.find((t) => t.event === def)?.description ?? '';
      out.push(...section(described, def, streamOf(def)));
    }
  }
  out.push(
    '## Webhook triggers',
    '',
    'A webhook endpoint (operator API, `/admin/apps/{appId}/webhooks`) subscribes to triggers; each',
    'event above with a trigger is POSTed to every enabled endpoint of its app subscribed to it that',
    'existed when the event happened. Events brought in by a data import (`imported: true`) fire no',
    'webhook.',
    '',
    'The body is CometChat\'s envelope plus two fields: `{"trigger", "data", "appId", "webhook",',
    '"eventId", "occurredAt"}`, where `data` is the event without `v`, `eventId`, `appId` and',
    "`occurredAt`, and `webhook` the endpoint's id. Headers of every request:",
    '',
    '| header | value |',
    '| --- | --- |',
    '| `X-Parley-Delivery` | the delivery id (a UUID): the same on every attempt and redelivery; deduplicate by it |',
    '| `X-Parley-Timestamp` | Unix seconds when this attempt was signed |',
    "| `X-Parley-Signature` | `v1=` + hex HMAC-SHA256 of `<timestamp>.<raw body>`, keyed by the endpoint's `signingSecret` |",
    '| `X-Parley-Trigger` | the trigger |',
    '| `X-Parley-Attempt` | 1 for the first attempt, then 2, 3, ... |',
    '| `Authorization` | `Basic ...` when the endpoint has `useBasicAuth` |',
    '',
    'Any 2xx answer within the timeout is success; anything else (another status, a refused',
    'connection, no answer in time) is retried with exponential backoff and jitter until the',
    'attempts run out, and the delivery is then `failed` (the dead letter), listed in',
    '`GET /admin/apps/{appId}/webhooks/{id}/deliveries` and sent again by',
    '`POST .../deliveries/{deliveryId}/redeliver`. To verify a request, recompute the HMAC over the',
    'exact bytes received, compare in constant time, and refuse a timestamp far from now.',
    '',
    '| trigger | event | meaning |',
    '| --- | --- | --- |',
    ...WEBHOOK_TRIGGERS.map(
      (t) => `| \`${t.trigger}\` | \`${t.event.service}.${t.event.name}\` | ${t.description} |`,
    ),
    '',
  );
  return out.join('\n');
}
