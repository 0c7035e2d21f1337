// Values built in TypeScript, typed by the generated bindings, one call each. tests/tests/truth_reverse.rs
// holds the Rust value each case must decode to (or the refusal it must get), under the same name and in the
// same order. Written the way renderer code would write them: omitted optional keys, Node Buffers, views
// into larger buffers, numeric object keys.

import type {
  Blobs,
  Extras,
  Maps,
  Numbers,
  Optionals,
  Sequences,
  Strings,
  Tree,
  TruthApi,
} from "../bindings/Truth.js";

export interface Case {
  readonly name: string;
  readonly call: (api: TruthApi) => unknown;
}

/** `len` bytes counting up from `start`, as the Rust side's `bytes(start, len)`. */
export function bytes(start: number, len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (start + i) % 256);
}

/** A view into the middle of a larger buffer: only the view's bytes may travel. */
function view(start: number, len: number): Uint8Array {
  const backing = bytes(start - 3, len + 6);
  return backing.subarray(3, 3 + len);
}

const tree: Tree = {
  label: "root",
  children: [
    { label: "leaf", children: [], payload: Buffer.from([1, 2]) },
    { label: "branch", children: [{ label: "deep", children: [], payload: null }], payload: view(3, 1) },
  ],
  payload: null,
};

const blobs: Blobs = {
  field: bytes(0, 4),
  empty: new Uint8Array(0),
  list: [bytes(10, 1), new Uint8Array(), view(250, 10)],
  maybe: Buffer.from([20, 21]),
  absent: null,
  byName: { k: bytes(30, 3) },
  pair: [bytes(40, 1), 40],
  chunk: { index: 0, data: view(50, 2) },
  chunks: [{ index: 1, data: bytes(60, 1) }],
  newtype: bytes(70, 3),
  variants: [bytes(80, 1), { id: 9, blob: bytes(90, 2) }, "between", { name: "last", blob: bytes(95, 1) }],
};

const optionalsMinimal: Optionals = {
  plain: null,
  nested: null,
  blob: null,
  defaulted: 0,
  readOnly: 7,
  doubleBlob: null,
  defaults: { count: 0, name: "" },
};

const optionalsFull: Optionals = {
  plain: 4294967295,
  nested: "inner",
  blob: new Uint8Array(0),
  defaulted: 9,
  omittedWhenNone: null,
  optional: { xPos: 1, yPos: -2 },
  list: [1, 2],
  writeOnly: 5,
  readOnly: 6,
  doubleBlob: bytes(9, 1),
  defaults: { count: 1, name: "one" },
};

const maps: Maps = {
  byName: { one: 1, "": 0, "with space": 2 },
  byNumber: { 0: "zero", 7: "seven", 4294967295: "max" },
  bySigned: { [-32768]: true, [-1]: false, 1: true },
  bySmall: { 0: null, 255: -0.5 },
  byEnum: { "FIRST-CHOICE": { xPos: 1, yPos: 1 }, third: { xPos: 3, yPos: 3 } },
  byLabel: { label: 1 },
  blobs: { a: bytes(1, 1), b: view(2, 2) },
  maybeBlobs: { none: null, some: bytes(4, 2) },
  byChar: { a: 1, "🦀": 2, '"': 3 },
  nested: { outer: { 3: [0.1, null], 65535: [] } },
  set: ["x", "y"],
};

const sequences: Sequences = {
  triple: [-2147483648, "triple", false],
  single: ["single"],
  nested: [[1, 2], [["a", 0.5], ["b", -0.5]]],
  array: [-32768, 0, 32767],
  emptyArray: [],
  blobArray: [bytes(1, 1), new Uint8Array()],
  blobTuple: [bytes(3, 3), 3],
  lists: [[], [1], [2, 3]],
  unit: null,
  units: [null, null],
};

const extras: Extras = {
  type: "raw identifier",
  empty: {},
  emptyTuple: [],
  outcome: { Err: "err" },
  outcomes: [{ Ok: { xPos: 1, yPos: 2 } }, { Err: { CORRUPT: bytes(1, 1) } }],
  nonZero: 4294967295,
  sharedStr: "shared str",
  boxedStr: "boxed str",
  either: { Right: bytes(3, 3) },
  sparse: ["Unit", { EmptyTuple: [] }, { EmptyStruct: {} }],
  pages: { items: [{ items: [1, 2], next: null }], next: 1 },
};

