/**
 * A small builder of ONNX graphs at run time (through onnx-proto's protobuf definitions), for compute graphs whose
 * structure depends on the caller's shapes — e.g. the Adam training steps of an {@link Mlp} — and that onnxruntime then
 * runs like any exported model.
 * @packageDocumentation
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types used by the builder (ONNX TensorProto.DataType values). */
export const OnnxType = Object.freeze({ float: 1, int32: 6, int64: 7, bool: 9 } as const);
/** One of {@link OnnxType}'s values. */
export type OnnxElementType = (typeof OnnxType)[keyof typeof OnnxType];

/** An attribute value: a number (int when integral and `ints` not asked), a float via {@link float}, int lists, or a graph. */
export type OnnxAttribute = number | { float: number } | { ints: readonly number[] } | { graph: OnnxGraph };

/** A finished graph (the protobuf message object). */
export type OnnxGraph = InstanceType<typeof onnx.GraphProto>;

/**
 * A float attribute (ONNX distinguishes float from int attributes).
 * @param v - the value
 * @returns the attribute
 * @example
 * ```ts
 * g.node('Gemm', ['a', 'b'], ['c'], { alpha: float(-2), transB: 1 });
 * ```
 */
export function float(v: number): { float: number } {
  return { float: v };
}

/**
 * Builds one ONNX graph (a model's main graph or a Loop body): inputs, outputs, nodes, constant tensors.
 * @example
 * ```ts
 * const g = new OnnxGraphBuilder('scores');
 * g.input('q', OnnxType.float, ['m', 'd']);
 * g.input('t', OnnxType.float, ['n', 'd']);
 * const [s] = g.node('Gemm', ['q', 't'], 1, { transB: 1 });
 * g.output(s!, OnnxType.float, ['m', 'n'], 'scores');
 * const bytes = onnxModelBytes(g.build());
 * ```
 */
export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private count = 0;

  /** @param name - the graph's name; also prefixes the generated value names (keep names unique across nested graphs) */
  constructor(readonly name: string) {}

  /** A fresh value name. */
  fresh(hint = 'v'): string {
    return `${this.name}/${hint}_${this.count++}`;
  }

  /** Declares a graph input (dims: numbers, symbolic names, or null for unknown). */
  input(name: string, type: OnnxElementType, dims: readonly (number | string | null)[] | null): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares a graph output, renaming `value` to `name` through an Identity node when they differ. */
  output(value: string, type: OnnxElementType, dims: readonly (number | string | null)[] | null, name = value): string {
    if (name !== value) this.node('Identity', [value], [name]);
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /**
   * Adds a node.
   * @param op - operator type (default domain)
   * @param inputs - input value names ('' for an omitted optional input)
   * @param outputs - output names, or how many fresh ones to make
   * @param attributes - by name
   * @returns the output names
   */
  node(op: string, inputs: readonly string[], outputs: readonly string[] | number = 1, attributes: Record<string, OnnxAttribute> = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : [...outputs];
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: this.fresh(`${op}_node`),
        input: [...inputs],
        output: outs,
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outs;
  }

  /** One-output {@link OnnxGraphBuilder.node}. */
  op(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.node(op, inputs, 1, attributes)[0]!;
  }

  /** A float32 constant (an initializer of this graph). */
  constFloat(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length]): string {
    const name = this.fresh('const');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: OnnxType.float, dims: [...dims], floatData: Array.from(values) }));
    return name;
  }

  /** An int64 constant. */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh('const');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: OnnxType.int64, dims: [...dims], int64Data: [...values] }));
    return name;
  }

  /** An int32 constant. */
  constInt32(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh('const');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: OnnxType.int32, dims: [...dims], int32Data: [...values] }));
    return name;
  }

  /** A bool constant. */
  constBool(value: boolean): string {
    const name = this.fresh('const');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: OnnxType.bool, dims: [], int32Data: [value ? 1 : 0] }));
    return name;
  }

  /** The graph message. */
  build(): OnnxGraph {
    return onnx.GraphProto.create({ name: this.name, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.initializers });
  }
}

function valueInfo(name: string, type: OnnxElementType, dims: readonly (number | string | null)[] | null) {
  const shape = dims === null ? undefined : onnx.TensorShapeProto.create({ dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) });
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: type, ...(shape ? { shape } : {}) } } });
}

function attribute(name: string, v: OnnxAttribute) {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; wrap floats with float()`);
    return onnx.AttributeProto.create({ name, type: A.INT, i: v });
  }
  if ('float' in v) return onnx.AttributeProto.create({ name, type: A.FLOAT, f: v.float });
  if ('ints' in v) return onnx.AttributeProto.create({ name, type: A.INTS, ints: [...v.ints] });
  return onnx.AttributeProto.create({ name, type: A.GRAPH, g: v.graph });
}

/**
 * Serialises a graph as an ONNX model (IR version 8, default-domain opset 17).
 * @param graph - from {@link OnnxGraphBuilder.build}
 * @param producer - producer name recorded in the model
 * @returns the model bytes, for `loadModel(bytes)`
 * @example
 * ```ts
 * const model = await loadModel(onnxModelBytes(g.build()));
 * ```
 */
export function onnxModelBytes(graph: OnnxGraph, producer = '@lab/tensor-core'): Uint8Array {
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: producer, opsetImport: [{ domain: '', version: 17 }], graph });
  return onnx.ModelProto.encode(model).finish();
}
