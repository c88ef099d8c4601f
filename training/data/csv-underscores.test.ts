import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../test-support/fixtures";
import { fieldsHoldUnderscore } from "./csv-underscores";

function csv(text: string): string {
  const path = join(tempDir(), "cells.csv");
  writeFileSync(path, text);
  return path;
}

describe("finding '_' in CSV fields", () => {
  it("looks only at the data cells of the given fields, not at the header or other fields", () => {
    const file = csv('"user_id","time_spent_sec"\n"user_1","10"\n"user_2","1_000"\n');
    assert.equal(fieldsHoldUnderscore(file, [1]), true);
    assert.equal(fieldsHoldUnderscore(csv('"user_id","time_spent_sec"\n"user_1","10"\n'), [1]), false);
    assert.equal(fieldsHoldUnderscore(csv('"user_id","time_spent_sec"\n"user_1","10"\n'), [0]), true);
    assert.equal(fieldsHoldUnderscore(file, []), false);
  });

  it("keeps a quoted comma, newline or doubled quote in its cell, and reads unquoted cells", () => {
    assert.equal(fieldsHoldUnderscore(csv('a,b,c\n"x,_y",1,2\n'), [1, 2]), false);
    assert.equal(fieldsHoldUnderscore(csv('a,b,c\n"x\n_y",1,2\n'), [1, 2]), false);
    assert.equal(fieldsHoldUnderscore(csv('a,b,c\n"x""_y",1,2\n'), [1, 2]), false);
    assert.equal(fieldsHoldUnderscore(csv("a,b,c\r\nx,1,2\r\ny,3,4_0"), [2]), true);
    assert.equal(fieldsHoldUnderscore(csv('a,b,c\n"x,y",1_0,2\n'), [1]), true);
  });
});
