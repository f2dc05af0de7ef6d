import { AppClient, AppKeys, createApp, ErrorReply } from './parley';

/** A message as the REST API returns it (the fields these tests read). */
export interface Message {
  id: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown> & {
    reactions?: Array<{ reaction: string; count: number; reactedByMe: boolean }>;
    mentions?: Record<string, { uid: string; name: string }>;
    interactions?: Array<{ elementId: string; interactedAt: number; interactedBy?: string }>;
    interactionGoalCompleted?: boolean;
  };
  sentAt: number;
  updatedAt: number;
  seq: number;
  parentId?: string;
  mentionedUsers?: Array<{ uid: string; name: string }>;
  mentionedMe?: boolean;
}
export type One = { data: Message };
export type Page = { data: Message[]; meta: Record<string, unknown> };

export const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;

export const text = (receiver: string, t: string, extra: Record<string, unknown> = {}) => ({
  receiver,
  receiverType: 'user',
  category: 'message',
  type: 'text',
  data: { text: t },
  ...extra,
});
export const toGroup = (guid: string, t: string, extra: Record<string, unknown> = {}) =>
  text(guid, t, { receiverType: 'group', ...extra });

/** An interactive form to `receiver`, whose elements are `name` and `submit`. */
export type Goal = { type: 'none' | 'anyAction' | 'anyOf' | 'allOf'; elementIds?: string[] };
export const form = (receiver: string, goal: Goal, extra: Record<string, unknown> = {}) => ({
  receiver,
  receiverType: 'user',
  category: 'interactive',
  type: 'form',
  data: {
    interactiveData: {
      title: 'Survey',
      formFields: [{ elementType: 'textInput', elementId: 'name', label: 'Name' }],
      submitElement: { elementType: 'button', elementId: 'submit', buttonText: 'Send' },
    },
    interactionGoal: goal,
    ...extra,
  },
});

/** A user acting through the REST key with onBehalfOf. */
export const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

/** A user acting with their own auth token, as the client SDK does. */
export async function withToken(rest: AppClient, app: AppKeys, uid: string): Promise<AppClient> {
  const res = await rest.post<{ data: { authToken: string } }>(`/users/${uid}/auth_tokens`, {});
  return new AppClient(app.appId, { authtoken: res.body.data.authToken });
}

/**
 * An app with users alice, bob, carol, dan and a public group `team` owned by alice with bob as a
 * participant (carol and dan are not members).
 */
export async function messagingWorld() {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of ['alice', 'bob', 'carol', 'dan']) {
    const res = await rest.post('/users', { uid, name: `Name ${uid}` });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  const group = await as(app, 'alice').post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { participants: ['bob'] },
  });
  if (group.status !== 200) throw new Error(`create team: ${JSON.stringify(group.body)}`);
  return { app, rest, alice: as(app, 'alice'), bob: as(app, 'bob'), carol: as(app, 'carol') };
}

/** Sends and returns the stored message (throws on a refusal). */
export async function sent(client: AppClient, body: unknown): Promise<Message> {
  const res = await client.post<One>('/messages', body);
  if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
