import {
  IsDateString, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min,
} from 'class-validator';
import { EXTERNAL_ID } from './envelope';

// Money is integers: credits are whole numbers, rupees travel as paise. Upper bounds keep every
// value far inside Number.MAX_SAFE_INTEGER and inside Postgres bigint.
const MAX_PAISE = 100_000_000_000; // ₹1,000,000,000
const MAX_CREDITS = 1_000_000_000;

export const LEAD_SOURCES = ['marketplace', 'public_form', 'api'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const DISPUTE_TYPES = ['invalid_contact', 'duplicate_lead', 'out_of_service_area', 'fake_or_spam', 'other'] as const;
export type DisputeType = (typeof DISPUTE_TYPES)[number];

export const E164_INDIA = /^\+91[6-9]\d{9}$/;

/** Input from the marketplace (topic marketplace.leads.v1): a patient asked a clinic about a package. */
export class MarketplaceLeadSubmitted {
  @Matches(EXTERNAL_ID) marketplaceLeadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @Matches(EXTERNAL_ID) packageId!: string;
  @IsString() @Length(1, 200) patientName!: string;
  @IsString() @Length(8, 20) phone!: string;
  @IsOptional() @IsEmail() email?: string;
  @IsOptional() @IsString() @MaxLength(2000) message?: string;
  @IsDateString() submittedAt!: string;
}

export class LeadCreated {
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @Matches(EXTERNAL_ID) packageId!: string;
  /** The package price the lead's tier is computed from, in paise. */
  @IsInt() @Min(0) @Max(MAX_PAISE) packagePricePaise!: number;
  @IsIn(LEAD_SOURCES as readonly string[]) source!: LeadSource;
  @IsDateString() createdAt!: string;
}

export class LeadReleased {
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsInt() @Min(0) @Max(MAX_CREDITS) credits!: number;
  @IsDateString() releasedAt!: string;
}

export class LeadExpired {
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsDateString() expiredAt!: string;
}

export class CreditsDeducted {
  @IsUUID() transactionId!: string;
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  /** Credits taken, a positive number (the stream row carries it negated). */
  @IsInt() @Min(1) @Max(MAX_CREDITS) credits!: number;
  @IsInt() @Min(0) balanceAfter!: number;
  @IsInt() @Min(1) streamVersion!: number;
  @IsString() @IsNotEmpty() tier!: string;
  @IsInt() @Min(1) pricingVersion!: number;
  @IsInt() @Min(0) @Max(MAX_PAISE) packagePricePaise!: number;
  @IsDateString() chargedAt!: string;
}

export class LeadChargeDeclined {
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) requiredCredits!: number;
  @IsInt() @Min(0) balance!: number;
  @IsString() @IsNotEmpty() tier!: string;
  @IsInt() @Min(1) pricingVersion!: number;
}

/** A declined lead waited longer than the window and left the pending queue uncharged. */
export class PendingLeadExpired {
  @IsUUID() leadId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsDateString() waitingSince!: string;
  @IsDateString() expiredAt!: string;
}

export class CreditsPurchased {
  @IsUUID() transactionId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @Matches(EXTERNAL_ID) paymentId!: string;
  @Matches(EXTERNAL_ID) orderId!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) credits!: number;
  @IsInt() @Min(0) @Max(MAX_PAISE) amountPaise!: number;
  @IsInt() @Min(0) balanceAfter!: number;
  @IsInt() @Min(1) streamVersion!: number;
}

export class CreditsRefunded {
  @IsUUID() transactionId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsUUID() leadId!: string;
  @IsUUID() disputeId!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) credits!: number;
  @IsInt() @Min(0) balanceAfter!: number;
  @IsInt() @Min(1) streamVersion!: number;
}

export class CreditsAdjusted {
  @IsUUID() transactionId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  /** Signed: positive grants credits, negative takes them. */
  @IsInt() @Min(-MAX_CREDITS) @Max(MAX_CREDITS) amount!: number;
  @IsString() @Length(1, 500) reason!: string;
  @IsString() @Length(1, 200) idempotencyKey!: string;
  @IsString() @IsNotEmpty() actorId!: string;
  @IsInt() @Min(0) balanceAfter!: number;
  @IsInt() @Min(1) streamVersion!: number;
}

export class LowBalanceReached {
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsInt() @Min(0) balance!: number;
  @IsInt() @Min(0) threshold!: number;
}

export class PaymentVerified {
  @Matches(EXTERNAL_ID) paymentId!: string;
  @Matches(EXTERNAL_ID) orderId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) credits!: number;
  @IsInt() @Min(1) @Max(MAX_PAISE) amountPaise!: number;
  @IsIn(['INR']) currency!: 'INR';
  @IsIn(['checkout', 'webhook']) verifiedVia!: 'checkout' | 'webhook';
  @IsDateString() verifiedAt!: string;
}

export class PaymentFailed {
  @IsOptional() @Matches(EXTERNAL_ID) paymentId?: string;
  @Matches(EXTERNAL_ID) orderId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsString() @MaxLength(500) reason!: string;
  @IsOptional() @IsString() @MaxLength(100) errorCode?: string;
}

export class DisputeCreated {
  @IsUUID() disputeId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsUUID() leadId!: string;
  @IsIn(DISPUTE_TYPES as readonly string[]) disputeType!: DisputeType;
  @IsString() @Length(10, 2000) description!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) chargedCredits!: number;
}

export class DisputeApproved {
  @IsUUID() disputeId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsUUID() leadId!: string;
  @IsInt() @Min(1) @Max(MAX_CREDITS) refundAmount!: number;
  @IsOptional() @IsString() @MaxLength(2000) adminNotes?: string;
  @IsString() @IsNotEmpty() resolvedBy!: string;
}

export class DisputeRejected {
  @IsUUID() disputeId!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsUUID() leadId!: string;
  @IsString() @Length(1, 2000) adminNotes!: string;
  @IsString() @IsNotEmpty() resolvedBy!: string;
}
