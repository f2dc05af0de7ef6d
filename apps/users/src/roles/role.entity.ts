import type { RoleSettings } from '@parley/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A role of an app. Users name it in `users.role`; the `default` role is written the first time an
 * app's roles are needed, so it exists for every app without being created.
 */
@Entity('roles')
export class RoleEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  role!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata!: Record<string, unknown> | null;

  @Column({ type: 'jsonb' })
  settings!: RoleSettings;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
