import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user of an app. `uid` is collated "C" so the primary key's btree also serves `LIKE 'x%'`
 * prefix search. A soft-deleted user keeps its row (`deletedAt` set) so its uid cannot be
 * re-created; only a permanent delete frees the uid.
 */
@Entity('users')
export class UserEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  uid!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  avatar!: string | null;

  @Column({ type: 'text', nullable: true })
  link!: string | null;

  /** A role id of the same app; `default` unless set. */
  @Column({ type: 'text', default: 'default' })
  role!: string;

  @Column({ name: 'status_message', type: 'text', nullable: true })
  statusMessage!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  tags!: string[];

  @Column({ name: 'last_active_at', type: 'timestamptz', nullable: true })
  lastActiveAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
