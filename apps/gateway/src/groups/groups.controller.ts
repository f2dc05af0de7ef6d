import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  GroupCreateBodySchema,
  GroupListQuerySchema,
  GroupUpdateBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { addedUids, MemberActionReplies, withAddedMessages } from './member-action-replies';

/**
 * Groups (reference §4.6). Every route also serves a user: their auth token, or the REST API key
 * with onBehalfOf; that user is the actor (and, on create, the owner). The REST key alone acts as
 * the app and passes the scope checks.
 */
@Controller(v3('groups'))
@Allow('fullAccess', 'user')
export class GroupsController {
  private readonly actions: MemberActionReplies;

  constructor(private readonly bus: MessageBus) {
    this.actions = new MemberActionReplies(bus);
  }

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @ApiDoc({
    summary:
      'Create a group (with `members`, the reply carries a result per uid, an added one its `added` action message)',
    body: GroupCreateBodySchema,
  })
  async create(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const input = parseOrThrow(GroupCreateBodySchema, body);
    // A guid may have had a group before: its conversation goes on, so mark where it stands.
    const afterSeq = input.members ? await this.actions.mark(p.appId, input.guid) : undefined;
    const created = await this.bus.request(RPC.groups.groupCreate, {
      appId: p.appId,
      actor: p.uid,
      ...input,
    });
    if (!created.members) return ok(created);
    const uids = addedUids(created.members);
    const added = await this.actions.collect(p.appId, created.guid, 'added', uids, afterSeq);
    return ok({ ...created, members: withAddedMessages(created.members, added) });
  }

  @Get()
  @ApiDoc({
    summary: 'List groups (a user sees the private groups they are in)',
    query: GroupListQuerySchema,
  })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(GroupListQuerySchema, query);
    const { cursor, ...page } = await this.bus.request(RPC.groups.groupList, {
      appId: p.appId,
      viewer: p.uid,
      ...q,
    });
    const reply = paged(page);
    return cursor ? { ...reply, meta: { ...reply.meta, cursor } } : reply;
  }

  @Get(':guid')
  @ApiDoc({ summary: "Get a group (with the user's scope, hasJoined and joinedAt)" })
  async get(@CurrentPrincipal() p: Principal, @Param('guid') guid: string) {
    return ok(
      await this.bus.request(RPC.groups.groupGet, {
        appId: p.appId,
        guid: idParam('guid', guid),
        viewer: p.uid,
      }),
    );
  }

  @Put(':guid')
  @ApiDoc({
    summary: 'Update a group (`unset` clears fields; `owner` transfers ownership for the app)',
    body: GroupUpdateBodySchema,
  })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
  ) {
    const input = parseOrThrow(GroupUpdateBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.groups.groupUpdate, {
        ...input,
        // After the body: the path names the group (the SDK echoes `guid` in the body).
        appId: p.appId,
        guid: idParam('guid', guid),
        actor: p.uid,
      }),
    );
  }

  @Delete(':guid')
  @ApiDoc({ summary: 'Delete a group with its members and bans' })
  async delete(@CurrentPrincipal() p: Principal, @Param('guid') guid: string) {
    return ok(
      await this.bus.request(RPC.groups.groupDelete, {
        appId: p.appId,
        guid: idParam('guid', guid),
        actor: p.uid,
      }),
    );
  }
}
