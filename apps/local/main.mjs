#!/usr/bin/env node
// `npm start`: face, auth and the dashboard on this machine. TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
