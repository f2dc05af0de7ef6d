import { code, Message, messagingWorld, sent, text, toGroup } from './support/messaging-world';
import { gateways, http } from './support/parley';

jest.setTimeout(60_000);

type Page = { data: Message[] };

/**
 * alice and bob's conversation holds one message of each kind the content filters tell apart;
 * `texts` names them by their text (or custom question) in the order sent.
 */
async function conversation() {
  const w = await messagingWorld();
  const { alice, bob } = w;
  const media = (to: string, type: string, caption: string, url: string) => ({
    ...text(to, ''),
    type,
    data: { text: caption, attachments: [{ url, name: url.split('/').pop() }] },
  });
  await sent(alice, text('bob', 'Meeting notes for tomorrow'));
  await sent(bob, text('alice', 'see https://example.com/doc please'));
  await sent(alice, media('bob', 'image', 'holiday photo', 'https://x/beach.png'));
  await sent(bob, media('alice', 'file', 'the contract', 'https://x/contract.pdf'));
  await sent(alice, {
    ...text('bob', ''),
    category: 'custom',
    type: 'poll',
    data: { customData: { question: 'Favourite colour?', options: ['red', 'blue'] } },
  });
  await sent(alice, text('bob', 'hey <@uid:bob>'));
  await sent(bob, text('alice', 'ping <@uid:carol> and <@uid:alice>'));
  const liked = await sent(alice, text('bob', 'reacted to'));
  await bob.post(`/messages/${liked.id}/reactions/${encodeURIComponent('👍')}`);
  return w;
}

const label = (m: Message) =>
  (m.data.text as string | undefined) ||
  ((m.data.customData as { question?: string } | undefined)?.question ?? m.id);

describe('message list content filters', () => {
  it('searches text and custom data by word prefixes (searchKey)', async () => {
    const { alice } = await conversation();
    const search = async (key: string) =>
      (
        await alice.get<Page>(`/users/bob/messages?searchKey=${encodeURIComponent(key)}`)
      ).body.data.map(label);
    expect(await search('meet')).toEqual(['Meeting notes for tomorrow']);
    expect(await search('NOTES tom')).toEqual(['Meeting notes for tomorrow']);
    expect(await search('colour')).toEqual(['Favourite colour?']);
    expect(await search('holiday')).toEqual(['holiday photo']);
    expect(await search('notes zebra')).toEqual([]);
    expect(await search('!!!')).toEqual([]);
    // An empty search filters nothing.
    expect(await search('')).toHaveLength(8);
  });

  it('filters by attachments and their types', async () => {
    const { alice } = await conversation();
    const list = async (q: string) =>
      (await alice.get<Page>(`/users/bob/messages?${q}`)).body.data.map(label);
    expect(await list('hasAttachments=true')).toEqual(['holiday photo', 'the contract']);
    expect(await list('attachmentTypes=image')).toEqual(['holiday photo']);
    expect(await list('attachmentTypes=image,file')).toEqual(['holiday photo', 'the contract']);
    expect(await list('attachmentTypes=video')).toEqual([]);
    expect(await list('hasAttachments=false')).toHaveLength(8);
    const bad = await alice.get('/users/bob/messages?attachmentTypes=gif');
    expect(code(bad)).toBe('ERR_BAD_REQUEST');
  });

  it('filters by links and by reactions', async () => {
    const { alice } = await conversation();
    const list = async (q: string) =>
      (await alice.get<Page>(`/users/bob/messages?${q}`)).body.data.map(label);
    expect(await list('hasLinks=true')).toEqual(['see https://example.com/doc please']);
    expect(await list('hasReactions=true')).toEqual(['reacted to']);
  });

  it('filters by mentions: any, of given users, of the viewer', async () => {
    const { rest, alice, bob } = await conversation();
    const list = async (client: typeof alice, q: string) =>
      (
        await client.get<Page>(`/users/${client === alice ? 'bob' : 'alice'}/messages?${q}`)
      ).body.data.map(label);
    expect(await list(alice, 'hasMentions=true')).toEqual([
      'hey <@uid:bob>',
      'ping <@uid:carol> and <@uid:alice>',
    ]);
    expect(await list(alice, 'mentionedUids=carol')).toEqual([
      'ping <@uid:carol> and <@uid:alice>',
    ]);
    expect(await list(alice, 'mentionedUids=bob,carol')).toHaveLength(2);
    expect(await list(bob, 'myMentionsOnly=true')).toEqual(['hey <@uid:bob>']);
    expect(await list(alice, 'myMentionsOnly=true')).toEqual([
      'ping <@uid:carol> and <@uid:alice>',
    ]);
    // Combined with other filters, all must hold.
    expect(await list(alice, 'hasMentions=true&searchKey=ping')).toEqual([
      'ping <@uid:carol> and <@uid:alice>',
    ]);
    // The app has no mentions of its own.
    const byApp = await rest.get('/messages?myMentionsOnly=true');
    expect(code(byApp)).toBe('ERR_BAD_REQUEST');
    expect(code(await alice.get('/users/bob/messages?mentionedUids=no%20such'))).toBe(
      'ERR_BAD_REQUEST',
    );
  });

  it('applies the filters to group lists and to the whole app', async () => {
    const { rest, alice, bob } = await messagingWorld();
    await sent(alice, toGroup('team', 'quarterly report draft'));
    await sent(bob, toGroup('team', 'looks good <@uid:alice>'));
    await sent(alice, text('bob', 'quarterly numbers'));
    const team = await bob.get<Page>('/groups/team/messages?searchKey=quarter');
    expect(team.body.data.map(label)).toEqual(['quarterly report draft']);
    const all = await rest.get<Page>('/messages?searchKey=quarterly');
    expect(all.body.data.map(label)).toEqual(['quarterly report draft', 'quarterly numbers']);
    const mine = await alice.get<Page>('/messages?myMentionsOnly=true');
    expect(mine.body.data.map(label)).toEqual(['looks good <@uid:alice>']);
  });
});

describe('the OpenAPI document', () => {
  it('describes the reaction and interaction routes', async () => {
    const docs = await http<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      `${gateways()[0]}/docs`,
    );
    expect(docs.status).toBe(200);
    const paths = docs.body.paths;
    expect(Object.keys(paths['/v3/messages/{id}/reactions/{reaction}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'post',
    ]);
    expect(Object.keys(paths['/v3/messages/{id}/reactions'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(paths['/v3/messages/{id}/interacted']).toHaveProperty('patch');
  });
});
