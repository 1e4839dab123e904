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
    // only two pure leaves (the pin-pad error codes, part of the one code table, and the money formatter)
    // and, as types only, the driver's result status and the settlement totals (declared there once).
    files: ['electron/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(electron|ws|node:.*|fs|path|child_process|net|better-sqlite3|serialport)$', message: 'the contract runs in the browser too' },
            { group: ['../service/*', '../ipc/*', '../bridge/*', '../main*', '../preload*'], message: 'the contract imports nothing of the main side' },
            {
              regex: '/native/(?!inpas/(errors|money|result|settlement-totals)\\.js$)',
              message: 'of native, the contract takes only the pure leaves: error codes and the money formatter (and types of the result and the totals)',
            },
            {
              regex: '/native/inpas/(result|settlement-totals)\\.js$',
              allowTypeImports: true,
              message: "of the driver's result and the settlement totals the contract takes types only",
            },
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
  ...[
    { files: ['electron/bridge/**/*.ts'], ignores: [], own: [{ group: ['../app-scheme*'], message: 'the bridge and the app scheme share electron/web-content.ts, not each other' }] },
    {
      // The service rooms (docs/architecture.md). SQL lives in journal/; of the rest only the PIN guard keeps its own table.
      files: ['electron/service/**/*.ts'],
      ignores: ['electron/service/journal/**', 'electron/service/access/pin-guard.ts'],
      own: [
        { group: ['**/ipc/*', '**/bridge/*'], message: 'the bindings take the service, not the other way round' },
        { regex: '^better-sqlite3$', message: 'SQL lives in service/journal/ (and the PIN guard\'s own table): ask the journal' },
      ],
    },
    {
      files: ['electron/service/journal/**/*.ts', 'electron/service/access/pin-guard.ts'],
      ignores: [],
      own: [{ group: ['**/ipc/*', '**/bridge/*'], message: 'the bindings take the service, not the other way round' }],
    },
  ].map(({ files, ignores, own }) => ({
    // The service and the bridge run in plain Node too; the service is taken by the bindings, never the reverse.
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the service and the bridge run in plain Node too' }],
          patterns: [
            { group: ['**/native/cli/**'], message: 'the main side does not use the CLI; shared code lives in native/inpas or native/emulator' },
            { group: ['**/renderer/**'], message: 'the main side does not import the renderer' },
            ...own,
          ],
        },
      ],
    },
  })),
  {
    // Outside journal/ nothing runs a statement on the journal's database handle.
    files: ['electron/service/**/*.ts'],
    ignores: ['electron/service/journal/**', 'electron/service/access/pin-guard.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(prepare|exec|pragma|transaction)$/][callee.object.property.name='db']",
          message: 'SQL lives in service/journal/: add a query there',
        },
      ],
    },
  },
  {
    // The Electron shell's app:// scheme and the content module it shares with the bridge.
    files: ['electron/app-scheme.ts', 'electron/web-content.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/bridge/**', './bridge/*'], message: 'the bridge and the app scheme share electron/web-content.ts, not each other' },
            { group: ['**/native/cli/**'], message: 'the main side does not use the CLI' },
            { group: ['**/renderer/**'], message: 'the main side does not import the renderer' },
          ],
        },
      ],
    },
  },
  {
    // native/ is the pin-pad world: it never reaches up into electron or react.
    files: ['native/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'react', 'react-*', '**/electron/**', '**/renderer/**'] }],
    },
  },
  {
    // Only the command-line tools' own entry points import native/cli.
    files: ['native/inpas/**/*.ts', 'native/emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['electron', 'react', 'react-*', '**/electron/**', '**/renderer/**', '../cli/*'] }],
    },
  },
  {
    // The transport moves bytes and knows nothing of the pin pad: inpas/ wraps its errors, never the reverse.
    files: ['native/transport/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'react', 'react-*', '**/electron/**', '**/renderer/**', '../cli/*'], message: 'native/ is the pin-pad world' },
            { group: ['../inpas/*', '../emulator/*'], message: 'the transport knows nothing of the pin pad: its errors are in transport/errors.ts' },
          ],
        },
      ],
    },
  },
);
