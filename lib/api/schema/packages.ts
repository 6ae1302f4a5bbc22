// Every Mesos v1 package mesos-ts speaks, in the order they are declared. Types resolve after
// every file is read, so the order is only for readability.

import type { PackageDecl } from './dsl.ts';
import mesos from './mesos.ts';
import mesosRuntime from './mesos-runtime.ts';
import quota from './quota.ts';
import maintenance from './maintenance.ts';
import allocator from './allocator.ts';
import scheduler from './scheduler.ts';
import executor from './executor.ts';
import master from './master.ts';
import agent from './agent.ts';
import googleProtobuf from './google-protobuf.ts';
import link from './link.ts';

export const PACKAGES: readonly PackageDecl[] = [
  mesos, mesosRuntime, quota, maintenance, allocator, scheduler, executor, master, agent,
  googleProtobuf, link,
];
