import { MessageBus } from '@parley/common';
import { messageRow, profile } from '../testing/message.factory';
import { MessageDelivery } from './message-delivery';
import { toMessage } from './message.mapper';

function setup() {
  const bus = { publish: jest.fn() };
  return { bus, delivery: new MessageDelivery(bus as unknown as MessageBus) };
}
const users = new Map([['alice', profile('alice')]]);

describe('MessageDelivery', () => {
  it("publishes a 1:1 message to the receiver's and the sender's user subjects", () => {
    const { bus, delivery } = setup();
    const message = toMessage(messageRow(), { users, groups: new Map() });
    delivery.deliver('app1', message, 'WEB-1');
    const frame = {
      appId: 'app1',
      type: 'message',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      deviceId: 'WEB-1',
      body: message,
    };
    expect(bus.publish.mock.calls).toEqual([
      ['deliver.app1.u.bob', frame],
      ['deliver.app1.u.alice', frame],
    ]);
  });

  it("publishes a group message once, on the group's subject, whatever its size", () => {
    const { bus, delivery } = setup();
    const message = toMessage(
      messageRow({ receiver: 'team', receiver_type: 'group', conversation_id: 'group_team' }),
      { users, groups: new Map() },
    );
    delivery.deliver('app1', message, undefined);
    expect(bus.publish).toHaveBeenCalledTimes(1);
    expect(bus.publish).toHaveBeenCalledWith(
      'deliver.app1.g.team',
      expect.not.objectContaining({ deviceId: expect.anything() }),
    );
  });

  it('publishes nothing to app_system, and once to a user writing to themself', () => {
    const { bus, delivery } = setup();
    delivery.deliver(
      'app1',
      toMessage(messageRow({ sender: 'app_system' }), { users, groups: new Map() }),
      undefined,
    );
    delivery.deliver(
      'app1',
      toMessage(messageRow({ receiver: 'alice' }), { users, groups: new Map() }),
      undefined,
    );
    expect(bus.publish.mock.calls.map(([subject]) => subject)).toEqual([
      'deliver.app1.u.bob',
      'deliver.app1.u.alice',
    ]);
  });

  it('also publishes to the users named in alsoTo (a member just removed from the group)', () => {
    const { bus, delivery } = setup();
    const groupRow = messageRow({
      sender: 'app_system',
      receiver: 'team',
      receiver_type: 'group',
      conversation_id: 'group_team',
    });
    delivery.deliver('app1', toMessage(groupRow, { users, groups: new Map() }), undefined, [
      'bob',
      'app_system',
    ]);
    // A 1:1 action of the app reaches both users of the conversation.
    delivery.deliver(
      'app1',
      toMessage(messageRow({ sender: 'app_system' }), { users, groups: new Map() }),
      undefined,
      ['alice', 'bob'],
    );
    expect(bus.publish.mock.calls.map(([subject]) => subject)).toEqual([
      'deliver.app1.g.team',
      'deliver.app1.u.bob',
      'deliver.app1.u.bob',
      'deliver.app1.u.alice',
    ]);
  });

  it('never fails the send when publishing fails (the record is committed)', () => {
    const { bus, delivery } = setup();
    bus.publish.mockImplementation(() => {
      throw new Error('nats closed');
    });
    expect(() =>
      delivery.deliver('app1', toMessage(messageRow(), { users, groups: new Map() }), undefined),
    ).not.toThrow();
  });
});
