#!/usr/bin/env node
/**
 * `tensor-core` command line: inspect, verify and run ONNX models; list devices; write the toy training data.
 * @packageDocumentation
 */
import { Command, InvalidArgumentError as CommanderArgError } from 'commander';
import { version } from '../package.json';
import { DEVICE_TABLE, deviceProblem, resolveDevice } from './device/devices';
import { LabError } from './errors/lab-error';
import { ndarray, ndarrayToTensor, readNpy, tensorToNdarray, writeNpz } from './io/npy';
import { makeTwoMoons } from './datasets/two-moons';
import { checkGolden } from './model/golden';
import { loadModel } from './model/onnx-model';
import { tensorToNested } from './tensor/tensors';

const program = new Command();
program.name('tensor-core').description('Inspect, verify and run ONNX models through @lab/tensor-core.').version(version);

const deviceOption = (cmd: Command) => cmd.option('-d, --device <device>', 'cpu | cuda | auto', 'cpu');
const onFallback = (reason: string) => process.stderr.write(`note: ${reason}\n`);

deviceOption(program.command('info').description('print a model\'s manifest, inputs and outputs').argument('<model>', 'model.json or .onnx file'))
  .option('--json', 'print JSON')
  .action(async (path: string, opts: { device: string; json?: boolean }) => {
    const model = await loadModel(path, { device: opts.device, onFallback });
    try {
      if (opts.json) {
        console.log(JSON.stringify({ name: model.name, sha256: model.sha256, device: model.device.device, inputs: model.inputs, outputs: model.outputs, manifest: model.manifest }, null, 2));
      } else {
        console.log(model.describe());
        if (model.manifest) {
          console.log(`  opset:   ${model.manifest.opset}`);
          console.log(`  trained on: ${model.manifest.provenance.trainingData}`);
          const metrics = Object.entries(model.manifest.metrics);
          if (metrics.length) console.log(`  metrics: ${metrics.map(([k, v]) => `${k}=${typeof v === 'number' ? v.toPrecision(4) : JSON.stringify(v)}`).join(', ')}`);
        }
      }
    } finally {
      await model.dispose();
    }
  });

deviceOption(program.command('verify').description('check sha256 and reproduce the golden outputs of a model.json').argument('<manifest>', 'model.json'))
  .action(async (path: string, opts: { device: string }) => {
    const model = await loadModel(path, { device: opts.device, onFallback });
    try {
      const report = await checkGolden(model, model.manifest!, path);
      for (const o of report.outputs) console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.name}: max |Δ| = ${o.maxAbsDiff.toExponential(3)} over ${o.size} values (atol ${report.atol}, rtol ${report.rtol})`);
      console.log(`sha256 ${model.sha256} verified`);
      if (!report.ok) process.exitCode = 1;
    } finally {
      await model.dispose();
    }
  });

deviceOption(
  program
    .command('predict')
    .description('run a model on .npy inputs')
    .argument('<model>', 'model.json or .onnx file')
    .requiredOption('-i, --input <name=file.npy...>', 'one per model input', collect, [] as string[])
    .option('-o, --out <file.npz>', 'write outputs to a .npz instead of printing them'),
).action(async (path: string, opts: { device: string; input: string[]; out?: string }) => {
  const model = await loadModel(path, { device: opts.device, onFallback });
  try {
    const feeds = Object.fromEntries(
      await Promise.all(
        opts.input.map(async (spec) => {
          const eq = spec.indexOf('=');
          if (eq < 1) throw new CommanderArgError(`--input must look like name=file.npy, received "${spec}"`);
          return [spec.slice(0, eq), ndarrayToTensor(await readNpy(spec.slice(eq + 1)))] as const;
        }),
      ),
    );
    const outputs = await model.run(feeds);
    if (opts.out) {
      await writeNpz(opts.out, Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, tensorToNdarray(t)])));
      console.log(`wrote ${Object.keys(outputs).join(', ')} to ${opts.out}`);
    } else {
      for (const [k, t] of Object.entries(outputs)) console.log(`${k} [${t.dims.join(', ')}]: ${JSON.stringify(tensorToNested(t))}`);
    }
  } finally {
    await model.dispose();
  }
});

program
  .command('devices')
  .description('list devices and whether each can be used here')
  .action(() => {
    for (const spec of Object.values(DEVICE_TABLE)) {
      const problem = deviceProblem(spec);
      console.log(`${spec.name.padEnd(5)} providers=${spec.executionProviders.join(',')}  ${problem ? `unavailable: ${problem}. ${spec.installHint}` : 'available'}`);
    }
    console.log(`auto  -> ${resolveDevice('auto').device}`);
  });

program
  .command('toy-data')
  .description('write the SYNTHETIC two-moons data set that trains the tensor-core test model (x: [n,2] float32, y: [n] int64)')
  .requiredOption('-o, --out <file.npz>', 'output .npz')
  .option('-n, --n <count>', 'number of points', toInt, 2000)
  .option('--noise <sd>', 'Gaussian noise', Number, 0.15)
  .option('--seed <seed>', 'RNG seed', toInt, 0)
  .action(async (opts: { out: string; n: number; noise: number; seed: number }) => {
    const { x, y, n } = makeTwoMoons(opts.n, opts.noise, opts.seed);
    await writeNpz(opts.out, { x: ndarray('float32', [n, 2], x), y: ndarray('int64', [n], y) });
    console.log(`wrote ${n} synthetic two-moons points to ${opts.out}`);
  });

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
function toInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CommanderArgError(`expected an integer, received "${value}"`);
  return n;
}

program.parseAsync().catch((e: unknown) => {
  if (LabError.isInstance(e)) {
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
  } else {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.exitCode = 1;
});
