import type { AppLimits } from '@parley/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('apps')
export class AppEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Per-app overrides of the rate limits; absent keys use the defaults. */
  @Column({ type: 'jsonb', default: {} })
  limits!: AppLimits;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
