import { SetMetadata } from '@nestjs/common';

/** Route metadata key read by the gateway's credential guard. */
export const ACCESS = 'parley:access';

/** A route that needs no credential (health, metrics, docs). */
export const Public = () => SetMetadata(ACCESS, { kind: 'public' });
