// `await using client = …` needs a `[Symbol.asyncDispose]()` method, but the symbol's type is only in the
// "esnext.disposable" lib and the symbol itself only in recent platforms (Node 20, Chrome 134, …). The member is
// typed where the compilation's lib declares the symbol and left out of the type elsewhere, so the runtime compiles
// with any lib; at run time it is defined only where the platform has the symbol.

type AsyncDisposeSymbol = SymbolConstructor extends { readonly asyncDispose: infer S extends symbol } ? S : never;

/** `[Symbol.asyncDispose]()`, where the compilation's lib has `Symbol.asyncDispose`: a client closes at the end of its `await using` scope. */
export type AsyncDisposableWhereSupported = { readonly [K in AsyncDisposeSymbol]: () => Promise<void> };

/** Defines `[Symbol.asyncDispose]()` on a class's prototype as its `close()`, where the platform has the symbol. */
export function disposeByClosing(prototype: { close(): void }): void {
  const symbol = (Symbol as { readonly asyncDispose?: unknown }).asyncDispose;
  if (typeof symbol !== "symbol") {
    return;
  }
  Object.defineProperty(prototype, symbol, {
    value: function (this: { close(): void }): Promise<void> {
      this.close();
      return Promise.resolve();
    },
    writable: true,
    configurable: true,
  });
}
