import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One direction of a friendship: `uid` counts `friendUid` among its friends. Every friendship is
 * stored as two rows (a->b and b->a), written and removed together, so a user's friends are one
 * range of the primary key.
 */
@Entity('friendships')
export class FriendshipEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  uid!: string;

  @PrimaryColumn({ name: 'friend_uid', type: 'text', collation: 'C' })
  friendUid!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
