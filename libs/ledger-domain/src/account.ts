import {
  CreditsAdjusted, CreditsDeducted, CreditsPurchased, CreditsRefunded, LeadChargeDeclined, LedgerEvent, LowBalanceReached, PendingLeadExpired,
  RecordedEvent, isRecorded,
} from './events';
import { TierId, priceLead } from './pricing';

/** A declined lead waiting for credit, priced when it was declined. */
export interface PendingLead {
  leadId: string;
  credits: number;
  tier: TierId;
  pricingVersion: number;
  packagePricePaise: number;
  waitingSince: string;
}

export type KnownLead =
  | { status: 'charged'; credits: number; refunded: number }
  | { status: 'pending' }
  | { status: 'expired' };

/** The balance figures of a clinic: what the balance read model stores. */
export interface BalanceSummary {
  clinicId: string;
  balance: number;
  /** Stream version of the last recorded event (0 = none yet). */
  version: number;
  lifetimePurchased: number;
  lifetimeSpent: number;
  lifetimeRefunded: number;
  lowBalanceThreshold: number;
  /** True while the balance is below the threshold (an alert was sent when it crossed). */
  lowBalance: boolean;
}

/**
 * A clinic's credit account as the decider sees it. The business-key maps may be partial: a
 * caller that loads state from storage includes the entries the commands at hand refer to
 * (their leads, payments, disputes, keys) and, for commands that walk the queue (purchase,
 * expiry), the whole pending queue.
 */
export interface AccountState extends BalanceSummary {
  leads: Readonly<Record<string, KnownLead>>;
  /** Oldest first. */
  pending: readonly PendingLead[];
  payments: Readonly<Record<string, true>>;
  disputes: Readonly<Record<string, true>>;
  adjustments: Readonly<Record<string, true>>;
}

export type LedgerCommand =
  | { type: 'ChargeLead'; leadId: string; packagePricePaise: number }
  | { type: 'PurchaseCredits'; paymentId: string; orderId: string; credits: number; amountPaise: number; pendingWindowMs: number }
  | { type: 'RefundLead'; disputeId: string; leadId: string; refundAmount: number }
  | { type: 'AdjustBalance'; idempotencyKey: string; amount: number; reason: string; actorId: string }
  | { type: 'ExpirePendingLeads'; pendingWindowMs: number };

/** What a decision may depend on besides the state: the time and fresh ids (injected, so specs are deterministic). */
export interface DecideContext {
  now: string;
  newId(): string;
}

export type RejectionCode = 'insufficient_balance' | 'invalid_amount';

/** A command that must not be applied (the caller answers with a 4xx, nothing is written). */
export class CommandRejected extends Error {
  constructor(readonly code: RejectionCode, message: string) {
    super(message);
    this.name = 'CommandRejected';
  }
}

export const DEFAULT_LOW_BALANCE_THRESHOLD = 500;

export function emptySummary(clinicId: string, lowBalanceThreshold = DEFAULT_LOW_BALANCE_THRESHOLD): BalanceSummary {
  return {
    clinicId,
    balance: 0,
    version: 0,
    lifetimePurchased: 0,
    lifetimeSpent: 0,
    lifetimeRefunded: 0,
    lowBalanceThreshold,
    // An empty account already sits below a positive threshold: nothing to alert until it rises above and falls back.
    lowBalance: 0 < lowBalanceThreshold,
  };
}

export function initialAccount(clinicId: string, lowBalanceThreshold = DEFAULT_LOW_BALANCE_THRESHOLD): AccountState {
  return { ...emptySummary(clinicId, lowBalanceThreshold), leads: {}, pending: [], payments: {}, disputes: {}, adjustments: {} };
}

/** The balance figures after one event; cheap (no maps), so rebuilds and verification fold with it. */
export function evolveSummary<S extends BalanceSummary>(summary: S, event: LedgerEvent): S {
  if (event.type === 'LowBalanceReached') return { ...summary, lowBalance: true };
  const balance = summary.balance + event.amount;
  const next: S = {
    ...summary,
    balance,
    version: event.streamVersion,
    lowBalance: balance >= summary.lowBalanceThreshold ? false : summary.lowBalance,
  };
  switch (event.type) {
    case 'CreditsDeducted':
      next.lifetimeSpent += -event.amount;
      break;
    case 'CreditsPurchased':
      next.lifetimePurchased += event.amount;
      break;
    case 'CreditsRefunded':
      next.lifetimeRefunded += event.amount;
      break;
    default:
      break;
  }
  return next;
}

