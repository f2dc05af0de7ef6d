import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ApiKeyScope } from '@parley/contracts';

/** An API key, stored as its sha-256; `masked` is what lists show. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ type: 'text' })
  masked!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  scope!: ApiKeyScope;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
