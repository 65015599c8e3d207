import { describe, expect, it } from "vitest";
import { advisoryObjectKey, decodeAdvisoryKey, encodeBigintKey, encodeInt4PairKey } from "./advisory-key";

describe("advisory key decoding", () => {
  it("rebuilds a bigint key from its high and low halves, sign included", () => {
    for (const k of [0n, 1n, 42n, 2n ** 32n, 2n ** 40n + 7n, -1n, -(2n ** 63n), 2n ** 63n - 1n, -123456789012345n]) {
      const { classid, objid, objsubid } = encodeBigintKey(k);
      expect(classid).toBeLessThanOrEqual(0xffffffff);
      expect(decodeAdvisoryKey(classid, objid, objsubid)).toMatchObject({ form: "bigint", key: k.toString() });
    }
  });

  it("keeps the two int4 keys apart and signed", () => {
    expect(decodeAdvisoryKey(...(Object.values(encodeInt4PairKey(7, -3)) as [number, number, number]))).toEqual({
      form: "int4pair",
      key1: 7,
      key2: -3,
      label: "(7, -3)",
    });
    expect(decodeAdvisoryKey(4294967295, 2147483648, 2)).toMatchObject({ key1: -1, key2: -2147483648 });
  });

  it("names one lock object per database", () => {
    expect(advisoryObjectKey(5, 0, 42, 1)).toBe("advisory:5:0:42:1");
  });
});
