import { DomainError } from '@parley/common';
import {
  CLIENT_MESSAGE_CATEGORIES,
  ErrorCode,
  IdSchema,
  INTERACTIVE_MESSAGE_TYPES,
  MAX_MESSAGE_DATA_BYTES,
  MAX_MESSAGE_JSON_CHARS,
  MEDIA_MESSAGE_TYPES,
  MessageSendBody,
  RECEIVER_TYPES,
  ReceiverType,
} from '@parley/contracts';

/** A message to store, checked and normalised: what the client may decide about it. */
export interface MessageContent {
  receiver: string;
  receiverType: ReceiverType;
  category: string;
  type: string;
  /** As stored: the client's data (text, attachments, customData, metadata, ...), no entities. */
  data: Record<string, unknown>;
  tags: string[];
  muid?: string;
  parentId?: string;
  quotedMessageId?: string;
}

const METADATA_MAX_BYTES = 5 * 1024;
/** Keys of `data` the server fills in; a client's values for them are dropped. */
export const SERVER_DATA_KEYS = [
  'entities',
  'reactions',
  'interactions',
  'interactionGoalCompleted',
  'mentions',
];
const INTERACTION_GOALS = ['none', 'anyAction', 'anyOf', 'allOf'];

const refuse = (code: ErrorCode, message?: string) => new DomainError(code, message);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const blank = (v: unknown) => v === undefined || v === null || v === '';

/**
 * The content rules of a new message (reference §4.8, §5.4, §6.1, §6.6), each with the reference's
 * code. Clients send `message` (text and media), `custom` and `interactive` messages; `action` and
 * `call` messages are Parley's own. The SDK's top-level `text` and `metadata` move into `data`.
 * `multipleReceivers` is not looked at: this is the content of the message to one receiver.
 */
export function messageContent(body: MessageSendBody): MessageContent {
  if (JSON.stringify(body).length > MAX_MESSAGE_JSON_CHARS) {
    throw refuse(
      'ERR_PAYLOAD_TOO_LARGE',
      `A message is at most ${MAX_MESSAGE_JSON_CHARS} characters of JSON.`,
    );
  }
  if (blank(body.receiver?.trim())) throw refuse('ERR_EMPTY_RECEIVER');
  const receiver = IdSchema.safeParse(body.receiver);
  if (!receiver.success) {
    throw new DomainError('ERR_BAD_REQUEST', 'The receiver is not a valid uid or guid.', {
      receiver: receiver.error.issues.map((i) => i.message),
    });
  }
  const receiverType = body.receiverType as ReceiverType;
  if (!RECEIVER_TYPES.includes(receiverType)) throw refuse('ERR_INVALID_RECEIVER_TYPE');

  const { category, type } = body;
  if (blank(category)) throw refuse('ERR_EMPTY_MESSAGE_CATEGORY');
  if (category === 'action' || category === 'call') {
    throw refuse(
      'ERR_INVALID_MESSAGE_CATEGORY',
      `Messages of category ${category} are created by Parley itself, not sent by clients.`,
    );
  }
  if (!(CLIENT_MESSAGE_CATEGORIES as readonly string[]).includes(category as string)) {
    throw refuse(
      'ERR_INVALID_MESSAGE_CATEGORY',
      `The category must be one of ${CLIENT_MESSAGE_CATEGORIES.join(', ')}.`,
    );
  }
  if (blank(type?.trim())) throw refuse('ERR_EMPTY_MESSAGE_TYPE');
  const typesOf: Record<string, readonly string[] | undefined> = {
    message: ['text', ...MEDIA_MESSAGE_TYPES],
    interactive: INTERACTIVE_MESSAGE_TYPES,
  };
  const allowed = typesOf[category as string];
  if (allowed && !allowed.includes(type as string)) {
    throw refuse(
      'ERR_INVALID_MESSAGE_TYPE',
      `A ${category} message has type ${allowed.join(', ')}.`,
    );
  }

  const data = messageData(body, category as string, type as string);
  return {
    receiver: receiver.data,
    receiverType,
    category: category as string,
    type: type as string,
    data,
    tags: body.tags ?? [],
    muid: body.muid,
    parentId: body.parentId,
    quotedMessageId: body.quotedMessageId,
  };
}

