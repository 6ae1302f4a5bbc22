#!/usr/bin/env node
// Runs cli/mesosctl.ts from source through tsx's loader: no build step between a checkout and a working bin.
import { register } from 'tsx/esm/api';

register();
await import('../mesosctl.ts');
