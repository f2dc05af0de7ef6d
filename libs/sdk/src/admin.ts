import { ChatApi } from './chat-api';
import type { GroupScope, User } from './models';
import { FetchLike, RestTransport, RestTransportOptions, seg } from './rest-transport';

export interface AdminOptions {
  baseUrl: string;
  appId: string;
  /** The app's REST API key (fullAccess). Keep it on servers: it can do anything in the app. */
  apiKey: string;
  fetch?: FetchLike;
  retry?: RestTransportOptions['retry'];
}

/**
 * Server-side access to one app with its REST API key: users, their auth tokens, groups and
 * members, and every chat call, as the app (`app_system`) or, through `as(uid)`, for a user.
 */
export class ParleyAdmin extends ChatApi {
  constructor(
    private readonly options: AdminOptions,
    onBehalfOf?: string,
  ) {
    super(
      new RestTransport(options),
      onBehalfOf ? { apiKey: options.apiKey, onBehalfOf } : { apiKey: options.apiKey },
    );
  }

  /** The same calls made for `uid` (`onBehalfOf`): sends as them, sees what they see. */
  as(uid: string): ParleyAdmin {
    return new ParleyAdmin(this.options, uid);
  }

  async createUser(user: {
    uid: string;
    name: string;
    avatar?: string;
    role?: string;
    metadata?: Record<string, unknown>;
    tags?: string[];
  }): Promise<User> {
    return (await this.call<User>('POST', '/users', { body: user })).data;
  }

  async updateUser(uid: string, change: Partial<Omit<User, 'uid'>>): Promise<User> {
    return (await this.call<User>('PUT', `/users/${seg(uid)}`, { body: change })).data;
  }

  async deleteUser(uid: string, permanent = false): Promise<void> {
    await this.call('DELETE', `/users/${seg(uid)}`, { body: { permanent } });
  }

  /** A new auth token for one device of `uid`: hand it to that device, which logs in with it. */
  async createAuthToken(uid: string): Promise<string> {
    const res = await this.call<{ authToken: string }>('POST', `/users/${seg(uid)}/auth_tokens`, {
      body: {},
    });
    return res.data.authToken;
  }

  async addMembers(
    guid: string,
    members: Partial<Record<'admins' | 'moderators' | 'participants', string[]>>,
  ): Promise<unknown> {
    return (await this.call('POST', `/groups/${seg(guid)}/members`, { body: members })).data;
  }

  async kickMember(guid: string, uid: string): Promise<void> {
    await this.call('DELETE', `/groups/${seg(guid)}/members/${seg(uid)}`);
  }

  async changeScope(guid: string, uid: string, scope: GroupScope): Promise<void> {
    await this.call('PUT', `/groups/${seg(guid)}/members/${seg(uid)}`, { body: { scope } });
  }

  async deleteGroup(guid: string): Promise<void> {
    await this.call('DELETE', `/groups/${seg(guid)}`);
  }
}