export function evolve(state: AccountState, event: LedgerEvent): AccountState {
  const next = evolveSummary(state, event);
  switch (event.type) {
    case 'CreditsDeducted':
      return {
        ...next,
        leads: { ...state.leads, [event.leadId]: { status: 'charged', credits: -event.amount, refunded: 0 } },
        pending: state.pending.filter((lead) => lead.leadId !== event.leadId),
      };
    case 'LeadChargeDeclined':
      return {
        ...next,
        leads: { ...state.leads, [event.leadId]: { status: 'pending' } },
        pending: [...state.pending, pendingLeadOf(event)],
      };
    case 'PendingLeadExpired':
      return {
        ...next,
        leads: { ...state.leads, [event.leadId]: { status: 'expired' } },
        pending: state.pending.filter((lead) => lead.leadId !== event.leadId),
      };
    case 'CreditsPurchased':
      return { ...next, payments: { ...state.payments, [event.paymentId]: true } };
    case 'CreditsRefunded': {
      const lead = state.leads[event.leadId];
      const charged = lead?.status === 'charged' ? lead : { status: 'charged' as const, credits: 0, refunded: 0 };
      return {
        ...next,
        disputes: { ...state.disputes, [event.disputeId]: true },
        leads: { ...state.leads, [event.leadId]: { ...charged, refunded: charged.refunded + event.amount } },
      };
    }
    case 'CreditsAdjusted':
      return { ...next, adjustments: { ...state.adjustments, [event.idempotencyKey]: true } };
    case 'LowBalanceReached':
      return next;
  }
}

export function pendingLeadOf(event: LeadChargeDeclined): PendingLead {
  return {
    leadId: event.leadId,
    credits: event.requiredCredits,
    tier: event.tier,
    pricingVersion: event.pricingVersion,
    packagePricePaise: event.packagePricePaise,
    waitingSince: event.at,
  };
}

export const fold = (state: AccountState, events: readonly LedgerEvent[]): AccountState => events.reduce(evolve, state);

/** AccountState with its collections owned by one working copy, so events can be applied in place. */
interface WorkingState extends BalanceSummary {
  leads: Record<string, KnownLead>;
  pending: PendingLead[];
  payments: Record<string, true>;
  disputes: Record<string, true>;
  adjustments: Record<string, true>;
}

function workingCopy(state: AccountState): WorkingState {
  return {
    ...state,
    leads: { ...state.leads },
    pending: [...state.pending],
    payments: { ...state.payments },
    disputes: { ...state.disputes },
    adjustments: { ...state.adjustments },
  };
}

/** evolve, applied to a working copy in place: what `evolve` does, without copying maps and the queue per event. */
function evolveInPlace(state: WorkingState, event: LedgerEvent): void {
  if (event.type === 'LowBalanceReached') {
    state.lowBalance = true;
    return;
  }
  state.balance += event.amount;
  state.version = event.streamVersion;
  if (state.balance >= state.lowBalanceThreshold) state.lowBalance = false;
  switch (event.type) {
    case 'CreditsDeducted':
    case 'PendingLeadExpired': {
      if (event.type === 'CreditsDeducted') state.lifetimeSpent += -event.amount;
      // (The leads map may be partial, so the queue itself says whether the lead waits.)
      if (state.pending.length > 0) {
        const index = state.pending.findIndex((lead) => lead.leadId === event.leadId);
        if (index >= 0) state.pending.splice(index, 1);
      }
      state.leads[event.leadId] = event.type === 'CreditsDeducted' ? { status: 'charged', credits: -event.amount, refunded: 0 } : { status: 'expired' };
      return;
    }
    case 'LeadChargeDeclined':
      state.leads[event.leadId] = { status: 'pending' };
      state.pending.push(pendingLeadOf(event));
      return;
    case 'CreditsPurchased':
      state.lifetimePurchased += event.amount;
      state.payments[event.paymentId] = true;
      return;
    case 'CreditsRefunded': {
      state.lifetimeRefunded += event.amount;
      const lead = state.leads[event.leadId];
      const charged = lead?.status === 'charged' ? lead : { status: 'charged' as const, credits: 0, refunded: 0 };
      state.disputes[event.disputeId] = true;
      state.leads[event.leadId] = { ...charged, refunded: charged.refunded + event.amount };
      return;
    }
    case 'CreditsAdjusted':
      state.adjustments[event.idempotencyKey] = true;
      return;
  }
}

