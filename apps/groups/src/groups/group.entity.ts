import { Column, Entity, PrimaryColumn } from 'typeorm';

export type GroupType = 'public' | 'password' | 'private';

/**
 * A group of an app. `guid` is collated "C" so the primary key serves prefix search.
 * `membersCount` is maintained in the same transaction as every membership change (the group row
 * is locked), so it is exact under concurrent joins and leaves.
 */
@Entity('groups')
export class GroupEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  guid!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: GroupType;

  /** argon2 hash; only for `password` groups; never leaves the service. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** The owner's uid (`app_system` when the app created it with no owner). */
  @Column({ type: 'text', collation: 'C' })
  owner!: string;

  @Column({ type: 'text', nullable: true })
  icon!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ name: 'members_count', type: 'integer', default: 0 })
  membersCount!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'text', nullable: true })
  updatedBy!: string | null;
}
