import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `blocker` blocked `blocked` at `createdAt`. A block is one-way; each side may block the other. */
@Entity('blocks')
export class BlockEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  blocker!: string;

  @PrimaryColumn({ type: 'text', collation: 'C' })
  blocked!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
