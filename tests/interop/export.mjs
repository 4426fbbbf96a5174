#!/usr/bin/env node
// Spanlight interop client: exports a known set of spans or log records to an
// OTLP endpoint with the official OpenTelemetry JS exporters and writes the
// expected (as-sent) values to a JSON file for the C++ test to compare with.
//
// Usage:
//   node export.mjs --protocol http-json|http-proto|grpc --signal traces|logs
//                   --endpoint <base url> --out <file.json> [--count N]
//                   [--compression none|gzip] [--timeout-ms MS]
//                   [--node-modules DIR] [--verbose]
//
//   --endpoint  base URL: http://127.0.0.1:4318 (http-*; "/v1/traces" or
//               "/v1/logs" is appended) or http://127.0.0.1:4317 (grpc; the
//               http:// scheme selects plaintext, https:// would select TLS).
//   --count     spans (1 root + N-1 children, N >= 2) or log records; default 5.
//   --timeout-ms  exporter timeout incl. its retries (default 8000, max 15000).
//   --node-modules  npm prefix or node_modules dir holding the packages of
//               package.json here (e.g. after `npm ci --prefix DIR`); NODE_PATH
//               entries and this script's directory are tried as well.
//
// Exit codes: 0 export succeeded, 1 exporter reported failure (or internal
// error; --out is still written), 2 usage error or packages not found,
// 3 overall 20 s timeout (--out is written with ok=false).

import { writeFileSync, renameSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

// SPANLIGHT_INTEROP_OVERALL_TIMEOUT_MS may lower (never raise) it, for testing the timeout path.
const OVERALL_TIMEOUT_MS = Math.min(20000, Number(process.env.SPANLIGHT_INTEROP_OVERALL_TIMEOUT_MS) || 20000);
const USAGE =
  'usage: node export.mjs --protocol http-json|http-proto|grpc --signal traces|logs ' +
  '--endpoint <base url> --out <file.json> [--count N] [--compression none|gzip] ' +
  '[--timeout-ms MS] [--node-modules DIR] [--verbose]';

function usageError(msg) {
  process.stderr.write(`export.mjs: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    protocol: null,
    signal: null,
    endpoint: null,
    out: null,
    count: 5,
    compression: 'none',
    timeoutMs: 8000,
    verbose: false,
    nodeModules: null,
  };
  const valued = new Set(['--protocol', '--signal', '--endpoint', '--out', '--count', '--compression', '--timeout-ms', '--node-modules']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    if (arg === '--verbose') {
      opts.verbose = true;
      continue;
    }
    if (!valued.has(arg)) usageError(`unknown argument: ${argv[i]}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) usageError(`missing value for ${arg}`);
      value = argv[++i];
    }
    switch (arg) {
      case '--protocol': opts.protocol = value; break;
      case '--signal': opts.signal = value; break;
      case '--endpoint': opts.endpoint = value; break;
      case '--out': opts.out = value; break;
      case '--compression': opts.compression = value; break;
      case '--node-modules': opts.nodeModules = value; break;
      case '--count':
      case '--timeout-ms': {
        if (!/^[0-9]+$/.test(value)) usageError(`${arg} must be a positive integer, got '${value}'`);
        const n = Number(value);
        if (arg === '--count') opts.count = n; else opts.timeoutMs = n;
        break;
      }
    }
  }
  if (!['http-json', 'http-proto', 'grpc'].includes(opts.protocol)) usageError('--protocol must be http-json, http-proto or grpc');
  if (!['traces', 'logs'].includes(opts.signal)) usageError('--signal must be traces or logs');
  if (!opts.endpoint) usageError('--endpoint is required');
  if (!/^https?:\/\/[^/]+/.test(opts.endpoint)) usageError(`--endpoint must look like http://host:port, got '${opts.endpoint}'`);
  if (!opts.out) usageError('--out is required');
  if (!['none', 'gzip'].includes(opts.compression)) usageError('--compression must be none or gzip');
  const minCount = opts.signal === 'traces' ? 2 : 1;
  if (opts.count < minCount || opts.count > 10000) usageError(`--count must be between ${minCount} and 10000 for ${opts.signal}`);
  if (opts.timeoutMs < 1 || opts.timeoutMs > 15000) usageError('--timeout-ms must be between 1 and 15000');
  opts.endpoint = opts.endpoint.replace(/\/+$/, '');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

