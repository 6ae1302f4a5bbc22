#!/usr/bin/env node
// Runs cli/mesos-master.ts from source through tsx's loader: no build step between a checkout and a working bin.
import { register } from 'tsx/esm/api';

register();
await import('../mesos-master.ts');
