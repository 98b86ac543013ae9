// ESLint: JavaScript's and typescript-eslint's recommended rules, Prettier's layout (its
// config turns off the rules Prettier decides), and a width no line may pass: Prettier
// wraps code at 140 columns; strings it can't wrap must still end by column 160.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '__tests__/fixtures/', '__tests__/golden/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'max-len': ['error', { code: 160 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  }
)