function writeOut(obj) {
  const tmp = `${opts.out}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(obj, null, 2) + '\n');
  renameSync(tmp, opts.out);
}

// Expected data, filled in as soon as it is known so a timeout/failure still
// records what was (attempted to be) sent.
const report = {
  ok: false,
  exportResult: null,
  error: null,
  protocol: opts.protocol,
  signal: opts.signal,
  url: null,
  resource: {
    'service.name': 'interop-js',
    'tenant.id': 'acme',
    'deployment.environment.name': 'test',
  },
  scope: { name: 'spanlight-interop', version: '1.0.0' },
};

const overallTimer = setTimeout(() => {
  const msg = `export.mjs: overall timeout of ${OVERALL_TIMEOUT_MS} ms exceeded (${opts.protocol} ${opts.signal} -> ${report.url ?? opts.endpoint})`;
  process.stderr.write(msg + '\n');
  try {
    report.ok = false;
    report.error = msg;
    writeOut(report);
  } catch { /* ignore */ }
  process.exit(3);
}, OVERALL_TIMEOUT_MS);
overallTimer.unref();

// ---------------------------------------------------------------------------
// Package loading (after argument checks so usage errors never depend on it).
// Module resolution: ES modules ignore NODE_PATH, so packages are loaded with
// require() from the first of --node-modules, NODE_PATH entries, and this
// script's own directory that holds @opentelemetry/api. A DIR may be the npm
// prefix (containing node_modules/) or the node_modules directory itself.
function makeLoader() {
  const scriptDir = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [];
  if (opts.nodeModules) candidates.push(path.resolve(opts.nodeModules));
  for (const p of (process.env.NODE_PATH ?? '').split(path.delimiter)) if (p) candidates.push(path.resolve(p));
  candidates.push(scriptDir);
  for (const dir of candidates) {
    const req = createRequire(path.join(dir, '__spanlight_interop__.cjs'));
    try {
      req.resolve('@opentelemetry/api');
      return req;
    } catch { /* try next */ }
  }
  if (opts.nodeModules && !existsSync(opts.nodeModules)) usageError(`--node-modules ${opts.nodeModules} does not exist`);
  process.stderr.write(`export.mjs: cannot find @opentelemetry packages (looked from: ${candidates.join(', ')}); run npm ci and pass --node-modules\n`);
  process.exit(2);
}
const load = makeLoader();

const api = load('@opentelemetry/api');
const { resourceFromAttributes } = load('@opentelemetry/resources');

api.diag.setLogger(new api.DiagConsoleLogger(), opts.verbose ? api.DiagLogLevel.DEBUG : api.DiagLogLevel.WARN);

// OTLP enum conversions. JS SpanKind: INTERNAL=0 SERVER=1 CLIENT=2 PRODUCER=3
// CONSUMER=4; OTLP: UNSPECIFIED=0 INTERNAL=1 SERVER=2 CLIENT=3 PRODUCER=4 CONSUMER=5.
const otlpKind = (jsKind) => jsKind + 1;
// JS SpanStatusCode UNSET=0 OK=1 ERROR=2 == OTLP STATUS_CODE_* numbering.
const otlpStatus = (jsCode) => jsCode;

const NS_PER_SEC = 1000000000n;
const toHrTime = (ns) => [Number(ns / NS_PER_SEC), Number(ns % NS_PER_SEC)];
const hrToNsString = (hr) => (BigInt(hr[0]) * NS_PER_SEC + BigInt(hr[1])).toString();
const MS = 1000000n;

// Base timestamp: one minute ago, whole second, plus a sub-millisecond tail so
// nanosecond precision is exercised.
const baseNs = BigInt(Math.floor(Date.now() / 1000) - 60) * NS_PER_SEC + 123456789n;

const resource = resourceFromAttributes(report.resource);

function plainAttributes(attrs) {
  const out = {};
  for (const [k, v] of Object.entries(attrs ?? {})) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

function errorString(err) {
  if (err == null) return null;
  if (err instanceof Error) {
    let s = err.message || String(err);
    if (err.code !== undefined && !s.includes(String(err.code))) s += ` (code ${err.code})`;
    if (err.data) s += `: ${String(err.data).slice(0, 500)}`;
    return s.trim();
  }
  return String(err);
}

async function makeExporter() {
  const common = { compression: opts.compression, timeoutMillis: opts.timeoutMs };
  if (opts.protocol === 'grpc') {
    // The gRPC exporters take host:port (an http:// prefix selects insecure
    // credentials; any path would be ignored with a warning).
    report.url = opts.endpoint;
    if (opts.signal === 'traces') {
      const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter({ url: report.url, ...common });
    }
    const { OTLPLogExporter } = load('@opentelemetry/exporter-logs-otlp-grpc');
    return new OTLPLogExporter({ url: report.url, ...common });
  }
  report.url = `${opts.endpoint}/v1/${opts.signal}`;
  const pkg = `@opentelemetry/exporter-${opts.signal === 'traces' ? 'trace' : 'logs'}-otlp-${opts.protocol === 'http-json' ? 'http' : 'proto'}`;
  const mod = load(pkg);
  const Ctor = opts.signal === 'traces' ? mod.OTLPTraceExporter : mod.OTLPLogExporter;
  return new Ctor({ url: report.url, ...common });
}

async function buildSpans() {
  const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = load('@opentelemetry/sdk-trace-base');
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer(report.scope.name, report.scope.version);

  const n = opts.count;
  const rootStart = baseNs;
  const rootEnd = baseNs + BigInt(n) * 10n * MS + 999n;
  const root = tracer.startSpan('agent run', {
    kind: api.SpanKind.SERVER,
    startTime: toHrTime(rootStart),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'interop-agent',
      'interop.child_count': n - 1,
    },
  });
  const rootCtx = api.trace.setSpan(api.ROOT_CONTEXT, root);

  for (let i = 1; i < n; i++) {
    const start = baseNs + BigInt(i) * 10n * MS + BigInt(i);
    const end = start + 5n * MS + 7n;
    const isLast = i === n - 1;
    const child = tracer.startSpan('chat gpt-4o', {
      kind: api.SpanKind.CLIENT,
      startTime: toHrTime(start),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 100 * i + 7,
        'gen_ai.usage.output_tokens': 20 * i + 3,
        'gen_ai.request.stream': i % 2 === 0,
        'gen_ai.request.temperature': 0.125 + 0.25 * i, // never an integer -> doubleValue
        'gen_ai.response.finish_reasons': isLast ? ['error'] : (i % 2 ? ['stop'] : ['length', 'stop']),
        'interop.index': i,
      },
    }, rootCtx);
    if (isLast) {
      child.setAttribute('error.type', 'rate_limit_exceeded');
      child.addEvent('exception', {
        'exception.type': 'RateLimitError',
        'exception.message': 'rate limited',
        'exception.escaped': false,
        'http.response.status_code': 429,
      }, toHrTime(start + 4n * MS + 1n));
      child.setStatus({ code: api.SpanStatusCode.ERROR, message: 'rate limited' });
    }
    child.end(toHrTime(end));
  }
  root.setStatus({ code: api.SpanStatusCode.OK });
  root.end(toHrTime(rootEnd));

  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  report.spans = spans.map((s) => ({
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    name: s.name,
    kind: otlpKind(s.kind),
    startTimeUnixNano: hrToNsString(s.startTime),
    endTimeUnixNano: hrToNsString(s.endTime),
    statusCode: otlpStatus(s.status.code),
    statusMessage: s.status.message ?? '',
    attributes: plainAttributes(s.attributes),
    events: s.events.map((e) => ({
      name: e.name,
      timeUnixNano: hrToNsString(e.time),
      attributes: plainAttributes(e.attributes),
    })),
  }));
  return { items: spans, shutdown: () => provider.shutdown() };
}

async function buildLogs() {
  const { BasicTracerProvider } = load('@opentelemetry/sdk-trace-base');
  const { LoggerProvider, SimpleLogRecordProcessor, InMemoryLogRecordExporter } = load('@opentelemetry/sdk-logs');
  const { SeverityNumber } = load('@opentelemetry/api-logs');

  // A span (never exported) whose context the log records are emitted in.
  const tracerProvider = new BasicTracerProvider({ resource });
  const tracer = tracerProvider.getTracer(report.scope.name, report.scope.version);
  const span = tracer.startSpan('agent run', { kind: api.SpanKind.SERVER, startTime: toHrTime(baseNs) });
  const ctx = api.trace.setSpan(api.ROOT_CONTEXT, span);

  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger(report.scope.name, report.scope.version);

  const n = opts.count;
  for (let i = 0; i < n; i++) {
    const t = baseNs + BigInt(i) * 10n * MS + BigInt(i);
    const isLast = i === n - 1 && n > 1;
    logger.emit({
      timestamp: toHrTime(t),
      observedTimestamp: toHrTime(t + 1n * MS),
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      eventName: isLast ? 'gen_ai.choice' : 'gen_ai.user.message',
      body: `interop log record ${i}: hello from interop-js`,
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'interop.index': i,
        'interop.flag': i % 2 === 0,
        'interop.ratio': 0.125 + 0.25 * i,
        'interop.tags': ['alpha', `rec-${i}`],
      },
      context: ctx,
    });
  }
  span.end(toHrTime(baseNs + BigInt(n) * 10n * MS));

  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  report.logs = records.map((r) => ({
    traceId: r.spanContext?.traceId ?? '',
    spanId: r.spanContext?.spanId ?? '',
    traceFlags: r.spanContext?.traceFlags ?? 0,
    eventName: r.eventName ?? '',
    body: r.body,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    timeUnixNano: hrToNsString(r.hrTime),
    observedTimeUnixNano: hrToNsString(r.hrTimeObserved),
    attributes: plainAttributes(r.attributes),
  }));
  return {
    items: records,
    shutdown: async () => { await provider.shutdown(); await tracerProvider.shutdown(); },
  };
}

async function main() {
  const exporter = await makeExporter();
  const built = opts.signal === 'traces' ? await buildSpans() : await buildLogs();
  if (built.items.length !== opts.count) {
    throw new Error(`SDK produced ${built.items.length} ${opts.signal} items, expected ${opts.count}`);
  }

  const result = await new Promise((resolve) => {
    try {
      exporter.export(built.items, resolve);
    } catch (err) {
      resolve({ code: 1, error: err });
    }
  });
  report.exportResult = result.code;
  report.ok = result.code === 0; // ExportResultCode.SUCCESS
  report.error = report.ok ? null : (errorString(result.error) ?? 'export failed without an error');

  // Never let shutdown hold the process (bounded by the overall timer too).
  const bounded = (p) => Promise.race([Promise.resolve(p).catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  await bounded(exporter.shutdown());
  await bounded(built.shutdown());
  return report.ok ? 0 : 1;
}

let code;
try {
  code = await main();
} catch (err) {
  report.ok = false;
  report.error = `internal error: ${errorString(err)}`;
  process.stderr.write(`export.mjs: ${err?.stack ?? err}\n`);
  code = 1;
}
writeOut(report);
const n = (report.spans ?? report.logs ?? []).length;
if (report.ok) {
  process.stdout.write(`export.mjs: exported ${n} ${opts.signal === 'traces' ? 'spans' : 'log records'} via ${opts.protocol} to ${report.url}\n`);
} else {
  process.stderr.write(`export.mjs: export of ${n} ${opts.signal} via ${opts.protocol} to ${report.url} failed: ${report.error}\n`);
}
clearTimeout(overallTimer);
process.exit(code);
