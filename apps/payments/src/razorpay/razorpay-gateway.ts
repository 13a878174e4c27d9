import { BadGatewayException, Inject, Injectable } from '@nestjs/common';
import Razorpay from 'razorpay';
import { AppLogger } from '@clinic/observability';
import { LOGGER, SERVICE_CONFIG } from '@clinic/platform';
import type { PaymentsConfig } from '../config';

export interface RazorpayOrder {
  id: string;
  amount: number;
  currency: string;
  status: string;
  receipt?: string | null;
}

export interface RazorpayPayment {
  id: string;
  order_id: string | null;
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  error_code?: string | null;
  error_description?: string | null;
}

/** What the SDK throws: `{ statusCode, error: { code, description, field, ... } }`, or a network error. */
function describeRazorpayError(error: unknown): { statusCode?: number; description: string } {
  const candidate = error as { statusCode?: number; error?: { description?: string; code?: string }; message?: string };
  if (candidate && typeof candidate.statusCode === 'number') {
    return { statusCode: candidate.statusCode, description: candidate.error?.description ?? candidate.error?.code ?? 'unknown error' };
  }
  // The SDK's normalizeError dereferences err.response, so a refused connection arrives as a TypeError.
  return { description: 'Razorpay could not be reached' };
}

/**
 * The official `razorpay` SDK, pointed at RAZORPAY_API_BASE_URL when set (the simulator).
 * The SDK hard-codes https://api.razorpay.com as the axios instance's baseURL; overriding that
 * one default is the least invasive switch and keeps every other SDK behaviour (auth, paths).
 */
@Injectable()
export class RazorpayGateway {
  private readonly client: Razorpay;

  constructor(@Inject(SERVICE_CONFIG) config: PaymentsConfig, @Inject(LOGGER) private readonly logger: AppLogger) {
    const { keyId, keySecret, apiBaseUrl } = config.razorpay;
    this.client = new Razorpay({ key_id: keyId, key_secret: keySecret });
    const http = (this.client as unknown as { api: { rq: { defaults: { baseURL?: string; timeout?: number } } } }).api.rq;
    if (apiBaseUrl) http.defaults.baseURL = apiBaseUrl.replace(/\/+$/, '');
    http.defaults.timeout = 15_000;
  }

  async createOrder(request: { amountPaise: number; receipt: string; notes: Record<string, string> }): Promise<RazorpayOrder> {
    try {
      return (await this.client.orders.create({ amount: request.amountPaise, currency: 'INR', receipt: request.receipt, notes: request.notes })) as RazorpayOrder;
    } catch (error) {
      throw this.badGateway('create the order', error);
    }
  }

  async fetchPayment(paymentId: string): Promise<RazorpayPayment> {
    try {
      return (await this.client.payments.fetch(paymentId)) as unknown as RazorpayPayment;
    } catch (error) {
      throw this.badGateway('confirm the payment', error);
    }
  }

  private badGateway(action: string, error: unknown): BadGatewayException {
    const { statusCode, description } = describeRazorpayError(error);
    this.logger.warn({ razorpayStatus: statusCode, razorpayError: description }, `Razorpay call failed: ${action}`);
    return new BadGatewayException({ statusCode: 502, error: 'Bad Gateway', message: `Razorpay could not ${action}: ${description}` });
  }
}
