// A DuckDB result chunk's columns as typed-array views over DuckDB's own vector memory: reading a column
// of 2,048 numbers is one view, not 2,048 getItem calls (each boxing a value and testing a validity bit).
// The views are valid until the next chunk is fetched. NULLs are refused: the SQL coalesces them.
import duckdb from "@duckdb/node-bindings";
import type { DuckDBDataChunk, DuckDBType } from "@duckdb/node-api";
import { DuckDBTypeId } from "@duckdb/node-api";

function columnData(chunk: DuckDBDataChunk, column: number, bytesPerValue: number): Uint8Array {
  const count = chunk.rowCount;
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  // Null validity: every row valid. Otherwise every one of the `count` bits must be set.
  const validity = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
  if (validity) {
    for (let row = 0; row < count; row++) {
      if ((validity[row >> 3]! & (1 << (row & 7))) === 0) {
        throw new Error(
          `column ${column} of the result has a NULL at row ${row} of a chunk; the SQL must coalesce it`,
        );
      }
    }
  }
  return duckdb.vector_get_data(vector, count * bytesPerValue);
}

function checkType(type: DuckDBType, expected: DuckDBTypeId, column: number): void {
  if (type.typeId !== expected) {
    throw new Error(
      `column ${column} of the result is ${type.toString()}, expected ${DuckDBTypeId[expected]}`,
    );
  }
}

/** Column `column` (FLOAT, i.e. SQL `real`) of the chunk as a Float32Array view. */
export function floatColumn(chunk: DuckDBDataChunk, column: number, type: DuckDBType): Float32Array {
  checkType(type, DuckDBTypeId.FLOAT, column);
  const data = columnData(chunk, column, 4);
  return new Float32Array(data.buffer, data.byteOffset, chunk.rowCount);
}

/** Column `column` (INTEGER) of the chunk as an Int32Array view. */
export function integerColumn(chunk: DuckDBDataChunk, column: number, type: DuckDBType): Int32Array {
  checkType(type, DuckDBTypeId.INTEGER, column);
  const data = columnData(chunk, column, 4);
  return new Int32Array(data.buffer, data.byteOffset, chunk.rowCount);
}
