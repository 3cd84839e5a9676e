/**
 * A minimal Parquet writer for tests (no pure-JS writer is installed; hyparquet only reads): one row
 * group, REQUIRED columns of UTF-8 strings (BYTE_ARRAY) or INT64, PLAIN encoding, uncompressed, one data
 * page per column, metadata in Thrift compact protocol — as laid out in the Apache Parquet format spec
 * (parquet.thrift: FileMetaData, SchemaElement, RowGroup, ColumnChunk, ColumnMetaData, PageHeader).
 */

type Field = [id: number, type: number, value: Uint8Array | number | bigint | Field[] | { list: number; items: (Uint8Array | number | Field[])[] }];

const T = { I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const zigzag = (n: bigint): bigint => (n << 1n) ^ (n < 0n ? -1n : 0n);

function writeValue(type: number, v: Field[2], out: number[]): void {
  if (type === T.I32 || type === T.I64) out.push(...varint(zigzag(BigInt(v as number | bigint))));
  else if (type === T.BINARY) {
    const b = v as Uint8Array;
    out.push(...varint(BigInt(b.length)), ...b);
  } else if (type === T.STRUCT) writeStruct(v as Field[], out);
  else if (type === T.LIST) {
    const { list, items } = v as { list: number; items: (Uint8Array | number | Field[])[] };
    out.push(items.length < 15 ? (items.length << 4) | list : 0xf0 | list);
    if (items.length >= 15) out.push(...varint(BigInt(items.length)));
    for (const it of items) writeValue(list, it, out);
  }
}

function writeStruct(fields: Field[], out: number[]): void {
  let last = 0;
  for (const [id, type, value] of fields) {
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.push((delta << 4) | type);
    else out.push(type, ...varint(zigzag(BigInt(id))));
    writeValue(type, value, out);
    last = id;
  }
  out.push(0);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export type Column = { name: string; type: 'string'; values: string[] } | { name: string; type: 'int64'; values: number[] };

/** Bytes of a Parquet file holding the given columns (all the same length). */
export function writeParquet(columns: Column[]): Uint8Array {
  const numRows = columns[0]?.values.length ?? 0;
  const out: number[] = [...utf8('PAR1')];
  const chunks: Field[][] = [];
  for (const col of columns) {
    const data: number[] = [];
    if (col.type === 'string') {
      for (const s of col.values) {
        const b = utf8(s);
        data.push(b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, (b.length >>> 24) & 0xff, ...b);
      }
    } else {
      for (const n of col.values) {
        const buf = new DataView(new ArrayBuffer(8));
        buf.setBigInt64(0, BigInt(n), true);
        data.push(...new Uint8Array(buf.buffer));
      }
    }
    const header: number[] = [];
    writeStruct(
      [
        [1, T.I32, 0], // DATA_PAGE
        [2, T.I32, data.length],
        [3, T.I32, data.length],
        [5, T.STRUCT, [[1, T.I32, col.values.length], [2, T.I32, 0], [3, T.I32, 3], [4, T.I32, 3]]],
      ],
      header,
    );
    const offset = out.length;
    out.push(...header, ...data);
    const size = header.length + data.length;
    const ptype = col.type === 'string' ? 6 : 2; // BYTE_ARRAY : INT64
    chunks.push([
      [2, T.I64, BigInt(offset)],
      [3, T.STRUCT, [
        [1, T.I32, ptype],
        [2, T.LIST, { list: T.I32, items: [0] }],
        [3, T.LIST, { list: T.BINARY, items: [utf8(col.name)] }],
        [4, T.I32, 0], // UNCOMPRESSED
        [5, T.I64, BigInt(col.values.length)],
        [6, T.I64, BigInt(size)],
        [7, T.I64, BigInt(size)],
        [9, T.I64, BigInt(offset)],
      ]],
    ]);
  }
  const schema: Field[][] = [[[4, T.BINARY, utf8('schema')], [5, T.I32, columns.length]]];
  for (const col of columns) {
    const el: Field[] = [[1, T.I32, col.type === 'string' ? 6 : 2], [3, T.I32, 0], [4, T.BINARY, utf8(col.name)]];
    if (col.type === 'string') el.push([6, T.I32, 0]); // converted_type UTF8
    schema.push(el);
  }
  const meta: number[] = [];
  writeStruct(
    [
      [1, T.I32, 1],
      [2, T.LIST, { list: T.STRUCT, items: schema }],
      [3, T.I64, BigInt(numRows)],
      [4, T.LIST, { list: T.STRUCT, items: [[[1, T.LIST, { list: T.STRUCT, items: chunks }], [2, T.I64, BigInt(out.length - 4)], [3, T.I64, BigInt(numRows)]]] }],
    ],
    meta,
  );
  out.push(...meta, meta.length & 0xff, (meta.length >> 8) & 0xff, (meta.length >> 16) & 0xff, (meta.length >>> 24) & 0xff, ...utf8('PAR1'));
  return Uint8Array.from(out);
}
