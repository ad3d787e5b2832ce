// A peer queue's worker for the side-by-side benchmark (QueueSideBySide), in the protocol of
// WorkerProcess.java: "ready …" once it takes jobs, then "s <job id> <CLOCK_MONOTONIC nanos>" as each
// no-op handler starts, buffered and written every 50 ms; it stops when its standard input closes.
// graphile-worker and pg-boss are installed from npm at run time into a temporary directory
// (benchmarks/peers/install.sh); nothing of theirs is kept in this repository.
//
// Usage: node peer-worker.mjs <system> <postgres url>
//   system: graphile | graphile-queue | graphile-batched | pgboss | pgboss-fifo
import { Buffer } from 'node:buffer';

const [system, url] = process.argv.slice(2);
const out = [];
const stamp = (id) => { out.push(`s ${id} ${process.hrtime.bigint()}\n`); };
const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };
setInterval(flush, 50).unref();
const say = (line) => { flush(); process.stdout.write(line + '\n'); };
const warn = (...a) => process.stderr.write(`[${system}] ${a.join(' ')}\n`);

let stop = async () => {};
process.stdin.on('end', async () => { await stop(); flush(); process.exit(0); });
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();

if (system.startsWith('graphile')) {
  const { run, runMigrations, Logger } = await import('graphile-worker');
  // Only warnings and errors, on stderr: stdout carries the protocol.
  const logger = new Logger(() => (level, message) => { if (level === 'error' || level === 'warning') warn(level, message); });
  const concurrency = 10;
  const worker = system === 'graphile-batched'
    // Their batching: a local queue fetched (and locked) in one statement, completions batched.
    ? { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 }
    : {};
  await runMigrations({ connectionString: url, logger });
  const runner = await run({
    connectionString: url, concurrency, maxPoolSize: concurrency + 2, pollInterval: 2000, noHandleSignals: true, logger,
    preset: { worker },
    taskList: { noop: async (_payload, helpers) => { stamp(helpers.job.id); } },
  });
  stop = () => runner.stop();
  say(`ready concurrency=${concurrency} ${JSON.stringify(worker)}`);
} else if (system.startsWith('pgboss')) {
  const { PgBoss } = await import('pg-boss');
  const plans = await import('pg-boss/dist/plans.js');
  const fifo = system === 'pgboss-fifo';
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, max: 10 });
  boss.on('error', (e) => warn('error', e.message));
  await boss.start();
  await boss.createQueue('noop', { policy: fifo ? 'key_strict_fifo' : 'standard', notify: true });
  const queue = await boss.getQueue('noop');
  // Their guidance for throughput: batches, continuous fetching while batches come back full, and the
  // shortest polling they allow (0.5 s) so a partial batch does not leave work waiting 30 s behind NOTIFY.
  const options = { batchSize: 100, localConcurrency: 4, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 0.5, burstWhenBatchFull: true };
  await boss.work('noop', options, async (jobs) => { for (const j of jobs) stamp(j.id); });
  stop = () => boss.stop({ graceful: true, wait: true, timeout: 10000 });
  // The statement pg-boss's send() runs, so the benchmark's producer inserts exactly as pg-boss does.
  const sql = plans.insertJobs('pgboss', { table: queue.table, name: 'noop', returnId: true, notify: true });
  say(`ready ${queue.table} ${Buffer.from(sql).toString('base64')} ${Buffer.from(JSON.stringify(options)).toString('base64')}`);
} else {
  warn('unknown system', system);
  process.exit(2);
}