/**
 * A clinic's account taking many commands in a row (e.g. one consumed batch): the state is copied
 * once, then each decision's events are applied to that copy in place. Same decisions and events
 * as `run` command by command; the state given to the constructor is never changed.
 */
export class AccountSession {
  private readonly working: WorkingState;

  constructor(state: AccountState, private readonly context: DecideContext) {
    this.working = workingCopy(state);
  }

  /** The state after every command so far (the session's own copy: read it, do not keep changing it). */
  get state(): AccountState {
    return this.working;
  }

  /**
   * Tells the session what is known about a lead outside this account's loaded history (e.g. it was
   * settled at another clinic earlier in the same batch); ignored when the session already knows the lead.
   */
  assumeLead(leadId: string, lead: KnownLead): void {
    if (!this.working.leads[leadId]) this.working.leads[leadId] = lead;
  }

  /** decide + evolve for one command; throws CommandRejected (and changes nothing) for a command that must not be applied. */
  run(command: LedgerCommand): LedgerEvent[] {
    const recorder = new Recorder(this.working, this.context);
    decideInto(recorder, command, this.working, this.context);
    return recorder.events;
  }
}

/** Builds the recorded events of one decision, numbering versions and balances as it goes, applying each to the working state. */
class Recorder {
  readonly events: LedgerEvent[] = [];
  constructor(readonly state: WorkingState, private readonly context: DecideContext) {}

  record<E extends RecordedEvent>(fields: Omit<E, 'clinicId' | 'transactionId' | 'streamVersion' | 'balanceAfter' | 'at'>): void {
    const event = {
      ...fields,
      clinicId: this.state.clinicId,
      transactionId: this.context.newId(),
      streamVersion: this.state.version + 1,
      balanceAfter: this.state.balance + fields.amount,
      at: this.context.now,
    } as unknown as RecordedEvent;
    this.push(event);
    // The alert follows the event that crossed the threshold, once per crossing.
    if (this.state.balance < this.state.lowBalanceThreshold && !this.state.lowBalance) {
      const alert: LowBalanceReached = {
        type: 'LowBalanceReached',
        clinicId: this.state.clinicId,
        balance: this.state.balance,
        threshold: this.state.lowBalanceThreshold,
        at: this.context.now,
      };
      this.push(alert);
    }
  }

  private push(event: LedgerEvent): void {
    this.events.push(event);
    evolveInPlace(this.state, event);
  }
}

function expireStale(recorder: Recorder, pendingWindowMs: number, now: string): void {
  const cutoff = Date.parse(now) - pendingWindowMs;
  // A copy: recording an expiry takes the lead out of the working queue.
  for (const lead of [...recorder.state.pending]) {
    if (Date.parse(lead.waitingSince) < cutoff) {
      recorder.record<PendingLeadExpired>({ type: 'PendingLeadExpired', amount: 0, leadId: lead.leadId, waitingSince: lead.waitingSince });
    }
  }
}

function chargeWaitingLeads(recorder: Recorder): void {
  // Strictly oldest first: a lead the balance cannot cover keeps its place, and the ones behind it wait too.
  for (const lead of [...recorder.state.pending]) {
    if (recorder.state.balance < lead.credits) break;
    recorder.record<CreditsDeducted>({
      type: 'CreditsDeducted',
      amount: -lead.credits,
      leadId: lead.leadId,
      tier: lead.tier,
      pricingVersion: lead.pricingVersion,
      packagePricePaise: lead.packagePricePaise,
    });
  }
}

