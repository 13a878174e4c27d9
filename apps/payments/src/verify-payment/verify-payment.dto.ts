import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** Exactly what Razorpay Checkout hands the browser's success handler. */
export class VerifyPaymentRequest {
  @ApiProperty({ example: 'order_EKwxwAgItmmXdp' })
  @Matches(/^order_[A-Za-z0-9]{1,40}$/, { message: 'razorpay_order_id must be a Razorpay order id (order_...)' })
  razorpay_order_id!: string;

  @ApiProperty({ example: 'pay_29QQoUBi66xm2f' })
  @Matches(/^pay_[A-Za-z0-9]{1,40}$/, { message: 'razorpay_payment_id must be a Razorpay payment id (pay_...)' })
  razorpay_payment_id!: string;

  @ApiProperty({ description: 'hex HMAC-SHA256 of `order_id|payment_id` with the key secret' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'razorpay_signature must be 64 lowercase hex characters' })
  razorpay_signature!: string;
}

export class VerifyPaymentResponse {
  status!: 'verified' | 'pending_capture';
  orderId!: string;
  paymentId!: string;
  credits!: number;
  /** True when this payment had already been verified (by an earlier call or a webhook). */
  alreadyVerified!: boolean;
}