const numbers: Numbers = {
  doubles: [0, 1, -1.5, 0.1, 1 / 3, 1e300, -1e300, 1e-300, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE,
    Number.EPSILON, Number.MAX_SAFE_INTEGER, 1e21, 1e-7],
  // `-0` goes out as `0`: JSON.stringify drops the sign.
  singles: [0.1, -0, 3.4028234663852886e38, 1e-45],
  negative_zero: -0,
  small: [-128, 255, -32768, 65535],
  large: [-2147483648, 4294967295],
};

const strings: Strings = {
  values: ["", "quote \" backslash \\ slash /", "\n\r\t\b\f", "\u0000\u0001\u001f\u007f", "é 中文 العربية",
    "emoji 🦀 👩‍👩‍👧", "\u2028\u2029", "</script><!-- ${template} `backtick`", "\ufeff\ufffd\u{10ffff}"],
  letter: "🦀",
  keyed: { ключ: "значение", 'quote"key': "v", "\u0000": "nul key" },
};

export const cases: readonly Case[] = [
  { name: "external unit", call: (api) => api.external("unit") },
  { name: "external struct with null", call: (api) => api.external({ struct: { count: 3, label: null } }) },
  {
    name: "external renamed fields",
    call: (api) => api.external({ fieldsRenamed: { FIRST_FIELD: 65535, SECOND_FIELD: false } }),
  },
  { name: "external renamed variant", call: (api) => api.external("renamed-variant") },
  { name: "external blob from a Buffer", call: (api) => api.external({ blob: Buffer.from("hi") }) },
  {
    name: "external blob struct",
    call: (api) => api.external({ blobStruct: { data: view(10, 3), more: [new Uint8Array(0), Uint8Array.of(7)] } }),
  },
  { name: "external blob tuple", call: (api) => api.external({ blobTuple: [bytes(5, 2), 9] }) },
  { name: "external nested tuple", call: (api) => api.external({ nested: { nested: { tuple: [-1, 2.5] } } }) },
  { name: "external untagged fallback", call: (api) => api.external("anything else") },
  {
    name: "internal struct",
    call: (api) => api.internal({ type: "struct", someField: 1, blob: bytes(1, 2), maybeBlob: null }),
  },
  { name: "internal newtype", call: (api) => api.internal({ type: "newtype", xPos: 1, yPos: 2 }) },
  { name: "internal blob newtype", call: (api) => api.internal({ type: "blob_newtype", index: 3, data: view(9, 2) }) },
  { name: "internal renamed", call: (api) => api.internal({ type: "Renamed-Variant", innerValue: 5 }) },
  { name: "adjacent unit", call: (api) => api.adjacent({ t: "unit" }) },
  { name: "adjacent tuple", call: (api) => api.adjacent({ t: "tuple", c: [1, "x"] }) },
  { name: "adjacent blob", call: (api) => api.adjacent({ t: "blob", c: bytes(90, 3) }) },
  { name: "adjacent blob tuple", call: (api) => api.adjacent({ t: "blob-tuple", c: [bytes(1, 1), bytes(2, 2)] }) },
  {
    name: "adjacent blob struct",
    call: (api) => api.adjacent({ t: "blob-struct", c: { data: bytes(4, 4), list: [bytes(8, 1), new Uint8Array()] } }),
  },
  { name: "untagged record", call: (api) => api.untagged({ id: 1, name: "record" }) },
  { name: "untagged number", call: (api) => api.untagged(-12.75) },
  { name: "untagged pair", call: (api) => api.untagged([2, "pair"]) },
  { name: "untagged with blob", call: (api) => api.untagged({ id: 2, blob: bytes(60, 3) }) },
  { name: "untagged named blob", call: (api) => api.untagged({ name: "named", blob: bytes(65, 2) }) },
  { name: "untagged raw", call: (api) => api.untagged(bytes(70, 2)) },
  { name: "untagged nothing", call: (api) => api.untagged(null) },
  {
    name: "flattened square",
    call: (api) =>
      api.flattened({
        recordId: 1,
        trailingNote: "after",
        createdBy: "ada",
        tags: ["a", "b"],
        attachment: bytes(100, 3),
        shape: "square",
        side: 2,
        blob: bytes(110, 1),
      }),
  },
  {
    name: "flattened dot",
    call: (api) =>
      api.flattened({ recordId: 3, trailingNote: "", createdBy: "", tags: [], attachment: null, shape: "dot" }),
  },
  {
    name: "renamed",
    call: (api) =>
      api.renamed(
        { FIRST_VALUE: 1, "with space": "spaced", $dollar: true, "ünï-cödé": "FIRST-CHOICE", "123": ["third"] },
        { "multi-word-name": "kebab", "another-one": 2 },
        "SECOND-CHOICE",
      ),
  },
  { name: "optionals minimal", call: (api) => api.optionals(optionalsMinimal) },
  { name: "optionals full", call: (api) => api.optionals(optionalsFull) },
  { name: "maps", call: (api) => api.maps(maps) },
  { name: "sequences", call: (api) => api.sequences(sequences) },
  {
    name: "pages",
    call: (api) =>
      api.pages({ items: ["a"], next: 2 }, { items: [{ xPos: 0, yPos: 1 }], next: null }, { items: [bytes(9, 2)], next: 0 }),
  },
  {
    name: "recursive",
    call: (api) =>
      api.recursive(tree, {
        $op: "add",
        left: { $op: "num", value: 1 },
        right: { $op: "neg", of: { $op: "num", value: 2.5 } },
      }),
  },
  {
    name: "pointers",
    call: (api) =>
      api.pointers({
        boxed: { xPos: 4, yPos: 5 },
        shared: "shared",
        sharedList: [{ xPos: 1, yPos: 0 }],
        cow: "cow",
        boxedSlice: [1, 2, 3],
        boxedBlob: bytes(1, 2),
        sharedBlob: view(3, 2),
      }),
  },
  {
    name: "newtypes",
    call: (api) =>
      api.newtypes(null, 1.5, "label", [1, "one"], {
        marker: null,
        meters: -3,
        label: "",
        wrapped: { xPos: 1, yPos: 2 },
        blob: bytes(5, 3),
        pair: [0, ""],
      }),
  },
  { name: "extras", call: (api) => api.extras(extras) },
  { name: "blobs", call: (api) => api.blobs(blobs) },
  { name: "numbers", call: (api) => api.numbers(numbers) },
  { name: "strings", call: (api) => api.strings(strings) },
  { name: "reject with bytes", call: (api) => api.reject({ CORRUPT: bytes(0xf0, 4) }) },
  { name: "reject unit variant", call: (api) => api.reject("UNKNOWN") },
  { name: "check failing with a blob", call: (api) => api.check({ name: "n", blob: bytes(1, 1) }, true) },
  { name: "refuse", call: (api) => api.refuse("no") },
  { name: "publish", call: (api) => api.publish(tree, blobs, { blobStruct: { data: bytes(1, 1), more: [] } }) },
  // `number` and `string` admit values Rust cannot take: each is refused, never decoded as something else.
  { name: "a fraction for an integer is refused", call: (api) => api.pages({ items: [], next: 1.5 }, { items: [], next: null }, { items: [], next: null }) },
  { name: "a lone surrogate is refused", call: (api) => api.refuse("\ud800") },
];

/**
 * Values JSON cannot carry: `JSON.stringify` writes NaN and the infinities as `null`, which a Rust `Option` or
 * an untagged unit variant would accept as something else. The bridge refuses them before posting anything.
 */
export const unencodable: readonly Case[] = [
  { name: "NaN in a number", call: (api) => api.numbers({ ...numbers, negative_zero: Number.NaN }) },
  { name: "infinity in an untagged enum", call: (api) => api.untagged(Number.POSITIVE_INFINITY) },
  { name: "NaN in an Option", call: (api) => api.maps({ ...maps, bySmall: { 0: Number.NaN } }) },
  { name: "negative infinity in a send", call: (api) => api.publish(tree, blobs, { tuple: [1, Number.NEGATIVE_INFINITY] }) },
];
