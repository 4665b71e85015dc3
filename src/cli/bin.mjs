#!/usr/bin/env node
// The CLI is TypeScript; tsx runs it without a compile step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
