export { startRazorpaySimulator, DEV_RAZORPAY_CREDENTIALS } from './simulator';
export type { RazorpaySimulatorOptions, RunningRazorpaySimulator } from './simulator';
