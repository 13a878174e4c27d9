import { maskPhone } from '@clinic/observability';

/** "priya@example.com" → "p***@example.com"; keeps the domain so a clinic can tell providers apart. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** "Priya Sharma" → "P***". */
export function maskName(name: string): string {
  const first = name.trim()[0];
  return first ? `${first}***` : '***';
}

export interface PatientContact {
  patientName: string;
  phone: string;
  email: string | null;
  message: string | null;
}

/**
 * What a clinic may see of a patient: everything once it paid for the lead, otherwise masked
 * hints only. The free-text message is withheld too: patients often type their number into it.
 */
export function contactAsSeenByClinic(contact: PatientContact, charged: boolean): PatientContact & { masked: boolean } {
  if (charged) return { ...contact, masked: false };
  return {
    patientName: maskName(contact.patientName),
    phone: maskPhone(contact.phone),
    email: contact.email === null ? null : maskEmail(contact.email),
    message: null,
    masked: true,
  };
}
