import { describe, expect, it } from "vitest";
import { argsOf, parsePrintf, printfToRegexSource, renderPrintf } from "./printf-pattern";

const reOf = (f: string) => new RegExp(`^${printfToRegexSource(f)!.source}`);

describe("printf formats as expressions", () => {
  it("captures each conversion and escapes the literal text", () => {
    const re = reOf("process %d still waiting for %s on %s after %ld.%03d ms");
    const m = re.exec("process 12 still waiting for ShareLock on transaction 7 after 1000.051 ms")!;
    expect(m.slice(1)).toEqual(["12", "ShareLock", "transaction 7", "1000", "051"]);
    // Regex operators in a translation are text, not operators.
    expect(reOf("a (b) [c] $d^ *%s+ ?|").test("a (b) [c] $d^ *x+ ?|")).toBe(true);
    expect(reOf("a.b").test("axb")).toBe(false);
    expect(reOf("100%% of %s").exec("100% of it")![1]).toBe("it");
  });

  it("keeps positional arguments in the msgid's order", () => {
    const zh = "进程 %1$d 等待 %4$ld.%5$03d 毫秒后，仍在等待 %3$s 上的 %2$s";
    const { argOrder } = printfToRegexSource(zh)!;
    expect(argOrder).toEqual([1, 4, 5, 3, 2]);
    const m = reOf(zh).exec("进程 7 等待 1000.123 毫秒后，仍在等待 事务 5 上的 ShareLock")!;
    const args: string[] = [];
    argOrder.forEach((a, i) => (args[a - 1] = m[i + 1]));
    expect(renderPrintf("process %d still waiting for %s on %s after %ld.%03d ms", args)).toBe(
      "process 7 still waiting for ShareLock on 事务 5 after 1000.123 ms",
    );
    expect(argsOf(zh)).toEqual(argsOf("process %d still waiting for %s on %s after %ld.%03d ms"));
  });

  it("tells a translation that drops or changes an argument", () => {
    expect(argsOf("Ключ %s уже существует.")).toEqual(argsOf("Key %s already exists."));
    expect(argsOf("процесс %s")).not.toEqual(argsOf("process %d"));
    expect(argsOf("no args")).not.toEqual(argsOf("one %s"));
    expect(parsePrintf("bad %y directive")).toBeNull();
  });
});
