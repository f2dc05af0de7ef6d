import { InteractionRepository } from '../interactions/interaction.repository';
import { ReactionRepository } from '../reactions/reaction.repository';
import { messageRow, T0 } from '../testing/message.factory';
import { toMessage } from './message.mapper';
import { searchQuery } from './message.repository';
import { ViewerExtras } from './viewer-extras';

const empty = { users: new Map(), groups: new Map() };

function setup() {
  const reactions = {
    counts: jest.fn(async (_app: string, ids: string[], viewer?: string) =>
      ids.includes('101')
        ? [
            { message_id: '101', reaction: '👍', count: 2, reacted_by_viewer: viewer === 'bob' },
            { message_id: '101', reaction: '🎉', count: 1, reacted_by_viewer: false },
          ]
        : [],
    ),
  };
  const interactions = {
    of: jest.fn(async (_app: string, ids: string[], uid?: string) =>
      [
        { message_id: '102', uid: 'bob', element_id: 'yes', interacted_at: T0 },
        { message_id: '102', uid: 'carol', element_id: 'maybe', interacted_at: T0 },
      ].filter((r) => ids.includes(r.message_id) && (uid === undefined || r.uid === uid)),
    ),
  };
  const extras = new ViewerExtras(
    reactions as unknown as ReactionRepository,
    interactions as unknown as InteractionRepository,
  );
  const rows = [
    messageRow({ id: '101', reaction_count: 3, mentioned_uids: ['bob'] }),
    messageRow({
      id: '102',
      category: 'interactive',
      type: 'form',
      data: { interactiveData: {}, interactionGoal: { type: 'anyOf', elementIds: ['yes'] } },
    }),
    messageRow({ id: '103' }),
  ];
  const render = () => rows.map((r) => toMessage(r, empty));
  return { extras, rows, render, reactions, interactions };
}

describe('ViewerExtras', () => {
  it('shows a user their reactions, mentions and own interactions', async () => {
    const { extras, rows, render } = setup();
    const messages = render();
    await extras.apply('app1', rows, messages, 'bob');
    expect(messages[0].data.reactions).toEqual([
      { reaction: '👍', count: 2, reactedByMe: true },
      { reaction: '🎉', count: 1, reactedByMe: false },
    ]);
    expect(messages[0].mentionedMe).toBe(true);
    expect(messages[1].data).toMatchObject({
      interactions: [{ elementId: 'yes', interactedAt: Math.floor(T0.getTime() / 1000) }],
      interactionGoalCompleted: true,
    });
    expect(messages[2].data.reactions).toBeUndefined();
    expect(messages[2].mentionedMe).toBeUndefined();
  });

  it("shows the app everyone's interactions, completed when anyone's meet the goal", async () => {
    const { extras, rows, render } = setup();
    const messages = render();
    await extras.apply('app1', rows, messages, undefined);
    expect(messages[0].mentionedMe).toBeUndefined();
    expect(messages[1].data.interactions).toEqual([
      expect.objectContaining({ elementId: 'yes', interactedBy: 'bob' }),
      expect.objectContaining({ elementId: 'maybe', interactedBy: 'carol' }),
    ]);
    expect(messages[1].data.interactionGoalCompleted).toBe(true);
  });

  it('asks nothing for messages without reactions or interactivity', async () => {
    const { extras, reactions, interactions } = setup();
    const row = messageRow({ id: '103' });
    await extras.apply('app1', [row], [toMessage(row, empty)], 'bob');
    expect(reactions.counts).toHaveBeenCalledWith('app1', [], 'bob');
    expect(interactions.of).toHaveBeenCalledWith('app1', [], 'bob');
  });
});

describe('searchQuery', () => {
  it('makes each word a required prefix, lower-cased, dropping punctuation', () => {
    expect(searchQuery('Meet  NOTES, tom!')).toBe('meet:* & notes:* & tom:*');
    expect(searchQuery('café 42')).toBe('café:* & 42:*');
  });

  it('is null without a word', () => {
    expect(searchQuery("!!! ' & | :*")).toBeNull();
  });
});