function messageData(
  body: MessageSendBody,
  category: string,
  type: string,
): Record<string, unknown> {
  const data: Record<string, unknown> = { ...(body.data ?? {}) };
  for (const key of SERVER_DATA_KEYS) delete data[key];
  if (data.text === undefined && body.text !== undefined) data.text = body.text;
  if (data.metadata === undefined && body.metadata !== undefined) data.metadata = body.metadata;

  if (data.metadata !== undefined) {
    if (!isObject(data.metadata))
      throw refuse('ERR_INVALID_METADATA', 'metadata must be an object.');
    if (jsonBytes(data.metadata) > METADATA_MAX_BYTES) {
      throw refuse('ERR_INVALID_METADATA', 'metadata is at most 5 KB of JSON.');
    }
  }
  if (type === 'text' && category === 'message') {
    if (typeof data.text === 'string' ? !data.text.trim() : blank(data.text)) {
      throw refuse('ERR_EMPTY_MESSAGE_TEXT');
    }
  }
  if (data.text !== undefined && typeof data.text !== 'string') {
    throw refuse('ERR_INVALID_MESSAGE_TEXT');
  }
  if (category === 'message' && type !== 'text') checkAttachments(data.attachments);
  if (category === 'custom') {
    if (blank(data.customData)) throw refuse('ERR_EMPTY_CUSTOM_DATA');
    if (!isObject(data.customData)) throw refuse('ERR_INVALID_CUSTOM_DATA');
    if (!Object.keys(data.customData).length) throw refuse('ERR_EMPTY_CUSTOM_DATA');
  }
  if (category === 'interactive') checkInteractive(data);
  if (jsonBytes(data) > MAX_MESSAGE_DATA_BYTES) {
    throw refuse('ERR_INVALID_MESSAGE_DATA', 'The message data is at most 10 KB of JSON.');
  }
  return data;
}

/** Media messages carry `attachments[]` of `{url, name, mimeType, extension, size}`. */
function checkAttachments(attachments: unknown): void {
  if (blank(attachments) || (Array.isArray(attachments) && !attachments.length)) {
    throw refuse('ERR_EMPTY_MESSAGE_FILE');
  }
  const optionalText = (v: unknown) => v === undefined || typeof v === 'string';
  const valid =
    Array.isArray(attachments) &&
    attachments.every(
      (a) =>
        isObject(a) &&
        typeof a.url === 'string' &&
        a.url.trim() !== '' &&
        a.url.length <= 3000 &&
        optionalText(a.name) &&
        optionalText(a.mimeType) &&
        optionalText(a.extension) &&
        (a.size === undefined ||
          (typeof a.size === 'number' && a.size >= 0) ||
          (typeof a.size === 'string' && /^\d+(\.\d+)?$/.test(a.size))),
    );
  if (!valid) {
    throw refuse(
      'ERR_INVALID_MEDIA_MESSAGE',
      'Each attachment needs a url, and name, mimeType, extension as text, size as a number.',
    );
  }
}

/**
 * Interactive messages (reference §6.6): `interactiveData` (an object), `interactionGoal`
 * (`{type: none|anyAction|anyOf|allOf, elementIds}`, default `none`; anyOf and allOf name at
 * least one element), `allowSenderInteraction` (default false).
 */
function checkInteractive(data: Record<string, unknown>): void {
  if (!isObject(data.interactiveData) || !Object.keys(data.interactiveData).length) {
    throw refuse('ERR_INVALID_MESSAGE_DATA', 'An interactive message needs data.interactiveData.');
  }
  const goal = data.interactionGoal ?? { type: 'none', elementIds: [] };
  if (
    !isObject(goal) ||
    !INTERACTION_GOALS.includes(goal.type as string) ||
    !(goal.elementIds === undefined || Array.isArray(goal.elementIds)) ||
    !((goal.elementIds as unknown[] | undefined) ?? []).every((e) => typeof e === 'string')
  ) {
    throw refuse(
      'ERR_INVALID_MESSAGE_DATA',
      `interactionGoal is {type: ${INTERACTION_GOALS.join('|')}, elementIds: [...]}.`,
    );
  }
  const elementIds = (goal.elementIds as string[] | undefined) ?? [];
  if ((goal.type === 'anyOf' || goal.type === 'allOf') && !elementIds.length) {
    throw refuse('ERR_INVALID_MESSAGE_DATA', `An ${goal.type} goal names at least one elementId.`);
  }
  data.interactionGoal = { ...goal, elementIds };
  data.allowSenderInteraction ??= false;
  if (typeof data.allowSenderInteraction !== 'boolean') {
    throw refuse('ERR_INVALID_MESSAGE_DATA', 'allowSenderInteraction must be true or false.');
  }
}
