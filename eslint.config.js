// @ts-check
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
    // The renderer talks only through the contract: no Node, no electron, no pin-pad code, service types only.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(electron|node:.*|fs|path|child_process|net)$', message: 'the renderer talks only through the contract' },
            { group: ['**/native/**'], message: 'the renderer talks only through the contract' },
            { group: ['**/electron/service/*'], allowTypeImports: true, message: 'types only from the service' },
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
);
