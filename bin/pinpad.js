#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step after npm install).
import { register } from 'tsx/esm/api';

register();
await import('../native/cli/pinpad-main.ts');
