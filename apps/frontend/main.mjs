#!/usr/bin/env node
// The dashboard. TypeScript runs through tsx, without a compile step.
import { register } from 'tsx/esm/api';

register();
await import('./src/main.ts');
