import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, assertClinicScope } from '@clinic/auth';
import { Database } from '@clinic/platform';
import { ClinicParams } from '../common/clinic-params';
import { TransactionPage, TransactionsQuery } from './transactions.dto';

// The history shows money movements; declines and expiries (0 credits) are the pending queue's business.
const MONEY_TYPES = ['deduction', 'purchase', 'refund', 'adjustment'];

@ApiTags('transactions')
@ApiBearerAuth()
@Controller('clinics/:clinicId/transactions')
export class TransactionsController {
  constructor(private readonly db: Database) {}

  @Get()
  @ApiOperation({ summary: "A clinic's credit transactions, newest first (20 a page by default, at most 100)" })
  @ApiOkResponse({ type: TransactionPage })
  @ApiForbiddenResponse({ description: 'A clinic token for another clinic' })
  async list(@Param() { clinicId }: ClinicParams, @Query() query: TransactionsQuery, @CurrentPrincipal() principal: Principal): Promise<TransactionPage> {
    assertClinicScope(principal, clinicId);
    const page = query.page ?? 1;
    const limit = query.limit ?? 20;
    const [{ rows }, { rows: counted }] = await Promise.all([
      this.db.query(
        `SELECT id, transaction_type AS type, amount, balance_after AS "balanceAfter", description, status, created_at AS "createdAt",
                stream_version AS "streamVersion", lead_id AS "leadId", payment_id AS "paymentId", dispute_id AS "disputeId", tier,
                pricing_version AS "pricingVersion", package_price_paise AS "packagePricePaise"
           FROM credit_transactions
          WHERE clinic_id = $1 AND transaction_type = ANY($2::text[])
          ORDER BY stream_version DESC
          LIMIT $3 OFFSET $4`,
        [clinicId, MONEY_TYPES, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }>('SELECT count(*)::int AS total FROM credit_transactions WHERE clinic_id = $1 AND transaction_type = ANY($2::text[])', [clinicId, MONEY_TYPES]),
    ]);
    return { items: rows.map((row) => ({ ...row, createdAt: (row.createdAt as Date).toISOString() })) as TransactionPage['items'], page, limit, total: counted[0].total };
  }
}
