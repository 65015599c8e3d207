import "./scripts/lint/typescript6-for-eslint.mjs";
import next from "eslint-config-next";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  { ignores: [".next/**", "node_modules/**", "lib/store/generated/**", "test-results/**", "playwright-report/**", ".lockboard/**", "next-env.d.ts"] },
  ...next,
  ...nextTypescript,
  {
    rules: {
      // `_name` marks a value left out on purpose (a field dropped by a rest spread, an unused callback argument).
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
];

export default config;
