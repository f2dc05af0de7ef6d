import { DomainError } from '@parley/common';
import { MessageSendBody, MessageSendBodySchema } from '@parley/contracts';
import { textTo } from '../testing/message.factory';
import { messageContent } from './message-content';

/** The code `body` is refused with (after the contract's shape check, as the handler does). */
function refusal(body: Record<string, unknown>): string | undefined {
  try {
    messageContent(MessageSendBodySchema.parse(body));
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

const to = (over: Record<string, unknown>) => ({ ...textTo('bob'), ...over });
const image = {
  url: 'https://cdn.example.com/a.png',
  name: 'a.png',
  mimeType: 'image/png',
  extension: 'png',
  size: 1024,
};

describe('messageContent', () => {
  it('keeps a text message, moving the SDK top-level text and metadata into data', () => {
    const body: MessageSendBody = {
      receiver: 'Bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      text: 'hi',
      metadata: { k: 1 },
      tags: ['t'],
      muid: 'm1',
      parentId: '7',
    };
    expect(messageContent(body)).toEqual({
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'hi', metadata: { k: 1 } },
      tags: ['t'],
      muid: 'm1',
      parentId: '7',
    });
  });

  it('drops the entities and reactions a client puts in data (the server fills them)', () => {
    const content = messageContent(
      textTo('bob', { data: { text: 'x', entities: { forged: true }, reactions: [] } }),
    );
    expect(content.data).toEqual({ text: 'x' });
  });

  it.each([
    ['no receiver', { receiver: undefined }, 'ERR_EMPTY_RECEIVER'],
    ['an empty receiver', { receiver: '  ' }, 'ERR_EMPTY_RECEIVER'],
    ['a receiver that is no id', { receiver: 'bob smith' }, 'ERR_BAD_REQUEST'],
    ['no receiverType', { receiverType: undefined }, 'ERR_INVALID_RECEIVER_TYPE'],
    ['an unknown receiverType', { receiverType: 'channel' }, 'ERR_INVALID_RECEIVER_TYPE'],
    ['no category', { category: undefined }, 'ERR_EMPTY_MESSAGE_CATEGORY'],
    [
      'category action (Parley makes those)',
      { category: 'action' },
      'ERR_INVALID_MESSAGE_CATEGORY',
    ],
    ['category call (Parley makes those)', { category: 'call' }, 'ERR_INVALID_MESSAGE_CATEGORY'],
    ['an unknown category', { category: 'poll' }, 'ERR_INVALID_MESSAGE_CATEGORY'],
    ['no type', { type: undefined }, 'ERR_EMPTY_MESSAGE_TYPE'],
    ['a type that is not a message type', { type: 'sticker' }, 'ERR_INVALID_MESSAGE_TYPE'],
    [
      'an interactive type that does not exist',
      { category: 'interactive', type: 'poll' },
      'ERR_INVALID_MESSAGE_TYPE',
    ],
    ['text without text', { data: {} }, 'ERR_EMPTY_MESSAGE_TEXT'],
    ['blank text', { data: { text: '   ' } }, 'ERR_EMPTY_MESSAGE_TEXT'],
    ['text that is not a string', { data: { text: 42 } }, 'ERR_INVALID_MESSAGE_TEXT'],
    ['metadata that is no object', { data: { text: 'x', metadata: [1] } }, 'ERR_INVALID_METADATA'],
    [
      'metadata over 5 KB',
      { data: { text: 'x', metadata: { a: 'x'.repeat(6000) } } },
      'ERR_INVALID_METADATA',
    ],
    ['an image without attachments', { type: 'image', data: {} }, 'ERR_EMPTY_MESSAGE_FILE'],
    [
      'a file with no attachment',
      { type: 'file', data: { attachments: [] } },
      'ERR_EMPTY_MESSAGE_FILE',
    ],
    [
      'an attachment without url',
      { type: 'video', data: { attachments: [{ name: 'v' }] } },
      'ERR_INVALID_MEDIA_MESSAGE',
    ],
    [
      'attachments that are no list',
      { type: 'audio', data: { attachments: 'a.mp3' } },
      'ERR_INVALID_MEDIA_MESSAGE',
    ],
    [
      'a custom message without customData',
      { category: 'custom', type: 'location', data: {} },
      'ERR_EMPTY_CUSTOM_DATA',
    ],
    [
      'a custom message with empty customData',
      { category: 'custom', type: 'location', data: { customData: {} } },
      'ERR_EMPTY_CUSTOM_DATA',
    ],
    [
      'customData that is no object',
      { category: 'custom', type: 'location', data: { customData: 'x' } },
      'ERR_INVALID_CUSTOM_DATA',
    ],
    [
      'an interactive message without interactiveData',
      { category: 'interactive', type: 'form', data: {} },
      'ERR_INVALID_MESSAGE_DATA',
    ],
    [
      'an unknown interaction goal',
      {
        category: 'interactive',
        type: 'form',
        data: { interactiveData: { a: 1 }, interactionGoal: { type: 'some' } },
      },
      'ERR_INVALID_MESSAGE_DATA',
    ],
    [
      'an allOf goal naming no element',
      {
        category: 'interactive',
        type: 'card',
        data: { interactiveData: { a: 1 }, interactionGoal: { type: 'allOf', elementIds: [] } },
      },
      'ERR_INVALID_MESSAGE_DATA',
    ],
    [
      'allowSenderInteraction that is no boolean',
      {
        category: 'interactive',
        type: 'form',
        data: { interactiveData: { a: 1 }, allowSenderInteraction: 'yes' },
      },
      'ERR_INVALID_MESSAGE_DATA',
    ],
    ['data over 10 KB', { data: { text: 'x'.repeat(11 * 1024) } }, 'ERR_INVALID_MESSAGE_DATA'],
    [
      'a message over 65,536 characters',
      { data: { text: 'x' }, metadata: { a: 'y'.repeat(70_000) } },
      'ERR_PAYLOAD_TOO_LARGE',
    ],
  ])('refuses %s', (_what, over, code) => {
    expect(refusal(to(over))).toBe(code);
  });

  it.each([
    ['an image', { type: 'image', data: { attachments: [image] } }],
    [
      'a file with a caption and a size in text',
      { type: 'file', data: { text: 'see', attachments: [{ ...image, size: '2048' }] } },
    ],
    [
      'a custom message of any type',
      { category: 'custom', type: 'extension_poll', data: { customData: { q: 'why' } } },
    ],
    [
      'a card',
      {
        category: 'interactive',
        type: 'card',
        data: {
          interactiveData: { text: 'hi' },
          interactionGoal: { type: 'anyOf', elementIds: ['b1'] },
        },
      },
    ],
    [
      'a scheduler',
      { category: 'interactive', type: 'scheduler', data: { interactiveData: { a: 1 } } },
    ],
    [
      'a customInteractive',
      { category: 'interactive', type: 'customInteractive', data: { interactiveData: { a: 1 } } },
    ],
  ])('accepts %s', (_what, over) => {
    expect(refusal(to(over))).toBeUndefined();
  });

  it('completes an interactive message: goal none and no sender interaction by default', () => {
    const content = messageContent(
      MessageSendBodySchema.parse(
        to({ category: 'interactive', type: 'form', data: { interactiveData: { title: 'T' } } }),
      ),
    );
    expect(content.data).toEqual({
      interactiveData: { title: 'T' },
      interactionGoal: { type: 'none', elementIds: [] },
      allowSenderInteraction: false,
    });
  });

  it('reads the nulls of a serialised SDK message as absent fields', () => {
    const body = MessageSendBodySchema.parse(
      to({ data: null, text: 'hi', muid: null, tags: null, metadata: undefined }),
    );
    expect(messageContent(body)).toMatchObject({ data: { text: 'hi' }, tags: [] });
    expect(body.muid).toBeUndefined();
  });

  it('keeps quotedMessageId, and reads 0 or null as none', () => {
    expect(messageContent(to({ quotedMessageId: '5' })).quotedMessageId).toBe('5');
    expect(MessageSendBodySchema.parse(to({ quotedMessageId: 0 })).quotedMessageId).toBeUndefined();
    expect(MessageSendBodySchema.parse(to({ quotedMessageId: 8 })).quotedMessageId).toBe('8');
  });

  it('takes multipleReceivers as uids and guids lists, 1 to 25 receivers', () => {
    const parse = (r: unknown) => MessageSendBodySchema.safeParse(to({ multipleReceivers: r }));
    expect(parse({ uids: ['A', 'b'], guids: ['g'] }).data?.multipleReceivers).toEqual({
      uids: ['a', 'b'],
      guids: ['g'],
    });
    expect(parse({}).success).toBe(false);
    expect(parse({ uids: Array.from({ length: 26 }, (_, i) => `u${i}`) }).success).toBe(false);
    expect(parse({ uids: ['bad uid'] }).success).toBe(false);
  });

  it('reads parentId 0 or null as no parent, and numbers as ids', () => {
    expect(MessageSendBodySchema.parse(to({ parentId: 0 })).parentId).toBeUndefined();
    expect(MessageSendBodySchema.parse(to({ parentId: null })).parentId).toBeUndefined();
    expect(MessageSendBodySchema.parse(to({ parentId: 12 })).parentId).toBe('12');
  });
});
