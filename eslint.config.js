// @ts-check
// Lint rules, and the import rules of the house: which folder may import which (docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/', 'test-output/', 'renderer/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The renderer talks only through the contract: no Node, no electron, no pin-pad code, nothing of the
    // main side — not even types (runtime constants it needs live in the contract).
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(electron|ws|node:.*|fs|path|child_process|net)$', message: 'the renderer talks only through the contract' },
            { group: ['**/native/**'], message: 'the renderer talks only through the contract' },
            {
              group: ['**/electron/service/**', '**/electron/ipc/**', '**/electron/bridge/**', '**/electron/main*', '**/electron/preload*'],
              message: 'the renderer imports only electron/contract',
            },
          ],
        },
      ],
    },
  },
  {
    // The contract is shared with the renderer: it imports neither the main side nor Node, and of native
    // only the pin-pad error leaf (its codes are part of the one code table).
    files: ['electron/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(electron|ws|node:.*|fs|path|child_process|net|better-sqlite3|serialport)$', message: 'the contract runs in the browser too' },
            { group: ['../service/*', '../ipc/*', '../bridge/*', '../main*', '../preload*'], message: 'the contract imports nothing of the main side' },
            { regex: '/native/(?!inpas/errors\\.js$)', message: 'of native, the contract takes only the error-code leaf' },
            { group: ['**/renderer/**'], message: 'the contract imports nothing of the renderer' },
          ],
        },
      ],
    },
  },
  {
    // The main side never reaches into the command-line tools; only main.ts, preload.ts and ipc/ import electron.
    files: ['electron/**/*.ts'],
    ignores: ['electron/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/native/cli/**'], message: 'the main side does not use the CLI; shared code lives in native/inpas or native/emulator' },
            { group: ['**/renderer/**'], message: 'the main side does not import the renderer' },
          ],
        },
      ],
    },
  },
  ...['electron/service', 'electron/bridge'].map((dir) => ({
    // The service and the bridge run in plain Node too; the service is taken by the bindings, never the reverse.
    files: [`${dir}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the service and the bridge run in plain Node too' }],
          patterns: [
            { group: ['**/native/cli/**'], message: 'the main side does not use the CLI; shared code lives in native/inpas or native/emulator' },
            { group: ['**/renderer/**'], message: 'the main side does not import the renderer' },
            ...(dir === 'electron/service' ? [{ group: ['../ipc/*', '../bridge/*'], message: 'the bindings take the service, not the other way round' }] : []),
          ],
        },
      ],
    },
  })),
  {
    // native/ is the pin-pad world: it never reaches up into electron or react.
    files: ['native/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'react', 'react-*', '**/electron/**', '**/renderer/**'] }],
    },
  },
  {
    // Only the command-line tools' own entry points import native/cli.
    files: ['native/inpas/**/*.ts', 'native/transport/**/*.ts', 'native/emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'react', 'react-*', '**/electron/**', '**/renderer/**', '../cli/*'] }],
    },
  },
);
