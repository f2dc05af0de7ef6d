import { INestApplicationContext } from '@nestjs/common';
import { Transactor, UserDataEraser } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { MessageLifecycleService } from '../lifecycle/message-lifecycle.service';
import { MessageService } from '../messages/message.service';
import { MessageViews } from '../messages/message-views';
import { profile, textTo } from '../testing/message.factory';

jest.setTimeout(120_000);

/**
 * What edits and deletes keep of a message meets the erasure of its sender and the messages that
 * quote it, on real PostgreSQL.
 */
describe('erasure and deletes of edited and quoted messages', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  let lifecycle: MessageLifecycleService;
  let views: MessageViews;
  const appId = uniqueAppId('erase-edits');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    lifecycle = ctx.get(MessageLifecycleService);
    views = ctx.get(MessageViews);
    await ctx.get(DirectoryRepository).learnUsers(appId, [profile('alice'), profile('bob')]);
    // The users' role lets them message anyone (no friendship look-up).
    await ctx.get(DirectoryRepository).applyRole(appId, 'default', 'all', 1);
  });

  afterAll(async () => {
    for (const table of [
      'messages',
      'message_revisions',
      'conversations',
      'member_positions',
      'users',
      'roles',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  it("erases a deleted user's revisions and the copies of their content the app's edits made", async () => {
    const sent = await messages.send({
      appId,
      sender: 'alice',
      message: textTo('bob', { text: 'secret' }),
    });
    // The app edits it: the `edited` action message is app_system's and copies alice's content.
    const edited = await lifecycle.edit({
      appId,
      id: sent.id,
      edit: { data: { text: 'secret 2' } },
    });
    const bobs = await messages.send({ appId, sender: 'bob', message: textTo('alice') });

    const erasure = ctx.get(UserDataEraser);
    const erase = () => ctx.get(Transactor).run((tx) => erasure.erase(tx, appId, 'alice'));
    await erase();
    await erase(); // an event applied twice changes nothing more

    const { revisions } = await lifecycle.history(appId, undefined, sent.id);
    expect(JSON.stringify(revisions)).not.toContain('secret');
    const action = await views.get(appId, undefined, edited.id);
    expect(action.sender).toBe('app_system');
    expect(JSON.stringify(action)).not.toContain('secret');
    expect((await views.get(appId, undefined, bobs.id)).data.text).toBe('hello');
  });

  it('shows a permanently deleted quoted message erased, and refuses new quotes of it', async () => {
    const quoted = await messages.send({
      appId,
      sender: 'bob',
      message: textTo('alice', { text: 'quote me' }),
    });
    const quoting = await messages.send({
      appId,
      sender: 'alice',
      message: textTo('bob', { text: 'as you said', quotedMessageId: quoted.id }),
    });
    await lifecycle.delete({ appId, actor: 'bob', id: quoted.id, permanent: true });

    const read = await views.get(appId, 'alice', quoting.id);
    expect(read.quotedMessageId).toBe(quoted.id);
    expect(read.quotedMessage).toMatchObject({ id: quoted.id, deletedBy: 'bob' });
    expect(JSON.stringify(read.quotedMessage)).not.toContain('quote me');
    await expect(
      messages.send({
        appId,
        sender: 'alice',
        message: textTo('bob', { text: 'again', quotedMessageId: quoted.id }),
      }),
    ).rejects.toMatchObject({ code: 'ERR_MESSAGE_ID_NOT_FOUND' });
  });
});
