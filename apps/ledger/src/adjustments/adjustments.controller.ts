import { Body, Controller, Headers, HttpCode, Param, Post, Res, UnprocessableEntityException } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiOperation, ApiTags, ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '@clinic/auth';
import { currentCorrelationId } from '@clinic/observability';
import { Database, validationFailed } from '@clinic/platform';
import { CreditAccounts } from '../account/credit-accounts';
import { ClinicParams } from '../common/clinic-params';
import { AdjustmentRequest, AdjustmentView } from './adjustment.dto';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const UNIQUE_VIOLATION = '23505';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/clinics/:clinicId/adjustments')
export class AdjustmentsController {
  constructor(private readonly db: Database, private readonly accounts: CreditAccounts) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Grant or take credits by hand (admin). Replaying the same Idempotency-Key returns the first result.' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per intended adjustment (1-200 visible ASCII characters)' })
  @ApiCreatedResponse({ type: AdjustmentView })
  @ApiBadRequestResponse({ description: 'Missing Idempotency-Key, zero/non-integer amount or missing reason' })
  @ApiForbiddenResponse({ description: 'Not an admin token' })
  @ApiUnprocessableEntityResponse({ description: 'Would take the balance below zero, or the key was used for a different adjustment' })
  async adjust(
    @Param() { clinicId }: ClinicParams,
    @Body() body: AdjustmentRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdjustmentView> {
    if (!idempotencyKey) throw validationFailed(['Idempotency-Key: header is required']);
    if (!KEY_PATTERN.test(idempotencyKey)) throw validationFailed(['Idempotency-Key: must be 1-200 visible ASCII characters']);
    for (let attempt = 1; ; attempt++) {
      try {
        const { view, replayed } = await this.db.transaction((tx) => this.apply(tx, clinicId, body, idempotencyKey, principal));
        if (replayed) response.setHeader('Idempotent-Replayed', 'true');
        return view;
      } catch (error) {
        // The same key racing in for another clinic: the loser retries and finds the winner's row.
        if ((error as { code?: string }).code === UNIQUE_VIOLATION && attempt < 2) continue;
        throw error;
      }
    }
  }

  private async apply(tx: Parameters<Parameters<Database['transaction']>[0]>[0], clinicId: string, body: AdjustmentRequest, idempotencyKey: string, principal: Principal) {
    const [outcome] = await this.accounts.execute(tx, [
      {
        clinicId,
        command: { type: 'AdjustBalance', idempotencyKey, amount: body.amount, reason: body.reason, actorId: principal.subject },
        provenance: { actorId: principal.subject, correlationId: currentCorrelationId() ?? null, causationId: null },
      },
    ]);
    // Thrown inside the transaction, so nothing (not even a new clinic's balance row) is written.
    if (outcome.rejected) throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', code: outcome.rejected.code, message: outcome.rejected.message });
    const event = outcome.events.find((candidate) => candidate.type === 'CreditsAdjusted');
    if (event && event.type === 'CreditsAdjusted') {
      const view: AdjustmentView = {
        transactionId: event.transactionId, clinicId, amount: event.amount, reason: event.reason, idempotencyKey,
        balanceAfter: event.balanceAfter, streamVersion: event.streamVersion, createdAt: event.at,
      };
      return { view, replayed: false };
    }
    const { rows } = await tx.query<{ id: string; clinic_id: string; amount: number; description: string; balance_after: number; stream_version: number; created_at: Date }>(
      `SELECT id, clinic_id, amount, description, balance_after, stream_version, created_at FROM credit_transactions
        WHERE transaction_type = 'adjustment' AND idempotency_key = $1`,
      [idempotencyKey],
    );
    const earlier = rows[0];
    if (!earlier || earlier.clinic_id !== clinicId || earlier.amount !== body.amount || earlier.description !== body.reason) {
      throw new UnprocessableEntityException({
        statusCode: 422, error: 'Unprocessable Entity', code: 'idempotency_key_reused',
        message: 'Idempotency-Key was already used for a different adjustment',
      });
    }
    const view: AdjustmentView = {
      transactionId: earlier.id, clinicId, amount: earlier.amount, reason: earlier.description, idempotencyKey,
      balanceAfter: earlier.balance_after, streamVersion: earlier.stream_version, createdAt: earlier.created_at.toISOString(),
    };
    return { view, replayed: true };
  }
}
