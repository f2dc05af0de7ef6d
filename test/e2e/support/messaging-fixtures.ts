import { AppClient, AppKeys, createApp, ErrorReply } from './parley';

/** A message as the REST API returns it (the fields these tests read). */
export interface Message {
  id: string;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown> & {
    text?: string;
    entities: {
      sender: { entity: { uid: string; name: string }; entityType: string };
      receiver: { entity: Record<string, unknown>; entityType: string };
    };
  };
  sentAt: number;
  updatedAt: number;
  seq: number;
  parentId?: string;
  replyCount?: number;
  tags?: string[];
  quotedMessageId?: string;
  quotedMessage?: Message;
}
export interface Cursor {
  affix: 'append' | 'prepend';
  id?: string;
  sentAt?: number;
}
export type One = { data: Message };
export type Page = {
  data: Message[];
  meta: { current: { limit: number; count: number }; next?: Cursor; cursor?: Cursor };
};

/** Users' and groups' events reach messaging's read models within this (normally milliseconds). */
export const EVENTS_ARRIVE_MS = 30_000;

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

/** A user acting through the REST key with onBehalfOf. */
export const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

/** A user acting with their own auth token (as the client SDK does). */
export async function withToken(rest: AppClient, app: AppKeys, uid: string): Promise<AppClient> {
  const res = await rest.post<{ data: { authToken: string } }>(`/users/${uid}/auth_tokens`, {});
  return new AppClient(app.appId, { authtoken: res.body.data.authToken });
}

/**
 * A fresh app with the users `uids` (named "Name <uid>") and a public group `team` owned by the
 * first with the second as a participant. Adding the second is the group conversation's seq 1:
 * its `added` action message, stored before the group's creation answers.
 */
export async function messagingWorld(uids = ['alice', 'bob', 'carol']) {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of uids) {
    const res = await rest.post('/users', { uid, name: `Name ${uid}` });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  const group = await as(app, uids[0]).post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { participants: [uids[1]] },
  });
  if (group.status !== 200) throw new Error(`create team: ${JSON.stringify(group.body)}`);
  return { app, rest };
}
