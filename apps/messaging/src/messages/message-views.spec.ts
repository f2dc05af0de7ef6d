import { domainErrorOf } from '@parley/common/testing';
import { MessageListQuerySchema, MessageListRequest } from '@parley/contracts';
import { ParticipantDirectory } from '../directory/participant-directory';
import { ReceiptViews } from '../receipts/receipt-views';
import { groupSnapshot, messageRow, profile } from '../testing/message.factory';
import { MessageRow } from './message.entity';
import { MessageRepository, PageRead } from './message.repository';
import { MessageViews } from './message-views';
import { ViewerExtras } from './viewer-extras';

function setup(opts: { rows?: MessageRow[]; member?: boolean; group?: boolean } = {}) {
  const repo = {
    findById: jest.fn(async () => opts.rows?.[0] ?? null),
    page: jest.fn(async (): Promise<PageRead> => ({
      rows: opts.rows ?? [],
      users: [],
      groups: [],
      marks: [],
    })),
    userConversationIds: jest.fn(async () => ['alice_user_bob']),
  };
  const directory = {
    membership: jest.fn(async () => ({
      group: opts.group === false ? null : groupSnapshot('team'),
      state: opts.member ? 'member' : 'none',
      scope: null,
    })),
    group: jest.fn(async () => (opts.group === false ? null : groupSnapshot('team'))),
    memberGuids: jest.fn(async () => ['team']),
    usersForDisplay: jest.fn(async () => new Map([['alice', profile('alice')]])),
    groupsForDisplay: jest.fn(async () => new Map([['team', groupSnapshot('team')]])),
  };
  const receipts = { marksFor: jest.fn(async () => []), applyMarks: jest.fn() };
  return {
    repo,
    directory,
    receipts,
    views: new MessageViews(
      repo as unknown as MessageRepository,
      directory as unknown as ParticipantDirectory,
      { apply: jest.fn(async () => undefined) } as unknown as ViewerExtras,
      receipts as unknown as ReceiptViews,
    ),
  };
}

const request = (over: Partial<MessageListRequest> & { q?: Record<string, string> } = {}) => ({
  appId: 'app1',
  viewer: 'alice',
  scope: { kind: 'all' as const },
  query: MessageListQuerySchema.parse(over.q ?? {}),
  ...over,
});
const groupRow = (over = {}) =>
  messageRow({ receiver: 'team', receiver_type: 'group', conversation_id: 'group_team', ...over });

describe('MessageViews', () => {
  it('shows a 1:1 message to its two users and the app only', async () => {
    const { views } = setup({ rows: [messageRow()] });
    expect((await views.get('app1', 'bob', '101')).id).toBe('101');
    expect((await views.get('app1', undefined, '101')).id).toBe('101');
    expect((await domainErrorOf(views.get('app1', 'carol', '101'))).code).toBe(
      'ERR_MESSAGE_ID_NOT_FOUND',
    );
  });

  it("shows a group's message to its members only", async () => {
    expect(
      (await setup({ rows: [groupRow()], member: true }).views.get('app1', 'x', '101')).receiver,
    ).toBe('team');
    const err = await domainErrorOf(setup({ rows: [groupRow()] }).views.get('app1', 'x', '101'));
    expect(err.code).toBe('ERR_MESSAGE_ID_NOT_FOUND');
  });

  it('pages newest first and shows them oldest first, with the cursor at the oldest', async () => {
    const rows = [messageRow({ id: '3', seq: '3' }), messageRow({ id: '2', seq: '2' })];
    const { views } = setup({ rows });
    const page = await views.list(
      request({ scope: { kind: 'user', uid: 'bob' }, q: { limit: '2' } }),
    );
    expect(page.items.map((m) => m.id)).toEqual(['2', '3']);
    expect(page.meta).toEqual({
      current: { limit: 2, count: 2 },
      next: { affix: 'prepend', id: '2', sentAt: page.items[0].sentAt },
      cursor: { affix: 'prepend', id: '2', sentAt: page.items[0].sentAt },
    });
  });

  it('renders a page with the users, groups and receipt marks read with it, asking the directory nothing', async () => {
    const rows = [messageRow({ id: '3', seq: '3' }), groupRow({ id: '2', seq: '2' })];
    const { views, repo, directory, receipts } = setup({ rows });
    const marks = [
      {
        conversation_id: 'alice_user_bob',
        uid: 'bob',
        kind: 'read' as const,
        from_seq: '0',
        to_seq: '3',
        marked_at: 1_700_000_000_000,
      },
    ];
    repo.page.mockResolvedValueOnce({
      rows,
      users: [
        { uid: 'alice', status: 'active', profile: profile('alice', { name: 'Alice A' }) },
        { uid: 'bob', status: 'deleted', profile: null },
      ],
      groups: [{ guid: 'team', snapshot: groupSnapshot('team', { name: 'The team' }) }],
      marks,
    });
    const page = await views.list(request());
    expect(page.items.map((m) => m.id)).toEqual(['2', '3']);
    const [toGroup, toBob] = page.items;
    expect(toGroup.data.entities).toMatchObject({
      sender: { entity: { uid: 'alice', name: 'Alice A' } },
      receiver: { entity: { guid: 'team', name: 'The team' }, entityType: 'group' },
    });
    // A user without a profile is shown by uid, as usersForDisplay leaves them out.
    expect(toBob.data.entities).toMatchObject({
      receiver: { entity: { uid: 'bob', name: 'bob' } },
    });
    expect(receipts.applyMarks).toHaveBeenCalledWith('alice', page.items, marks);
    expect(directory.usersForDisplay).not.toHaveBeenCalled();
    expect(directory.groupsForDisplay).not.toHaveBeenCalled();
    expect(receipts.marksFor).not.toHaveBeenCalled();
  });

  it('reads a user over their 1:1 conversations and current groups', async () => {
    const { views, repo } = setup();
    await views.list(request());
    expect(repo.page).toHaveBeenCalledWith(
      'app1',
      ['alice_user_bob', 'group_team'],
      expect.anything(),
      'alice',
    );
  });

  it('reads the whole app for the app, and asks for a user on a 1:1 list', async () => {
    const { views, repo } = setup();
    await views.list(request({ viewer: undefined }));
    expect(repo.page).toHaveBeenCalledWith('app1', undefined, expect.anything(), undefined);
    const err = await domainErrorOf(
      views.list(request({ viewer: undefined, scope: { kind: 'user', uid: 'bob' } })),
    );
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(err.details).toHaveProperty('onBehalfOf');
    // myMentionsOnly means the viewer's mentions: the app has none.
    const mine = await domainErrorOf(
      views.list(request({ viewer: undefined, q: { myMentionsOnly: 'true' } })),
    );
    expect(mine.details).toHaveProperty('onBehalfOf');
  });

  it("refuses a group's list to a non-member, and an unknown group", async () => {
    const scope = { kind: 'group' as const, guid: 'team' };
    expect((await domainErrorOf(setup().views.list(request({ scope })))).code).toBe(
      'ERR_GROUP_NOT_JOINED',
    );
    expect(
      (
        await domainErrorOf(
          setup({ group: false }).views.list(request({ scope, viewer: undefined })),
        )
      ).code,
    ).toBe('ERR_GUID_NOT_FOUND');
  });

  it('repeats the cursor it was given when nothing is there yet, and has none without one', async () => {
    const { views } = setup();
    const empty = await views.list(request({ q: { affix: 'append', id: '9' } }));
    expect(empty.meta.cursor).toEqual({ affix: 'append', id: '9' });
    expect((await views.list(request())).meta).toEqual({ current: { limit: 100, count: 0 } });
  });
});
