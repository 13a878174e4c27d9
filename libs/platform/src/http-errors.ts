import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import type { Response } from 'express';
import { describeValidationErrors } from '@clinic/contracts';
import { AppLogger } from '@clinic/observability';

/** A 400 whose message names every offending field, e.g. `phone: must be an Indian mobile number`. */
export function validationFailed(errors: string[]): BadRequestException {
  const fields = [...new Set(errors.map((line) => line.split(':')[0]))];
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `Invalid fields: ${fields.join(', ')}`, fields, errors });
}

/** Whitelists DTO fields, rejects unknown ones, transforms types; errors name the fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors: ValidationError[]) => validationFailed(describeValidationErrors(errors)),
  });
}

// Postgres errors that can only come from a value the caller sent (a safety net behind DTOs).
const CLIENT_PG_ERRORS: Record<string, string> = {
  '22P02': 'malformed value',
  '22003': 'number out of range',
  '22001': 'value too long',
};

/**
 * Last line of defence: HttpExceptions pass as they are; body-parser errors keep their 4xx;
 * anything else is logged with its stack and answered as a bare 500 with no internals.
 */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof HttpException) {
      const body = error.getResponse();
      response.status(error.getStatus()).json(typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body);
      return;
    }
    const candidate = error as { status?: number; type?: string; code?: string; message?: string };
    if (typeof candidate.status === 'number' && candidate.status >= 400 && candidate.status < 500) {
      const message = candidate.type === 'entity.too.large' ? 'body: too large' : candidate.type === 'entity.parse.failed' ? 'body: malformed JSON' : candidate.message;
      response.status(candidate.status).json({ statusCode: candidate.status, message });
      return;
    }
    if (candidate.code && CLIENT_PG_ERRORS[candidate.code]) {
      response.status(HttpStatus.BAD_REQUEST).json({ statusCode: 400, message: CLIENT_PG_ERRORS[candidate.code] });
      return;
    }
    this.logger.error({ err: error }, 'unhandled error');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, message: 'Internal server error' });
  }
}
