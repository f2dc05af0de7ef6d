import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { currentCorrelationId, DomainError, httpStatusFor, rootLogger } from '@parley/common';
import { ErrorCode } from '@parley/contracts';
import type { FastifyReply } from 'fastify';

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Status codes Fastify itself raises, as CometChat codes. */
function fromFastify(err: FastifyLikeError): DomainError | undefined {
  if (typeof err.code !== 'string' || !err.code.startsWith('FST_')) return undefined;
  if (err.statusCode === 413) return new DomainError('ERR_PAYLOAD_TOO_LARGE');
  if (err.statusCode === 415) return new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE');
  if (err.statusCode && err.statusCode < 500) {
    return new DomainError('ERR_BAD_REQUEST', 'The request body is not valid JSON.', {
      body: [err.message ?? 'invalid'],
    });
  }
  return undefined;
}

function fromHttp(err: HttpException): DomainError {
  const status = err.getStatus();
  const map: Record<number, ErrorCode> = {
    400: 'ERR_BAD_REQUEST',
    404: 'ERR_API_NOT_FOUND',
    405: 'ERR_API_NOT_FOUND',
    413: 'ERR_PAYLOAD_TOO_LARGE',
    415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
    429: 'ERR_TOO_MANY_REQUESTS',
  };
  return new DomainError(map[status] ?? (status < 500 ? 'ERR_BAD_REQUEST' : 'ERR_EXCEPTION'));
}

/**
 * Every error leaves the gateway as CometChat's envelope `{error:{code,message,details?}}` with the
 * status from the one code table. Unknown errors are a 500 with the correlation id and no internals.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly log = rootLogger().child({ component: 'http' });

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: DomainError;
    if (exception instanceof DomainError) error = exception;
    else if (exception instanceof HttpException) error = fromHttp(exception);
    else {
      error = fromFastify(exception as FastifyLikeError) ?? new DomainError('ERR_EXCEPTION');
      if (error.code === 'ERR_EXCEPTION') this.log.error({ err: exception }, 'unhandled error');
    }
    const body: Record<string, unknown> = { ...error.toBody(), source: 'parley' };
    if (error.code === 'ERR_EXCEPTION')
      body.devMessage = `correlation id ${currentCorrelationId() ?? 'unknown'}`;
    void reply.status(httpStatusFor(error.code)).send({ error: body });
  }
}
