/**
 * A relay that publishes the first half of its batch and then hangs (its outbox transaction still
 * open) until the test SIGKILLs it.
 */
import { OutboxRelay } from '../outbox';
import { forever, makeTransport, openSchema, quietLogger, readChildConfig, say, tapTransport } from './harness';

async function main(): Promise<void> {
  const config = readChildConfig();
  const db = await openSchema(config.dbUrl, config.schema);
  const inner = makeTransport(config.kind, config.brokers, config.eventLogUrl, 'contract-child-relay');
  const transport = tapTransport(inner, {
    beforePublish: async (messages) => {
      const half = messages.slice(0, Math.ceil(messages.length / 2));
      await inner.publish(half);
      say({ partial: half.map((message) => JSON.parse(message.value).eventId as string), of: messages.length });
      return forever();
    },
  });
  const relay = new OutboxRelay({ db, transport, batchSize: config.batchSize, logger: quietLogger });
  // Rows may be held back briefly by older transactions elsewhere in the cluster: retry until a batch goes out.
  while ((await relay.relayOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

main().catch((error) => {
  say({ error: String(error?.stack ?? error) });
  process.exit(1);
});
