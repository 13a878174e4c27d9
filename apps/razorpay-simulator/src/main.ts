import { env, loadConfigOrExit } from '@clinic/platform';
import { DEV_RAZORPAY_CREDENTIALS, startRazorpaySimulator } from '@clinic/razorpay-simulator';

// Standalone simulator for the embedded dev stack; shares the payments service's dev credentials.
const options = loadConfigOrExit(() => ({
  host: env.string('HOST', { default: '127.0.0.1' }),
  port: env.port('RAZORPAY_SIMULATOR_PORT', 3005),
  keyId: env.string('RAZORPAY_KEY_ID', { default: DEV_RAZORPAY_CREDENTIALS.keyId }),
  keySecret: env.secret('RAZORPAY_KEY_SECRET', DEV_RAZORPAY_CREDENTIALS.keySecret),
  webhookSecret: env.secret('RAZORPAY_WEBHOOK_SECRET', DEV_RAZORPAY_CREDENTIALS.webhookSecret),
  webhookUrl: env.url('RAZORPAY_WEBHOOK_URL', ['http', 'https'], { default: `http://127.0.0.1:${env.port('PAYMENTS_PORT', 3003)}/webhooks/razorpay` }),
}));

startRazorpaySimulator(options).then(
  (simulator) => {
    process.stdout.write(`${JSON.stringify({ level: 'info', service: 'razorpay-simulator', url: simulator.url, webhookUrl: options.webhookUrl, msg: 'razorpay simulator listening' })}\n`);
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: unknown) => {
    process.stderr.write(`razorpay-simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