/**
 * Decides what a command does to a clinic's account: the events to record (possibly none,
 * for a command already applied), or a CommandRejected. Never lets the balance go below zero.
 */
export function decide(command: LedgerCommand, state: AccountState, context: DecideContext): LedgerEvent[] {
  return run(command, state, context).events;
}

/** decide, plus the state after its events (= fold(state, events)), without folding them twice. */
export function run(command: LedgerCommand, state: AccountState, context: DecideContext): { events: LedgerEvent[]; state: AccountState } {
  const session = new AccountSession(state, context);
  const events = session.run(command);
  return { events, state: session.state };
}

function decideInto(recorder: Recorder, command: LedgerCommand, state: WorkingState, context: DecideContext): void {
  switch (command.type) {
    case 'ChargeLead': {
      if (state.leads[command.leadId]) return; // charged, waiting or expired already: a redelivery
      const price = priceLead(command.packagePricePaise);
      if (state.balance >= price.credits) {
        recorder.record<CreditsDeducted>({
          type: 'CreditsDeducted',
          amount: -price.credits,
          leadId: command.leadId,
          tier: price.tier,
          pricingVersion: price.pricingVersion,
          packagePricePaise: command.packagePricePaise,
        });
      } else {
        recorder.record<LeadChargeDeclined>({
          type: 'LeadChargeDeclined',
          amount: 0,
          leadId: command.leadId,
          requiredCredits: price.credits,
          tier: price.tier,
          pricingVersion: price.pricingVersion,
          packagePricePaise: command.packagePricePaise,
        });
      }
      break;
    }
    case 'PurchaseCredits': {
      if (state.payments[command.paymentId]) return;
      assertPositiveInteger(command.credits, 'credits');
      recorder.record<CreditsPurchased>({
        type: 'CreditsPurchased',
        amount: command.credits,
        paymentId: command.paymentId,
        orderId: command.orderId,
        amountPaise: command.amountPaise,
      });
      expireStale(recorder, command.pendingWindowMs, context.now);
      chargeWaitingLeads(recorder);
      break;
    }
    case 'RefundLead': {
      if (state.disputes[command.disputeId]) return;
      assertPositiveInteger(command.refundAmount, 'refundAmount');
      const lead = state.leads[command.leadId];
      const refundable = lead?.status === 'charged' ? lead.credits - lead.refunded : 0;
      const credits = Math.min(command.refundAmount, refundable);
      if (credits <= 0) return; // nothing left to give back for this lead
      recorder.record<CreditsRefunded>({ type: 'CreditsRefunded', amount: credits, leadId: command.leadId, disputeId: command.disputeId });
      break;
    }
    case 'AdjustBalance': {
      if (state.adjustments[command.idempotencyKey]) return;
      if (!Number.isSafeInteger(command.amount) || command.amount === 0) {
        throw new CommandRejected('invalid_amount', 'amount must be a non-zero integer number of credits');
      }
      if (state.balance + command.amount < 0) {
        throw new CommandRejected(
          'insufficient_balance',
          `adjustment of ${command.amount} credits would take the balance of ${state.balance} below zero`,
        );
      }
      recorder.record<CreditsAdjusted>({
        type: 'CreditsAdjusted',
        amount: command.amount,
        reason: command.reason,
        idempotencyKey: command.idempotencyKey,
        actorId: command.actorId,
      });
      break;
    }
    case 'ExpirePendingLeads':
      expireStale(recorder, command.pendingWindowMs, context.now);
      break;
  }
}

function assertPositiveInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new CommandRejected('invalid_amount', `${field} must be a positive integer`);
}

/** Sets a clinic's low-balance threshold; the low-balance state follows at once, without an alert. */
export function withThreshold<S extends BalanceSummary>(summary: S, lowBalanceThreshold: number): S {
  return { ...summary, lowBalanceThreshold, lowBalance: summary.balance < lowBalanceThreshold };
}

export const recordedOnly = (events: readonly LedgerEvent[]): RecordedEvent[] => events.filter(isRecorded);
