import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An auth token (one user, one device), stored as its sha-256; `masked` is what lists show. */
@Entity('auth_tokens')
export class AuthTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ type: 'text' })
  uid!: string;

  @Column({ type: 'text' })
  masked!: string;

  @Column({ type: 'text', nullable: true })
  platform!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'app_info', type: 'jsonb', nullable: true })
  appInfo!: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
