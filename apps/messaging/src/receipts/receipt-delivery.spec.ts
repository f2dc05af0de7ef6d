import { MessageBus } from '@parley/common';
import { ReceiptDelivery, ReceiptMoved } from './receipt-delivery';

const moved = (over: Partial<ReceiptMoved> = {}): ReceiptMoved => ({
  appId: 'app1',
  kind: 'read',
  reader: 'bob',
  readerEntity: { uid: 'bob', name: 'Bob' },
  receiverType: 'user',
  receiver: 'alice',
  messageId: '7',
  messageSender: 'alice',
  at: 100,
  deviceId: 'bob-tab',
  ...over,
});

function setup() {
  const bus = { publish: jest.fn() };
  return { bus, delivery: new ReceiptDelivery(bus as unknown as MessageBus) };
}

describe('ReceiptDelivery', () => {
  it('sends the receipts frame of a 1:1 conversation to the other user', () => {
    const { bus, delivery } = setup();
    delivery.deliver(moved());
    expect(bus.publish).toHaveBeenCalledWith('deliver.app1.u.alice', {
      appId: 'app1',
      type: 'receipts',
      sender: 'bob',
      receiver: 'alice',
      receiverType: 'user',
      deviceId: 'bob-tab',
      messageSender: 'alice',
      body: { action: 'read', messageId: '7', user: { uid: 'bob', name: 'Bob' }, timestamp: 100 },
    });
  });

  it("sends a group's receipt to the sender of the message the mark reached, and none to oneself", () => {
    const { bus, delivery } = setup();
    delivery.deliver(moved({ receiverType: 'group', receiver: 'team', messageSender: 'carol' }));
    expect(bus.publish).toHaveBeenCalledWith(
      'deliver.app1.u.carol',
      expect.objectContaining({ receiver: 'team', receiverType: 'group' }),
    );
    delivery.deliver(moved({ receiverType: 'group', receiver: 'team', messageSender: 'bob' }));
    delivery.deliver(
      moved({ receiverType: 'group', receiver: 'team', messageSender: 'app_system' }),
    );
    expect(bus.publish).toHaveBeenCalledTimes(1);
  });
});
