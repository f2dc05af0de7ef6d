import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MemberScope = 'admin' | 'moderator' | 'participant';

/** A user's membership of a group. */
@Entity('members')
export class MemberEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  guid!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  uid!: string;

  @Column({ type: 'text' })
  scope!: MemberScope;

  @Column({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
