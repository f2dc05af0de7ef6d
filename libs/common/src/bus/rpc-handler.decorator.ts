import { SetMetadata } from '@nestjs/common';
import { RpcDef } from '@parley/contracts';
import { z } from 'zod';

export const RPC_HANDLER = 'parley:rpc-handler';

/**
 * Marks a method as the handler of an RPC subject. The payload is validated against the
 * contract's request schema before the method runs; the method receives the parsed value.
 */
export const RpcHandler = (def: RpcDef<z.ZodType, z.ZodType>) => SetMetadata(RPC_HANDLER, def);
