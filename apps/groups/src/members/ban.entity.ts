import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user banned from a group: not a member, and cannot join until unbanned. */
@Entity('bans')
export class BanEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  guid!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  uid!: string;

  /** Who banned (a uid, or `app_system`). */
  @Column({ name: 'banned_by', type: 'text' })
  bannedBy!: string;

  @Column({ name: 'banned_at', type: 'timestamptz' })
  bannedAt!: Date;
}
