// ort-run.mjs: runs an ONNX model on ONNX Runtime's CPU provider (npm
// onnxruntime-node), the reference mlrt's importer is checked against.
// Inputs and outputs are .npy files, so the C tests need no JavaScript.
//
//   node ort-run.mjs --npm-dir DIR --threads N MODEL.onnx OUTDIR \
//        NAME=INPUT.npy...
//
// Writes OUTDIR/<output name, unsafe characters as _>.npy for each output
// and prints one line per output: NAME<TAB>FILE<TAB>D0,D1,...
// The intra-op thread count is explicit: a comparison must not depend on
// how many cores the machine has.
//
// With --bench (tests/bench/bench-cpu-vs-ort.c) it writes no outputs: it
// prints "ready" once the session is made, then for each line "N" read
// from stdin runs N predictions and prints one line: each prediction's
// wall time, then the CPU time of all N (the whole process, ONNX Runtime's
// threads included), in milliseconds. It ends at the end of stdin.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const npyTypes = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '|b1': ['bool', Uint8Array], '<f2': ['float16', Uint16Array],
};

function fail(message) {
  process.stderr.write(`ort-run: ${message}\n`);
  process.exit(1);
}

function readNpy(path) {
  let buf;
  try {
    buf = readFileSync(path);
  } catch (e) {
    fail(`${path}: ${e.message}`);
  }
  if (buf.subarray(0, 6).toString('latin1') !== '\x93NUMPY')
    fail(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shape === undefined || /'fortran_order':\s*True/.test(header))
    fail(`${path}: unsupported .npy header ${header.trim()}`);
  const type = npyTypes[descr];
  if (!type) fail(`${path}: unsupported dtype ${descr}`);
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s)
    .map(Number);
  const data = buf.subarray(start + headerLen);
  const copy = new Uint8Array(data).buffer;
  return { type: type[0], dims, data: new type[1](copy) };
}

function writeNpy(path, tensor) {
  const descr = Object.entries(npyTypes)
    .find(([, t]) => t[0] === tensor.type)?.[0];
  if (!descr) fail(`output of type ${tensor.type} cannot be written`);
  const dims = tensor.dims.length === 1 ? `${tensor.dims[0]},`
    : tensor.dims.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const args = process.argv.slice(2);
let npmDir = null;
let threads = null;
let bench = false;
while (args[0]?.startsWith('--')) {
  const flag = args.shift();
  if (flag === '--npm-dir') npmDir = args.shift();
  else if (flag === '--bench') bench = true;
  else if (flag === '--threads') threads = Number(args.shift());
  else fail(`unknown option ${flag}`);
}
if (!npmDir || !(threads >= 1) || args.length < 2)
  fail('usage: ort-run.mjs --npm-dir DIR --threads N MODEL.onnx OUTDIR NAME=IN.npy...');
const [model, outDir, ...inputArgs] = args;

let ort;
try {
  ort = createRequire(join(npmDir, 'node_modules', 'x.js'))('onnxruntime-node');
} catch (e) {
  fail(`cannot load onnxruntime-node from ${npmDir} (run scripts/setup): ${e.message}`);
}

async function serveBench(session) {
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const n = Number(line);
    if (!(n >= 1)) fail(`--bench: '${line}' is not a count of predictions`);
    const times = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const used = process.cpuUsage(cpu);
    times.push((used.user + used.system) / 1e3);
    process.stdout.write(`${times.join(' ')}\n`);
  }
}

const feeds = {};
for (const arg of inputArgs) {
  const eq = arg.lastIndexOf('=');
  if (eq <= 0) fail(`input '${arg}' is not NAME=FILE.npy`);
  const t = readNpy(arg.slice(eq + 1));
  feeds[arg.slice(0, eq)] = new ort.Tensor(t.type, t.data, t.dims);
}

try {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  if (bench) {
    await serveBench(session);
    process.exit(0);
  }
  const results = await session.run(feeds);
  for (const name of session.outputNames) {
    const t = results[name];
    const file = join(outDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`);
    writeNpy(file, { type: t.type, dims: t.dims, data: t.data });
    process.stdout.write(`${name}\t${file}\t${t.dims.join(',')}\n`);
  }
} catch (e) {
  fail(`${model}: ${e.message}`);
}
