// typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 (the project's compiler,
// a native binary) no longer ships. In the ESLint process only, `typescript` resolves to
// TypeScript 6's API package (@typescript/typescript6), the side-by-side setup TypeScript 7's
// release notes describe; `tsc` and `next build` keep using TypeScript 7.
import Module from "node:module";

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === "typescript" ? "@typescript/typescript6" : request, ...rest);
};
