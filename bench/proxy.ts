// Proxy budget (DESIGN.md §4): cached /v1/credentials throughput ≥ 80% of a bare node:http server
// answering a fixed JSON body, p99 ≤ 5 ms, at 64 connections, measured with autocannon in the same
// run. Each server runs in its own child process on 127.0.0.1:0; the load generator in this one.
// The proxy runs as `podid proxy` does, except: request logging off and the agent's 1000/s rate
// limiter off (it would answer 429 to most of the load), so the cached path itself is measured.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const DURATION_S = Number(process.env.BENCH_PROXY_SECONDS ?? 4);
const CONNECTIONS = 64;
const self = fileURLToPath(import.meta.url);

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const TOKEN = `${b64({ alg: 'RS256', kid: 'bench' })}.${b64({ sub: 'system:serviceaccount:bench:app', aud: ['pods.eks.amazonaws.com'], exp: now + 3600, nbf: now - 5 })}.c2ln`;
const CREDENTIALS = {
  subject: { namespace: 'bench', serviceAccount: 'app' },
  audience: 'pods.eks.amazonaws.com',
  podIdentityAssociation: { associationArn: 'arn:aws:eks:us-west-2:111122223333:podidentityassociation/bench/a-1', associationId: 'a-1' },
  assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/app/eks-bench', assumeRoleId: 'AROA:eks-bench' },
  credentials: { accessKeyId: 'ASIABENCHBENCHBENCH1', secretAccessKey: 'x'.repeat(40), sessionToken: 'y'.repeat(600), expiration: now + 6 * 3600 },
};

async function serve(kind: string) {
  let port: number;
  if (kind === 'baseline') {
    const { credentialsBody } = await import('../src/core/proxy/wire.js');
    const body = credentialsBody(CREDENTIALS);
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  } else {
    const { createProxyCore } = await import('../src/core/proxy/create.js');
    const { startHttpServer } = await import('../src/adapters/http/server.js');
    const core = createProxyCore({ source: async () => CREDENTIALS, clock: Date.now, rateLimit: false });
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, handle: core.handle, janitor: { intervalMs: 60_000, run: core.renewDue } });
    port = server.port;
  }
  process.send!({ port });
}

function start(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(self, [`serve:${kind}`], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
}

interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
}

async function load(port: number, seconds: number): Promise<Figures> {
  type Result = { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number };
  const { default: autocannon } = (await import('autocannon' as string)) as { default: (options: object) => Promise<Result> };
  const result = await autocannon({ url: `http://127.0.0.1:${port}/v1/credentials`, connections: CONNECTIONS, duration: seconds, headers: { authorization: TOKEN } });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

async function measure(kind: string): Promise<Figures> {
  const { child, port } = await start(kind);
  try {
    await load(port, 1); // warm-up (JIT, the one cache miss)
    return await load(port, DURATION_S);
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  const baseline = await measure('baseline');
  const proxy = await measure('proxy');
  const ratio = proxy.rps / baseline.rps;
  const ok = ratio >= 0.8 && proxy.p99 <= 5 && proxy.non2xx === 0;
  console.log(
    `proxy.cached rps=${proxy.rps.toFixed(0)} p99=${proxy.p99}ms baseline.rps=${baseline.rps.toFixed(0)} baseline.p99=${baseline.p99}ms ratio=${ratio.toFixed(2)} (budget ≥0.80, p99 ≤5ms)${proxy.non2xx ? ` non2xx=${proxy.non2xx}` : ''} ${ok ? '(within budget)' : '(OVER BUDGET)'}`,
  );
  if (!ok) process.exitCode = 1;
}

const mode = process.argv[2];
if (mode?.startsWith('serve:')) await serve(mode.slice('serve:'.length));
else await main();
