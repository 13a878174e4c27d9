import { IsDateString, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { EVENT_TYPES, EventType } from './event-types';

/** Ids we mint are UUIDs; ids that come from outside (clinics, packages, Razorpay) are opaque slugs. */
export const EXTERNAL_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The envelope every event travels in, on Kafka and on the embedded log alike.
 * `clinicId` is the partition key: all of a clinic's events stay in order.
 */
export interface EventEnvelope<T extends EventType = EventType, P = unknown> {
  eventId: string;
  type: T;
  schemaVersion: number;
  occurredAt: string;
  producer: string;
  clinicId: string;
  correlationId: string;
  causationId: string | null;
  payload: P;
}

export class EnvelopeSchema {
  @IsUUID() eventId!: string;
  @IsIn(EVENT_TYPES as readonly string[]) type!: string;
  @IsInt() @Min(1) @Max(1000) schemaVersion!: number;
  @IsDateString() occurredAt!: string;
  @IsString() @IsNotEmpty() @MaxLength(100) producer!: string;
  @Matches(EXTERNAL_ID) clinicId!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) correlationId!: string;
  @IsOptional() @IsString() @MaxLength(200) causationId!: string | null;
  @IsObject() payload!: Record<string, unknown>;
}
