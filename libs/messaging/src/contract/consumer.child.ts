/**
 * A consumer that handles batches and commits its DB transaction, then hangs before the offset
 * commit (reporting what it committed) until the test SIGKILLs it.
 */
import { EventConsumer } from '../consumer';
import { forever, makeTransport, openSchema, quietLogger, readChildConfig, recordEffect, say, tapTransport } from './harness';

async function main(): Promise<void> {
  const config = readChildConfig();
  const db = await openSchema(config.dbUrl, config.schema);
  const transport = tapTransport(makeTransport(config.kind, config.brokers, config.eventLogUrl, 'contract-child-consumer'), {
    afterBatch: async (batch) => {
      say({ committed: batch.map((message) => JSON.parse(message.value).eventId as string) });
      await forever();
    },
  });
  const consumer = new EventConsumer({
    db,
    transport,
    groupId: config.groupId!,
    topics: [config.topic],
    logger: quietLogger,
    handle: (event, ctx) => recordEffect(ctx.tx, event, 'child'),
  });
  await consumer.start();
  say({ ready: true });
}

main().catch((error) => {
  say({ error: String(error?.stack ?? error) });
  process.exit(1);
});
