import { ChargedLead, decide, Decision, Dispute, DisputeCommand, DisputeEvent, evolve } from './dispute';

const LEAD = '7a1c2f3e-1d2b-4c5a-9e8f-0a1b2c3d4e5f';
const DISPUTE = '6f1c2f3e-1d2b-4c5a-9e8f-0a1b2c3d4e5f';
const chargedAt = new Date('2026-01-01T10:00:00Z');
const days = (n: number) => new Date(chargedAt.getTime() + n * 24 * 3600_000);
const charge = (over: Partial<ChargedLead> = {}): ChargedLead => ({ leadId: LEAD, clinicId: 'clinic-1', credits: 300, chargedAt, refundedCredits: 0, ...over });
const open = (over: Partial<Extract<DisputeCommand, { type: 'OpenDispute' }>> = {}): DisputeCommand => ({
  type: 'OpenDispute', disputeId: DISPUTE, clinicId: 'clinic-1', leadId: LEAD, disputeType: 'invalid_contact', description: 'number does not exist', now: days(1), windowDays: 7, ...over,
});

/** given(past events, charge).when(command) → the decision, for then-assertions. */
function given(history: DisputeCommand[], chargedLead: ChargedLead | null = charge()) {
  let dispute: Dispute | null = null;
  for (const command of history) {
    const decision = decide({ dispute, chargedLead }, command);
    if (!decision.ok) throw new Error(`history rejected: ${decision.rejection.message}`);
    dispute = decision.events.reduce<Dispute | null>(evolve, dispute);
  }
  return {
    when(command: DisputeCommand) {
      const decision = decide({ dispute, chargedLead }, command);
      const after = decision.ok ? decision.events.reduce<Dispute | null>(evolve, dispute) : dispute;
      return { decision, after };
    },
  };
}
const types = (decision: Decision) => (decision.ok ? decision.events.map((e: DisputeEvent) => e.type) : decision.rejection.kind);

describe('opening a dispute', () => {
  it('a charged lead of the caller within the window opens a pending dispute for the charged credits', () => {
    const { decision, after } = given([]).when(open());
    expect(types(decision)).toEqual(['DisputeOpened']);
    expect(after).toMatchObject({ id: DISPUTE, status: 'pending', chargedCredits: 300, clinicId: 'clinic-1', disputeType: 'invalid_contact' });
  });

  it('an unknown lead and another clinic’s lead are both not found', () => {
    expect(types(given([], null).when(open()).decision)).toBe('not_found');
    expect(types(given([], charge({ clinicId: 'clinic-2' })).when(open()).decision)).toBe('not_found');
  });

  it('is accepted up to the last moment of the window and refused after it', () => {
    expect(types(given([]).when(open({ now: days(7) })).decision)).toEqual(['DisputeOpened']);
    const late = given([]).when(open({ now: new Date(days(7).getTime() + 1) })).decision;
    expect(late).toMatchObject({ ok: false, rejection: { kind: 'window_closed', field: 'leadId' } });
    expect(types(given([]).when(open({ now: days(20), windowDays: 30 })).decision)).toEqual(['DisputeOpened']);
  });

  it('one dispute per lead', () => {
    expect(types(given([open()]).when(open({ disputeId: '11111111-1d2b-4c5a-9e8f-0a1b2c3d4e5f' })).decision)).toBe('conflict');
  });

  it('a description that is only padding is too short', () => {
    expect(given([]).when(open({ description: '  short    ' })).decision).toMatchObject({ ok: false, rejection: { kind: 'invalid', field: 'description' } });
  });
});

describe('resolving a dispute', () => {
  const approve = (refundAmount?: number): DisputeCommand => ({ type: 'ApproveDispute', refundAmount, adminNotes: 'confirmed', resolvedBy: 'admin:1', now: days(2) });
  const rejectIt: DisputeCommand = { type: 'RejectDispute', adminNotes: 'number answered', resolvedBy: 'admin:1', now: days(2) };
  const refund = (credits: number): DisputeCommand => ({ type: 'RecordRefund', transactionId: '22222222-1d2b-4c5a-9e8f-0a1b2c3d4e5f', credits, refundedAt: days(3) });

  it('approval defaults to the full charge and leaves the dispute approved, not yet resolved', () => {
    const { decision, after } = given([open()]).when(approve());
    expect(decision).toMatchObject({ ok: true, events: [{ type: 'DisputeApproved', refundAmount: 300 }] });
    expect(after).toMatchObject({ status: 'approved', refundAmount: 300, resolvedBy: 'admin:1', resolvedAt: null });
  });

  it('a partial approval is 1..charged less already refunded', () => {
    expect(given([open()]).when(approve(120)).after).toMatchObject({ refundAmount: 120 });
    expect(types(given([open()]).when(approve(0)).decision)).toBe('invalid');
    expect(types(given([open()]).when(approve(301)).decision)).toBe('invalid');
    expect(types(given([open()], charge({ refundedCredits: 200 })).when(approve(101)).decision)).toBe('invalid');
    expect(given([open()], charge({ refundedCredits: 200 })).when(approve()).after).toMatchObject({ refundAmount: 100 });
  });

  it('rejection resolves the dispute with the admin’s notes', () => {
    const { after } = given([open()]).when(rejectIt);
    expect(after).toMatchObject({ status: 'rejected', adminNotes: 'number answered', resolvedAt: days(2) });
  });

  it('only a pending dispute can be approved or rejected', () => {
    expect(types(given([open(), approve()]).when(approve()).decision)).toBe('conflict');
    expect(types(given([open(), approve()]).when(rejectIt).decision)).toBe('conflict');
    expect(types(given([open(), rejectIt]).when(approve()).decision)).toBe('conflict');
    expect(types(given([]).when(approve()).decision)).toBe('not_found');
  });

  it('the ledger’s refund makes an approved dispute refunded and resolved; a second report changes nothing', () => {
    const { after } = given([open(), approve(120)]).when(refund(120));
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 120, resolvedAt: days(3), refundedAt: days(3) });
    expect(types(given([open(), approve(120), refund(120)]).when(refund(120)).decision)).toEqual([]);
    expect(types(given([open()]).when(refund(120)).decision)).toBe('conflict');
  });
});
