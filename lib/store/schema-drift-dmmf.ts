import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// Prisma's own schema parser, read from the wasm module the prisma CLI ships (build/
// prisma_schema_build_bg.wasm), so the drift test sees the schema exactly as `prisma generate` and
// Migrate do. The CLI bundles its wasm-bindgen glue without exporting it; this is the same glue,
// cut to what get_dmmf needs. Its import names carry a build hash, so they are matched by prefix:
// a prisma upgrade that changes them fails here, loudly, and not in a silent wrong comparison.

export type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
  default?: string | number | boolean | (string | number | boolean)[] | { name: string; args: (string | number)[] };
};
export type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
export type DmmfIndex = {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc"; operatorClass?: string }[];
};
export type DmmfEnum = { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] };
export type Dmmf = { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };

type WasmExports = {
  memory: WebAssembly.Memory;
  __wbindgen_start(): void;
  __wbindgen_malloc(len: number, align: number): number;
  __wbindgen_free(ptr: number, len: number, align: number): void;
  __wbindgen_externrefs: WebAssembly.Table;
  __externref_table_dealloc(idx: number): void;
  get_dmmf(ptr: number, len: number): [number, number, number, number];
};

let wasm: WasmExports | undefined;

function load(): WasmExports {
  if (wasm) return wasm;
  const cli = createRequire(import.meta.url).resolve("prisma/package.json");
  const mod = new WebAssembly.Module(readFileSync(path.join(path.dirname(cli), "build/prisma_schema_build_bg.wasm")));
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const text = (ptr: number, len: number) => decoder.decode(new Uint8Array(w().memory.buffer, ptr >>> 0, len));
  const w = () => wasm as WasmExports;
  const imports: Record<string, Record<string, (...a: number[]) => unknown>> = {};
  for (const { module, name } of WebAssembly.Module.imports(mod)) {
    let fn: (...a: number[]) => unknown;
    if (name.startsWith("__wbg_Error_")) fn = (p, l) => new Error(text(p, l));
    else if (name.startsWith("__wbg___wbindgen_throw_"))
      fn = (p, l) => {
        throw new Error(text(p, l));
      };
    else if (name.startsWith("__wbg_set_message_"))
      fn = (p, l) => {
        panicMessage = text(p, l);
      };
    else if (name === "__wbindgen_init_externref_table") {
      fn = () => {
        const table = w().__wbindgen_externrefs;
        const at = table.grow(4);
        table.set(0, undefined);
        [undefined, null, true, false].forEach((v, i) => table.set(at + i, v));
      };
    } else throw new Error(`prisma's schema wasm wants an import this loader does not know: ${module}.${name}`);
    (imports[module] ??= {})[name] = fn;
  }
  const instance = new WebAssembly.Instance(mod, imports).exports as unknown as WasmExports;
  wasm = instance;
  instance.__wbindgen_start();
  return instance;
}

let panicMessage = "";

/** The DMMF datamodel of a schema, or Prisma's own validation error for it. */
export function getDmmf(schema: string): Dmmf {
  const w = load();
  const bytes = new TextEncoder().encode(JSON.stringify({ prismaSchema: [["schema.prisma", schema]], noColor: true }));
  const ptr = w.__wbindgen_malloc(bytes.length, 1) >>> 0;
  new Uint8Array(w.memory.buffer).set(bytes, ptr);
  let out: [number, number, number, number];
  try {
    out = w.get_dmmf(ptr, bytes.length);
  } catch (err) {
    throw new Error(`prisma's schema parser panicked: ${panicMessage || String(err)}`);
  }
  if (out[3]) {
    const err = w.__wbindgen_externrefs.get(out[2]);
    w.__externref_table_dealloc(out[2]);
    const text = err instanceof Error ? err.message : String(err);
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not Prisma's JSON error: keep it as it came
    }
    throw new Error(`schema.prisma does not parse: ${message}`);
  }
  try {
    return (JSON.parse(new TextDecoder().decode(new Uint8Array(w.memory.buffer, out[0] >>> 0, out[1]))) as { datamodel: Dmmf }).datamodel;
  } finally {
    w.__wbindgen_free(out[0], out[1], 1);
  }
}
