import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentPrincipal, ownClinicId, Principal, Roles } from '@clinic/auth';
import { Database } from '@clinic/platform';

export class PaymentHistoryQuery {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}

export class PaymentHistoryItem {
  @ApiProperty() orderId!: string;
  @ApiProperty({ nullable: true, description: 'null for a custom amount' }) packId!: string | null;
  @ApiProperty() credits!: number;
  @ApiProperty() amountPaise!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['created', 'paid', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true }) paymentId!: string | null;
  @ApiProperty({ nullable: true }) verifiedVia!: string | null;
  @ApiProperty({ nullable: true }) verifiedAt!: string | null;
  @ApiProperty({ nullable: true }) failureReason!: string | null;
  @ApiProperty() createdAt!: string;
}

interface HistoryRow {
  order_id: string;
  pack_id: string | null;
  credits: number;
  amount_paise: number;
  currency: string;
  status: string;
  payment_id: string | null;
  verified_via: string | null;
  verified_at: Date | null;
  failure_reason: string | null;
  created_at: Date;
  total: number;
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('clinic')
export class PaymentHistoryController {
  constructor(private readonly db: Database) {}

  @Get('payments')
  @Roles('clinic')
  @ApiOperation({ summary: "The caller's own orders and payments with status, newest first (clinic)" })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PaymentHistoryQuery) {
    const clinicId = ownClinicId(principal);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const { rows } = await this.db.query<HistoryRow>(
      `SELECT o.order_id, o.pack_id, o.credits, o.amount_paise, o.currency, o.status, o.failure_reason, o.created_at,
              p.payment_id, p.verified_via, p.verified_at, count(*) OVER ()::int AS total
         FROM orders o LEFT JOIN payments p ON p.order_id = o.order_id
        WHERE o.clinic_id = $1
        ORDER BY o.created_at DESC, o.order_id DESC
        LIMIT $2 OFFSET $3`,
      [clinicId, pageSize, (page - 1) * pageSize],
    );
    let total = rows[0]?.total;
    if (total === undefined) {
      // Past the last page: the window count is absent, so count separately.
      const { rows: counted } = await this.db.query<{ total: number }>('SELECT count(*)::int AS total FROM orders WHERE clinic_id = $1', [clinicId]);
      total = counted[0].total;
    }
    const items: PaymentHistoryItem[] = rows.map((row) => ({
      orderId: row.order_id,
      packId: row.pack_id,
      credits: row.credits,
      amountPaise: row.amount_paise,
      currency: row.currency,
      status: row.status,
      paymentId: row.payment_id,
      verifiedVia: row.verified_via,
      verifiedAt: row.verified_at?.toISOString() ?? null,
      failureReason: row.failure_reason,
      createdAt: row.created_at.toISOString(),
    }));
    return { items, page, pageSize, total };
  }
}
