import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox of a service's schema: events written in the same transaction as the
 * change they describe, published to JetStream by the relay after commit.
 */
@Entity('outbox')
export class OutboxRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** SQL for a service migration to create its outbox table. */
export function outboxTableSql(schema: string): string {
  return `CREATE TABLE "${schema}"."outbox" (
    "id" bigserial PRIMARY KEY,
    "event_id" text NOT NULL,
    "subject" text NOT NULL,
    "payload" jsonb NOT NULL,
    "created_at" timestamptz NOT NULL DEFAULT now()
  )`;
}
