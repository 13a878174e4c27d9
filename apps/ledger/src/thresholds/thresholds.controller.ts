import { Body, Controller, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Roles } from '@clinic/auth';
import { Database, SERVICE_CONFIG } from '@clinic/platform';
import { BalanceView } from '../balance/balance.dto';
import { currentBalance } from '../balance/balance.queries';
import { GENESIS_HASH } from '../account/stream-row';
import { ClinicParams } from '../common/clinic-params';
import { LedgerConfig } from '../config';

export class ThresholdRequest {
  @ApiProperty({ description: 'Credits: LowBalanceReached is sent when the balance crosses below it', example: 500 })
  @IsInt({ message: 'threshold must be an integer number of credits' })
  @Min(0, { message: 'threshold must be 0 or more' })
  @Max(1_000_000_000)
  threshold!: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/clinics/:clinicId/low-balance-threshold')
export class ThresholdsController {
  constructor(private readonly db: Database, @Inject(SERVICE_CONFIG) private readonly config: LedgerConfig) {}

  @Put()
  @ApiOperation({ summary: "Set a clinic's low-balance threshold (admin). The low-balance state follows at once, without an alert." })
  @ApiOkResponse({ type: BalanceView })
  @ApiForbiddenResponse({ description: 'Not an admin token' })
  async set(@Param() { clinicId }: ClinicParams, @Body() body: ThresholdRequest): Promise<BalanceView> {
    return this.db.transaction(async (tx) => {
      // The balance row is the clinic's write lock: the same one the consumer takes.
      await tx.query(
        `INSERT INTO clinic_balances (clinic_id, balance, version, lifetime_purchased, lifetime_spent, lifetime_refunded, low_balance_threshold, low_balance, last_hash)
         VALUES ($1, 0, 0, 0, 0, 0, $2, 0 < $2::bigint, $3)
         ON CONFLICT (clinic_id) DO UPDATE SET low_balance_threshold = EXCLUDED.low_balance_threshold,
           low_balance = clinic_balances.balance < EXCLUDED.low_balance_threshold, updated_at = now()`,
        [clinicId, body.threshold, GENESIS_HASH],
      );
      return currentBalance(tx, clinicId, this.config.lowBalanceThreshold);
    });
  }
}
