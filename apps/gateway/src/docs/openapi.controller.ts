import { Controller, Get, Header, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { z } from 'zod';
import { accessRuleOf } from '../auth/credential.guard';
import { Public } from '../auth/access.decorator';
import { API_DOC, ApiDocSpec } from './api-doc.decorator';

type Operation = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

/** The OpenAPI 3.1 document, built from the routes and the schemas that validate them. */
@Controller('docs')
@Public()
export class OpenApiController {
  private document?: unknown;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  @Get()
  @Header('content-type', 'application/json; charset=utf-8')
  get() {
    this.document ??= this.build();
    return this.document;
  }

  private build() {
    const paths: Record<string, Record<string, Operation>> = {};
    for (const wrapper of this.discovery.getControllers()) {
      const ctrl = wrapper.metatype as (new (...a: never[]) => unknown) | undefined;
      if (!ctrl || !wrapper.instance) continue;
      const bases = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name] as object;
        const doc = this.reflector.get<ApiDocSpec | undefined>(API_DOC, handler as never);
        if (!doc) continue;
        const method =
          RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
        const sub = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const access = accessRuleOf(this.reflector, [handler as never, ctrl]);
        for (const base of bases.filter((b) => !b.startsWith('v3.0/'))) {
          const segments = [base, ...sub].flatMap((s) => s.split('/')).filter(Boolean);
          const path = `/${segments.join('/')}`.replace(/:(\w+)/g, '{$1}');
          const op: Operation = {
            summary: doc.summary,
            'x-parley-credential': access.kind === 'app' ? access.allow : access.kind,
            parameters: [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
              name: m[1],
              in: 'path',
              required: true,
              schema: { type: 'string' },
            })),
            responses: {
              '200': { description: 'CometChat success envelope `{data}`' },
              default: {
                description: 'CometChat error envelope `{error:{code,message,details?}}`',
              },
            },
          };
          if (doc.query) op['x-query'] = jsonSchema(doc.query);
          if (doc.body)
            op.requestBody = { content: { 'application/json': { schema: jsonSchema(doc.body) } } };
          (paths[path] ??= {})[method] = op;
        }
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Parley',
        version: '3.0',
        description: 'CometChat REST API v3 compatible. Every /v3 path is also served under /v3.0.',
      },
      components: {
        securitySchemes: {
          apikey: { type: 'apiKey', in: 'header', name: 'apikey' },
          authtoken: { type: 'apiKey', in: 'header', name: 'authtoken' },
          adminKey: { type: 'apiKey', in: 'header', name: 'x-admin-key' },
        },
      },
      paths,
    };
  }
}
