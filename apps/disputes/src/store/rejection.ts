import { ConflictException, HttpException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { validationFailed } from '@clinic/platform';
import { Rejection } from '../domain/dispute';

/** A domain rejection as the HTTP answer a client can act on (never a 5xx). */
export function rejectionToHttp(rejection: Rejection): HttpException {
  switch (rejection.kind) {
    case 'not_found':
      return new NotFoundException(rejection.message);
    case 'window_closed':
      return new UnprocessableEntityException(rejection.message);
    case 'conflict':
      return new ConflictException(rejection.message);
    case 'invalid':
      return validationFailed([rejection.message]);
  }
}
