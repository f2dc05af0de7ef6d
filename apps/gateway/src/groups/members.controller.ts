import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  BannedListQuerySchema,
  isMembersAddBody,
  MemberJoinBodySchema,
  MemberListQuerySchema,
  MembersAddBodySchema,
  MemberScopeBodySchema,
  OwnerTransferBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { actingUid } from '../relationships/acting-user';
import { joinedActionOf } from './joined-action';
import {
  addedUids,
  joinedReply,
  MemberActionReplies,
  withAddedMessages,
} from './member-action-replies';

/**
 * A group's members (reference §4.7; API.md §2 for the user's own join and leave). Every route also
 * serves a user (their auth token, or the REST API key with onBehalfOf), who is then the actor and
 * is held to the scope rules (§6.3); the REST key alone acts as the app and passes them.
 */
@Controller(v3('groups/:guid/members'))
@Allow('fullAccess', 'user')
export class GroupMembersController {
  private readonly actions: MemberActionReplies;

  constructor(private readonly bus: MessageBus) {
    this.actions = new MemberActionReplies(bus);
  }

  @Post()
  @HttpCode(200)
  @ApiDoc({
    summary:
      'Add members by scope (`admins`, `moderators`, `participants`, `usersToBan`; a result per uid), or, as a user with none of them, join (`password` for a password group; the reply is the `joined` action message)',
    body: MembersAddBodySchema,
  })
  async addOrJoin(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
  ) {
    if (p.uid && !isMembersAddBody(body)) {
      const { password } = parseOrThrow(MemberJoinBodySchema, body ?? {});
      const id = idParam('guid', guid);
      const afterSeq = await this.actions.mark(p.appId, id);
      const group = await this.bus.request(RPC.groups.memberJoin, {
        appId: p.appId,
        guid: id,
        uid: p.uid,
        password,
      });
      // API.md §2: the reply is the `joined` action message (the group as its `for` entity). When
      // the stored message is late, one composed from the join: CometChat's SDK reads the group
      // from there and nowhere else.
      const { [p.uid]: joined } = await this.actions.collect(
        p.appId,
        id,
        'joined',
        [p.uid],
        afterSeq,
      );
      if (joined) return ok(joinedReply(joined, group));
      const user = await this.bus.request(RPC.users.userGet, {
        appId: p.appId,
        uid: p.uid,
        viewer: p.uid,
      });
      return ok(joinedActionOf(group, user));
    }
    return this.add(p, guid, body);
  }

  /**
   * The SDK's `addMembersToGroup`, which reads the result of each of the four arrays, so each is
   * in the reply (empty when not asked for). Each added member's item carries its `added` message.
   */
  @Put()
  @ApiDoc({
    summary: 'Add members by scope (as POST; the reply has all four arrays)',
    body: MembersAddBodySchema,
  })
  async addAll(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
  ) {
    const { data } = await this.add(p, guid, body);
    return ok({ admins: {}, moderators: {}, participants: {}, usersToBan: {}, ...data });
  }

  private async add(p: Principal, guid: string, body: unknown) {
    const input = parseOrThrow(MembersAddBodySchema, body ?? {});
    const id = idParam('guid', guid);
    const afterSeq = await this.actions.mark(p.appId, id);
    const results = await this.bus.request(RPC.groups.memberAdd, {
      ...input,
      appId: p.appId,
      guid: id,
      actor: p.uid,
    });
    const added = await this.actions.collect(p.appId, id, 'added', addedUids(results), afterSeq);
    return ok(withAddedMessages(results, added));
  }

  @Delete()
  @ApiDoc({ summary: 'Leave the group (the calling user; the owner transfers ownership first)' })
  async leave(@CurrentPrincipal() p: Principal, @Param('guid') guid: string) {
    return ok(
      await this.bus.request(RPC.groups.memberLeave, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid: actingUid(p),
      }),
    );
  }

  @Get()
  @ApiDoc({
    summary: 'List members in uid order (members only; `after`: keyset cursor)',
    query: MemberListQuerySchema,
  })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Query() query: unknown,
  ) {
    const q = parseOrThrow(MemberListQuerySchema, query);
    return paged(
      await this.bus.request(RPC.groups.memberList, {
        ...q,
        appId: p.appId,
        guid: idParam('guid', guid),
        viewer: p.uid,
      }),
    );
  }

  @Put(':uid')
  @ApiDoc({ summary: "Change a member's scope", body: MemberScopeBodySchema })
  async setScope(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Param('uid') uid: string,
    @Body() body: unknown,
  ) {
    const { scope } = parseOrThrow(MemberScopeBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.groups.memberScopeSet, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid: idParam('uid', uid),
        actor: p.uid,
        scope,
      }),
    );
  }

  @Delete(':uid')
  @ApiDoc({ summary: 'Kick a member (they may join again)' })
  async kick(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Param('uid') uid: string,
  ) {
    return ok(
      await this.bus.request(RPC.groups.memberKick, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid: idParam('uid', uid),
        actor: p.uid,
      }),
    );
  }
}

/** Users banned from a group (reference §4.7). */
@Controller(v3('groups/:guid/bannedusers'))
@Allow('fullAccess', 'user')
export class GroupBannedUsersController {
  constructor(private readonly bus: MessageBus) {}

  @Post(':uid')
  @HttpCode(200)
  @ApiDoc({ summary: 'Ban a user (a member is removed; they cannot join until unbanned)' })
  async ban(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Param('uid') uid: string,
  ) {
    return ok(
      await this.bus.request(RPC.groups.banAdd, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid: idParam('uid', uid),
        actor: p.uid,
      }),
    );
  }

  @Delete(':uid')
  @ApiDoc({ summary: 'Unban a user' })
  async unban(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Param('uid') uid: string,
  ) {
    return ok(
      await this.bus.request(RPC.groups.banRemove, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid: idParam('uid', uid),
        actor: p.uid,
      }),
    );
  }

  @Get()
  @ApiDoc({
    summary: 'List banned users in uid order (members only)',
    query: BannedListQuerySchema,
  })
  async list(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Query() query: unknown,
  ) {
    const q = parseOrThrow(BannedListQuerySchema, query);
    return paged(
      await this.bus.request(RPC.groups.banList, {
        ...q,
        appId: p.appId,
        guid: idParam('guid', guid),
        viewer: p.uid,
      }),
    );
  }
}

/** Ownership transfer: the SDK's `transferOwnership` (PATCH), and PUT as API.md §2 names it. */
@Controller(v3('groups/:guid/owner'))
@Allow('fullAccess', 'user')
export class GroupOwnerController {
  constructor(private readonly bus: MessageBus) {}

  @Patch()
  @ApiDoc({
    summary: 'Transfer ownership to a member (`uid`; the owner or the app)',
    body: OwnerTransferBodySchema,
  })
  async transfer(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
  ) {
    const { uid } = parseOrThrow(OwnerTransferBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.groups.ownerTransfer, {
        appId: p.appId,
        guid: idParam('guid', guid),
        uid,
        actor: p.uid,
      }),
    );
  }

  @Put()
  @ApiDoc({ summary: 'Transfer ownership (as PATCH)', body: OwnerTransferBodySchema })
  transferPut(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
  ) {
    return this.transfer(p, guid, body);
  }
}
