import { SetMetadata } from '@nestjs/common';
import { z } from 'zod';

export const API_DOC = 'parley:api-doc';

export interface ApiDocSpec {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
}

/** Describes a route for the OpenAPI document at /docs, from the same schemas that validate it. */
export const ApiDoc = (spec: ApiDocSpec) => SetMetadata(API_DOC, spec);
